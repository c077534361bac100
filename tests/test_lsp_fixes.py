"""The language server offers the real fixes: a quick fix per fixable finding (beside the
"ignore" one) and ``source.fixAll.invokelint`` for a document, driven over stdio as an
editor would: ask for the actions, resolve the one picked, apply its edit to the buffer,
and see the finding go. Edits are computed from the text a finding was linted from,
never applied to a buffer that moved on."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest
import pytest_lsp
from helpers import REPO, write_project
from lsprotocol import types
from pytest_lsp import LanguageClient
from samples import HANDLER, SAM_QUEUE, SAM_QUEUE_LINE
from test_lsp import CONFIG, capabilities, codes, pull, replace_all, until, uri

from invokelint.config import Config
from invokelint.engine import Linter
from invokelint.fixes.run import fix_project
from invokelint.rules import get_rule

pytestmark = pytest.mark.asyncio

FIX_ALL = "source.fixAll.invokelint"

# Five safe fixes (IL103 twice: the batching window IL107 adds raises the minimum
# visibility timeout, so a second round is needed), one unsafe (IL110), two unfixable.
MANY = """\
# Orders and their worker
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30  # too short for the worker
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt OrdersDlq.Arn
        maxReceiveCount: 1
  OrdersDlq:
    Type: AWS::SQS::Queue
  Failed:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/worker
      Timeout: 60
      Code:
        ZipFile: |
          def handler(event, context):
              return None
  WorkerOrders:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Orders.Arn
      BatchSize: 100
      DestinationConfig:
        OnFailure:
          Destination: !GetAtt Failed.Arn
"""
MANY_FINDINGS = {"IL103", "IL104", "IL105", "IL107", "IL110", "IL113", "IL210"}
MANY_LEFT = {"IL110", "IL113", "IL210"}  # unsafe, and no fix


def bad_example(code: str, suffix: str) -> dict[str, str]:
    """The files of ``code``'s first bad example that has a ``suffix`` file."""
    return next(
        example.files
        for example in get_rule(code).examples
        if example.bad and any(name.endswith(suffix) for name in example.files)
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "my project",
        {
            "template.yaml": SAM_QUEUE,
            "src/app.py": HANDLER,
            "many/template.yaml": MANY,
            "batch/template.yaml": bad_example("IL402", ".py")["template.yaml"],
            "batch/src/app.py": bad_example("IL402", ".py")["src/app.py"],
            "tf/main.tf": bad_example("IL103", ".tf")["main.tf"],
        },
    )


CLIENTS = {
    # resolves edits lazily, takes versioned documentChanges, is pushed diagnostics
    "vscode": "visual-studio-code@v1.65.2",
    # wants the edit in the action, takes documentChanges
    "emacs": "emacs@v29.1",
    # resolves lazily, takes plain changes, pulls diagnostics
    "neovim": "neovim@v0.11.0",
}


@pytest_lsp.fixture(config=CONFIG, params=sorted(CLIENTS))
async def client(lsp_client: LanguageClient, project: Path, request):
    caps = capabilities(CLIENTS[request.param], refresh=request.param == "neovim")
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="project")],
            initialization_options={"debounce": 0.05},
        )
    )
    lsp_client.name = request.param  # type: ignore[attr-defined]
    lsp_client.result = result  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def slow(lsp_client: LanguageClient, project: Path):
    """VS Code with a debounce long enough to ask for actions between an edit and its lint."""
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(CLIENTS["vscode"]),
            workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="project")],
            initialization_options={"debounce": 30},
        )
    )
    lsp_client.name = "vscode"  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


# ---------------------------------------------------------------------------- helpers


def open_text(client: LanguageClient, document_uri: str, text: str, language: str = "yaml"):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=document_uri, language_id=language, version=1, text=text
            )
        )
    )


async def findings(client: LanguageClient, document_uri: str) -> list[types.Diagnostic]:
    """What the editor shows for the document now (pulled where the client pulls)."""
    if client.name == "neovim":  # type: ignore[attr-defined]
        report = await pull(client, document_uri)
        return list(report.items)
    return list(client.diagnostics.get(document_uri, []))


