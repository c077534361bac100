"""Markdown for people reading a CI page (the GitHub Action's job summary).

The summary line, a table of counts per rule, then the findings as a table with
repository-relative paths. Long runs are cut (a job summary holds at most 1 MiB) with
the number left out said, never silently.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from invokelint.reporters.text_report import summary

if TYPE_CHECKING:
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext

MAX_ROWS = 500


def render(result: LintResult, context: ReportContext) -> str:
    lines = ["## invokelint", "", summary(result), ""]
    if not result.diagnostics:
        return "\n".join(lines)
    names = {d.code: d.name for d in result.diagnostics}
    counts = Counter(d.code for d in result.diagnostics)
    lines += ["| rule | name | findings |", "| --- | --- | ---: |"]
    lines += [
        f"| {code} | `{names[code]}` | {count} |"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    lines += ["", "| file | line | rule | severity | message |", "| --- | ---: | --- | --- | --- |"]
    for d in result.diagnostics[:MAX_ROWS]:
        path = _cell(context.source_path(d.path))
        lines.append(
            f"| `{path}` | {d.location.line} | {d.code} | {d.severity} | {_cell(d.message)} |"
        )
    left = len(result.diagnostics) - MAX_ROWS
    if left > 0:
        lines += ["", f"... and {left} more findings (see the log or the SARIF report)."]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """One table cell: no line breaks, no column separators, no HTML."""
    cleaned = " ".join(text.split()).replace("|", "\\|").replace("`", "'")
    return cleaned.replace("<", "&lt;").replace(">", "&gt;")
