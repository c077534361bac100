"""What ``invokelint check`` tells a user besides the findings: skipped inputs, statistics
in every format, and output that is the same from run to run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import REPO, run_cli, sqs_consumer, write_project

from invokelint.cli import main
from invokelint.reporters import FORMATS

WORKFLOW = "on: push\njobs: {}\n"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run the command in-process from ``cwd``: (exit status, stdout, stderr)."""

    def run(cwd: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        status = main(["check", *args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_an_empty_folder_is_a_warning_not_a_silent_pass(cli, tmp_path):
    (tmp_path / "infra").mkdir()
    status, out, err = cli(tmp_path, "infra")
    assert status == 0
    assert out == "No templates found: nothing was linted.\n"
    assert err == (
        "invokelint: warning: no templates found in infra: "
        "no YAML, JSON or .template files outside excluded folders\n"
    )


def test_a_folder_of_other_yaml_names_what_was_skipped_and_why(cli, tmp_path):
    write_project(tmp_path, {".github/ci.yml": WORKFLOW, "deploy.yml": WORKFLOW})
    status, _, err = cli(tmp_path)
    assert status == 0
    assert err.startswith(
        "invokelint: warning: no templates found in .: 2 skipped (.github/ci.yml, deploy.yml): "
    )
    assert "no top-level Resources holding AWS:: types" in err


def test_a_named_file_that_is_not_linted_is_a_warning(cli, tmp_path):
    write_project(tmp_path, {"template.yaml": sqs_consumer(180), "README.md": "docs\n"})
    write_project(tmp_path, {"deploy.yml": WORKFLOW})
    status, out, err = cli(tmp_path, "template.yaml", "README.md", "deploy.yml")
    assert status == 1 and "IL102" in out  # the template is still linted
    assert err.splitlines() == [
        "invokelint: warning: README.md: skipped, not a file invokelint reads "
        "(.yaml, .yml, .json, .template)",
        "invokelint: warning: deploy.yml: skipped, not a template: "
        "no top-level Resources holding AWS:: types",
    ]


def test_a_folder_with_templates_does_not_warn_about_its_other_yaml(cli, tmp_path):
    write_project(tmp_path, {"template.yaml": sqs_consumer(180), "ci.yml": WORKFLOW})
    assert cli(tmp_path)[2] == ""


# ---------------------------------------------------------------------------- statistics


@pytest.fixture
def two_findings(tmp_path: Path) -> Path:
    return write_project(tmp_path, {"template.yaml": sqs_consumer(20)})


@pytest.mark.parametrize("output", [f for f in FORMATS if f != "json"])
def test_statistics_replace_the_findings_in_every_format(cli, two_findings, output):
    status, out, _ = cli(two_findings, "--statistics", "--no-code", "--format", output)
    assert status == 1
    assert out.splitlines() == [
        "1\tIL102\tsqs-source-without-redrive",
        "1\tIL103\tsqs-visibility-timeout",
        "1\t-\tfunctions",
        "1\t-\ttemplates",
    ]


def test_statistics_as_json(cli, two_findings):
    _, out, _ = cli(two_findings, "--statistics", "--no-code", "--format", "json")
    assert json.loads(out) == {
        "rules": [
            {"code": "IL102", "name": "sqs-source-without-redrive", "count": 1},
            {"code": "IL103", "name": "sqs-visibility-timeout", "count": 1},
        ],
        "totals": {"functions": 1, "templates": 1},
    }


# ---------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("output", FORMATS)
def test_two_runs_print_the_same_bytes(cli, tmp_path, output):
    """Handler code analysed, several files and rules: nothing depends on time or order."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "examples", project)
    first = cli(project, "--format", output)
    (project / "src" / "payments.py").touch()  # a re-read must not reorder anything
    assert cli(project, "--format", output) == first
    assert cli(project, "--format", output, "--statistics") == cli(
        project, "--format", output, "--statistics"
    )


# ---------------------------------------------------------------------------- stdin


def piped(cwd, text: str, name: str, *args: str):
    """``invokelint check [args] - --stdin-filename name`` with ``text`` on standard input."""
    return run_cli("check", *args, "-", "--stdin-filename", name, cwd=cwd, input=text)


def test_stdin_is_linted_under_the_name_given(tmp_path):
    write_project(tmp_path, {"infra/template.yaml": "unsaved: the buffer is what counts\n"})
    completed = piped(tmp_path, sqs_consumer(20), "infra/template.yaml")
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    assert [line.split(" ")[:2] for line in lines[:-2]] == [
        ["infra/template.yaml:3:3:", "IL102"],
        ["infra/template.yaml:6:7:", "IL103"],
    ]
    assert lines[-2] == "Found 2 problems (1 error, 1 warning) in 1 file."


def test_stdin_finds_handler_code_and_config_beside_its_name(tmp_path):
    """The name places the buffer in the project: its handler and .invokelint.toml apply."""
    sam = sqs_consumer(180)
    write_project(
        tmp_path,
        {
            ".invokelint.toml": "ignore = ['IL102']\n",
            "src/app.py": "def other(event, context):\n    pass\n",
        },
    )
    completed = piped(tmp_path, sam, "template.yaml")
    assert [line.split()[1] for line in completed.stdout.splitlines()[:-1]] == ["IL002"]


def test_stdin_without_a_name_is_judged_by_content(tmp_path):
    completed = run_cli("check", "-", "--no-code", cwd=tmp_path, input=sqs_consumer(20))
    assert completed.stdout.startswith("-:3:3: IL102 ")
    json_template = json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})
    named = piped(tmp_path, json_template, "t.json")
    assert named.returncode == 0 and named.stdout == "No problems found in 1 file.\n"


def test_stdin_filename_without_dash_is_a_usage_error(tmp_path):
    completed = run_cli("check", "--stdin-filename", "template.yaml", cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stderr == "invokelint: error: --stdin-filename needs - among the paths\n"


def test_stdin_inside_a_walked_folder_is_linted_once(tmp_path):
    write_project(tmp_path, {"template.yaml": "on disk: not yet a template\n"})
    completed = piped(tmp_path, sqs_consumer(20), "template.yaml", ".", "--no-code", "--statistics")
    assert "1\t-\ttemplates" in completed.stdout.splitlines()
    assert "1\tIL103\tsqs-visibility-timeout" in completed.stdout.splitlines()


def test_paths_may_follow_options_and_unknown_options_still_fail(tmp_path):
    write_project(
        tmp_path, {"a/template.yaml": sqs_consumer(20), "b/template.yaml": sqs_consumer(20)}
    )
    completed = run_cli("check", "a", "--no-code", "--select", "IL103", "b", cwd=tmp_path)
    assert [line.split(":")[0] for line in completed.stdout.splitlines()[:-2]] == [
        "a/template.yaml",
        "b/template.yaml",
    ]
    wrong = run_cli("check", "a", "--no-such-option", "b", cwd=tmp_path)
    assert wrong.returncode == 2 and "unrecognized arguments: --no-such-option" in wrong.stderr
