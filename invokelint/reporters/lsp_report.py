"""Language Server Protocol diagnostics: ``{file URI: [Diagnostic, ...]}`` as JSON.

The same conversion serves the language server (``invokelint lsp``), so an editor
plugin that runs ``invokelint check --format lsp`` sees exactly what the server
publishes. Every linted file appears, with an empty list when it is clean, so a
consumer can clear what it showed before. Positions are 0-based; characters count
Unicode code points (the server converts them to the encoding the editor negotiated).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import Location

if TYPE_CHECKING:
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext

SOURCE = "invokelint"
SEVERITIES = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}


def render(result: LintResult, context: ReportContext) -> str:
    published: dict[str, list[dict[str, Any]]] = {
        file_uri(path, context.cwd): [] for path in [*result.checked, *result.failed]
    }
    for diagnostic in result.diagnostics:
        uri = file_uri(diagnostic.path, context.cwd)
        published.setdefault(uri, []).append(to_lsp(diagnostic, context.cwd))
    return json.dumps(published, indent=2, ensure_ascii=False) + "\n"


def to_lsp(diagnostic: Diagnostic, root: Path) -> dict[str, Any]:
    """One LSP ``Diagnostic`` as plain JSON; display paths are relative to ``root``."""
    from invokelint.rules import get_rule

    rule = get_rule(diagnostic.code)
    lsp: dict[str, Any] = {
        "range": to_range(diagnostic.location),
        "severity": SEVERITIES[diagnostic.severity],
        "code": diagnostic.code,
    }
    if rule is not None:
        lsp["codeDescription"] = {"href": rule.docs_url()}
    lsp["source"] = SOURCE
    lsp["message"] = diagnostic.message
    if diagnostic.related:
        lsp["relatedInformation"] = [
            {
                "location": {"uri": file_uri(loc.path, root), "range": to_range(loc)},
                "message": f"{diagnostic.code}: related to this finding",
            }
            for loc in diagnostic.related
        ]
    return lsp


def to_range(location: Location) -> dict[str, dict[str, int]]:
    return {
        "start": {"line": location.line - 1, "character": location.column - 1},
        "end": {"line": location.end_line - 1, "character": location.end_column - 1},
    }


def file_uri(path: str, root: Path) -> str:
    """``file:`` URI of a display path (relative to ``root`` unless absolute)."""
    return Path(os.path.abspath(root / path)).as_uri()
