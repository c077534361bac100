"""The command line on Terraform: ``--var-file``/``--var`` and their precedence over
``.tfvars``, usage errors in one line, and ``--statistics`` counting modules and files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import run_cli, write_project
from samples import TF_ROOT as ROOT
from samples import TF_WORKER as WORKER

TFVARS = "visibility = 400\n"  # enough for the 30 s function: no IL103
OUTPUT = 'output "queue" {\n  value = aws_sqs_queue.orders.arn\n}\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path,
        {"main.tf": ROOT, "modules/worker/main.tf": WORKER, "terraform.tfvars": TFVARS},
    )


def il103(completed) -> list[str]:
    return [line for line in completed.stdout.splitlines() if ": IL103 " in line]


def test_tfvars_value_is_used(project):
    (project / "terraform.tfvars").write_text("visibility = 20\n")
    (line,) = il103(run_cli("check", cwd=project))
    assert line.startswith("terraform.tfvars:1:1: IL103 error:")


def test_var_file_overrides_terraform_tfvars_and_is_where_the_finding_points(project):
    (project / "prod.tfvars").write_text("\nvisibility = 20\n")
    completed = run_cli("check", "--var-file", "prod.tfvars", cwd=project)
    assert completed.returncode == 1
    (line,) = il103(completed)
    assert line.startswith("prod.tfvars:2:1: IL103 error:")
    assert "hides messages for 20 s" in line


def test_var_overrides_var_files(project):
    (project / "prod.tfvars").write_text("visibility = 400\n")
    completed = run_cli("check", "--var-file", "prod.tfvars", "--var", "visibility=20", cwd=project)
    assert "hides messages for 20 s" in il103(completed)[0]
    later = run_cli("check", "--var", "visibility=20", "--var", "visibility=400", cwd=project)
    assert il103(later) == []  # the last -var wins, as in terraform plan


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--var-file", "missing.tfvars"], "missing.tfvars: variable file not found"),
        (["--var", "visibility"], "--var 'visibility': expected NAME=VALUE"),
    ],
)
def test_bad_variable_options_are_one_line_usage_errors(project, args, message):
    completed = run_cli("check", *args, cwd=project)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.strip() == f"invokelint: error: {message}"


def test_statistics_count_each_module_and_file_once(tmp_path):
    """Two roots call one module: it is linted with each caller, but counted once."""
    write_project(
        tmp_path,
        {
            "prod/main.tf": ROOT.replace("./modules", "../modules"),
            "staging/main.tf": ROOT.replace("./modules", "../modules"),
            "modules/worker/main.tf": WORKER,
            "modules/worker/outputs.tf": OUTPUT,
        },
    )
    completed = run_cli("check", "--statistics", cwd=tmp_path)
    counts = dict(
        (name, int(count))
        for count, name in re.findall(r"^(\d+)\t-\t(.+)$", completed.stdout, re.M)
    )
    assert counts["terraform files"] == 4
    assert counts["terraform modules"] == 3
    assert re.search(r"^1\tIL102\t", completed.stdout, re.M)  # the same finding once
