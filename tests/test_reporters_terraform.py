"""Every output format on Terraform findings: repository-relative ``.tf`` paths, lines,
the caller's argument for a module input, and the module line as a related location."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import run_cli, write_project
from samples import TF_ROOT as ROOT
from samples import TF_WORKER as WORKER
from test_reporters import needs_schema, sarif_validator

CALLER = "main.tf"
MODULE = "modules/worker/main.tf"
IL103_LINE = 2  # default = 20: the caller's value the module's queue receives
IL102_LINE = 3  # resource "aws_sqs_queue" "orders" in the module
TIMEOUT_LINE = WORKER.splitlines().index("  timeout       = 30") + 1  # related: the function's


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path, {CALLER: ROOT.replace("default = 400", "default = 20"), MODULE: WORKER}
    )


def check(project: Path, fmt: str) -> str:
    completed = run_cli("check", "--format", fmt, cwd=project)
    assert completed.returncode == 1, completed.stderr
    assert not completed.stderr
    return completed.stdout


def test_text_names_path_line_and_column(project):
    lines = check(project, "text").splitlines()
    assert any(line.startswith(f"{CALLER}:{IL103_LINE}:3: IL103 error:") for line in lines)
    assert any(line.startswith(f"{MODULE}:{IL102_LINE}:1: IL102 warning:") for line in lines)


def test_json_gives_the_same_positions(project):
    found = {(d["code"], d["path"], d["line"]) for d in json.loads(check(project, "json"))}
    assert ("IL103", CALLER, IL103_LINE) in found
    assert ("IL102", MODULE, IL102_LINE) in found


@needs_schema
def test_sarif_validates(project):
    errors = list(sarif_validator().iter_errors(json.loads(check(project, "sarif"))))
    assert not errors, [e.message for e in errors]


def test_sarif_relates_the_module_line(project):
    log = json.loads(check(project, "sarif"))
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    where = results["IL103"]["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == CALLER
    assert where["region"]["startLine"] == IL103_LINE
    related = results["IL103"]["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == MODULE
    assert related["region"]["startLine"] == TIMEOUT_LINE
    assert results["IL102"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == MODULE


def test_github_annotations_point_at_the_tf_files(project):
    lines = check(project, "github").splitlines()
    assert any(
        line.startswith(f"::error file={CALLER},line={IL103_LINE},col=3,") and "IL103" in line
        for line in lines
    )
    assert any(line.startswith(f"::warning file={MODULE},line={IL102_LINE},") for line in lines)


def test_junit_has_a_suite_per_tf_file(project):
    root = ET.fromstring(check(project, "junit"))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert {CALLER, MODULE} <= set(suites)
    failing = {
        (name, case.get("name").split()[0])
        for name, suite in suites.items()
        for case in suite.iter("testcase")
        if case.find("failure") is not None
    }
    assert {(CALLER, "IL103"), (MODULE, "IL102")} <= failing


def test_lsp_format_uses_file_uris_and_zero_based_lines(project):
    published = json.loads(check(project, "lsp"))
    caller = Path(os.path.realpath(project / CALLER)).as_uri()
    (il103,) = [d for d in published[caller] if d["code"] == "IL103"]
    assert il103["range"]["start"] == {"line": IL103_LINE - 1, "character": 2}
