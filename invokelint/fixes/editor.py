"""A diagnostic's fix as one text edit on an editor buffer (for the language server).

The language server calls ``fix_edit`` with the buffer text the diagnostic was linted
from (unsaved text included) and turns the result into an LSP ``TextEdit`` inside a
``WorkspaceEdit``; nothing here imports pygls, so computing it lazily, on a code
action request, costs only this call.
"""

from __future__ import annotations

from dataclasses import dataclass

from invokelint.diagnostics import Diagnostic
from invokelint.fixes.apply import apply_fixes, offered, title


@dataclass(frozen=True, slots=True)
class LinesEdit:
    """Replace 0-based lines ``start`` up to (not including) ``end`` with ``text``."""

    start: int
    end: int
    text: str
    title: str
    safety: str


def fix_edit(diagnostic: Diagnostic, text: str) -> LinesEdit | None:
    """The smallest whole-line edit that applies ``diagnostic``'s fix to ``text``.

    None when the diagnostic has no fix, the fix is for another file (IL402 reports
    the handler and fixes the template), is for a resource of a called Terraform module,
    or cannot be written exactly.
    """
    fix = diagnostic.fix
    if fix is None or fix.path != diagnostic.path or not offered(diagnostic):
        return None
    outcome = apply_fixes(text, fix.path, [fix])
    if not outcome.applied:
        return None
    old = text.splitlines(keepends=True)
    new = outcome.text.splitlines(keepends=True)
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old, end_new = end_old - 1, end_new - 1
    named = title(fix) or f"Fix {diagnostic.code}"
    return LinesEdit(start, end_old, "".join(new[start:end_new]), named, fix.safety)
