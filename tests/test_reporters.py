"""Machine-readable reports: SARIF, GitHub annotations, JUnit XML and LSP diagnostics."""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import REPO, lint, run_cli, write_project
from jsonschema.validators import validator_for
from samples import SAM_QUEUE

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.engine import LintResult
from invokelint.model import Location
from invokelint.reporters import FORMATS, ReportContext, get_reporter
from invokelint.rules import all_rules
from invokelint.rules.docs import render_page

SARIF_SCHEMA_NAME = "sarif-schema-2.1.0.json"
# The OASIS schema beside the repository (../shared/schemas, or INVOKELINT_SCHEMAS).
SCHEMAS = [
    Path(os.environ["INVOKELINT_SCHEMAS"]) if "INVOKELINT_SCHEMAS" in os.environ else None,
    *(folder / "shared" / "schemas" for folder in REPO.parents),
]
SARIF_SCHEMA_FILE = next(
    (f / SARIF_SCHEMA_NAME for f in SCHEMAS if f and (f / SARIF_SCHEMA_NAME).is_file()), None
)
needs_schema = pytest.mark.skipif(
    SARIF_SCHEMA_FILE is None, reason="no shared/schemas beside the repository (INVOKELINT_SCHEMAS)"
)

CLEAN = """\
Resources:
  Topic:
    Type: AWS::SNS::Topic
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path, {"stack/template.yaml": SAM_QUEUE, "other/template.yaml": CLEAN})


def render(fmt: str, result: LintResult, cwd: Path) -> str:
    return get_reporter(fmt)(result, ReportContext(cwd=cwd))


def diagnostic(
    code: str = "IL103",
    severity: Severity = Severity.ERROR,
    message: str = "queue 'Orders' hides messages for 30 s",
    path: str = "template.yaml",
    line: int = 8,
    related: tuple[Location, ...] = (),
) -> Diagnostic:
    return Diagnostic(
        code=code,
        name="sqs-visibility-timeout",
        severity=severity,
        message=message,
        location=Location(path, line, 3, line, 9),
        resource="Orders",
        related=related,
    )


def test_every_format_is_accepted_by_the_command_line(project: Path):
    for fmt in FORMATS:
        out = project / f"report.{fmt}"
        completed = run_cli("check", "stack", "--format", fmt, "--output", str(out), cwd=project)
        assert completed.returncode == 1, completed.stderr
        assert "IL103" in out.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- SARIF


def sarif_validator():
    """A validator for whole SARIF logs, from the OASIS schema (draft-04)."""
    assert SARIF_SCHEMA_FILE is not None
    schema = json.loads(SARIF_SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@needs_schema
def test_sarif_validator_rejects_broken_logs():
    validator = sarif_validator()
    broken = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "results": [{"message": {"text": "m"}, "level": "fatal"}],
            }
        ],
    }
    assert list(validator.iter_errors(broken))
    assert list(validator.iter_errors({"runs": []}))


@needs_schema
@pytest.mark.parametrize("full_help", [False, True])
def test_sarif_is_valid_against_the_official_schema(project: Path, full_help: bool):
    context = ReportContext(cwd=project, sarif_full_help=full_help)
    log = json.loads(get_reporter("sarif")(lint(project, cwd=project), context))
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: e.json_path)
    assert not errors, "\n".join(f"{e.json_path}: {e.message}" for e in errors)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1


@pytest.mark.parametrize("full_help", [False, True])
def test_sarif_describes_every_rule_with_its_page_when_it_has_results(project, full_help):
    result = lint(project, cwd=project)
    context = ReportContext(cwd=project, sarif_full_help=full_help)
    run = json.loads(get_reporter("sarif")(result, context))["runs"][0]
    reported = {d.code for d in result.diagnostics}
    assert reported == {"IL102", "IL103"}
    driver = run["tool"]["driver"]
    assert driver["name"] == "invokelint" and driver["version"] and driver["informationUri"]
    descriptors = {d["id"]: d for d in driver["rules"]}
    assert list(descriptors) == [rule.id for rule in all_rules()]
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for rule in all_rules():
        descriptor = descriptors[rule.id]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert 0 < len(descriptor["fullDescription"]["text"]) <= 1024
        if full_help or rule.id in reported:
            assert descriptor["help"]["markdown"] == render_page(rule)
        else:  # a link to the page, not the page: keeps the report small
            assert rule.docs_url() in descriptor["help"]["markdown"]
            assert len(descriptor["help"]["markdown"]) < 400
        assert descriptor["help"]["text"]
        assert descriptor["helpUri"] == rule.docs_url()
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity]


def test_sarif_full_description_is_cut_at_1024_characters():
    from invokelint.reporters.sarif_report import full_description

    class Wordy:
        summary = "Short."

        @staticmethod
        def description() -> str:
            return "## What it does\n" + "word " * 400 + "\n\n## Why is this bad?\nBecause."

    text = full_description(Wordy)  # type: ignore[arg-type]
    assert len(text) <= 1024 and text.endswith("…") and "Because" not in text


def test_sarif_results_point_at_relative_paths_under_srcroot(project: Path):
    result = lint(project, cwd=project)
    run = json.loads(render("sarif", result, project))["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    rules = run["tool"]["driver"]["rules"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    il103 = by_rule["IL103"]
    assert rules[il103["ruleIndex"]]["id"] == "IL103"
    assert il103["level"] == "error"
    assert "VisibilityTimeout" in il103["message"]["text"]
    physical = il103["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "stack/template.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert physical["region"] == {"startLine": 7, "startColumn": 3, "endLine": 7, "endColumn": 9}
    assert by_rule["IL102"]["level"] == "warning"


def test_sarif_related_locations_follow_the_diagnostic(project: Path):
    result = lint(project, cwd=project)
    with_related = [d for d in result.diagnostics if d.related]
    assert with_related, "the test template should produce a diagnostic with related places"
    run = json.loads(render("sarif", result, project))["runs"][0]
    for d, sarif in zip(result.diagnostics, run["results"], strict=True):
        related = sarif.get("relatedLocations", [])
        assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [
            loc.line for loc in d.related
        ]


def test_sarif_fingerprints_survive_moved_lines(tmp_path: Path):
    first = write_project(tmp_path / "a", {"template.yaml": SAM_QUEUE})
    moved = write_project(tmp_path / "b", {"template.yaml": "# moved\n\n\n" + SAM_QUEUE})
    runs = [
        json.loads(render("sarif", lint(root, cwd=root), root))["runs"][0]
        for root in (first, moved)
    ]
    lines = [
        [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]]
        for run in runs
    ]
    assert lines[0] != lines[1]
    prints = [[r["partialFingerprints"] for r in run["results"]] for run in runs]
    assert prints[0] == prints[1]
    assert len({json.dumps(p) for p in prints[0]}) == len(prints[0])


def test_sarif_fingerprints_differ_for_identical_findings():
    result = LintResult(diagnostics=[diagnostic(line=3), diagnostic(line=9)])
    run = json.loads(render("sarif", result, Path.cwd()))["runs"][0]
    first, second = (r["partialFingerprints"] for r in run["results"])
    assert first != second


def test_sarif_keeps_absolute_paths_outside_the_working_folder(tmp_path: Path):
    outside = (tmp_path / "elsewhere" / "template.yaml").as_posix()
    result = LintResult(diagnostics=[diagnostic(path=outside)])
    run = json.loads(render("sarif", result, tmp_path / "cwd"))["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": Path(outside).as_uri()}


# --------------------------------------------------------------------------- GitHub


ANNOTATION = re.compile(r"^::(error|warning|notice) ((?:\w+=[^,:]*,?)+)::(.*)$")


def test_github_annotations_carry_position_and_title(project: Path):
    completed = run_cli("check", "--format", "github", cwd=project)
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    assert lines, completed.stderr
    parsed = []
    for line in lines:
        match = ANNOTATION.match(line)
        assert match, line
        props = dict(item.split("=", 1) for item in match.group(2).split(","))
        parsed.append((match.group(1), props, match.group(3)))
    command, props, message = next(p for p in parsed if p[1]["title"].startswith("IL103"))
    assert command == "error"
    assert props == {
        "file": "stack/template.yaml",
        "line": "7",
        "col": "3",
        "endLine": "7",
        "endColumn": "9",
        "title": "IL103 sqs-visibility-timeout",
    }
    assert "VisibilityTimeout" in message
    assert any(p[0] == "warning" and p[1]["title"].startswith("IL102") for p in parsed)


def test_github_maps_info_to_notice_and_escapes_like_the_toolkit():
    result = LintResult(
        diagnostics=[
            diagnostic(
                severity=Severity.INFO,
                message="50% of\r\nthe time: a, b",
                path="dir,with:odd%/template.yaml",
            )
        ]
    )
    line = render("github", result, Path.cwd())
    assert line == (
        "::notice file=dir%2Cwith%3Aodd%25/template.yaml,line=8,col=3,endLine=8,endColumn=9,"
        "title=IL103 sqs-visibility-timeout::50%25 of%0D%0Athe time: a, b\n"
    )


# ---------------------------------------------------------------------------- JUnit


def test_junit_has_one_testcase_per_file_and_rule(project: Path):
    result = lint(project, cwd=project)
    root = ET.fromstring(render("junit", result, project))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {"stack/template.yaml", "other/template.yaml"}
    for path, suite in suites.items():
        names = [case.get("name") for case in suite.iter("testcase")]
        assert [name.split()[0] for name in names] == result.rules
        assert all(case.get("classname") == path for case in suite.iter("testcase"))
    failing = {
        case.get("name").split()[0]: case.find("failure")
        for case in suites["stack/template.yaml"].iter("testcase")
        if case.find("failure") is not None
    }
    assert set(failing) == {d.code for d in result.diagnostics}
    assert "VisibilityTimeout" in failing["IL103"].get("message")
    assert "stack/template.yaml:7:3: IL103 error:" in failing["IL103"].text
    assert not any(case.find("failure") is not None for case in suites["other/template.yaml"])


def test_junit_counts_add_up(project: Path):
    result = lint(project, cwd=project)
    root = ET.fromstring(render("junit", result, project))
    for element in [root, *root.iter("testsuite")]:
        cases = list(element.iter("testcase"))
        failures = [c for c in cases if c.find("failure") is not None]
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(len(failures))
        assert element.get("errors") == "0" and element.get("skipped") == "0"
    assert int(root.get("failures")) == len({d.code for d in result.diagnostics})


def test_junit_lists_several_findings_in_one_failure_and_stays_valid_xml():
    handler = diagnostic(code="IL499", path="src/app.py", message="bell \x07 rings", line=4)
    result = LintResult(
        diagnostics=[diagnostic(line=3), diagnostic(line=9), handler],
        checked=["template.yaml"],
        rules=["IL103", "IL499"],
    )
    root = ET.fromstring(render("junit", result, Path.cwd()))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    failure = suites["template.yaml"].find("testcase/failure")
    assert failure.get("message").startswith("2 problems, first on line 3")
    assert len(failure.text.splitlines()) == 2
    # a handler module is not a template: only the rule that reported on it is a test
    assert [c.get("name").split()[0] for c in suites["src/app.py"]] == ["IL499"]
    assert "bell \ufffd rings" in suites["src/app.py"].find("testcase/failure").text


# ------------------------------------------------------------------------------ LSP


def test_lsp_maps_file_uris_to_zero_based_diagnostics(project: Path):
    result = lint(project, cwd=project)
    published = json.loads(render("lsp", result, project))
    stack = (project / "stack/template.yaml").resolve().as_uri()
    other = (project / "other/template.yaml").resolve().as_uri()
    assert set(published) == {stack, other}
    assert published[other] == []
    by_code = {d["code"]: d for d in published[stack]}
    il103 = by_code["IL103"]
    assert il103["range"] == {
        "start": {"line": 6, "character": 2},
        "end": {"line": 6, "character": 8},
    }
    assert il103["severity"] == 1 and by_code["IL102"]["severity"] == 2
    assert il103["source"] == "invokelint"
    assert il103["codeDescription"]["href"].endswith("/rules/IL103.md")
    related = next(d for d in published[stack] if d.get("relatedInformation"))
    assert related["relatedInformation"][0]["location"]["uri"] == stack


def test_lsp_marks_info_as_severity_three():
    result = LintResult(diagnostics=[diagnostic(severity=Severity.INFO)])
    published = json.loads(render("lsp", result, REPO))
    [items] = published.values()
    assert items[0]["severity"] == 3


# ---------------------------------------------------------------------- repository paths


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A repository (``.git`` marks its top) with a service two folders down."""
    (tmp_path / ".git").mkdir()
    return write_project(tmp_path, {"services/orders/template.yaml": SAM_QUEUE})


