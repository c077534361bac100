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
finding, and the fix needs no re-lint. Settings, from ``initializationOptions`` or the
``invokelint`` section of the client's configuration: ``select`` and ``ignore`` (rule
ids or prefixes), applied on top of the project's ``.invokelint.toml`` /
``[tool.invokelint]``, and ``debounce`` (seconds, default 0.3).
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
from invokelint.quickfix import ignore_edit, text_lines
from invokelint.reporters.lsp_report import SOURCE, to_lsp
from invokelint.workspace import ProjectLint, Projects, Settings, valid_path

SECTION = "invokelint"
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
        text, found = self.linted_text.get(uri, (None, []))
        shown = self.shown.get(uri, [])
        if text is None or len(shown) != len(found):
            return None
        finding = next(
            (
                mine
                for item, mine in zip(shown, found, strict=True)
                if item.code == diagnostic.code and item.range == diagnostic.range
            ),
            None,
        )
        edit = ignore_edit(finding, text) if finding is not None else None
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
    """One "ignore" quick fix per invokelint finding in the request; a client that can
    resolve code actions gets the edit only for the one it picks."""
    uri = params.text_document.uri
    document = ls.document(uri)
    if document is None:
        return []
    lazy = _resolves_edits(ls)
    current = document.lines
    actions = []
    for diagnostic in _ours(params.context.diagnostics):
        edit = ls.ignore_fix(uri, diagnostic, current)
        if edit is None:
            continue
        actions.append(
            types.CodeAction(
                title=f"Ignore {diagnostic.code} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=None if lazy else types.WorkspaceEdit(changes={uri: [edit]}),
                data={"uri": uri} if lazy else None,
            )
        )
    return actions


def resolve_code_action(ls: InvokelintServer, action: types.CodeAction) -> types.CodeAction:
    """The edit of a quick fix the user picked (``codeAction/resolve``)."""
    uri = action.data.get("uri") if isinstance(action.data, dict) else None
    document = ls.document(uri) if isinstance(uri, str) else None
    if document is None or not action.diagnostics:
        return action
    ours = _ours(action.diagnostics[:1])
    edit = ls.ignore_fix(uri, ours[0], document.lines) if ours else None
    if edit is not None:
        action.edit = types.WorkspaceEdit(changes={uri: [edit]})
    return action


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
            code_action_kinds=[types.CodeActionKind.QuickFix], resolve_provider=True
        ),
    )(code_action)
    server.feature(types.CODE_ACTION_RESOLVE)(resolve_code_action)
    return server


def serve() -> None:
    build_server().start_io()
