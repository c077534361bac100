"""Fixes as whole-line edits on an editor buffer (for the language server).

The language server calls these with the buffer text a diagnostic was linted from
(unsaved text included) and turns each ``LinesEdit`` into an LSP ``TextEdit``; nothing
here imports pygls, so computing an edit lazily, on a code action request, costs only
the writer's work. Lines are counted as LSP and the writer count them (``\\n``,
``\\r\\n``, ``\\r``), never at the other breaks ``str.splitlines`` knows.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from invokelint.diagnostics import Diagnostic
from invokelint.fixes import Fix
from invokelint.fixes.apply import _LINE, apply_fixes, offered
from invokelint.fixes.apply import title as fix_title
from invokelint.fixes.run import MAX_ROUNDS


@dataclass(frozen=True, slots=True)
class LinesEdit:
    """Replace 0-based lines ``start`` up to (not including) ``end`` with ``text``."""

    start: int
    end: int
    text: str
    title: str = ""
    safety: str = "safe"


def fix_edit(diagnostic: Diagnostic, text: str) -> LinesEdit | None:
    """The smallest whole-line edit that applies ``diagnostic``'s fix to ``text``.

    None when the diagnostic has no fix, the fix is for another file (IL402 reports
    the handler and fixes the template: see ``fixed_text``), is for a resource of a
    called Terraform module, or cannot be written exactly.
    """
    fix = diagnostic.fix
    if fix is None or fix.path != diagnostic.path or not offered(diagnostic):
        return None
    new = fixed_text(fix, text)
    if new is None:
        return None
    changed = hunks(text, new)
    old_lines, new_lines = lines(text), lines(new)
    first, last = changed[0], changed[-1]
    # the new lines from the first change to the last: what replaces old lines start-end
    tail = len(old_lines) - last.end
    text = "".join(new_lines[first.start : len(new_lines) - tail])
    named = fix_title(fix) or f"Fix {diagnostic.code}"
    return LinesEdit(first.start, last.end, text, named, fix.safety)


@lru_cache(maxsize=16)  # an editor asks again for the same finding as the cursor moves
def fixed_text(fix: Fix, text: str) -> str | None:
    """``text`` (the text of ``fix.path``) with ``fix`` applied; None if it cannot be."""
    outcome = apply_fixes(text, fix.path, [fix])
    return outcome.text if outcome.applied else None


def fix_all(
    text: str,
    path: str,
    findings: Iterable[Diagnostic],
    relint: Callable[[str], Iterable[Diagnostic]],
    rounds: int = MAX_ROUNDS,
) -> str:
    """``text`` (of the file at display path ``path``) with every safe fix applied, then
    the safe fixes a lint of the result finds, until nothing changes (as ``check --fix``).

    ``findings`` are those of ``text`` whose fixes may be offered; ``relint`` lints a
    fixed text and returns those of its findings.
    """
    for _ in range(rounds):
        safe = [
            d.fix
            for d in findings
            if d.fix is not None and d.fix.safety == "safe" and d.fix.path == path
        ]
        new = apply_fixes(text, path, safe).text if safe else text
        if new == text:
            break
        text = new
        findings = relint(text)
    return text


def hunks(old: str, new: str) -> list[LinesEdit]:
    """The whole-line edits that turn ``old`` into ``new``, one per changed run of lines
    (a fix in two resources leaves the lines between them, and the editor's marks on
    them, alone)."""
    old_lines, new_lines = lines(old), lines(new)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    return [
        LinesEdit(i1, i2, "".join(new_lines[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def lines(text: str) -> list[str]:
    """``text``'s lines with their breaks, as LSP counts lines."""
    return _LINE.findall(text)


def action_title(diagnostic: Diagnostic) -> str:
    """What an editor lists for the fix, in the file's own terms (``visibility_timeout_
    seconds`` in a ``.tf`` file): ruff's wording, "(unsafe)" when it is."""
    fix = diagnostic.fix
    name = (fix_title(fix) if fix is not None else "") or "fix"
    unsafe = " (unsafe)" if fix is not None and fix.safety == "unsafe" else ""
    return f"{diagnostic.code}: {name[:1].upper()}{name[1:]}{unsafe}"
