"""The "ignore this finding" quick fix is built lazily: publishing diagnostics never
tokenises the document, and all the code actions asked for one version share one
tokenisation (a 300-resource template used to be re-tokenised once per finding)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from helpers import REPO, lint, write_project
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from samples import HANDLER
from test_lsp import capabilities, recording_client, replace_all, start, until, uri

from invokelint.quickfix import ignore_edit

pytestmark = pytest.mark.asyncio

PAIRS = 150  # a queue and its consumer each: 300 resources, findings on every pair

# The server, with the quick fix's YAML tokeniser counting its calls into a file.
COUNTING_SERVER = """\
import os, yaml
from invokelint import lsp
scan = yaml.scan
def counting(*args, **kwargs):
    with open(os.environ["INVOKELINT_SCAN_COUNT"], "a") as count:
        count.write("scan\\n")
    return scan(*args, **kwargs)
yaml.scan = counting
lsp.serve()
"""


def large_template(pairs: int = PAIRS) -> str:
    parts = ["Transform: AWS::Serverless-2016-10-31\nResources:\n"]
    for i in range(pairs):
        parts.append(
            f"  Orders{i}:\n"
            f"    Type: AWS::SQS::Queue\n"
            f"  Worker{i}:\n"
            f"    Type: AWS::Serverless::Function\n"
            f"    Properties:\n"
            f"      Handler: app.handler\n"
            f"      Runtime: python3.12\n"
            f"      CodeUri: src/\n"
            f"      Timeout: 60\n"
            f"      Events:\n"
            f"        Orders:\n"
            f"          Type: SQS\n"
            f"          Properties:\n"
            f"            Queue: !GetAtt Orders{i}.Arn\n"
        )
    return "".join(parts)


def scans(project: Path) -> int:
    count = project.parent / "scans.txt"
    return len(count.read_text().splitlines()) if count.exists() else 0


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "project", {"template.yaml": large_template(), "src/app.py": HANDLER}
    )


def config(project_path: Path) -> ClientServerConfig:
    return ClientServerConfig(
        server_command=[sys.executable, "-c", COUNTING_SERVER],
        server_env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "INVOKELINT_SCAN_COUNT": str(project_path.parent / "scans.txt"),
        },
        client_factory=recording_client,
    )


async def session(client: LanguageClient, project: Path, name: str) -> None:
    await start(client, project, capabilities(name), {"debounce": 0})


async def edit_and_fix_all(client: LanguageClient, project: Path) -> list[types.TextEdit]:
    """Open the template, edit it, wait for the edit's diagnostics, then ask for (and
    resolve, where the client can) the quick fix of every finding, one request each."""
    template = uri(project, "template.yaml")
    text = (project / "template.yaml").read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=template, language_id="yaml", version=1, text=text
            )
        )
    )
    edited = text.replace("Resources:\n", "Description: edited\nResources:\n")
    await until(lambda: any(p.version == 1 for p in client.published), "the first publish")
    replace_all(client, template, 2, edited)
    await until(lambda: any(p.version == 2 for p in client.published), "the edit's publish")
    diagnostics = client.diagnostics[template]
    assert len(diagnostics) >= 2 * PAIRS
    edits = []
    for diagnostic in diagnostics:
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=template),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        [action] = [a for a in actions if a.title.startswith("Ignore")]  # beside real fixes
        if action.edit is None:
            action = await client.code_action_resolve_async(action)
        [edit] = action.edit.changes[template]
        edits.append(edit)
    return edits


def expected_edits(project: Path) -> list[types.TextEdit]:
    """What ``ignore_edit`` builds for each finding of the edited text, in the order the
    server publishes them (by position)."""
    path = project / "template.yaml"
    edited = path.read_text().replace("Resources:\n", "Description: edited\nResources:\n")
    path.write_text(edited)
    findings = lint(path, cwd=project).diagnostics
    edits = []
    for finding in findings:
        edit = ignore_edit(finding, edited)
        assert edit is not None
        edits.append(
            types.TextEdit(
                range=types.Range(
                    start=types.Position(line=edit.line, character=edit.start),
                    end=types.Position(line=edit.line, character=edit.end),
                ),
                new_text=edit.text,
            )
        )
    return edits


@pytest.mark.parametrize("name", ["visual-studio-code@v1.65.2", "emacs@v29.1"])
async def test_an_edit_of_300_resources_is_tokenised_at_most_once(project, name):
    """VS Code resolves the edit of the action it picked; Eglot gets it in the action."""
    client = await config(project).start()  # the count file is the test's own
    try:
        await session(client, project, name)
        edits = await edit_and_fix_all(client, project)
        assert scans(project) <= 1  # publishing: none; every code action: one, shared
    finally:
        await client.shutdown_session()
        await client.stop()
    assert sorted(edits, key=_key) == sorted(expected_edits(project), key=_key)


def _key(edit: types.TextEdit) -> tuple[int, int, str]:
    return edit.range.start.line, edit.range.start.character, edit.new_text