async def wait_for(client: LanguageClient, document_uri: str, condition, what: str):
    """Wait until ``condition`` holds for the codes shown for the document."""
    shown: list[types.Diagnostic] = []

    async def check() -> bool:
        nonlocal shown
        shown = await findings(client, document_uri)
        return condition({str(d.code) for d in shown})

    for _ in range(300):
        if await check():
            return shown
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}: {sorted(str(d.code) for d in shown)}")


async def actions_for(
    client: LanguageClient,
    document_uri: str,
    diagnostics: list[types.Diagnostic],
    only: list[str] | None = None,
) -> list[types.CodeAction]:
    line = (
        diagnostics[0].range
        if diagnostics
        else types.Range(
            start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
        )
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=document_uri),
            range=line,
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )
    return list(actions or [])


async def quick_fixes(
    client: LanguageClient, document_uri: str, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    """The quick fixes offered for one finding (lazy clients also get fixAll listed)."""
    actions = await actions_for(client, document_uri, [diagnostic])
    return [a for a in actions if a.kind == types.CodeActionKind.QuickFix]


async def resolved(client: LanguageClient, action: types.CodeAction) -> types.CodeAction:
    """The action with its edit, resolved the way the client would."""
    if client.name == "emacs":  # type: ignore[attr-defined]
        assert action.edit is not None and action.data is None  # cannot resolve: eager
        return action
    assert action.edit is None  # lazy: computed only for the action picked
    return await client.code_action_resolve_async(action)


def edits_of(edit: types.WorkspaceEdit | None) -> dict[str, tuple[int | None, list]]:
    """uri -> (version the edit is for, its text edits), from either form of edit."""
    assert edit is not None
    if edit.document_changes:
        return {
            change.text_document.uri: (change.text_document.version, list(change.edits))
            for change in edit.document_changes
        }
    return {target: (None, list(edits)) for target, edits in (edit.changes or {}).items()}


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` with LSP edits applied as an editor does (characters count as code
    points: the tests edit ASCII lines, where every encoding agrees)."""
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)  # LSP's lines

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        assert start <= end <= len(text)
        text = text[:start] + edit.new_text + text[end:]
    return text


def cli_fixed(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """What ``check --fix`` writes for ``folder``'s template, on a copy of the folder
    (only that folder: the engine's parse cache is shared by the tests of a process)."""
    copy = folder.parent / f"{folder.name}-cli"
    shutil.copytree(folder, copy)
    monkeypatch.chdir(copy)
    linter = Linter(Config())
    before = linter.lint([Path(".")])
    run = fix_project(before, lambda texts: linter.lint([Path(".")], texts), unsafe=False)
    template = (copy / "template.yaml").resolve()
    return run.texts.get(template, template.read_text())


def titles(actions: list[types.CodeAction]) -> list[str]:
    return [action.title for action in actions]


# ------------------------------------------------------------------------ quick fixes


async def test_a_safe_fix_is_a_preferred_quick_fix_that_clears_its_finding(client, project):
    template = uri(project, "template.yaml")
    open_text(client, template, SAM_QUEUE)
    shown = await wait_for(client, template, lambda c: c == {"IL102", "IL103"}, "the findings")
    il103 = next(d for d in shown if d.code == "IL103")
    fix, ignore = await quick_fixes(client, template, il103)
    assert fix.title == "IL103: Set VisibilityTimeout to 360"
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert list(fix.diagnostics) == [il103]
    assert ignore.title == "Ignore IL103 on this line" and not ignore.is_preferred
    (IL102,) = [d for d in shown if d.code == "IL102"]  # no fix: only the ignore action
    assert titles(await quick_fixes(client, template, IL102)) == ["Ignore IL102 on this line"]

    fix = await resolved(client, fix)
    (target,) = edits_of(fix.edit).items()
    version_for, edits = target[1]
    assert target[0] == template
    assert version_for == (None if client.name == "neovim" else 1)
    fixed = apply(SAM_QUEUE, edits)
    assert fixed == SAM_QUEUE.replace(
        "    Type: AWS::SQS::Queue\n",
        "    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 360\n",
    )
    # only the inserted lines are edited, nothing around them is rewritten
    assert [(e.range.start.line, e.range.end.line) for e in edits] == [(SAM_QUEUE_LINE + 1,) * 2]
    replace_all(client, template, 2, fixed)
    await wait_for(client, template, lambda c: c == {"IL102"}, "IL103 to clear")


async def test_an_unsafe_fix_says_so_and_is_never_preferred(client, project):
    template = uri(project, "many/template.yaml")
    open_text(client, template, MANY)
    shown = await wait_for(client, template, lambda c: c == MANY_FINDINGS, "the findings")
    il110 = next(d for d in shown if d.code == "IL110")
    fix, ignore = await quick_fixes(client, template, il110)
    assert fix.title == "IL110: Remove DestinationConfig (unsafe)"
    assert not fix.is_preferred and ignore.title.startswith("Ignore IL110")
    fix = await resolved(client, fix)
    fixed = apply(MANY, edits_of(fix.edit)[template][1])
    assert "DestinationConfig" not in fixed and "OnFailure" not in fixed
    assert fixed.count("\n") == MANY.count("\n") - 3  # its three lines, nothing else
    replace_all(client, template, 2, fixed)
    await wait_for(client, template, lambda c: "IL110" not in c, "IL110 to clear")


async def test_fix_all_applies_every_safe_fix_until_nothing_changes(client, project, monkeypatch):
    template = uri(project, "many/template.yaml")
    open_text(client, template, MANY)
    await wait_for(client, template, lambda c: c == MANY_FINDINGS, "the findings")
    # the request editors send on save: `"source.fixAll.invokelint": "explicit"`
    for only in ([FIX_ALL], ["source.fixAll"], ["source"]):
        (action,) = await actions_for(client, template, [], only=only)
        assert action.kind == FIX_ALL and not action.diagnostics
    assert await actions_for(client, template, [], only=["refactor"]) == []
    action = await resolved(client, action)
    fixed = apply(MANY, edits_of(action.edit)[template][1])
    # the same text as `check --fix` (IL103's second round included), unsafe IL110 kept
    assert fixed == cli_fixed(project / "many", monkeypatch)
    assert "VisibilityTimeout: 361  # too short" in fixed and "DestinationConfig" in fixed
    replace_all(client, template, 2, fixed)
    await wait_for(client, template, lambda c: c == MANY_LEFT, "only the unfixable to remain")
    assert await actions_for(client, template, [], only=[FIX_ALL]) == []  # nothing left


async def test_fix_all_is_advertised_and_listed_for_lazy_clients(client, project):
    options = client.result.capabilities.code_action_provider  # type: ignore[attr-defined]
    assert set(options.code_action_kinds) >= {"quickfix", FIX_ALL}
    template = uri(project, "template.yaml")
    open_text(client, template, SAM_QUEUE)
    shown = await wait_for(client, template, lambda c: c == {"IL102", "IL103"}, "the findings")
    listed = titles(await actions_for(client, template, shown[:1]))
    # without `only`, the source action costs an eager client a lint: only lazy ones get it
    assert ("invokelint: Apply all safe fixes" in listed) == (client.name != "emacs")


async def test_a_fix_in_another_file_edits_that_files_buffer(client, project):
    """IL402 is reported in the handler and fixed in the template: the edit is for the
    template's uri, computed from its open buffer (unsaved lines included)."""
    handler, template = uri(project, "batch/src/app.py"), uri(project, "batch/template.yaml")
    on_disk = (project / "batch/template.yaml").read_text()
    buffer = "# unsaved: shifts every line\n" + on_disk
    open_text(client, template, buffer)
    open_text(client, handler, (project / "batch/src/app.py").read_text(), "python")
    shown = await wait_for(client, handler, lambda c: "IL402" in c, "IL402 in the handler")
    il402 = next(d for d in shown if d.code == "IL402")
    fix, *_ = await quick_fixes(client, handler, il402)
    assert fix.title == "IL402: Add ReportBatchItemFailures to FunctionResponseTypes"
    assert fix.is_preferred
    fix = await resolved(client, fix)
    ((target, (version, edits)),) = edits_of(fix.edit).items()
    assert target == template and version == (None if client.name == "neovim" else 1)
    fixed = apply(buffer, edits)
    assert (
        fixed.startswith("# unsaved")
        and "FunctionResponseTypes: [ReportBatchItemFailures]" in fixed
    )
    replace_all(client, template, 2, fixed)
    await wait_for(client, handler, lambda c: "IL402" not in c, "IL402 to clear")


async def test_a_fix_for_a_closed_file_edits_it_as_on_disk(client, project):
    handler = uri(project, "batch/src/app.py")
    open_text(client, handler, (project / "batch/src/app.py").read_text(), "python")
    shown = await wait_for(client, handler, lambda c: "IL402" in c, "IL402 in the handler")
    il402 = next(d for d in shown if d.code == "IL402")
    fix = await resolved(client, (await quick_fixes(client, handler, il402))[0])
    ((target, (version, edits)),) = edits_of(fix.edit).items()
    assert target == uri(project, "batch/template.yaml") and version is None
    on_disk = (project / "batch/template.yaml").read_text()
    assert "FunctionResponseTypes: [ReportBatchItemFailures]" in apply(on_disk, edits)


async def test_findings_at_one_place_get_each_their_own_fix(client, project):
    """A handler read by two queues has two IL402 at its return, one per mapping: each
    quick fix edits its own mapping (findings are told apart by their message)."""
    files = bad_example("IL402", ".py")
    second = "  Returns:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 60\n"
    text = files["template.yaml"].replace("  Worker:\n", second + "  Worker:\n")
    text += "        Returns:\n          Type: SQS\n          Properties:\n"
    text += "            Queue: !GetAtt Returns.Arn\n"
    (project / "batch/template.yaml").write_text(text)
    handler, template = uri(project, "batch/src/app.py"), uri(project, "batch/template.yaml")
    open_text(client, handler, files["src/app.py"], "python")
    shown = await wait_for(client, handler, lambda c: "IL402" in c, "IL402 in the handler")
    both = [d for d in shown if d.code == "IL402"]
    assert len(both) == 2 and both[0].range == both[1].range
    fixed = []
    for finding in both:
        fix = await resolved(client, (await quick_fixes(client, handler, finding))[0])
        fixed.append(apply(text, edits_of(fix.edit)[template][1]))
    events = [t[t.index("      Events:") :] for t in fixed]
    assert events[0] != events[1]  # one mapping each
    for finding, events_after in zip(both, events, strict=True):
        name = "Orders" if "'Orders'" in finding.message else "Returns"
        block = events_after[events_after.index(f"        {name}:") :].split("\n        R")[0]
        assert "FunctionResponseTypes: [ReportBatchItemFailures]" in block, finding.message


async def test_a_terraform_fix_edits_the_tf_buffer_in_its_own_terms(client, project):
    main = uri(project, "tf/main.tf")
    text = (project / "tf/main.tf").read_text()
    open_text(client, main, text, "terraform")
    shown = await wait_for(client, main, lambda c: "IL103" in c, "IL103 in main.tf")
    il103 = next(d for d in shown if d.code == "IL103")
    fix, ignore = await quick_fixes(client, main, il103)
    assert fix.title == "IL103: Set visibility_timeout_seconds to 360" and fix.is_preferred
    assert ignore.title == "Ignore IL103 on this line"
    fix = await resolved(client, fix)
    fixed = apply(text, edits_of(fix.edit)[main][1])
    added = [line for line in fixed.splitlines() if line not in text.splitlines()]
    assert [line.split() for line in added] == [["visibility_timeout_seconds", "=", "360"]]
    assert len(fixed.splitlines()) == len(text.splitlines()) + 1  # one line added, no other
    replace_all(client, main, 2, fixed)
    await wait_for(client, main, lambda c: "IL103" not in c, "IL103 to clear")


async def test_tf_findings_beside_a_plan_offer_only_the_ignore_action(client, project):
    """With ``terraform show -json`` output in the project, the plan may be what is read
    for the ``.tf`` files: as ``check --fix`` does, no fix is offered for them."""
    folder = project / "planned"
    shutil.copytree(REPO / "fixtures/terraform/IL104-existing-dlq-plan.fail", folder)
    (folder / "main.tf").write_text(PLANNED_TF)
    main = uri(project, "planned/main.tf")
    open_text(client, main, PLANNED_TF, "terraform")
    shown = await wait_for(client, main, lambda c: "IL104" in c, "IL104 in main.tf")
    for finding in shown:
        actions = await actions_for(client, main, [finding])  # no fixAll listed either
        assert titles(actions) == [f"Ignore {finding.code} on this line"]
    assert await actions_for(client, main, [], only=[FIX_ALL]) == []


PLANNED_TF = """\
resource "aws_sqs_queue" "jobs" {
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.jobs_dlq.arn
    maxReceiveCount = 2
  })
}
"""


# A raw U+2028 in a JSON string: a line break for str.splitlines, not for LSP; and
# characters that UTF-16 and UTF-8 count differently before the edited line.
JSON_QUEUE = """\
{
  "Description": "orders \u2028 \u00e9t\u00e9 \U0001f600",
  "Resources": {
    "Orders": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}},
    "Worker": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "python3.12", "Handler": "index.handler", "Timeout": 60,
        "Role": "arn:aws:iam::123456789012:role/worker",
        "Code": {"ZipFile": "def handler(event, context):\\n    return None\\n"}
      }
    },
    "Mapping": {
      "Type": "AWS::Lambda::EventSourceMapping",
      "Properties": {"FunctionName": {"Ref": "Worker"},
                     "EventSourceArn": {"Fn::GetAtt": ["Orders", "Arn"]}}
    }
  }
}
"""


async def test_lines_are_counted_as_the_editor_counts_them(client, project):
    """A JSON string may hold a raw U+2028 (and accents): the edit's lines are LSP's."""
    template = uri(project, "json/template.json")
    (project / "json").mkdir()
    (project / "json/template.json").write_text(JSON_QUEUE, encoding="utf-8")
    open_text(client, template, JSON_QUEUE, "json")
    shown = await wait_for(client, template, lambda c: "IL103" in c, "IL103 in JSON")
    il103 = next(d for d in shown if d.code == "IL103")
    (fix,) = await quick_fixes(client, template, il103)  # JSON has no comments to ignore in
    fix = await resolved(client, fix)
    fixed = apply(JSON_QUEUE, edits_of(fix.edit)[template][1])
    assert fixed == JSON_QUEUE.replace('"VisibilityTimeout": 30', '"VisibilityTimeout": 360')


async def test_a_fix_of_a_last_line_without_a_line_break(client, project):
    text = (
        SAM_QUEUE.replace(
            "    Type: AWS::SQS::Queue\n", "    Type: AWS::SQS::Queue\n    Metadata: {}\n"
        )
        + "  Dlq:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 30"
    )
    text = text.replace("  Orders:\n    Type: AWS::SQS::Queue\n    Metadata: {}\n", "")
    text = text.replace("!GetAtt Orders.Arn", "!GetAtt Dlq.Arn")
    template = uri(project, "template.yaml")
    (project / "template.yaml").write_text(text)
    open_text(client, template, text)
    shown = await wait_for(client, template, lambda c: "IL103" in c, "IL103")
    il103 = next(d for d in shown if d.code == "IL103")
    fix = await resolved(client, (await quick_fixes(client, template, il103))[0])
    (edit,) = edits_of(fix.edit)[template][1]
    last = text.count("\n")  # 0-based index of the last line, which has no line break
    assert (edit.range.start.line, edit.range.end.line) == (last, last)  # not past the end
    assert apply(text, [edit]) == text.replace("VisibilityTimeout: 30", "VisibilityTimeout: 360")


# ------------------------------------------------------------------------------ stale


async def test_a_stale_request_never_gets_an_edit_for_the_old_text(slow, project):
    """Between an edit and its (debounced) lint, the findings shown are the old text's:
    no fix is offered for them, and a fix picked before the edit resolves to nothing.
    fixAll lints the current text itself."""
    client = slow
    template = uri(project, "template.yaml")
    open_text(client, template, SAM_QUEUE)
    await until(lambda: codes(client, template) == {"IL102", "IL103"}, "the findings")
    il103 = next(d for d in client.diagnostics[template] if d.code == "IL103")
    fix, _ = await quick_fixes(client, template, il103)
    (fix_all,) = await actions_for(client, template, [], only=[FIX_ALL])
    edited = "# a new first line\n" + SAM_QUEUE  # every line moves down
    replace_all(client, template, 2, edited)

    assert [a for a in await quick_fixes(client, template, il103) if "Set" in a.title] == []
    assert (await client.code_action_resolve_async(fix)).edit is None
    fix_all = await client.code_action_resolve_async(fix_all)
    ((_, (version, edits)),) = edits_of(fix_all.edit).items()
    assert version == 2  # for the buffer it was computed from: the client refuses it otherwise
    assert apply(edited, edits) == "# a new first line\n" + SAM_QUEUE.replace(
        "    Type: AWS::SQS::Queue\n",
        "    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 360\n",
    )
