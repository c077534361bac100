"""Text for people: ``path:line:col: IL103 error: message [Resource]`` per finding.

Two layouts: concise (one line per finding: pipes, editors' error formats, ``--format
concise``) and full (each finding followed by the offending line with a caret under the
span, as ruff's ``full`` output: a terminal's default, ``--format full``). Colour is
decided by the caller (``ReportContext.color``); the words are the same without it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from invokelint.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext

RESET, BOLD = "\x1b[0m", "\x1b[1m"
BLUE = "\x1b[34m"
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}


def render(result: LintResult, context: ReportContext) -> str:
    paint = _Painter(context.color)
    unsafe = context.unsafe_fixes
    if context.source_context:
        sources = _Sources(context)
        blocks = [_full(d, paint, sources, unsafe) for d in result.diagnostics]
        lines = ["\n\n".join(blocks), ""] if blocks else []  # a blank line before the summary
        if context.quiet and lines:
            lines.pop()
    else:
        lines = [_line(d, paint, unsafe) for d in result.diagnostics]
    if not context.quiet:
        lines.append(paint(summary(result), BOLD))
        fixable = fixable_summary(result, unsafe_fixes=context.unsafe_fixes)
        if fixable:
            lines.append(fixable)
    return "\n".join(lines) + "\n" if lines else ""


def line(d: Diagnostic) -> str:
    """The concise form, without colour (JUnit failure texts use it too)."""
    return _line(d, _Painter(False))


def _line(d: Diagnostic, paint: _Painter, unsafe_fixes: bool = False) -> str:
    loc = d.location
    suffix = f" [{d.resource}]" if d.resource else ""
    where = paint(f"{loc.path}:{loc.line}:{loc.column}:", BOLD)
    what = paint(f"{d.code} {d.severity}:", BOLD + COLORS[d.severity])
    safety = _fixable(d)
    marker = FIXABLE if safety == "safe" or (safety and unsafe_fixes) else ""
    return f"{where} {what} {marker}{d.message}{suffix}"


FIXABLE = "[*] "  # ruff's mark of a finding that ``--fix`` fixes


def _fixable(d: Diagnostic, planned: Collection[str] = ()) -> str | None:
    """The safety of the fix ``--fix`` would apply to ``d`` (None: no fix offered)."""
    if d.fix is None:
        return None
    from invokelint.fixes.apply import offered

    return d.fix.safety if offered(d, planned) else None


def fixable_summary(result: LintResult, *, unsafe_fixes: bool = False) -> str:
    """ruff's line: how many findings ``--fix`` fixes, and how many ``--unsafe-fixes``
    would add (counted as fixable when it is given); empty when none has a fix. (Whether
    the writer can apply each one is only known by trying: ``--diff`` shows it.)"""
    if all(d.fix is None for d in result.diagnostics):
        return ""
    from invokelint.fixes.apply import planned_files

    planned = planned_files(result.models)
    safeties = [_fixable(d, planned) for d in result.diagnostics]
    safe, unsafe = safeties.count("safe"), sum(s not in (None, "safe") for s in safeties)
    if unsafe_fixes:
        safe, unsafe = safe + unsafe, 0
    hidden = (
        f"{unsafe} hidden fix{'es' * (unsafe != 1)} can be enabled with the `--unsafe-fixes` option"
        if unsafe
        else ""
    )
    if safe:
        return f"[*] {safe} fixable with the `--fix` option" + (f" ({hidden})." if hidden else ".")
    return f"No fixes available ({hidden})." if hidden else ""


def _full(d: Diagnostic, paint: _Painter, sources: _Sources, unsafe_fixes: bool) -> str:
    """The finding, then its line with a caret under the span (to the line's end when the
    span goes on), gutter numbered; just the finding when the line cannot be shown."""
    loc = d.location
    text = sources.line(loc.path, loc.line)
    if text is None:
        return _line(d, paint, unsafe_fixes)
    number = str(loc.line)
    gutter = " " * len(number)
    start = min(loc.column - 1, len(text))
    end = loc.end_column - 1 if loc.end_line == loc.line else len(text)
    end = max(min(end, len(text)), start + 1)
    # keep tabs where the line has them, so the caret stands under the right character
    indent = "".join("\t" if char == "\t" else " " for char in text[:start])
    caret = paint("^" * (end - start), BOLD + COLORS[d.severity])
    bar = paint("|", BLUE)
    return (
        f"{_line(d, paint, unsafe_fixes)}\n"
        f"{paint(gutter, BLUE)} {bar}\n"
        f"{paint(number, BLUE)} {bar} {text}\n"
        f"{paint(gutter, BLUE)} {bar} {indent}{caret}"
    )


def summary(result: LintResult) -> str:
    """One sentence: how many problems of each severity in how many files."""
    files = len(result.checked) + len(result.failed)
    noun = "file" if files == 1 else "files"
    known = result.statistics.get("in baseline", 0)
    baseline = f" ({known} more in the baseline)" if known else ""
    if not files:
        return "No templates found: nothing was linted."
    if not result.diagnostics:
        return f"No problems found in {files} {noun}{baseline}."
    counts = ", ".join(
        f"{result.count(severity)} {severity.value}{'' if result.count(severity) == 1 else 's'}"
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if result.count(severity)
    )
    total = len(result.diagnostics)
    # Findings can sit in handler code as well as templates: count the files they are in.
    with_findings = len({d.location.path for d in result.diagnostics})
    noun = "file" if with_findings == 1 else "files"
    problems = f"problem{'' if total == 1 else 's'}"
    return f"Found {total} {problems} ({counts}) in {with_findings} {noun}{baseline}."


class _Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"{style}{text}{RESET}" if self.enabled and text else text


class _Sources:
    """Each file's lines, read once per report (unsaved text first, e.g. stdin)."""

    def __init__(self, context: ReportContext) -> None:
        self.context = context
        self.cache: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self.cache:
            self.cache[path] = self._read(path)
        lines = self.cache[path]
        if lines is None or not 0 < number <= len(lines):
            return None
        # a control character could drive the terminal: show it as a replacement character
        return _CONTROL.sub("\ufffd", lines[number - 1].rstrip("\r\n"))

    def _read(self, path: str) -> list[str] | None:
        text = self.context.sources.get(path)
        if text is None:
            try:
                text = (Path(self.context.cwd) / path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                return None
        return text.splitlines()
