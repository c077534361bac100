"""Each finding's fix as the text it would change, for the JSON and SARIF reports.

Only those formats import this: it runs the writer on each fixed file's text (the
unsaved text the run linted, else the file on disk), which the default text output
never pays for. A fix the writer would drop, or a file that cannot be read, gives no
edit, exactly as ``--fix`` would skip it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invokelint.diagnostics import Diagnostic
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace lines ``line`` up to (not including) ``end_line`` (1-based; both equal for
    a pure insertion before ``line``) with ``content``."""

    line: int
    end_line: int
    content: str


@dataclass(frozen=True, slots=True)
class FixEdit:
    """What a fix changes in ``path``: one replacement per changed run of lines (a fix
    that edits a queue and a function far below it does not rewrite what lies between)."""

    path: str
    replacements: tuple[Replacement, ...]
    title: str
    safety: str


class FixEdits:
    """Computes each diagnostic's edit, reading every file once."""

    def __init__(self, result: LintResult, context: ReportContext) -> None:
        from invokelint.fixes.apply import planned_files

        self.context = context
        self.planned = planned_files(result.models)  # what --fix leaves alone
        self.texts: dict[str, str | None] = {}

    def of(self, diagnostic: Diagnostic) -> FixEdit | None:
        from invokelint.fixes.apply import offered, title
        from invokelint.fixes.editor import fixed_text, hunks

        fix = diagnostic.fix
        if fix is None or not offered(diagnostic, self.planned):
            return None
        text = self._text(fix.path)  # IL402 reports the handler and fixes the template
        new = fixed_text(fix, text) if text is not None else None
        if text is None or new is None:
            return None
        # lines counted as the writer and the editor count them (not str.splitlines,
        # which also breaks at \f, \v and U+2028 and would shift every later line)
        replacements = tuple(Replacement(h.start + 1, h.end + 1, h.text) for h in hunks(text, new))
        return FixEdit(fix.path, replacements, title(fix) or f"Fix {diagnostic.code}", fix.safety)

    def _text(self, path: str) -> str | None:
        if path not in self.texts:
            text = self.context.sources.get(path)
            if text is None:
                try:  # the bytes --fix would edit: no newline translation, no BOM removed
                    text = (self.context.cwd / path).read_bytes().decode("utf-8")
                except (OSError, UnicodeDecodeError):
                    text = None
            self.texts[path] = text
        return self.texts[path]