def ci_report(fmt: str, cwd: Path, *paths: str) -> str:
    completed = run_cli("check", *paths, "--format", fmt, cwd=cwd)
    assert completed.returncode == 1, completed.stderr
    return completed.stdout


def test_sarif_from_a_subfolder_matches_a_run_at_the_repository_root(monorepo: Path):
    at_top = json.loads(ci_report("sarif", monorepo, "services/orders"))["runs"][0]
    inside = json.loads(ci_report("sarif", monorepo / "services" / "orders", "."))["runs"][0]
    assert at_top["results"] == inside["results"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in at_top["results"]
    }
    assert uris == {"services/orders/template.yaml"}
    for run in (at_top, inside):
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == monorepo.resolve().as_uri() + "/"


def test_github_annotations_from_a_subfolder_name_repository_paths(monorepo: Path):
    inside = ci_report("github", monorepo / "services" / "orders", ".")
    assert inside == ci_report("github", monorepo, "services/orders")
    assert all("file=services/orders/template.yaml," in line for line in inside.splitlines())


def test_sarif_of_the_example_project_stays_small(tmp_path: Path):
    """Full pages only for the rules with results: a typical report is a few dozen KiB."""
    example = tmp_path / "examples"
    shutil.copytree(REPO / "examples", example)
    result = lint(example, cwd=example)
    small = get_reporter("sarif")(result, ReportContext(cwd=example))
    full = get_reporter("sarif")(result, ReportContext(cwd=example, sarif_full_help=True))
    assert len(small.encode()) < len(full.encode()) < 1024 * 1024
    assert json.loads(small)["runs"][0]["results"] == json.loads(full)["runs"][0]["results"]
