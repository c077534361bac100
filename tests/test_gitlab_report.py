"""GitLab Code Quality JSON: the fields GitLab reads, repository paths, stable fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import lint, write_project
from jsonschema import Draft202012Validator
from samples import SAM_QUEUE

from invokelint.reporters import ReportContext, get_reporter

# What GitLab documents for a Code Quality report entry.
CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "pattern": "^IL\\d{3}$"},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/]"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def report(root: Path, cwd: Path | None = None) -> list[dict]:
    cwd = cwd or root
    context = ReportContext(cwd=cwd, root=root)
    return json.loads(get_reporter("gitlab")(lint(cwd, cwd=cwd), context))


def test_issues_have_the_fields_gitlab_reads(tmp_path):
    write_project(tmp_path, {"stack/template.yaml": SAM_QUEUE})
    issues = report(tmp_path)
    Draft202012Validator(CODE_QUALITY).validate(issues)
    by_rule = {issue["check_name"]: issue for issue in issues}
    assert set(by_rule) == {"IL102", "IL103"}
    assert by_rule["IL103"]["severity"] == "major" and by_rule["IL102"]["severity"] == "minor"
    assert by_rule["IL103"]["location"]["path"] == "stack/template.yaml"
    assert by_rule["IL103"]["location"]["lines"]["begin"] == 7
    assert by_rule["IL103"]["description"].startswith("IL103 sqs-visibility-timeout: queue")
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_paths_and_fingerprints_are_the_same_from_a_subfolder_and_after_moves(tmp_path):
    write_project(tmp_path, {"stack/template.yaml": SAM_QUEUE})
    at_top = report(tmp_path)
    inside = report(tmp_path, cwd=tmp_path / "stack")
    assert at_top == inside
    write_project(tmp_path, {"stack/template.yaml": "# moved\n" + SAM_QUEUE})
    moved = report(tmp_path)
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in at_top]
    assert [i["location"]["lines"]["begin"] for i in moved] == [8, 8]
