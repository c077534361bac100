"""JUnit XML for CI dashboards (GitLab merge requests, Jenkins, Azure Pipelines).

One ``<testsuite>`` per file, one ``<testcase>`` per file and rule: every rule that ran
is a test of every linted template, so a finding that gets fixed shows up as a test that
passes again instead of one that silently disappears. A test's findings form a single
``<failure>`` (Jenkins shows only the first of several), one line each in the text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from invokelint.diagnostics import Diagnostic
from invokelint.reporters.text_report import line

if TYPE_CHECKING:
    from invokelint.engine import LintResult
    from invokelint.reporters import ReportContext

SUITES = "invokelint"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(result: LintResult, context: ReportContext) -> str:
    from invokelint.rules import all_rules

    names = {rule.id: rule.name for rule in all_rules()}
    findings: dict[str, dict[str, list[Diagnostic]]] = defaultdict(lambda: defaultdict(list))
    for diagnostic in result.diagnostics:
        findings[diagnostic.path][diagnostic.code].append(diagnostic)
        names.setdefault(diagnostic.code, diagnostic.name)
    linted = dict.fromkeys([*result.checked, *result.failed])
    root = ET.Element("testsuites", name=SUITES)
    for path in [*linted, *sorted(p for p in findings if p not in linted)]:
        # a handler module is no template: only the rules that reported on it are its tests
        codes = result.rules if path in linted else []
        codes = sorted({*codes, *findings[path]})
        suite = ET.SubElement(root, "testsuite", name=path)
        for code in codes:
            _testcase(suite, path, f"{code} {names[code]}", findings[path].get(code, []))
        _count(suite)
    _count(root)
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"


def _testcase(suite: ET.Element, path: str, name: str, found: list[Diagnostic]) -> None:
    case = ET.SubElement(suite, "testcase", classname=path, name=name, file=path)
    if not found:
        return
    first = found[0]
    message = (
        f"line {first.location.line}: {first.message}"
        if len(found) == 1
        else f"{len(found)} problems, first on line {first.location.line}: {first.message}"
    )
    failure = ET.SubElement(case, "failure", message=_xml_safe(message), type=first.severity.value)
    failure.text = _xml_safe("\n".join(line(d) for d in found))


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped."""
    return _INVALID_XML.sub("\ufffd", text)


def _count(element: ET.Element) -> None:
    cases = list(element.iter("testcase"))
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for case in cases if case.find("failure") is not None)))
    element.set("errors", "0")
    element.set("skipped", "0")
