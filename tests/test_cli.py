"""The ``invokelint`` command end to end: a real child process, as a user or CI runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import REPO, run_cli, sqs_consumer, write_project

from invokelint import __version__
from invokelint.rules import all_rules

CLEAN = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 180
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt OrdersDlq.Arn
        maxReceiveCount: 5
  OrdersDlq:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 30
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
            FunctionResponseTypes: [ReportBatchItemFailures]
"""

# IL102 (warning) only: no redrive policy.
WARNING = sqs_consumer(180)

# IL102 (warning) and IL103 (error, line 6): hidden for 20 s, the function runs 30 s.
ERROR = sqs_consumer(20)

BROKEN = "Resources:\n  Orders:\n    Type: [AWS::SQS::Queue\n"

TEXT_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<code>IL\d{3}) "
    r"(?P<severity>error|warning|info): (?P<message>.+) \[(?P<resource>\w+)\]$"
)


def project(tmp_path: Path, **files: str) -> Path:
    """``name=text`` files, with ``__`` in a name standing for a folder separator."""
    return write_project(tmp_path, {name.replace("__", "/"): text for name, text in files.items()})


# ------------------------------------------------------------------------ exit status


def test_clean_project_exits_0_with_a_summary(tmp_path):
    project(tmp_path, **{"template.yaml": CLEAN})
    result = run_cli("check", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "No problems found in 1 file.\n"


def test_findings_exit_1(tmp_path):
    project(tmp_path, **{"template.yaml": ERROR})
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "Found 2 problems (1 error, 1 warning) in 1 file."


@pytest.mark.parametrize(
    ("template", "fail_on", "status"),
    [
        (WARNING, None, 1),  # the default fails on warnings
        (WARNING, "error", 0),
        (WARNING, "warning", 1),
        (ERROR, "error", 1),
        (CLEAN, "info", 0),
    ],
)
def test_fail_on(tmp_path, template, fail_on, status):
    project(tmp_path, **{"template.yaml": template})
    options = ["--fail-on", fail_on] if fail_on else []
    assert run_cli("check", *options, cwd=tmp_path).returncode == status


def test_exit_zero_passes_findings_but_not_parse_errors(tmp_path):
    project(tmp_path, **{"template.yaml": ERROR})
    assert run_cli("check", "--exit-zero", cwd=tmp_path).returncode == 0
    (tmp_path / "template.yaml").write_text(BROKEN, encoding="utf-8")
    result = run_cli("check", "--exit-zero", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith("template.yaml:3:27: IL001 error: did not find expected")


def test_parse_errors_are_reported_whatever_is_selected(tmp_path):
    project(tmp_path, **{"template.yaml": BROKEN})
    result = run_cli("check", "--select", "IL103", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith("template.yaml:3:27: IL001 error: ")


def test_ignoring_parse_errors_lets_the_run_pass(tmp_path):
    project(tmp_path, **{"template.yaml": BROKEN})
    result = run_cli("check", "--ignore", "IL001", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "No templates found: nothing was linted.\n")
    assert "template.yaml): cannot be parsed, and IL001 is ignored" in result.stderr


def test_parse_errors_ignored_per_file_leave_the_other_findings(tmp_path):
    project(
        tmp_path,
        **{
            "pyproject.toml": "[tool.invokelint.per-file-ignores]\n'jinja/*' = ['IL001']\n",
            "jinja__template.yaml": BROKEN,
            "template.yaml": WARNING,
        },
    )
    result = run_cli("check", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert [item["code"] for item in json.loads(result.stdout)] == ["IL102"]


def test_unknown_path_is_a_usage_error(tmp_path):
    result = run_cli("check", "missing.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "invokelint: error: missing.yaml: no such file or directory\n"
    assert result.stdout == ""


def test_bad_option_is_a_usage_error(tmp_path):
    result = run_cli("check", "--no-such-option", cwd=tmp_path)
    assert result.returncode == 2 and "unrecognized arguments: --no-such-option" in result.stderr
    result = run_cli("check", "--format", "yaml", cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice: 'yaml'" in result.stderr


def test_no_command_prints_help_and_exits_2(tmp_path):
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2 and "usage: invokelint" in result.stderr


# ----------------------------------------------------------------------------- formats


def test_text_format_line_shape(tmp_path):
    project(tmp_path, **{"template.yaml": ERROR})
    lines = run_cli("check", "--format", "text", cwd=tmp_path).stdout.splitlines()
    parsed = [TEXT_LINE.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    il103 = next(m for m in parsed if m and m["code"] == "IL103")
    assert (il103["path"], il103["line"], il103["column"]) == ("template.yaml", "6", "7")
    assert (il103["severity"], il103["resource"]) == ("error", "Orders")
    assert "VisibilityTimeout to at least 180" in il103["message"]


def test_json_format_is_one_array_of_fixed_objects(tmp_path):
    project(tmp_path, **{"template.yaml": ERROR})
    result = run_cli("check", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    items = json.loads(result.stdout)
    assert isinstance(items, list) and len(items) == 2
    keys = {"code", "name", "severity", "message", "path", "line", "column"}
    keys |= {"end_line", "end_column", "resource"}
    assert all(set(item) == keys for item in items)
    il103 = next(item for item in items if item["code"] == "IL103")
    assert il103 == {
        **il103,
        "name": "sqs-visibility-timeout",
        "severity": "error",
        "path": "template.yaml",
        "line": 6,
        "column": 7,
        "end_line": 6,
        "end_column": 28,
        "resource": "Orders",
    }


def test_json_format_of_a_clean_project_is_an_empty_array(tmp_path):
    project(tmp_path, **{"template.yaml": CLEAN})
    assert json.loads(run_cli("check", "--format", "json", cwd=tmp_path).stdout) == []


def test_quiet_prints_diagnostics_only(tmp_path):
    project(tmp_path, **{"template.yaml": ERROR})
    lines = run_cli("check", "--quiet", cwd=tmp_path).stdout.splitlines()
    assert len(lines) == 2 and all(TEXT_LINE.match(line) for line in lines)
    project(tmp_path, **{"template.yaml": CLEAN})
    assert run_cli("check", "-q", cwd=tmp_path).stdout == ""


def test_statistics_prints_count_code_and_name(tmp_path):
    project(tmp_path, **{"a/template.yaml": ERROR, "b/template.yaml": WARNING})
    result = run_cli("check", "--statistics", cwd=tmp_path)
    assert result.returncode == 1
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[:2] == [
        ["2", "IL102", "sqs-source-without-redrive"],
        ["1", "IL103", "sqs-visibility-timeout"],
    ]
    assert all(len(row) == 3 for row in rows)


def test_output_writes_the_report_to_a_file(tmp_path):
    project(tmp_path, **{"template.yaml": ERROR})
    result = run_cli("check", "--format", "json", "--output", "report.json", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert {item["code"] for item in report} == {"IL102", "IL103"}


def test_output_to_an_unwritable_place_is_a_usage_error(tmp_path):
    project(tmp_path, **{"template.yaml": CLEAN})
    result = run_cli("check", "--output", "no/such/folder/report.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("invokelint: error: no/such/folder/report.txt: cannot write")


# ---------------------------------------------------------------------- rule selection


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--select", "IL103"], {"IL103"}),
        (["--select", "il103"], {"IL103"}),
        (["--select", "IL10"], {"IL102", "IL103"}),
        (["--select", "IL102,IL103"], {"IL102", "IL103"}),
        (["--select", "IL102", "--select", "IL103"], {"IL102", "IL103"}),
        (["--ignore", "IL103"], {"IL102"}),
        (["--ignore", "IL1"], set()),
        (["--select", "IL1", "--ignore", "IL102"], {"IL103"}),
    ],
)
def test_select_and_ignore(tmp_path, options, expected):
    project(tmp_path, **{"template.yaml": ERROR})
    result = run_cli("check", "--format", "json", *options, cwd=tmp_path)
    assert {item["code"] for item in json.loads(result.stdout)} == expected


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_selector_is_named(tmp_path, option):
    project(tmp_path, **{"template.yaml": CLEAN})
    result = run_cli("check", option, "IL103,IL999", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"invokelint: error: command line: {option}: unknown rule 'IL999'\n"


def test_config_file_option(tmp_path):
    project(
        tmp_path,
        **{"template.yaml": ERROR, "settings/lint.toml": 'ignore = ["IL102"]\nfail-on = "error"\n'},
    )
    result = run_cli("check", "--config", "settings/lint.toml", "--format", "json", cwd=tmp_path)
    assert [item["code"] for item in json.loads(result.stdout)] == ["IL103"]
    missing = run_cli("check", "--config", "nowhere.toml", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr == "invokelint: error: nowhere.toml: config file not found\n"


# ----------------------------------------------------------------------- rule commands


def test_rules_lists_every_rule(tmp_path):
    result = run_cli("rules", cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [rule.id for rule in all_rules()]
    il103 = next(line for line in lines if line.startswith("IL103"))
    assert "sqs-visibility-timeout" in il103 and "error" in il103


def test_rules_as_json(tmp_path):
    items = json.loads(run_cli("rules", "--format", "json", cwd=tmp_path).stdout)
    assert [item["code"] for item in items] == [rule.id for rule in all_rules()]
    assert set(items[0]) == {"code", "name", "severity", "summary", "inputs", "url"}
    assert all("serverless" in item["inputs"] for item in items)


@pytest.mark.parametrize("code", ["IL103", "il103", "sqs-visibility-timeout"])
def test_rule_explains_one_rule(tmp_path, code):
    result = run_cli("rule", code, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("# IL103: sqs-visibility-timeout\n")
    assert "## Why is this bad?" in result.stdout and "multiplier" in result.stdout


def test_unknown_rule_is_a_usage_error(tmp_path):
    result = run_cli("rule", "IL999", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "invokelint: error: unknown rule 'IL999' (see 'invokelint rules')\n"


def test_version(tmp_path):
    result = run_cli("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"invokelint {__version__}\n")


# --------------------------------------------------------------------------- discovery

JSON_TEMPLATE = json.dumps(
    {
        "Resources": {
            "Orders": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 20}},
            "Worker": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Handler": "index.handler", "Timeout": 30, "Code": {"ZipFile": "x"}},
            },
            "Mapping": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "FunctionName": {"Ref": "Worker"},
                    "EventSourceArn": {"Fn::GetAtt": ["Orders", "Arn"]},
                },
            },
        }
    },
    indent=2,
)

WORKFLOW = """\
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: |
          grep -c "AWS::" template.yaml
          echo "Resources: counted"
"""
# Mentions both words but has no top-level Resources key: not parsed, so not reported.
BROKEN_NOTES = "Resources: see [the AWS:: docs\n".replace("Resources", "  Resources")


def checked_files(tmp_path: Path, *args: str) -> set[str]:
    """The files a run reports on (IL103 fires in every ERROR-like template)."""
    result = run_cli("check", "--format", "json", "--select", "IL001,IL103", *args, cwd=tmp_path)
    return {item["path"] for item in json.loads(result.stdout)}


def test_discovery_by_name_and_by_content(tmp_path):
    project(
        tmp_path,
        **{
            "template.yaml": ERROR,
            "stacks__orders.template": ERROR,
            "stacks__orders.yml": ERROR,
            "stacks__orders.json": JSON_TEMPLATE,
            "stacks__json.template": JSON_TEMPLATE,
            ".github__workflows__ci.yml": WORKFLOW,
            "docs__notes.yaml": BROKEN_NOTES,
            "config__settings.yaml": "retries: 3\n",
            "config__package.json": '{"name": "x", "Resources": "AWS::"}',
            "README.md": ERROR,
        },
    )
    assert checked_files(tmp_path) == {
        "template.yaml",
        "stacks/orders.template",
        "stacks/orders.yml",
        "stacks/orders.json",
        "stacks/json.template",
    }


@pytest.mark.parametrize("folder", [".git", "node_modules", ".aws-sam", ".terraform", ".venv"])
def test_tool_folders_are_skipped(tmp_path, folder):
    project(tmp_path, **{"template.yaml": ERROR, f"{folder}__build__template.yaml": ERROR})
    assert checked_files(tmp_path) == {"template.yaml"}


def test_exclude_globs(tmp_path):
    project(
        tmp_path,
        **{
            "pyproject.toml": '[tool.invokelint]\nexclude = ["generated", "*.old.yaml"]\n',
            "template.yaml": ERROR,
            "generated__template.yaml": ERROR,
            "stacks__queue.old.yaml": ERROR,
            "stacks__queue.yaml": ERROR,
        },
    )
    assert checked_files(tmp_path) == {"template.yaml", "stacks/queue.yaml"}


def test_a_file_named_on_the_command_line_is_linted_even_if_excluded(tmp_path):
    project(
        tmp_path,
        **{"pyproject.toml": '[tool.invokelint]\nexclude = ["generated"]\n'},
        **{"generated__template.yaml": ERROR},
    )
    assert checked_files(tmp_path, "generated/template.yaml") == {"generated/template.yaml"}


def test_symlinks_never_leave_the_folder(tmp_path):
    outside = project(tmp_path / "outside", **{"template.yaml": ERROR})
    inside = project(tmp_path / "inside", **{"own.template": ERROR})
    (inside / "linked.template").symlink_to(outside / "template.yaml")
    (inside / "alias.template").symlink_to(inside / "own.template")
    (inside / "folder").symlink_to(outside, target_is_directory=True)
    assert checked_files(inside) == {"own.template", "alias.template"}


def test_paths_outside_the_working_folder_are_shown_absolute(tmp_path):
    template = project(tmp_path / "elsewhere", **{"template.yaml": ERROR}) / "template.yaml"
    (tmp_path / "here").mkdir()
    assert checked_files(tmp_path / "here", str(template)) == {template.as_posix()}


# ------------------------------------------------------------------- bad input, no traceback


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout
    assert "internal error" not in result.stderr


def test_binary_file_named_as_template(tmp_path):
    (tmp_path / "template.yaml").write_bytes(b"\x00\x01\x02\xff\xfe binary")
    result = run_cli("check", cwd=tmp_path)
    assert_one_line_error(result)
    assert result.returncode == 2
    assert result.stdout.startswith("template.yaml:1:4: IL001 error: file is not UTF-8 text\n")


def test_non_utf8_template_is_reported_even_when_not_named_as_one(tmp_path):
    latin1 = ERROR.replace("CodeUri: src/", "Description: caf\xe9").encode("latin-1")
    (tmp_path / "orders.yaml").write_bytes(latin1)
    (tmp_path / "notes.yaml").write_bytes("caf\xe9: 1\n".encode("latin-1"))
    result = run_cli("check", cwd=tmp_path)
    assert_one_line_error(result)
    assert result.returncode == 2
    line = ERROR.splitlines().index("      CodeUri: src/") + 1
    column = len("      Description: caf") + 1
    assert result.stdout.splitlines() == [
        f"orders.yaml:{line}:{column}: IL001 error: file is not UTF-8 text",
        "Found 1 problem (1 error) in 1 file.",
    ]


def test_control_character_in_a_template(tmp_path):
    project(tmp_path, **{"template.yaml": "Resources:\n  Q:\n    Type: AWS::SQS::Queue\x07\n"})
    result = run_cli("check", cwd=tmp_path)
    assert_one_line_error(result)
    assert result.stdout.startswith(
        "template.yaml:3:26: IL001 error: unacceptable character #x0007"
    )


def test_huge_file_is_refused_without_reading_it(tmp_path):
    with (tmp_path / "template.yaml").open("w", encoding="utf-8") as handle:
        handle.write("Resources: {}\n" + "#" * (11 * 1024 * 1024) + "\n")
    result = run_cli("check", cwd=tmp_path)
    assert_one_line_error(result)
    assert result.returncode == 2
    assert "template.yaml:1:1: IL001 error: file is larger than 10 MiB" in result.stdout


def test_folder_named_like_a_template_is_walked_not_read(tmp_path):
    project(tmp_path, **{"template.yaml__inner.template": ERROR})
    result = run_cli("check", "--format", "json", cwd=tmp_path)
    assert_one_line_error(result)
    assert {item["path"] for item in json.loads(result.stdout)} == {"template.yaml/inner.template"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_named_like_a_template_does_not_block(tmp_path):
    project(tmp_path, **{"template.yaml": CLEAN})
    os.mkfifo(tmp_path / "pipe.template")
    result = run_cli("check", cwd=tmp_path, timeout=30)
    assert (result.returncode, result.stdout) == (0, "No problems found in 1 file.\n")
    assert result.stderr == "invokelint: warning: pipe.template: not read: it is a FIFO\n"
    named = run_cli("check", "pipe.template", cwd=tmp_path, timeout=30)
    assert named.returncode == 2
    assert named.stderr == "invokelint: error: pipe.template: not read: it is a FIFO\n"


def test_unreadable_template_in_process(tmp_path, monkeypatch, capsys):
    """Root reads any file, so the failing read is simulated here; see the next test."""
    project(tmp_path, **{"template.yaml": CLEAN, "other.template": ERROR})
    real_read = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "template.yaml":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.chdir(tmp_path)
    from invokelint.cli import main

    assert main(["check", "--select", "IL001,IL103"]) == 2
    assert capsys.readouterr().out.splitlines() == [
        "other.template:6:7: IL103 error: queue 'Orders' hides messages for 20 s but function "
        "'Worker' may run 30 s, so Lambda rejects the event source mapping; set "
        "VisibilityTimeout to at least 180 (6 x Timeout 30 s) [Orders]",
        "template.yaml:1:1: IL001 error: cannot read file: Permission denied",
        "Found 2 problems (2 errors) in 2 files.",
    ]


def test_unreadable_template(tmp_path):
    """A real unreadable file; as root, the command runs as an unprivileged user."""
    folder = Path(tempfile.mkdtemp(prefix="invokelint-"))  # reachable by that user
    try:
        folder.chmod(0o755)
        template = project(folder, **{"template.yaml": CLEAN}) / "template.yaml"
        template.chmod(0)
        options: dict[str, object] = {}
        if os.geteuid() == 0:
            options = {"user": 65534, "group": 65534, "extra_groups": []}
            if not _runs_unprivileged(folder, options):
                pytest.skip("an unprivileged user cannot run this interpreter or checkout")
        result = run_cli("check", cwd=folder, **options)
        assert_one_line_error(result)
        assert result.returncode == 2
        assert result.stdout.startswith(
            "template.yaml:1:1: IL001 error: cannot read file: Permission denied\n"
        )
    finally:
        (folder / "template.yaml").chmod(stat.S_IRUSR | stat.S_IWUSR)
        shutil.rmtree(folder)


def _runs_unprivileged(folder: Path, options: dict[str, object]) -> bool:
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import invokelint"],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            check=False,
            **options,  # type: ignore[arg-type]
        )
    except OSError:  # the interpreter itself is out of reach
        return False
    return probe.returncode == 0


def test_invalid_json_template(tmp_path):
    project(
        tmp_path,
        **{"stack.json": '{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue"},\n  }\n}\n'},
    )
    result = run_cli("check", cwd=tmp_path)
    assert_one_line_error(result)
    assert result.stdout.splitlines()[0] == (
        "stack.json:3:37: IL001 error: invalid JSON: Illegal trailing comma before end of object"
    )


def test_duplicate_key_is_a_finding_that_select_can_leave_out(tmp_path):
    duplicated = ERROR.replace("      Timeout: 30\n", "      Timeout: 30\n      Timeout: 30\n")
    project(tmp_path, **{"template.yaml": duplicated})
    result = run_cli("check", "--format", "json", "--select", "IL103", cwd=tmp_path)
    assert [item["code"] for item in json.loads(result.stdout)] == ["IL103"]


def test_duplicate_key_is_reported_and_linting_goes_on(tmp_path):
    project(
        tmp_path,
        **{
            "template.yaml": ERROR.replace(
                "      Timeout: 30\n", "      Timeout: 30\n      Timeout: 30\n"
            )
        },
    )
    result = run_cli("check", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1  # the file loaded: an error finding, not a failed read
    codes = sorted(item["code"] for item in json.loads(result.stdout))
    assert codes == ["IL001", "IL102", "IL103"]


# ------------------------------------------------------------------- more usage cases


@pytest.mark.parametrize(
    "args", [("frobnicate",), ("check", "--fail-on", "fatal"), ("rule",), ("rules", "extra")]
)
def test_usage_errors_exit_2_without_output(tmp_path, args):
    result = run_cli(*args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert "usage: invokelint" in result.stderr
    assert_one_line_error(result)


def test_info_never_fails_unless_asked(tmp_path):
    project(
        tmp_path, **{"template.yaml": WARNING, ".invokelint.toml": '[severity]\nIL102 = "info"\n'}
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0 and "IL102 info:" in result.stdout
    assert run_cli("check", "--fail-on", "info", cwd=tmp_path).returncode == 1


def test_command_line_select_replaces_the_config_select(tmp_path):
    project(tmp_path, **{"template.yaml": ERROR, ".invokelint.toml": 'select = ["IL102"]\n'})

    def reported(*options: str) -> list[str]:
        result = run_cli("check", "--format", "json", *options, cwd=tmp_path)
        return [item["code"] for item in json.loads(result.stdout)]

    assert reported() == ["IL102"]
    assert reported("--select", "IL103") == ["IL103"]


def test_each_file_is_linted_once_however_it_is_named(tmp_path):
    project(tmp_path, **{"template.yaml": ERROR, "other__template.yaml": ERROR})
    result = run_cli("check", "template.yaml", ".", "./template.yaml", "-q", cwd=tmp_path)
    paths = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert sorted(paths) == ["other/template.yaml"] * 2 + ["template.yaml"] * 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &a [*a, *a]\nResources: {}\n", "alias '*a' refers to itself"),
        ("Resources: {}\n---\nOutputs: {}\n", "expected one YAML document, found several"),
        ("Resources: " + "[" * 500 + "]" * 500 + "\n", "nesting deeper than"),
        (
            "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
            + "Resources: {}\n",
            "values after expanding aliases",
        ),
    ],
)
def test_hostile_yaml_is_one_il001_line(tmp_path, text, message):
    project(tmp_path, **{"template.yaml": text})
    result = run_cli("check", "-q", cwd=tmp_path)
    assert_one_line_error(result)
    assert result.returncode == 2
    (line,) = result.stdout.splitlines()
    assert line.startswith("template.yaml:") and "IL001 error: " in line and message in line


def test_dangling_links_are_skipped_in_folders_and_refused_by_name(tmp_path):
    project(tmp_path, **{"stack.yaml": ERROR})
    (tmp_path / "template.yaml").symlink_to(tmp_path / "gone.yaml")
    result = run_cli("check", "--select", "IL001,IL103", "-q", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["stack.yaml"]
    named = run_cli("check", "template.yaml", cwd=tmp_path)
    assert (named.returncode, named.stdout) == (2, "")
    assert named.stderr == "invokelint: error: template.yaml: no such file or directory\n"


@pytest.mark.parametrize(("args", "status"), [(["check"], 1), (["rules"], 0)])
def test_a_reader_that_stops_early_is_not_an_error(tmp_path, args, status):
    """``invokelint check | head -1``: a closed pipe is neither an error nor a new status."""
    project(tmp_path, **{"template.yaml": ERROR})
    child = subprocess.Popen(
        [sys.executable, "-m", "invokelint", *args],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before anything is written
    assert (child.wait(timeout=60), child.stderr.read()) == (status, "")


# ------------------------------------------------------------------------------ imports

HEAVY_MODULES = {"libcst", "pygls", "jsonschema", "ruamel", "tree_sitter", "lsprotocol"}
LOADED_MODULES = """\
import runpy, sys
sys.argv = ["invokelint", *sys.argv[1:]]
try:
    runpy.run_module("invokelint", run_name="__main__")
except SystemExit:
    pass
print("\\n".join(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def loaded_modules(tmp_path: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", LOADED_MODULES, *args],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr
    return set(result.stderr.split())


@pytest.mark.parametrize(
    ("template", "options"),
    [
        ("Resources:\n  Orders:\n    Type: AWS::SQS::Queue\n", []),
        (ERROR, ["--no-code"]),
    ],
    ids=["no-functions", "no-code"],
)
def test_a_plain_run_imports_nothing_heavy(tmp_path, template, options):
    """libcst, pygls and jsonschema cost 50-300 ms each: a pre-commit run on one template
    without configuration must not pay for them (see bench/large_template.py startup)."""
    project(tmp_path, **{"template.yaml": template})
    assert loaded_modules(tmp_path, "check", *options, "template.yaml") & HEAVY_MODULES == set()


def test_a_warm_run_over_handler_code_does_not_import_libcst(tmp_path):
    """The cache holds the handlers' summaries: an unchanged project never pays libcst's
    import (0.15 s), while the findings stay those of the cold run."""
    project(
        tmp_path,
        **{"template.yaml": sqs_consumer(10), "src/app.py": "def handler(e, c):\n    pass\n"},
    )
    assert "libcst" in loaded_modules(tmp_path, "check", ".")
    assert loaded_modules(tmp_path, "check", ".") & HEAVY_MODULES == set()
    assert "libcst" in loaded_modules(tmp_path, "check", ".", "--no-cache")
    first, second = (run_cli("check", ".", cwd=tmp_path) for _ in range(2))
    assert first.stdout == second.stdout and "IL102" in first.stdout


def test_a_config_file_is_validated_with_jsonschema(tmp_path):
    """The probe above can see jsonschema when it is loaded."""
    project(tmp_path, **{"template.yaml": ERROR, ".invokelint.toml": "fail-on = 'error'\n"})
    assert "jsonschema" in loaded_modules(tmp_path, "check", "template.yaml")


def test_duplicate_key_spans_the_whole_key_and_says_what_it_is(tmp_path):
    duplicated = ERROR.replace("      Timeout: 30\n", "      Timeout: 30\n      Timeout: 30\n")
    project(tmp_path, **{"template.yaml": duplicated})
    result = run_cli("check", "--format", "json", "--select", "IL001", cwd=tmp_path)
    (finding,) = json.loads(result.stdout)
    line = duplicated.splitlines()[finding["line"] - 1]
    assert line[finding["column"] - 1 : finding["end_column"] - 1] == "Timeout"
    assert finding["end_line"] == finding["line"]
    assert finding["message"].startswith("duplicate key 'Timeout' (first defined on line ")
