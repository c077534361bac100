"""The language server: ``invokelint lsp`` speaks LSP over stdin/stdout (pygls).

When a template, Terraform file or handler module is opened, edited or saved, the
project it belongs to (see ``invokelint.workspace``) is linted with the editor's unsaved
buffers, and every file whose findings changed is updated: an edit in handler code
updates its template and the other way round. Edits are debounced. Clients that can
pull diagnostics (LSP 3.17 ``textDocument/diagnostic``) pull them, and are asked to
pull again when another file's findings changed; other clients get them pushed, for
every file of the project except those the user closed.

Every diagnostic names its rule (``code``) and links to its page (``codeDescription``).
The quick fix that adds ``# invokelint: ignore[ID]`` is built only when the client asks
for code actions (or resolves one, where it supports ``codeAction/resolve``), from the
text that was linted, tokenised once per text: publishing never scans a file per
finding, and the fix needs no re-lint. So are the rules' own fixes (a quick fix per
fixable finding, ``source.fixAll.invokelint`` for a document's safe ones), from the text
last linted and only while it is still the buffer's.

Settings, from ``initializationOptions`` or the ``invokelint`` section of the client's
configuration: ``select`` and ``ignore`` (rule ids or prefixes), applied on top of the
project's ``.invokelint.toml`` / ``[tool.invokelint]``, and ``debounce`` (seconds,
default 0.3).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from invokelint import __version__
from invokelint.diagnostics import Diagnostic
from invokelint.engine import INTERNAL_ERROR
from invokelint.fixes import Fix
from invokelint.fixes.apply import HCL_SUFFIXES, offered
from invokelint.fixes.editor import action_title, fix_all, fixed_text, hunks
from invokelint.fixes.editor import lines as buffer_lines
from invokelint.quickfix import ignore_edit, text_lines
from invokelint.reporters.lsp_report import SOURCE, to_lsp
from invokelint.workspace import ProjectLint, Projects, Settings, valid_path

SECTION = "invokelint"
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.{SECTION}"  # source.fixAll.invokelint
# Seconds without a lint after which the collector frees the models edits replaced, and
# the most lints between two collections when the user never pauses that long.
COLLECT_WHEN_IDLE = 5.0
COLLECT_EVERY = 32
_converter = get_converter()
log = logging.getLogger(__name__)


class InvokelintServer(LanguageServer):
    """Keeps what each file shows and which projects need linting."""

    def __init__(self) -> None:
        sync = types.TextDocumentSyncKind.Incremental
        super().__init__("invokelint", __version__, text_document_sync_kind=sync)
        self.projects = Projects()
        self.pull = False  # the client pulls diagnostics
        self.refresh = False  # ... and may be asked to pull again
        self.shown: dict[str, list[types.Diagnostic]] = {}  # uri -> its current findings
        # uri -> the text linted and invokelint's findings behind ``shown``, for quick fixes
        self.linted_text: dict[str, tuple[str | None, list[Diagnostic]]] = {}
        # uri -> the open text (None: closed) and findings behind ``shown``, and those
        # findings converted: kept while neither changes
        self.converted: dict[str, tuple[str | None, list[Diagnostic], list[types.Diagnostic]]] = {}
        self.versions: dict[str, int] = {}  # uri -> result id for pull diagnostics
        self.members: dict[Path, set[str]] = {}  # project root -> uris it reported on
        self.closed: set[str] = set()  # closed by the user: not pushed until reopened
        self.stale: set[Path] = set()  # projects edited since their last lint
        self.timers: dict[Path, asyncio.TimerHandle] = {}
        self.linted: dict[Path, asyncio.Future[None]] = {}  # resolved by the pending lint
        self.triggers: dict[Path, set[str]] = {}  # uris whose edits the pending lint answers
        self.told: set[str] = set()  # messages already shown to the user
        self.collection: asyncio.TimerHandle | None = None  # the idle-time collection
        self.uncollected = 0  # lints since the last collection

    # ------------------------------------------------------------------ scheduling
    def schedule(self, uri: str, delay: float) -> None:
        """Lint the project of ``uri`` after ``delay`` seconds without further edits."""
        root = self.root_of(uri)
        if root is None:
            return
        self.stale.add(root)
        self.triggers.setdefault(root, set()).add(uri)
        timer = self.timers.pop(root, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        if root not in self.linted:
            self.linted[root] = loop.create_future()
        self.timers[root] = loop.call_later(delay, self.lint_and_report, root)

    def lint_and_report(self, root: Path) -> None:
        triggers = self.triggers.pop(root, set())
        changed = self.lint(root)
        if self.pull:
            # the client pulls the files it edited by itself; ask for the other open ones
            if (changed & self.open_uris()) - triggers and self.refresh:
                self.workspace_diagnostic_refresh(None)
            return
        for uri in sorted(changed - self.closed):
            self.publish(uri)

    async def current(self, uri: str) -> None:
        """Wait for the pending lint of ``uri``'s project (edits stay debounced when the
        client pulls at once), or lint now if it changed in another way."""
        root = self.root_of(uri)
        if root is None:
            return
        pending = self.linted.get(root)
        if pending is not None:
            await asyncio.shield(pending)
        elif root in self.stale or root not in self.members:
            self.lint_and_report(root)

    def root_of(self, uri: str) -> Path | None:
        path = _path(uri)
        if path is None or not Projects.lints(path):
            return None
        return self.projects.root_of(path)

    # --------------------------------------------------------------------- linting
    def lint(self, root: Path) -> set[str]:
        """Lint the project at ``root``; return the uris whose findings changed.

        The collector stays paused through the lint, and what the lint built is then
        frozen: else the next allocations scan every object the lint made (70 ms of an
        edit of 3,000 resources) to free nothing. What it replaced is freed once its
        diagnostics are sent (``tidy``)."""
        timer = self.timers.pop(root, None)
        if timer is not None:
            timer.cancel()
        self.stale.discard(root)
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._lint(root)
        finally:
            pending = self.linted.pop(root, None)
            if pending is not None and not pending.done():
                pending.set_result(None)
            gc.freeze()
            if enabled:
                gc.enable()
            self.tidy_later()

    def tidy_later(self) -> None:
        if self.collection is not None:
            self.collection.cancel()
            self.collection = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # linted outside the event loop (tests): now
            self.tidy()
            self.collect()
            return
        loop.call_soon(self.tidy)  # after the caller has sent the diagnostics
        self.collection = loop.call_later(COLLECT_WHEN_IDLE, self.collect)

    def tidy(self) -> None:
        """Free the models the last lint replaced (20 ms on 3,000 resources, better spent
        after publishing than before); collect their cycles once the user pauses, or
        every ``COLLECT_EVERY`` lints (about a megabyte an edit on 3,000 resources)."""
        self.projects.release()
        self.uncollected += 1
        if self.uncollected >= COLLECT_EVERY:
            self.collect()

    def collect(self) -> None:
        """Collect what the frozen lints left behind (frozen objects are never collected)."""
        if self.collection is not None:
            self.collection.cancel()
        self.collection = None
        self.uncollected = 0
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def _lint(self, root: Path) -> set[str]:
        overlays = {
            Path(document.path): document.source
            for document in self.workspace.text_documents.values()
            if document.path
        }
        try:
            project = self.projects.lint(root, overlays)
            found = self.convert(project)
        except Exception as error:  # a bug must not take the editor session down
            log.exception("linting %s failed", root)
            self.tell(f"invokelint could not lint {root}: {type(error).__name__}: {error}")
            return set()
        if project.config_error:
            self.tell(f"invokelint: {project.config_error} (using the defaults)")
        self.log_internal_errors(project)
        changed = set()
        for uri in self.members.get(root, set()) - set(found):
            self.linted_text.pop(uri, None)
            self.converted.pop(uri, None)
        for uri in self.members.get(root, set()) | set(found):
            items = found.get(uri, [])
            if self.shown.get(uri) != items:
                self.shown[uri] = items
                self.versions[uri] = self.versions.get(uri, 0) + 1
                changed.add(uri)
        self.members[root] = set(found)
        return changed

    def convert(self, project: ProjectLint) -> dict[str, list[types.Diagnostic]]:
        """Each file's findings as LSP diagnostics; a file whose findings and text are
        those of the last lint keeps its conversion (a closed file is not read again)."""
        found = {}
        opened = self.opened()
        for path, diagnostics in project.files.items():
            uri = opened.get(_key(path)) or from_fs_path(str(path)) or path.as_uri()
            document = self.document(uri)
            source = document.source if document is not None else None
            known = self.converted.get(uri)
            if known is not None and known[0] == source and known[1] == diagnostics:
                found[uri] = known[2]
                continue
            text = source if document is not None else self.text_of(uri)
            lines = (text or "").splitlines()  # once per file, not per finding
            found[uri] = [self.diagnostic(d, project.root, lines) for d in diagnostics]
            self.linted_text[uri] = (text, list(diagnostics))
            self.converted[uri] = (source, list(diagnostics), found[uri])
        return found

    def opened(self) -> dict[str, str]:
        """The open documents' uris by their real path."""
        return {
            _key(Path(document.path)): document.uri
            for document in self.workspace.text_documents.values()
            if document.path and valid_path(Path(document.path))
        }

    def log_internal_errors(self, project: ProjectLint) -> None:
        """IL000 is a diagnostic on its file, and a line in the client's log to report
        (once per file and message, not after every keystroke)."""
        for path, diagnostics in project.files.items():
            for d in diagnostics:
                line = f"{path}: {d.message}"
                if d.code == INTERNAL_ERROR and line not in self.told:
                    self.told.add(line)
                    self.window_log_message(
                        types.LogMessageParams(type=types.MessageType.Error, message=line)
                    )

    def diagnostic(self, d: Diagnostic, root: Path, lines: list[str]) -> types.Diagnostic:
        item = _converter.structure(to_lsp(d, root), types.Diagnostic)
        item.range = self.workspace.position_codec.range_to_client_units(lines, item.range)
        return item

    def ignore_fix(
        self, uri: str, diagnostic: types.Diagnostic, current: list[str]
    ) -> types.TextEdit | None:
        """The edit adding ``diagnostic``'s code to an ignore comment, built from the text
        that was linted; None when there is none or its line is no longer ``current``'s
        (the next lint brings a fresh fix)."""
        text, _ = self.linted_text.get(uri, (None, []))
        finding = self.finding(uri, diagnostic)
        edit = ignore_edit(finding, text) if finding is not None and text is not None else None
        if edit is None:
            return None
        line = text_lines(text)[edit.line]
        if edit.line >= len(current) or current[edit.line].rstrip("\r\n") != line:
            return None
        codec = self.workspace.position_codec
        start, end = (
            codec.position_to_client_units([line], types.Position(line=0, character=character))
            for character in (edit.start, edit.end)
        )
        return types.TextEdit(
            range=types.Range(
                start=types.Position(line=edit.line, character=start.character),
                end=types.Position(line=edit.line, character=end.character),
            ),
            new_text=edit.text,
        )

    # ------------------------------------------------------------------------ fixes
    def finding(self, uri: str, diagnostic: types.Diagnostic) -> Diagnostic | None:
        """invokelint's finding behind a diagnostic the client shows, from the last lint
        (matched by rule and range, and by message among several there: no re-lint,
        nothing carried in ``data``)."""
        _, found = self.linted_text.get(uri, (None, []))
        shown = self.shown.get(uri, [])
        if len(shown) != len(found):
            return None
        there = [
            (item, mine)
            for item, mine in zip(shown, found, strict=True)
            if item.code == diagnostic.code and item.range == diagnostic.range
        ]
        same = [mine for item, mine in there if item.message == diagnostic.message]
        return (same or [mine for _, mine in there] or [None])[0]

    def linted_current(self, uri: str) -> str | None:
        """The text ``uri`` was last linted from, if it is still the buffer's (or, for a
        closed file, the disk's): fixes are anchored in it and never applied to another."""
        text, _ = self.linted_text.get(uri, (None, []))
        return text if text is not None and self.text_of(uri) == text else None

    def fix_target(self, uri: str, fix: Fix) -> str | None:
        """The uri of the file ``fix`` edits, for a finding reported in ``uri`` (IL402 is
        reported in the handler and fixes the template)."""
        folder = self.folder_of(uri)
        if folder is None:
            return None
        path = Path(os.path.abspath(folder / fix.path))
        # the client's spelling of an open file's uri
        return self.opened().get(_key(path)) or from_fs_path(str(path)) or path.as_uri()

    def folder_of(self, uri: str) -> Path | None:
        """The folder display paths of ``uri``'s project are relative to."""
        root = self.root_of(uri)
        return None if root is None else (root if root.is_dir() else root.parent)

    def fix_edit(self, uri: str, diagnostic: types.Diagnostic) -> types.WorkspaceEdit | None:
        """The real fix of ``diagnostic``, computed from the text it was linted from; None
        when it has none, either file changed since, or the writer cannot apply it."""
        finding = self.fixable(uri, diagnostic)
        if finding is None or finding.fix is None:
            return None
        target = self.fix_target(uri, finding.fix)
        text = self.linted_current(target) if target is not None else None
        if target is None or text is None:
            return None
        new = fixed_text(finding.fix, text)
        return self.workspace_edit(target, text, new) if new is not None else None

    def fixable(self, uri: str, diagnostic: types.Diagnostic) -> Diagnostic | None:
        """The finding, when it has a fix to offer and was linted from the current text."""
        finding = self.finding(uri, diagnostic)
        if finding is None or not self.offers(uri, finding):
            return None
        return finding if self.linted_current(uri) is not None else None

    def offers(self, uri: str, finding: Diagnostic) -> bool:
        """Whether ``finding``'s fix may be written (as ``check --fix`` decides): not for a
        resource of a called Terraform module, nor in ``.tf`` files of a project that
        also holds plan JSON (the plan may be what the next lint reads for them)."""
        if not offered(finding):
            return False
        if finding.fix is None or not finding.fix.path.endswith(HCL_SUFFIXES):
            return True
        return not self.has_plan(uri)

    def has_plan(self, uri: str) -> bool:
        """Whether the last lint of ``uri``'s project read ``terraform show -json`` output."""
        from invokelint.frontends.terraform.plan import looks_like_plan

        root = self.root_of(uri)
        texts = (
            self.linted_text.get(member, (None, []))[0]
            for member in (self.members.get(root, set()) if root is not None else ())
            if member.endswith(".json")
        )
        return any(text and '"planned_values"' in text and looks_like_plan(text) for text in texts)

    def safe_findings(self, uri: str, findings: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The findings (of ``uri``'s project) with a safe fix to offer that edits ``uri``."""
        folder = self.folder_of(uri)
        path = _path(uri)
        if folder is None or path is None:
            return []
        mine = _key(path)
        targets: dict[str, bool] = {}
        found = []
        for finding in findings:
            fix = finding.fix
            if fix is None or fix.safety != "safe":
                continue
            if fix.path not in targets:
                targets[fix.path] = _key(folder / fix.path) == mine
            if targets[fix.path] and self.offers(uri, finding):
                found.append(finding)
        return found

    def last_findings(self, uri: str) -> list[Diagnostic]:
        """The last lint's findings in every file of ``uri``'s project."""
        root = self.root_of(uri)
        uris = self.members.get(root, set()) if root is not None else set()
        return [d for member in uris for d in self.linted_text.get(member, (None, []))[1]]

    def fix_all_edit(self, uri: str) -> types.WorkspaceEdit | None:
        """Every safe fix of the document, applied until nothing changes (as ``--fix``):
        from the last lint when it read the current text, else from a fresh one."""
        document, root = self.document(uri), self.root_of(uri)
        if document is None or root is None or not document.path:
            return None
        text = document.source
        overlays = {
            Path(d.path): d.source for d in self.workspace.text_documents.values() if d.path
        }

        def relint(new: str) -> list[Diagnostic]:
            project = self.projects.lint(root, {**overlays, Path(document.path): new})
            return self.safe_findings(uri, [d for ds in project.files.values() for d in ds])

        try:
            found = (
                self.safe_findings(uri, self.last_findings(uri))
                if self.linted_current(uri) is not None
                else relint(text)
            )
            path = found[0].fix.path if found and found[0].fix else ""
            new = fix_all(text, path, found, relint) if found else text
        except Exception:  # a bug answers "nothing to fix", it does not fail the save
            log.exception("fixing %s failed", uri)
            return None
        return self.workspace_edit(uri, text, new) if new != text else None

    def workspace_edit(self, uri: str, old: str, new: str) -> types.WorkspaceEdit:
        """``old`` -> ``new`` as whole-line edits of ``uri``; versioned where the client
        takes ``documentChanges``, so that it refuses them once the buffer moved on."""
        lines = buffer_lines(old)
        edits = [
            types.TextEdit(
                range=types.Range(
                    start=self.line_start(lines, hunk.start), end=self.line_start(lines, hunk.end)
                ),
                new_text=hunk.text,
            )
            for hunk in hunks(old, new)
        ]
        workspace = self.client_capabilities.workspace
        if workspace and workspace.workspace_edit and workspace.workspace_edit.document_changes:
            document = self.document(uri)
            version = document.version if document is not None else None
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=uri, version=version
                        ),
                        edits=edits,
                    )
                ]
            )
        return types.WorkspaceEdit(changes={uri: edits})

    def line_start(self, lines: list[str], index: int) -> types.Position:
        """Where 0-based line ``index`` starts; past a last line without a line break,
        that line's end (a position after the document is not one)."""
        if index < len(lines) or not lines or lines[-1].endswith(("\n", "\r")):
            return types.Position(line=index, character=0)
        last = lines[-1]
        end = self.workspace.position_codec.position_to_client_units(
            [last], types.Position(line=0, character=len(last))
        )
        return types.Position(line=len(lines) - 1, character=end.character)

    # ------------------------------------------------------------------- reporting
    def publish(self, uri: str) -> None:
        document = self.document(uri)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                diagnostics=self.shown.get(uri, []),
                version=document.version if document is not None else None,
            )
        )

    def tell(self, message: str) -> None:
        """Show an error once per session, not after every keystroke."""
        if message in self.told:
            return
        self.told.add(message)
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Error, message=message)
        )

    def configure(self, options: Any) -> None:
        settings, problems = Settings.parse(options)
        for problem in problems:
            self.tell(f"invokelint: {problem}")
        if settings != self.projects.settings:
            self.projects.settings = settings
            self.stale.update(self.members)

    # ---------------------------------------------------------------------- files
    def document(self, uri: str) -> TextDocument | None:
        """The open document ``uri`` (pygls keys them unquoted)."""
        return self.workspace.text_documents.get(unquote(uri))

    def open_uris(self) -> set[str]:
        return {document.uri for document in self.workspace.text_documents.values()}

    def text_of(self, uri: str) -> str | None:
        document = self.document(uri)
        if document is not None:
            return document.source
        path = _path(uri)
        try:
            return path.read_text(encoding="utf-8-sig") if path is not None else None
        except (OSError, UnicodeDecodeError):
            return None


