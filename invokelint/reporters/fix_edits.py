"""Each finding's fix as the text it would change, for the JSON and SARIF reports.

Only those formats import this: it runs the writer on each fixed file's text (the
unsaved text the run linted, else the file on disk), which the default text output
never pays for. A fix the writer would drop, or a file that cannot be read, gives no
edit, exactly as ``--fix`` would skip it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invokelint.diagnostics import Diagnostic
    from invokelint.reporters import ReportContext


@dataclass(frozen=True, slots=True)
class FixEdit:
    """Replace lines ``line`` up to (not including) ``end_line`` of ``path`` (1-based;
    both equal for a pure insertion before ``line``) with ``content``."""

    path: str
    line: int
    end_line: int
    content: str
    title: str
    safety: str


class FixEdits:
    """Computes each diagnostic's edit, reading every file once."""

    def __init__(self, context: ReportContext) -> None:
        self.context = context
        self.texts: dict[str, str | None] = {}

    def of(self, diagnostic: Diagnostic) -> FixEdit | None:
        from invokelint.fixes.editor import fix_edit

        fix = diagnostic.fix
        if fix is None:
            return None
        text = self._text(fix.path)
        if text is None:
            return None
        # the fix may edit another file than the finding's (IL402: the handler is reported,
        # the template fixed): ask for the edit as if the finding sat in the fixed file
        located = replace(diagnostic, location=replace(diagnostic.location, path=fix.path))
        edit = fix_edit(located, text)
        if edit is None:
            return None
        return FixEdit(fix.path, edit.start + 1, edit.end + 1, edit.text, edit.title, edit.safety)

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
