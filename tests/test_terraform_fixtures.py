"""Terraform end to end: a plan and its HCL agree, broken HCL is IL001 only, comments suppress.

The plan folders are ``fixtures/terraform/plans/*`` (made with the real terraform binary,
see their README). Each is linted twice: its ``.tf`` files named on the command line
(the HCL alone) and its ``plan.json`` (the plan, pointed at the ``.tf`` beside it).
"""

from __future__ import annotations

import re

import pytest
from helpers import REPO, lint, run_cli, write_project

PLANS = REPO / "fixtures" / "terraform" / "plans"
PLAN_FOLDERS = sorted(path for path in PLANS.iterdir() if (path / "plan.json").is_file())
# A plan has one block per instance of a for_each/count module and names it with its key
# (``module.consumer["orders"]``); the HCL analyses the module once. There the same findings
# at the same places are compared, instance keys dropped from the plan's messages.
INSTANCE_KEY = re.compile(r'\[(?:"[^"]*"|\d+)\]')


def _findings(result) -> list[tuple[str, str, int, int, str]]:
    return [
        (d.code, d.location.path, d.location.line, d.location.column, d.message)
        for d in result.diagnostics
    ]


def _keyless(findings) -> set[tuple[str, str, int, int, str]]:
    return {(*finding[:4], INSTANCE_KEY.sub("", finding[4])) for finding in findings}


@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=[folder.name for folder in PLAN_FOLDERS])
def test_plan_and_its_hcl_give_the_same_findings(folder):
    hcl = _findings(lint(*sorted(folder.glob("*.tf")), cwd=REPO))
    read = lint(folder / "plan.json", cwd=REPO)
    assert read.models[0].functions, f"{folder.name}: the plan was not read"
    plan = _findings(read)
    if folder.name == "module-instances":
        assert _keyless(plan) == _keyless(hcl)
        assert any(code == "IL105" for code, *_ in plan)  # through module.consumer["orders"]
    else:
        assert plan == hcl


def test_every_plan_folder_is_compared():
    assert {folder.name for folder in PLAN_FOLDERS} >= {
        "sqs-consumer",
        "sqs-consumer-redrive",
        "stream-mapping",
        "async-triggers",
        "module-instances",
        "existing-dlq",
    }


def test_plan_links_each_module_instance_to_its_own_resources():
    """A mapping inside ``module.consumer["orders"]`` reads that instance's queue and
    function (the plan has one block per instance; a Ref names them without keys)."""
    result = lint(PLANS / "module-instances" / "plan.json", cwd=REPO)
    (model,) = result.models
    assert len(model.mappings) == 4
    for mapping in model.mappings:
        instance = mapping.id.rsplit(".aws_lambda_event_source_mapping.", 1)[0]
        assert mapping.source.id == f"{instance}.aws_sqs_queue.input"
        assert mapping.function.id == f"{instance}.aws_lambda_function.handler"


@pytest.mark.parametrize(
    ("fixture", "plan"),
    [
        ("IL103-sqs-consumer-plan.fail", "sqs-consumer"),
        ("IL103-redrive-plan.pass", "sqs-consumer-redrive"),
        ("IL104-existing-dlq-plan.fail", "existing-dlq"),
    ],
)
def test_plan_fixtures_are_the_generated_plans(fixture, plan):
    """The plan-only fixtures are copies: regenerate.sh must be followed by a copy."""
    copy = REPO / "fixtures" / "terraform" / fixture / "plan.json"
    assert copy.read_bytes() == (PLANS / plan / "plan.json").read_bytes()


BROKEN = """\
resource "aws_sqs_queue" "jobs" {
  name                       = "jobs"
  visibility_timeout_seconds = 30
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  timeout       = 60 +
}

resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.worker.arn
}
"""


def test_syntax_error_is_il001_at_the_first_error_and_nothing_else(tmp_path):
    write_project(tmp_path, {"main.tf": BROKEN})
    result = lint(tmp_path / "main.tf", cwd=tmp_path)
    assert [(d.code, d.location.line, d.location.column) for d in result.diagnostics] == [
        ("IL001", 8, 22)  # the "+" with no right operand
    ]
    write_project(tmp_path, {"main.tf": BROKEN.replace("60 +", "60")})
    fixed = lint(tmp_path / "main.tf", cwd=tmp_path)
    assert {"IL102", "IL103"} <= {d.code for d in fixed.diagnostics}  # what the error hid


def test_syntax_error_exits_2_from_the_command_line(tmp_path):
    write_project(tmp_path, {"main.tf": BROKEN})
    completed = run_cli("check", "main.tf", cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stdout.splitlines()[0].startswith("main.tf:8:22: IL001 error:")
    assert "Traceback" not in completed.stderr


CONSUMER = (
    REPO / "fixtures" / "terraform" / "IL101-function-dlq-on-sqs-consumer.fail.tf"
).read_text(encoding="utf-8")
DLQ_LINE = "  dead_letter_config { # expect: IL101"
FUNCTION_LINE = 'resource "aws_lambda_function" "worker" {'


@pytest.mark.parametrize("marker", ["#", "//"])
@pytest.mark.parametrize("line", [DLQ_LINE, FUNCTION_LINE], ids=["reported-line", "block-line"])
def test_ignore_comment_on_the_line_or_the_blocks_first_line(tmp_path, marker, line):
    assert line in CONSUMER
    suppressed = CONSUMER.replace(line, f"{line} {marker} invokelint: ignore[IL101]")
    write_project(tmp_path, {"main.tf": suppressed, "unsuppressed/main.tf": CONSUMER})
    assert not lint(tmp_path / "main.tf", cwd=tmp_path, select=["IL101"]).diagnostics
    other = lint(tmp_path / "unsuppressed" / "main.tf", cwd=tmp_path, select=["IL101"])
    assert [d.code for d in other.diagnostics] == ["IL101"]


def test_ignore_comment_names_its_rule(tmp_path):
    suppressed = CONSUMER.replace(FUNCTION_LINE, f"{FUNCTION_LINE} # invokelint: ignore[IL102]")
    write_project(tmp_path, {"main.tf": suppressed})
    found = lint(tmp_path / "main.tf", cwd=tmp_path, select=["IL101"]).diagnostics
    assert [d.code for d in found] == ["IL101"]
