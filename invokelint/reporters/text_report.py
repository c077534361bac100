"""``path:line:col: IL103 error: message [Resource]``, one line per diagnostic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from invokelint.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext


def render(result: LintResult, context: ReportContext) -> str:
    lines = [line(d) for d in result.diagnostics]
    if not context.quiet:
        lines.append(summary(result))
    return "\n".join(lines) + "\n" if lines else ""


def line(d: Diagnostic) -> str:
    loc = d.location
    suffix = f" [{d.resource}]" if d.resource else ""
    return f"{loc.path}:{loc.line}:{loc.column}: {d.code} {d.severity}: {d.message}{suffix}"


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