def _path(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(path) if path else None


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


# ------------------------------------------------------------------------ handlers


def initialize(ls: InvokelintServer, params: types.InitializeParams) -> None:
    folders = [_path(folder.uri) for folder in params.workspace_folders or []]
    if not folders and params.root_uri:
        folders = [_path(params.root_uri)]
    ls.projects = Projects([f for f in folders if f is not None])
    ls.configure(params.initialization_options)
    capabilities = params.capabilities
    text = capabilities.text_document
    ls.pull = text is not None and text.diagnostic is not None
    workspace = capabilities.workspace
    ls.refresh = bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support)
    if ls.pull:  # registered now so that the capability is announced only when useful
        ls.feature(
            types.TEXT_DOCUMENT_DIAGNOSTIC,
            types.DiagnosticOptions(
                identifier=SECTION, inter_file_dependencies=True, workspace_diagnostics=False
            ),
        )(document_diagnostic)


async def initialized(ls: InvokelintServer, params: types.InitializedParams) -> None:
    await _pull_configuration(ls)


async def _pull_configuration(ls: InvokelintServer) -> None:
    workspace = ls.client_capabilities.workspace
    if not (workspace and workspace.configuration):
        return
    try:
        values = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
        )
    except Exception:  # a client that announces configuration but fails to answer
        log.exception("workspace/configuration failed")
        return
    if values and values[0] is not None:
        ls.configure(values[0])
        _relint_stale(ls)


