"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per finding.

GitHub turns each line into an annotation on the pull request's diff; paths are relative
to the repository root, which is how GitHub finds the file. Values are escaped
as the Actions toolkit escapes them (``%``, CR and LF everywhere; ``:`` and ``,`` too in
properties), so a message or path can never end a command early.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from invokelint.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(result: LintResult, context: ReportContext) -> str:
    return "".join(annotation(d, context.source_path(d.path)) + "\n" for d in result.diagnostics)


def annotation(diagnostic: Diagnostic, path: str) -> str:
    """One workflow command; ``path`` relative to the repository, as GitHub resolves it."""
    loc = diagnostic.location
    properties = {
        "file": path,
        "line": loc.line,
        "col": loc.column,
        "endLine": loc.end_line,
        "endColumn": loc.end_column,
        "title": f"{diagnostic.code} {diagnostic.name}",
    }
    listed = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{COMMANDS[diagnostic.severity]} {listed}::{escape_data(diagnostic.message)}"


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
