"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

One run; ``tool.driver.rules`` lists every rule, and the rules that have results carry
their whole page as help, so a viewer can explain a result without fetching anything
(every rule's page with ``--sarif-full-help``; the others link to it, which keeps a
typical report far below code scanning's limits). Paths are relative to ``%SRCROOT%``,
the repository root (the git top level, else the working folder), so a job that runs
in a subfolder gets the same URIs as one at the top. ``partialFingerprints`` hash the
rule, repository path, resource and message but no line number, so a result keeps its
identity when lines above it move. A result with a fix that can be written carries it as
``fixes`` (whole lines replaced, ``properties.applicability`` safe or unsafe).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from invokelint import __version__
from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fingerprints import numbered
from invokelint.model import Location

if TYPE_CHECKING:
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext
    from invokelint.reporters.fix_edits import FixEdit
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
    from invokelint.reporters.fix_edits import FixEdits

    edits = FixEdits(result, context)
    results = [
        _result(diagnostic, index, fingerprint, context.source_path, edits.of(diagnostic))
        for diagnostic, fingerprint in numbered(result.diagnostics, context.source_path)
    ]
    reported = {d.code for d in result.diagnostics}
    run = {
        "tool": {
            "driver": {
                "name": "invokelint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [
                    _descriptor(rule, full_help=context.sarif_full_help or rule.id in reported)
                    for rule in rules
                ],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(context.source_root)}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def level(severity: Severity) -> str:
    return LEVELS[severity]


# ------------------------------------------------------------------------------ rules


def _descriptor(rule: type[Rule], *, full_help: bool) -> dict[str, Any]:
    from invokelint.rules.docs import FAMILIES, render_page

    if full_help:
        page = render_page(rule)
        help_ = {"text": page, "markdown": page}
    else:
        link = f"{rule.summary} See {rule.docs_url()}"
        help_ = {"text": link, "markdown": f"{rule.summary} See [{rule.id}]({rule.docs_url()})."}
    family = FAMILIES.get(rule.id[:3])
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full_description(rule)},
        "help": help_,
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


def _result(
    diagnostic: Diagnostic,
    index: dict[str, int],
    fingerprint: str,
    source_path: Callable[[str], str],
    edit: FixEdit | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": diagnostic.code}
    if diagnostic.code in index:
        result["ruleIndex"] = index[diagnostic.code]
    result["level"] = level(diagnostic.severity)
    result["message"] = {"text": diagnostic.message}
    result["locations"] = [{"physicalLocation": _physical(diagnostic.location, source_path)}]
    if diagnostic.construct_path:  # CDK: the construct, as code scanning names resources
        result["locations"][0]["logicalLocations"] = [
            {"fullyQualifiedName": diagnostic.construct_path, "kind": "resource"}
        ]
    if diagnostic.related:
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": _physical(location, source_path)}
            for number, location in enumerate(diagnostic.related, start=1)
        ]
    result["partialFingerprints"] = {FINGERPRINT: fingerprint}
    if edit is not None:
        result["fixes"] = [_fix(edit, source_path)]
    return result


def _fix(edit: FixEdit, source_path: Callable[[str], str]) -> dict[str, Any]:
    """The fix as runs of whole lines replaced (an empty region for an insertion)."""
    replacements = [
        {
            "deletedRegion": {
                "startLine": part.line,
                "startColumn": 1,
                "endLine": part.end_line,
                "endColumn": 1,
            },
            "insertedContent": {"text": part.content},
        }
        for part in edit.replacements
    ]
    return {
        "description": {"text": edit.title},
        "artifactChanges": [
            {"artifactLocation": _artifact(source_path(edit.path)), "replacements": replacements}
        ],
        "properties": {"applicability": edit.safety},
    }


def _physical(location: Location, source_path: Callable[[str], str]) -> dict[str, Any]:
    return {
        "artifactLocation": _artifact(source_path(location.path)),
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
