"""The language server under abuse (issue 9): it answers, keeps publishing, stays bounded.

Driven over stdio like tests/test_lsp.py; malformed JSON-RPC is written straight to the
server's standard input, past the client's own validation.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
import test_lsp
from helpers import REPO
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from samples import SAM_QUEUE, SAM_QUEUE_FIXED
from test_lsp import codes, open_file, open_template, replace_all, until, uri

from invokelint.limits import MAX_FILE_BYTES

pytestmark = pytest.mark.asyncio
project = test_lsp.project  # the fixtures: a project with two templates, VS Code's client
vscode = test_lsp.vscode


def _send_raw(client: LanguageClient, body: bytes) -> None:
    client._server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


async def _still_serving(client: LanguageClient, template: str, version: int) -> None:
    """It answers a request and lints an edit of ``template`` as before."""
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=template),
            range=types.Range(start=types.Position(0, 0), end=types.Position(0, 1)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert actions is not None  # answered; no finding asked about, so no quick fix
    assert [a for a in actions if a.kind == types.CodeActionKind.QuickFix] == []
    replace_all(client, template, version, SAM_QUEUE_FIXED)
    await until(lambda: codes(client, template) == {"IL102"}, "the edit to be linted")
    replace_all(client, template, version + 1, SAM_QUEUE)
    await until(lambda: codes(client, template) == {"IL102", "IL103"}, "the edit back")


def _server_rss(client: LanguageClient) -> int:
    """Resident memory of the server process, in bytes (Linux)."""
    status = Path(f"/proc/{client._server.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


async def test_malformed_json_rpc_is_survived(vscode, project):
    client = vscode
    template = await open_template(client, project)
    for body in (
        b"{not json",
        b"[1, 2, 3]",
        b'{"jsonrpc": "2.0"}',
        b'"just a string"',
        b'{"jsonrpc": "2.0", "id": 9001, "method": "no/such/method", "params": {}}',
        b'{"jsonrpc": "2.0", "id": 9002, "method": "textDocument/codeAction", "params": 7}',
        b'{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": 1}}',
        b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": '
        b'{"uri": "file:///x/template.yaml", "languageId": "yaml", "version": -5, "text": 3}}}',
        json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": template, "version": 2},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": -1, "character": -1},
                                "end": {"line": -1, "character": 0},
                            },
                            "text": "x",
                        }
                    ],
                },
            }
        ).encode(),
    ):
        _send_raw(client, body)
    await client._server.stdin.drain()
    await _still_serving(client, template, 3)


async def test_changes_with_invalid_ranges_are_survived(vscode, project):
    client = vscode
    template = await open_template(client, project)
    far = 10**9
    for version, (start, end) in enumerate(
        [((far, 0), (far, 5)), ((5, 0), (1, 0)), ((0, far), (0, far + 3)), ((3, 2), (far, far))],
        start=2,
    ):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=template, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=types.Position(*start), end=types.Position(*end)),
                        text="Resources: [\n",
                    )
                ],
            )
        )
    await _still_serving(client, template, 10)


async def test_two_hundred_edits_a_second_are_debounced(vscode, project):
    client = vscode
    template = await open_template(client, project)
    other = uri(project, "other/template.yaml")
    await until(lambda: codes(client, other) == {"IL102", "IL103"}, "the other template")
    before = len(client.published)
    for version in range(2, 202):
        replace_all(client, template, version, SAM_QUEUE if version % 2 else SAM_QUEUE_FIXED)
        await asyncio.sleep(0.005)
    replace_all(client, template, 202, "Resources: [\n")  # findings no earlier text had
    await until(lambda: codes(client, template) == {"IL001"}, "the final text to be linted")
    lints = [p for p in client.published[before:] if p.uri == template]
    assert len(lints) < 50, f"{len(lints)} lints for 200 edits"
    assert lints[-1].version == 202
    await _still_serving(client, template, 300)


async def test_a_50_mb_document_is_reported_not_parsed(vscode, project):
    client = vscode
    template = await open_template(client, project)
    huge = project / "huge" / "template.yaml"
    huge.parent.mkdir()
    huge.write_text("Resources: {}\n", encoding="utf-8")
    text = "Resources:\n" + "  # padding\n" * (50 * 1024 * 1024 // 12)
    assert len(text) > 5 * MAX_FILE_BYTES
    open_file(client, project, "huge/template.yaml", text)
    huge_uri = huge.as_uri()
    await until(lambda: codes(client, huge_uri) == {"IL001"}, "the huge file's IL001", 60)
    [problem] = client.diagnostics[huge_uri]
    assert "larger than" in problem.message
    await _still_serving(client, template, 2)


async def test_documents_outside_every_workspace_folder(vscode, project):
    client = vscode
    template = await open_template(client, project)
    elsewhere = project.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "stack.yaml").write_text(SAM_QUEUE, encoding="utf-8")
    (elsewhere / "notes.yaml").write_text("just: notes\n", encoding="utf-8")
    for name in ("stack.yaml", "notes.yaml"):
        open_file(client, elsewhere, name)
    stack = (elsewhere / "stack.yaml").as_uri()
    await until(lambda: codes(client, stack) == {"IL102", "IL103"}, "the loose template")
    await _still_serving(client, template, 2)


async def test_closing_unknown_documents_is_survived(vscode, project):
    client = vscode
    template = await open_template(client, project)
    for unknown in (
        uri(project, "never-opened.yaml"),
        uri(project, "src/missing.py"),
        "file:///nowhere/template.yaml",
        "untitled:Untitled-1",
        "file:///tmp/%00/template.yaml",
    ):
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=unknown)
            )
        )
    await _still_serving(client, template, 2)


async def test_memory_stays_bounded_over_a_thousand_edits(vscode, project):
    """Each edit is new text (nothing is served from a cache); the resident memory after
    1,000 of them (50 lints) stays within a bound: measured growth is about 2 MiB."""
    client = vscode
    template = await open_template(client, project)

    async def edits(first: int, count: int) -> None:
        """``count`` edits, each a new text; every 20th is linted before going on."""
        for version in range(first, first + count):
            fixed = (version // 20) % 2 == 1
            text = (SAM_QUEUE_FIXED if fixed else SAM_QUEUE).replace(
                "Resources:", f"# edit {version}\nResources:"
            )
            replace_all(client, template, version, text)
            if version % 20 == 0:
                wanted = {"IL102"} if fixed else {"IL102", "IL103"}
                await until(lambda w=wanted: codes(client, template) == w, f"edit {version}")

    await edits(2, 199)  # warm up: imports, caches, allocator arenas
    baseline = _server_rss(client)
    await edits(201, 1000)
    grown = _server_rss(client) - baseline
    print(f"server memory: {baseline / 2**20:.1f} MiB, then +{grown / 2**20:.1f} MiB")
    assert grown < 16 * 1024 * 1024, f"the server grew by {grown / 2**20:.1f} MiB"


# A server whose CloudFormation frontend fails on any template under a "boom" folder: a
# stand-in for a bug, injected at start-up (sitecustomize) since the server runs apart.
_FAULT = Path(tempfile.mkdtemp(prefix="invokelint-fault-"))
(_FAULT / "sitecustomize.py").write_text(
    "import invokelint.frontends.cloudformation as cfn\n"
    "_build = cfn.build_model\n"
    "def build_model(root, path, *args, **kwargs):\n"
    "    if 'boom' in str(path):\n"
    "        raise ZeroDivisionError('injected fault')\n"
    "    return _build(root, path, *args, **kwargs)\n"
    "cfn.build_model = build_model\n",
    encoding="utf-8",
)
FAULTY = ClientServerConfig(
    server_command=test_lsp.CONFIG.server_command,
    server_env={**test_lsp.CONFIG.server_env, "PYTHONPATH": f"{_FAULT}{os.pathsep}{REPO}"},
    client_factory=test_lsp.recording_client,
)


@pytest_lsp.fixture(config=FAULTY)
async def faulty(lsp_client: LanguageClient, project: Path):
    await test_lsp.start(
        lsp_client, project, test_lsp.capabilities("visual-studio-code@v1.65.2"), {"debounce": 0.1}
    )
    yield
    await lsp_client.shutdown_session()


async def test_an_internal_error_is_a_diagnostic_and_a_log_line(faulty, project):
    client = faulty
    boom = project / "boom" / "template.yaml"
    boom.parent.mkdir()
    boom.write_text(SAM_QUEUE, encoding="utf-8")
    open_file(client, project, "boom/template.yaml")
    await until(lambda: codes(client, boom.as_uri()) == {"IL000"}, "IL000 on the bad file")
    [internal] = client.diagnostics[boom.as_uri()]
    assert "ZeroDivisionError" in internal.message
    assert any("ZeroDivisionError" in m.message for m in client.log_messages)
    # the other templates of the same project are still reported, and edits still linted
    template = uri(project, "template.yaml")
    await until(lambda: codes(client, template) == {"IL102", "IL103"}, "the good template")
    open_file(client, project, "template.yaml")
    await _still_serving(client, template, 2)
