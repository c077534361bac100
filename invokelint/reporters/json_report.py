"""One JSON array; one object per diagnostic with a fixed set of keys.

``fix`` is null or, as in ruff's JSON, ``{"applicability": "safe"|"unsafe", "message":
title, "edits": [...]}``: each run of lines the fix replaces (``line`` up to, not
including, ``end_line``; equal for an insertion; line numbers of the file before the fix)
in ``path``, which is another file than the finding's when a handler's finding is fixed
in its template.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from invokelint.diagnostics import Diagnostic
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext
    from invokelint.reporters.fix_edits import FixEdit


def render(result: LintResult, context: ReportContext) -> str:
    from invokelint.reporters.fix_edits import FixEdits

    edits = FixEdits(result, context)
    items = [{**diagnostic(d), "fix": fix(edits.of(d))} for d in result.diagnostics]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"  # UTF-8, as the others


def fix(edit: FixEdit | None) -> dict[str, Any] | None:
    if edit is None:
        return None
    return {
        "applicability": edit.safety,
        "message": edit.title,
        "edits": [
            {
                "path": edit.path,
                "line": part.line,
                "column": 1,
                "end_line": part.end_line,
                "end_column": 1,
                "content": part.content,
            }
            for part in edit.replacements
        ],
    }


def diagnostic(d: Diagnostic) -> dict[str, Any]:
    """One finding as an object with a fixed set of keys (the graph's JSON uses it too),
    plus ``construct_path`` for a resource of a CDK app."""
    item: dict[str, Any] = {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "path": d.location.path,
        "line": d.location.line,
        "column": d.location.column,
        "end_line": d.location.end_line,
        "end_column": d.location.end_column,
        "resource": d.resource,
    }
    if d.construct_path is not None:
        item["construct_path"] = d.construct_path
    return item
