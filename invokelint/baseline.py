"""Baselines: adopt invokelint on a large repository in one commit.

``--write-baseline FILE`` records today's findings by fingerprint (``fingerprints.py``:
no line numbers, so edits elsewhere in a file keep them recognised); ``--baseline FILE``
then reports only findings that are not in it. A file that cannot be parsed (IL001) is
never recorded: a baseline must not turn a broken template green.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from invokelint.diagnostics import Diagnostic
from invokelint.fingerprints import numbered

VERSION = 1
NEVER_RECORDED = "IL001"


class BaselineError(Exception):
    """The baseline file cannot be read or is not one (one line, exit status 2)."""


def render(diagnostics: Sequence[Diagnostic], source_path: Callable[[str], str]) -> str:
    """The baseline file's text: sorted, one finding per entry, readable in a diff."""
    findings = [
        {
            "fingerprint": fingerprint,
            "code": diagnostic.code,
            "path": source_path(diagnostic.path),
            "resource": diagnostic.resource,
            "message": diagnostic.message,
        }
        for diagnostic, fingerprint in numbered(diagnostics, source_path)
        if diagnostic.code != NEVER_RECORDED
    ]
    findings.sort(key=lambda item: (item["path"], item["code"], item["fingerprint"]))
    document = {"invokelint-baseline": VERSION, "findings": findings}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read(path: Path) -> frozenset[str]:
    """The fingerprints recorded in ``path``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: baseline is not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("invokelint-baseline") != VERSION:
        raise BaselineError(f"{path}: not an invokelint baseline (--write-baseline makes one)")
    findings = document.get("findings")
    if not isinstance(findings, list) or not all(
        isinstance(item, dict) and isinstance(item.get("fingerprint"), str) for item in findings
    ):
        raise BaselineError(f"{path}: baseline findings must each have a fingerprint")
    return frozenset(item["fingerprint"] for item in findings)


def new_findings(
    diagnostics: Sequence[Diagnostic], known: frozenset[str], source_path: Callable[[str], str]
) -> list[Diagnostic]:
    """The diagnostics whose fingerprint the baseline does not hold (IL001 always)."""
    return [
        diagnostic
        for diagnostic, fingerprint in numbered(diagnostics, source_path)
        if diagnostic.code == NEVER_RECORDED or fingerprint not in known
    ]