async def did_change_configuration(
    ls: InvokelintServer, params: types.DidChangeConfigurationParams
) -> None:
    settings = params.settings
    if isinstance(settings, dict) and SECTION in settings:
        ls.configure(settings)
        _relint_stale(ls)
    else:  # the client expects the server to ask
        await _pull_configuration(ls)


def _relint_stale(ls: InvokelintServer) -> None:
    for root in list(ls.stale & set(ls.members)):
        ls.lint_and_report(root)  # the files open in the client, not just the next edited


def did_open(ls: InvokelintServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.closed.discard(uri)
    ls.shown.pop(uri, None)  # whatever it showed before, send its findings again
    ls.schedule(uri, 0)


def did_change(ls: InvokelintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.projects.settings.debounce)


def did_save(ls: InvokelintServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


def did_close(ls: InvokelintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.closed.add(uri)
    if not ls.pull and ls.shown.get(uri):
        ls.shown[uri] = []
        ls.publish(uri)
    # its unsaved text is gone: the project is linted again with the file on disk
    ls.schedule(uri, ls.projects.settings.debounce)


async def document_diagnostic(
    ls: InvokelintServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    uri = params.text_document.uri
    await ls.current(uri)
    result_id = f"{ls.versions.get(uri, 0)}"
    if params.previous_result_id == result_id:
        return types.UnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.FullDocumentDiagnosticReport(items=ls.shown.get(uri, []), result_id=result_id)


def code_action(ls: InvokelintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Per invokelint finding in the request, its real fix (where it has one) and an
    "ignore" quick fix; and ``source.fixAll.invokelint`` for the document. A client that
    can resolve code actions gets the edit only for the one it picks; another gets
    ``source.fixAll`` only when it asks for it (``only``), as that costs a lint."""
    uri = params.text_document.uri
    document = ls.document(uri)
    if document is None:
        return []
    only = params.context.only
    lazy = _resolves_edits(ls)
    actions = []
    if _wanted(types.CodeActionKind.QuickFix, only):
        current = document.lines
        for diagnostic in _ours(params.context.diagnostics):
            actions.extend(_quick_fixes(ls, uri, diagnostic, current, lazy))
    if _wanted(FIX_ALL, only) and (lazy or only):
        action = types.CodeAction(title="invokelint: Apply all safe fixes", kind=FIX_ALL)
        if lazy:
            fixable = ls.safe_findings(uri, ls.last_findings(uri))
            action.data = {"uri": uri, "action": "fixAll"} if fixable else None
        else:
            action.edit = ls.fix_all_edit(uri)
        if action.edit is not None or action.data is not None:
            actions.append(action)
    return actions


def _quick_fixes(
    ls: InvokelintServer, uri: str, diagnostic: types.Diagnostic, current: list[str], lazy: bool
) -> list[types.CodeAction]:
    """The real fix (first, preferred when safe) and the ignore comment of one finding."""
    actions = []
    finding = ls.fixable(uri, diagnostic)
    if finding is not None and finding.fix is not None:
        edit = None if lazy else ls.fix_edit(uri, diagnostic)
        if lazy or edit is not None:
            actions.append(
                types.CodeAction(
                    title=action_title(finding),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=True if finding.fix.safety == "safe" else None,
                    edit=edit,
                    data={"uri": uri, "action": "fix"} if lazy else None,
                )
            )
    ignore = ls.ignore_fix(uri, diagnostic, current)
    if ignore is not None:
        actions.append(
            types.CodeAction(
                title=f"Ignore {diagnostic.code} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=None if lazy else types.WorkspaceEdit(changes={uri: [ignore]}),
                data={"uri": uri} if lazy else None,
            )
        )
    return actions


def resolve_code_action(ls: InvokelintServer, action: types.CodeAction) -> types.CodeAction:
    """The edit of the action the user picked (``codeAction/resolve``), from the text
    last linted if it is still the document's: else none (the next lint offers anew)."""
    data = action.data if isinstance(action.data, dict) else {}
    uri = data.get("uri")
    document = ls.document(uri) if isinstance(uri, str) else None
    if document is None:
        return action
    if data.get("action") == "fixAll":
        action.edit = ls.fix_all_edit(uri)
        return action
    ours = _ours((action.diagnostics or [])[:1])
    if not ours:
        return action
    if data.get("action") == "fix":
        action.edit = ls.fix_edit(uri, ours[0])
        return action
    edit = ls.ignore_fix(uri, ours[0], document.lines)
    if edit is not None:
        action.edit = types.WorkspaceEdit(changes={uri: [edit]})
    return action


def _wanted(kind: str, only: Iterable[str] | None) -> bool:
    """Whether the client's ``only`` filter (a kind covers its sub-kinds) admits ``kind``."""
    if only is None:
        return True
    return any(not want or kind == want or kind.startswith(f"{want}.") for want in only)


def _resolves_edits(ls: InvokelintServer) -> bool:
    text = ls.client_capabilities.text_document
    support = text.code_action.resolve_support if text and text.code_action else None
    return support is not None and "edit" in support.properties


def _ours(diagnostics: Iterable[types.Diagnostic]) -> list[types.Diagnostic]:
    """The client's diagnostics that are invokelint's."""
    return [d for d in diagnostics if d.source == SOURCE]


# -------------------------------------------------------------------------- server


def build_server() -> InvokelintServer:
    server = InvokelintServer()
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True
        ),
    )(code_action)
    server.feature(types.CODE_ACTION_RESOLVE)(resolve_code_action)
    return server


def serve() -> None:
    build_server().start_io()
