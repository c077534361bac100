"""The language server, driven over stdio by pytest-lsp as an editor would drive it.

Client capabilities come from recorded real clients (VS Code 1.65 pushes, Neovim 0.11
pulls and counts positions in UTF-8, Emacs 29 counts code points), so the server is
tested against what those editors announce, not against a mock.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import pytest_lsp
from helpers import REPO, lint, write_project
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from samples import HANDLER, SAM_QUEUE, SAM_QUEUE_FIXED, SAM_QUEUE_LINE

from invokelint.rules import get_rule

pytestmark = pytest.mark.asyncio

QUEUE_LINE = SAM_QUEUE_LINE - 1  # 0-based, where IL102 and IL103 are reported
BOTH = frozenset({"IL102", "IL103"})


def recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics in order."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    features = {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish}
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "invokelint", "lsp"],
    server_env={**os.environ, "PYTHONPATH": str(REPO)},
    client_factory=recording_client,
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "my project",  # a space: uris are quoted, paths are not
        {"template.yaml": SAM_QUEUE, "src/app.py": HANDLER, "other/template.yaml": SAM_QUEUE},
    )


def capabilities(name: str, *, refresh: bool = False) -> types.ClientCapabilities:
    caps = client_capabilities(name)
    if refresh:
        caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
            refresh_support=True
        )
    return caps


async def start(client: LanguageClient, project: Path, caps, options=None) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="project")],
            initialization_options=options,
        )
    )


@pytest_lsp.fixture(config=CONFIG)
async def vscode(lsp_client: LanguageClient, project: Path):
    """VS Code 1.65: diagnostics are pushed."""
    await start(lsp_client, project, capabilities("visual-studio-code@v1.65.2"), {"debounce": 0.1})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def vscode_selecting_il103(lsp_client: LanguageClient, project: Path):
    options = {"invokelint": {"select": ["IL103"], "debounce": 0.1}}
    await start(lsp_client, project, capabilities("visual-studio-code@v1.65.2"), options)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def neovim(lsp_client: LanguageClient, project: Path):
    """Neovim 0.11: diagnostics are pulled; positions count UTF-8 bytes."""
    caps = capabilities("neovim@v0.11.0", refresh=True)
    await start(lsp_client, project, caps, {"invokelint": {"debounce": 0.1}})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def emacs(lsp_client: LanguageClient, project: Path):
    """Emacs 29 (Eglot): diagnostics are pushed; positions count code points."""
    await start(lsp_client, project, capabilities("emacs@v29.1"), {"debounce": 0.1})
    yield
    await lsp_client.shutdown_session()


# ---------------------------------------------------------------------------- helpers


async def until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def codes(client: LanguageClient, uri: str) -> set[str]:
    return {str(d.code) for d in client.diagnostics.get(uri, [])}


def uri(project: Path, relative: str) -> str:
    return (project / relative).as_uri()


def open_file(client: LanguageClient, project: Path, relative: str, text: str | None = None):
    path = project / relative
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(),
                language_id="python" if path.suffix == ".py" else "yaml",
                version=1,
                text=text if text is not None else path.read_text(),
            )
        )
    )


async def open_template(
    client: LanguageClient, project: Path, wanted: frozenset[str] = BOTH
) -> str:
    """Open ``template.yaml`` and wait until the server pushed its findings."""
    template = uri(project, "template.yaml")
    open_file(client, project, "template.yaml")
    await until(lambda: codes(client, template) == wanted, f"{sorted(wanted)} pushed")
    return template


def replace_all(client: LanguageClient, document_uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=document_uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def save_config(client: LanguageClient, project: Path, text: str) -> None:
    """Write ``.invokelint.toml`` and tell the server it was saved, as an editor would."""
    config = project / ".invokelint.toml"
    config.write_text(text, encoding="utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=config.as_uri())
        )
    )


async def pull(client: LanguageClient, document_uri: str, previous: str | None = None):
    return await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=document_uri),
            previous_result_id=previous,
        )
    )


# ------------------------------------------------------------------------ push model


async def test_opening_a_template_publishes_its_findings(vscode, project):
    client = vscode
    template = await open_template(client, project)
    il103 = next(d for d in client.diagnostics[template] if d.code == "IL103")
    assert il103.source == "invokelint"
    assert il103.severity == types.DiagnosticSeverity.Error
    assert il103.code_description.href == get_rule("IL103").docs_url()
    assert il103.range.start == types.Position(line=QUEUE_LINE, character=2)
    assert "VisibilityTimeout" in il103.message
    # the project is linted as a whole: its other template is reported without opening it
    other = uri(project, "other/template.yaml")
    await until(lambda: codes(client, other) == {"IL102", "IL103"}, "the other template")


async def test_an_edit_clears_what_it_fixed_and_keeps_the_rest(vscode, project):
    client = vscode
    template = await open_template(client, project)
    replace_all(client, template, 2, SAM_QUEUE_FIXED)  # unsaved: the file on disk is still bad
    await until(lambda: codes(client, template) == {"IL102"}, "IL103 to clear")
    replace_all(client, template, 3, SAM_QUEUE)
    await until(lambda: "IL103" in codes(client, template), "IL103 to come back")


async def test_edits_are_debounced_into_one_lint(vscode, project):
    client = vscode
    template = await open_template(client, project)
    before = len(client.published)
    for version in range(2, 7):  # typing: five edits in quick succession
        replace_all(client, template, version, SAM_QUEUE_FIXED if version % 2 == 0 else SAM_QUEUE)
    # version 6 is the fixed text: one lint after the burst reports it, none in between
    await until(lambda: codes(client, template) == {"IL102"}, "the final state")
    await asyncio.sleep(0.4)
    burst = [p for p in client.published[before:] if p.uri == template]
    assert [p.version for p in burst] == [6]


async def test_closing_clears_until_reopened(vscode, project):
    client = vscode
    template = await open_template(client, project)
    other = uri(project, "other/template.yaml")
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=template))
    )
    await until(lambda: codes(client, template) == set(), "the close to clear")
    # findings that change while it is closed are not pushed for it, but for the others
    count = len(client.published)
    save_config(client, project, 'ignore = ["IL102"]\n')
    await until(lambda: codes(client, other) == {"IL103"}, "the other template to update")
    await asyncio.sleep(0.3)
    assert all(p.uri != template for p in client.published[count:])
    open_file(client, project, "template.yaml")
    await until(lambda: codes(client, template) == {"IL103"}, "the reopened template")


async def test_quick_fix_adds_an_ignore_comment_without_relinting(vscode, project):
    client = vscode
    template = await open_template(client, project)
    il103 = next(d for d in client.diagnostics[template] if d.code == "IL103")
    published = len(client.published)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=template),
            range=il103.range,
            context=types.CodeActionContext(diagnostics=[il103]),
        )
    )
    [action] = [a for a in actions if a.title.startswith("Ignore")]  # beside the real fix
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.title == "Ignore IL103 on this line"
    assert action.edit is None  # VS Code resolves the edit of the action it picks
    action = await client.code_action_resolve_async(action)
    assert len(client.published) == published  # answered from the last lint
    [edit] = action.edit.changes[template]
    assert edit.range.start.line == QUEUE_LINE and edit.new_text.endswith("ignore[IL103]")
    lines = SAM_QUEUE.splitlines(keepends=True)
    line = lines[QUEUE_LINE]
    lines[QUEUE_LINE] = (
        line[: edit.range.start.character] + edit.new_text + line[edit.range.end.character :]
    )
    assert lines[QUEUE_LINE] == "  Orders:  # invokelint: ignore[IL103]\n"
    replace_all(client, template, 2, "".join(lines))
    await until(lambda: codes(client, template) == {"IL102"}, "IL103 to be suppressed")


async def test_handler_code_is_linted_with_its_project(vscode, project):
    client = vscode
    template = uri(project, "template.yaml")
    open_file(client, project, "src/app.py")  # opening code lints the project it is in
    await until(lambda: "IL103" in codes(client, template), "the template's findings")


async def test_initialization_options_select_rules(vscode_selecting_il103, project):
    client = vscode_selecting_il103
    await open_template(client, project, frozenset({"IL103"}))


async def test_the_project_config_is_honoured_and_reread_on_save(vscode, project):
    client = vscode
    template = await open_template(client, project)
    save_config(client, project, 'ignore = ["IL102"]\n')
    await until(lambda: codes(client, template) == {"IL103"}, "IL102 to be ignored")
    other = uri(project, "other/template.yaml")
    await until(lambda: codes(client, other) == {"IL103"}, "the other template too")


# ------------------------------------------------------------------------ pull model


async def test_pull_client_pulls_and_is_not_pushed_to(neovim, project):
    client = neovim
    template = uri(project, "template.yaml")
    open_file(client, project, "template.yaml")
    report = await pull(client, template)
    assert report.kind == "full"
    assert {d.code for d in report.items} == {"IL102", "IL103"}
    again = await pull(client, template, previous=report.result_id)
    assert again.kind == "unchanged" and again.result_id == report.result_id
    replace_all(client, template, 2, SAM_QUEUE_FIXED)
    fixed = await pull(client, template, previous=report.result_id)
    assert fixed.kind == "full" and {d.code for d in fixed.items} == {"IL102"}
    assert client.published == []
    assert client.diagnostic_refresh_count == 0  # nothing changed in another open file


async def test_pull_client_is_asked_to_pull_again_after_another_file_changes(neovim, project):
    client = neovim
    template = uri(project, "template.yaml")
    open_file(client, project, "template.yaml")
    first = await pull(client, template)
    assert {d.code for d in first.items} == {"IL102", "IL103"}
    save_config(client, project, 'ignore = ["IL102"]\n')
    await until(lambda: client.diagnostic_refresh_count == 1, "workspace/diagnostic/refresh")
    second = await pull(client, template, previous=first.result_id)
    assert second.kind == "full" and {d.code for d in second.items} == {"IL103"}


EMOJI = SAM_QUEUE.replace(
    "    Type: AWS::SQS::Queue\n",
    "    Type: AWS::SQS::Queue\n"
    '    Properties: {Tags: [{Key: a, Value: "😀"}], VisibilityTimeout: 30}\n',
)


def emoji_template(project: Path) -> tuple[str, int, str]:
    """A template whose IL103 follows an emoji on its line: its uri, its 0-based line
    and the text before it on that line."""
    path = write_project(project, {"emoji/template.yaml": EMOJI}) / "emoji/template.yaml"
    [expected] = [d for d in lint(path, cwd=project).diagnostics if d.code == "IL103"]
    line = EMOJI.splitlines()[expected.location.line - 1]
    before = line[: expected.location.column - 1]
    assert "😀" in before
    return path.as_uri(), expected.location.line - 1, before


async def test_positions_use_the_negotiated_encoding(neovim, project):
    client = neovim
    # Neovim 0.11 prefers UTF-8: "😀" is one code point but four UTF-8 code units
    template, line, before = emoji_template(project)
    open_file(client, project, "emoji/template.yaml")
    report = await pull(client, template)
    [il103] = [d for d in report.items if d.code == "IL103"]
    assert il103.range.start == types.Position(line=line, character=len(before.encode()))


async def test_positions_count_code_points_for_emacs(emacs, project):
    client = emacs
    # Emacs 29's Eglot prefers UTF-32 (code points) and gets pushed diagnostics
    template, line, before = emoji_template(project)
    open_file(client, project, "emoji/template.yaml")
    await until(lambda: "IL103" in codes(client, template), "IL103 pushed")
    [il103] = [d for d in client.diagnostics[template] if d.code == "IL103"]
    assert il103.range.start == types.Position(line=line, character=len(before))


# ------------------------------------------------------------------- handler code rules


needs_handler_rules = pytest.mark.skipif(
    get_rule("IL002") is None, reason="needs the handler-code rules (IL002)"
)


@needs_handler_rules
async def test_handler_edits_update_the_template_and_back(vscode, project):
    client = vscode
    template = uri(project, "template.yaml")
    handler = uri(project, "src/app.py")
    open_file(client, project, "template.yaml")
    open_file(client, project, "src/app.py")
    await until(lambda: "IL103" in codes(client, template), "IL103")
    assert "IL002" not in codes(client, template)
    replace_all(client, handler, 2, "def other(event, context):\n    return {}\n")
    await until(lambda: "IL002" in codes(client, template), "IL002 after the handler edit")
    replace_all(client, template, 2, SAM_QUEUE.replace("app.handler", "app.other"))
    await until(lambda: "IL002" not in codes(client, template), "IL002 to clear")


async def test_a_document_uri_with_a_nul_is_refused_alone(vscode, project):
    """``%00`` in one document's URI must not stop linting for every other document."""
    client = vscode
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=project.as_uri() + "/bad%00name.yaml",
                language_id="yaml",
                version=1,
                text=SAM_QUEUE,
            )
        )
    )
    await open_template(client, project)
