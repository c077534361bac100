"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

One run; ``tool.driver.rules`` lists every rule (not only those that fired) with the rule
page as help, so a viewer can explain a result without fetching anything. Paths are
relative to ``%SRCROOT%`` (the working folder), which is what code scanning expects when
the command runs at the repository root. ``partialFingerprints`` hash the rule, file,
resource and message but no line number, so a result keeps its identity when lines
above it move.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from invokelint import __version__
from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import Location

if TYPE_CHECKING:
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext
    from invokelint.rules.base import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/invokelint/invokelint"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "invokelint/v1"
MAX_DESCRIPTION = 1024  # GitHub code scanning truncates longer full descriptions
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(result: LintResult, context: ReportContext) -> str:
    from invokelint.rules import all_rules

    rules = all_rules()
    index = {rule.id: number for number, rule in enumerate(rules)}
    seen: Counter[str] = Counter()
    results = []
    for diagnostic in result.diagnostics:
        fingerprint = _fingerprint(diagnostic)
        seen[fingerprint] += 1  # identical findings stay distinct: 1st, 2nd, ...
        results.append(_result(diagnostic, index, f"{fingerprint}:{seen[fingerprint]}"))
    run = {
        "tool": {
            "driver": {
                "name": "invokelint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(rule) for rule in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(context.cwd)}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def level(severity: Severity) -> str:
    return LEVELS[severity]


# ------------------------------------------------------------------------------ rules


def _descriptor(rule: type[Rule]) -> dict[str, Any]:
    from invokelint.rules.docs import FAMILIES, render_page

    page = render_page(rule)
    family = FAMILIES.get(rule.id[:3])
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full_description(rule)},
        "help": {"text": page, "markdown": page},
        "helpUri": rule.docs_url(),
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"tags": ["aws-lambda", *([family] if family else [])]},
    }


def full_description(rule: type[Rule]) -> str:
    """The rule's "What it does" section as plain text, at most 1024 characters."""
    section = _section(rule.description(), "What it does") or rule.summary
    text = " ".join(re.sub(r"\*\*|`", "", section).split())
    if len(text) <= MAX_DESCRIPTION:
        return text
    cut = text[: MAX_DESCRIPTION - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _section(markdown: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    return match.group(1).strip() if match else ""


# ---------------------------------------------------------------------------- results


def _result(diagnostic: Diagnostic, index: dict[str, int], fingerprint: str) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": diagnostic.code}
    if diagnostic.code in index:
        result["ruleIndex"] = index[diagnostic.code]
    result["level"] = level(diagnostic.severity)
    result["message"] = {"text": diagnostic.message}
    result["locations"] = [{"physicalLocation": _physical(diagnostic.location)}]
    if diagnostic.related:
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": _physical(location)}
            for number, location in enumerate(diagnostic.related, start=1)
        ]
    result["partialFingerprints"] = {FINGERPRINT: fingerprint}
    return result


def _physical(location: Location) -> dict[str, Any]:
    return {
        "artifactLocation": _artifact(location.path),
        "region": {
            "startLine": location.line,
            "startColumn": location.column,
            "endLine": location.end_line,
            "endColumn": location.end_column,
        },
    }


def _artifact(path: str) -> dict[str, str]:
    """Relative to ``%SRCROOT%`` when the path is; a ``file:`` URI otherwise.

    A file name that is not UTF-8 (kept by Python as lone surrogates) is percent-encoded
    byte for byte, so the URI names exactly the file on disk.
    """
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    relative = PurePosixPath(path).as_posix()
    return {"uri": quote(relative, errors="surrogateescape"), "uriBaseId": SRCROOT}


def _directory_uri(folder: Path) -> str:
    uri = folder.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _fingerprint(diagnostic: Diagnostic) -> str:
    identity = "\0".join(
        (diagnostic.code, diagnostic.path, diagnostic.resource or "", diagnostic.message)
    )
    data = identity.encode("utf-8", "surrogatepass")  # a file name need not be UTF-8
    return hashlib.sha256(data).hexdigest()[:32]
