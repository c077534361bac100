"""The ``invokelint`` command as a user runs it: exit status, output, discovery, bad input."""

from __future__ import annotations

import json
import re

import pytest
from helpers import run_cli, write_project

from invokelint import __version__
from invokelint.rules import all_rules

# IL103 error at the queue's VisibilityTimeout (line 6) and IL102 warning at the queue (3).
FINDINGS = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: {visibility}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 60
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
"""
CLEAN = """\
Resources:
  Orders:
    Type: AWS::SQS::Queue
"""
BROKEN = "Resources:\n  Orders:\n    Type: [AWS::SQS::Queue\n"
TEXT_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<code>IL\d{3}) "
    r"(?P<severity>error|warning|info): (?P<message>.+?)(?: \[(?P<resource>[^\]]+)\])?$"
)
JSON_KEYS = {
    "code",
    "name",
    "severity",
    "message",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "resource",
}


def findings(visibility: int = 30) -> str:
    return FINDINGS.format(visibility=visibility)


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert "internal error" not in result.stderr


# ------------------------------------------------------------------------ exit status


def test_clean_project_exits_0(tmp_path):
    write_project(tmp_path, {"template.yaml": CLEAN})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "No problems found in 1 file.\n"


def test_findings_exit_1(tmp_path):
    write_project(tmp_path, {"template.yaml": findings()})
    assert run_cli("check", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize(
    ("visibility", "fail_on", "status"),
    [
        (30, "error", 1),  # IL103 error
        (200, "error", 0),  # only warnings: IL103 (below 6 x 60) and IL102
        (200, "warning", 1),
        (400, "warning", 1),  # IL102 warning remains
        (400, "error", 0),
    ],
)
def test_fail_on_decides_between_0_and_1(tmp_path, visibility, fail_on, status):
    write_project(tmp_path, {"template.yaml": findings(visibility)})
    result = run_cli("check", "--fail-on", fail_on, cwd=tmp_path)
    assert result.returncode == status, result.stdout + result.stderr


def test_info_never_fails_by_default(tmp_path):
    write_project(
        tmp_path,
        {
            "template.yaml": findings(400),
            ".invokelint.toml": '[severity]\nIL102 = "info"\n',
        },
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0 and "IL102 info:" in result.stdout
    assert run_cli("check", "--fail-on", "info", cwd=tmp_path).returncode == 1


def test_exit_zero_hides_findings_but_not_errors(tmp_path):
    write_project(tmp_path, {"template.yaml": findings()})
    result = run_cli("check", "--exit-zero", cwd=tmp_path)
    assert result.returncode == 0 and "IL103 error:" in result.stdout
    write_project(tmp_path, {"broken/template.yaml": BROKEN})
    result = run_cli("check", "--exit-zero", cwd=tmp_path)
    assert result.returncode == 2
    assert re.search(r"^broken/template\.yaml:3:\d+: IL001 error: ", result.stdout, re.M)


def test_parse_error_exits_2_with_position(tmp_path):
    write_project(tmp_path, {"template.yaml": BROKEN})
    result = run_cli("check", "-q", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stdout.splitlines()
    match = TEXT_LINE.match(line)
    assert match and match["code"] == "IL001" and match["line"] == "3"
    assert_no_traceback(result)


def test_unknown_path_exits_2(tmp_path):
    result = run_cli("check", "missing/", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "invokelint: error: missing: no such file or directory\n"


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--bogus"),
        ("check", "--format", "xml"),
        ("check", "--fail-on", "fatal"),
        ("frobnicate",),
        (),
    ],
)
def test_usage_errors_exit_2(tmp_path, args):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage: invokelint" in result.stderr
    assert_no_traceback(result)


# --------------------------------------------------------------------------- formats


def test_text_lines_have_the_documented_shape(tmp_path):
    write_project(tmp_path, {"template.yaml": findings()})
    lines = run_cli("check", cwd=tmp_path).stdout.splitlines()
    assert lines[-1] == "Found 2 problems (1 error, 1 warning) in 1 file."
    parsed = [TEXT_LINE.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    first, second = parsed
    assert (first["path"], first["line"], first["column"], first["code"]) == (
        "template.yaml",
        "3",
        "3",
        "IL102",
    )
    assert (second["line"], second["column"], second["code"], second["severity"]) == (
        "6",
        "7",
        "IL103",
        "error",
    )
    assert second["resource"] == "Orders"
    assert "VisibilityTimeout to at least 360" in second["message"]


def test_json_is_one_array_with_fixed_keys(tmp_path):
    write_project(tmp_path, {"template.yaml": findings(), "broken/template.yaml": BROKEN})
    result = run_cli("check", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2
    items = json.loads(result.stdout)
    assert isinstance(items, list) and len(items) == 3
    assert all(set(item) == JSON_KEYS for item in items)
    by_code = {item["code"]: item for item in items}
    assert by_code["IL103"] == {
        "code": "IL103",
        "name": "sqs-visibility-timeout",
        "severity": "error",
        "message": by_code["IL103"]["message"],
        "path": "template.yaml",
        "line": 6,
        "column": 7,
        "end_line": 6,
        "end_column": 28,
        "resource": "Orders",
    }
    assert by_code["IL001"]["path"] == "broken/template.yaml"
    assert by_code["IL001"]["resource"] is None


def test_json_without_findings_is_an_empty_array(tmp_path):
    write_project(tmp_path, {"template.yaml": CLEAN})
    result = run_cli("check", "--format", "json", cwd=tmp_path)
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_statistics_count_per_rule(tmp_path):
    write_project(
        tmp_path,
        {"a/template.yaml": findings(), "b/template.yaml": findings(200)},
    )
    result = run_cli("check", "--statistics", cwd=tmp_path)
    assert result.returncode == 1
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(row) == 3 for row in rows), rows
    rules = [row for row in rows if row[1] != "-"]
    assert rules == [
        ["2", "IL102", "sqs-source-without-redrive"],
        ["2", "IL103", "sqs-visibility-timeout"],
    ]


def test_quiet_prints_only_the_problems(tmp_path):
    write_project(tmp_path, {"template.yaml": findings()})
    lines = run_cli("check", "--quiet", cwd=tmp_path).stdout.splitlines()
    assert len(lines) == 2 and all(TEXT_LINE.match(line) for line in lines)
    write_project(tmp_path, {"template.yaml": CLEAN})
    assert run_cli("check", "-q", cwd=tmp_path).stdout == ""


def test_output_writes_the_report_to_a_file(tmp_path):
    write_project(tmp_path, {"template.yaml": findings()})
    result = run_cli("check", "--format", "json", "--output", "report.json", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert len(json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))) == 2


def test_output_to_an_unwritable_place_is_a_usage_error(tmp_path):
    write_project(tmp_path, {"template.yaml": findings()})
    result = run_cli("check", "--output", "no/such/folder/report.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("invokelint: error: no/such/folder/report.txt: cannot write")
    assert_no_traceback(result)


# ------------------------------------------------------------------- rule selection


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--select", "IL103"), ["IL103"]),
        (("--select", "il103"), ["IL103"]),
        (("--select", "IL1"), ["IL102", "IL103"]),
        (("--select", "IL2,IL103"), ["IL103"]),
        (("--select", "IL2", "--select", "IL102"), ["IL102"]),
        (("--ignore", "IL103"), ["IL102"]),
        (("--ignore", "IL10"), []),
        (("--select", "IL1", "--ignore", "IL102"), ["IL103"]),
    ],
)
def test_select_and_ignore(tmp_path, args, expected):
    write_project(tmp_path, {"template.yaml": findings()})
    result = run_cli("check", "--format", "json", *args, cwd=tmp_path)
    assert sorted(item["code"] for item in json.loads(result.stdout)) == expected


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_an_unknown_rule_is_named(tmp_path, option):
    write_project(tmp_path, {"template.yaml": findings()})
    result = run_cli("check", option, "IL103,IL999", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"invokelint: error: command line: {option}: unknown rule 'IL999'\n"


def test_command_line_select_replaces_the_config_select(tmp_path):
    write_project(
        tmp_path, {"template.yaml": findings(), ".invokelint.toml": 'select = ["IL102"]\n'}
    )
    codes = lambda *args: [  # noqa: E731
        item["code"]
        for item in json.loads(run_cli("check", "--format", "json", *args, cwd=tmp_path).stdout)
    ]
    assert codes() == ["IL102"]
    assert codes("--select", "IL103") == ["IL103"]


def test_config_file_option(tmp_path):
    write_project(tmp_path, {"template.yaml": findings(), "lint.toml": 'ignore = ["IL103"]\n'})
    result = run_cli("check", "--config", "lint.toml", "-q", cwd=tmp_path)
    assert result.returncode == 1 and "IL103" not in result.stdout and "IL102" in result.stdout
    write_project(tmp_path, {"bad.toml": "ignore = 'IL103'\n"})
    result = run_cli("check", "--config", "bad.toml", cwd=tmp_path)
    assert result.returncode == 2 and "ignore" in result.stderr
    assert result.stderr.count("\n") == 1


# ----------------------------------------------------------------- other commands


def test_rules_lists_every_rule(tmp_path):
    result = run_cli("rules", cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [rule.id for rule in all_rules()]
    assert re.match(
        r"^IL103\s+sqs-visibility-timeout\s+error\s+\S",
        lines[[r.id for r in all_rules()].index("IL103")],
    )


def test_rules_as_json(tmp_path):
    items = json.loads(run_cli("rules", "--format", "json", cwd=tmp_path).stdout)
    assert {item["code"] for item in items} == {rule.id for rule in all_rules()}
    assert set(items[0]) == {"code", "name", "severity", "summary", "url"}


@pytest.mark.parametrize("code", ["IL103", "il103", "sqs-visibility-timeout"])
def test_rule_explains_one_rule(tmp_path, code):
    result = run_cli("rule", code, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("# IL103: sqs-visibility-timeout\n")
    assert "## Why is this bad?" in result.stdout


def test_unknown_rule_exits_2(tmp_path):
    result = run_cli("rule", "IL999", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "invokelint: error: unknown rule 'IL999' (see 'invokelint rules')\n"


def test_version(tmp_path):
    result = run_cli("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"invokelint {__version__}\n")


# ------------------------------------------------------------------------- discovery


def checked_files(tmp_path, *args: str) -> list[str]:
    """Which files a run looked at: every file here produces an IL102 at least."""
    result = run_cli("check", "--format", "json", "--select", "IL001,IL102", *args, cwd=tmp_path)
    assert result.returncode in (0, 1, 2), result.stderr
    return sorted({item["path"] for item in json.loads(result.stdout)})


def test_discovery_by_name_and_by_content(tmp_path):
    json_template = json.dumps(
        {
            "Resources": {
                "Orders": {"Type": "AWS::SQS::Queue"},
                "Worker": {
                    "Type": "AWS::Lambda::EventSourceMapping",
                    "Properties": {
                        "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:w",
                        "EventSourceArn": {"Fn::GetAtt": ["Orders", "Arn"]},
                    },
                },
            }
        }
    )
    write_project(
        tmp_path,
        {
            "template.yaml": findings(),
            "sam/template.yml": findings(),
            "stacks/orders.template": findings(),
            "stacks/queue-stack.yaml": findings(),
            "stacks/queue-stack.json": json_template,
            "stacks/json.template": json_template,
            "notes/readme.txt": findings(),  # not a YAML/JSON file name
            ".github/workflows/ci.yml": (
                "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - run: sam validate  # Resources with AWS:: types\n"
            ),
            "config/settings.yaml": "Resources:\n  cpu: 2\n",
            "openapi.json": '{"openapi": "3.0.0", "paths": {}}',
        },
    )
    assert checked_files(tmp_path) == [
        "sam/template.yml",
        "stacks/json.template",
        "stacks/orders.template",
        "stacks/queue-stack.json",
        "stacks/queue-stack.yaml",
        "template.yaml",
    ]


def test_skipped_folders_and_exclude_globs(tmp_path):
    write_project(
        tmp_path,
        {
            "template.yaml": findings(),
            ".git/template.yaml": findings(),
            "node_modules/pkg/template.yaml": findings(),
            ".aws-sam/build/template.yaml": findings(),
            ".terraform/modules/template.yaml": findings(),
            ".venv/lib/template.yaml": findings(),
            "legacy/template.yaml": findings(),
            "stacks/old.bak.yaml": findings(),
            "stacks/new.yaml": findings(),
            ".invokelint.toml": 'exclude = ["legacy/", "*.bak.yaml"]\n',
        },
    )
    assert checked_files(tmp_path) == ["stacks/new.yaml", "template.yaml"]


def test_a_file_named_on_the_command_line_and_folders_are_deduplicated(tmp_path):
    write_project(tmp_path, {"template.yaml": findings(), "other/template.yaml": findings()})
    result = run_cli("check", "template.yaml", ".", "template.yaml", "-q", cwd=tmp_path)
    paths = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert sorted(set(paths)) == ["other/template.yaml", "template.yaml"]
    assert len(paths) == 4  # two findings in each file, each file once


def test_paths_outside_the_working_folder_are_absolute(tmp_path):
    write_project(tmp_path, {"project/template.yaml": findings(), "elsewhere/x.txt": ""})
    result = run_cli("check", str(tmp_path / "project"), "-q", cwd=tmp_path / "elsewhere")
    assert result.stdout.startswith(f"{(tmp_path / 'project' / 'template.yaml').as_posix()}:")


# ------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("template.yaml", bytes(range(256)) * 8, "file is not UTF-8 text"),
        ("template.yaml", b"Resources:\n  Q:\n    Type: caf\xe9\n", "file is not UTF-8 text"),
        ("stack.yaml", b"Resources:\n  Q:\n    Type: AWS::SQS::Queue # caf\xe9\n", "not UTF-8"),
        ("template.yaml", b"Resources:\n  Q: \x07\n", "unacceptable character"),
        ("template.yaml", b"\xef\xbb\xbfResources: [\n", "expected"),
        ("template.json", b'{"Resources": {"Q": {"Type": "AWS::SQS::Queue"},}}', "invalid JSON"),
        ("template.yaml", b"a: &a [*a, *a]\nResources: {}\n", "alias"),
        ("template.yaml", b"a: 1\n---\nb: 2\n", "one YAML document"),
        ("template.yaml", b"a: " + b"[" * 500 + b"]" * 500 + b"\n", "nesting deeper"),
    ],
)
def test_bad_input_is_one_il001_line(tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    result = run_cli("check", "-q", cwd=tmp_path)
    assert_no_traceback(result)
    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stdout.splitlines()
    match = TEXT_LINE.match(line)
    assert match and match["code"] == "IL001" and match["path"] == name, line
    assert message in match["message"]


def test_huge_file_is_refused_without_reading_it(tmp_path):
    with (tmp_path / "template.yaml").open("wb") as handle:
        handle.write(b"Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
        handle.truncate(11 * 1024 * 1024)
    result = run_cli("check", "-q", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == "template.yaml:1:1: IL001 error: file is larger than 10 MiB\n"


def test_alias_expansion_is_bounded(tmp_path):
    """A "billion laughs" document stops with IL001 instead of exhausting memory."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    write_project(tmp_path, {"template.yaml": "\n".join(lines) + "\nResources: {}\n"})
    result = run_cli("check", "-q", cwd=tmp_path)
    assert result.returncode == 2
    assert "IL001 error: more than" in result.stdout
    assert_no_traceback(result)


def test_a_directory_named_like_a_template(tmp_path):
    write_project(tmp_path, {"template.yaml/template.yaml": CLEAN})
    for args in (("check",), ("check", "template.yaml")):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "No problems found in 1 file.\n"


def test_a_dangling_symlink_is_reported_only_when_named_as_a_template(tmp_path):
    (tmp_path / "template.yaml").symlink_to(tmp_path / "gone.yaml")
    (tmp_path / "stack.yaml").symlink_to(tmp_path / "gone-too.yaml")
    result = run_cli("check", "-q", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith("template.yaml:1:1: IL001 error: cannot read file: ")
    assert len(result.stdout.splitlines()) == 1


def test_an_unreadable_file(tmp_path, monkeypatch, capsys):
    """Permission denied (simulated: the suite may run as root, who may read anything)."""
    from pathlib import Path

    from invokelint.cli import main

    write_project(tmp_path, {"template.yaml": CLEAN})
    read_bytes = Path.read_bytes

    def denied(self):
        if self.name == "template.yaml":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-q"]) == 2
    out = capsys.readouterr().out
    assert out == "template.yaml:1:1: IL001 error: cannot read file: Permission denied\n"
