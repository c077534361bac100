"""GitLab Code Quality JSON (``artifacts:reports:codequality``): the findings show in the
merge request widget and diff.

One object per finding with the fields GitLab reads: ``description``, ``check_name``,
``fingerprint`` (line-free, as in SARIF and baselines, so GitLab tells new findings from
old ones across commits), ``severity`` and ``location.path`` (repository-relative) with
``location.lines.begin``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from invokelint.diagnostics import Severity
from invokelint.fingerprints import numbered

if TYPE_CHECKING:
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(result: LintResult, context: ReportContext) -> str:
    issues = [
        {
            "type": "issue",
            "check_name": d.code,
            "description": f"{d.code} {d.name}: {d.message}",
            "categories": ["Bug Risk"],
            "fingerprint": fingerprint,
            "severity": SEVERITIES[d.severity],
            "location": {
                "path": context.source_path(d.path),
                "lines": {"begin": d.location.line, "end": d.location.end_line},
            },
        }
        for d, fingerprint in numbered(result.diagnostics, context.source_path)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
