"""Fixes written into Terraform HCL: byte for byte, only the edited lines, never a guess.

Each case is a small project whose ``main.tf`` mixes the styles people write (tabs,
odd indentation, ``#``, ``//`` and ``/* */`` comments, heredocs); the expected text is
the input with exactly the listed replacements.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from helpers import REPO

from invokelint.cli import main
from invokelint.config import Config
from invokelint.engine import Linter
from invokelint.fixes import Edit, Fix
from invokelint.fixes.apply import apply_fixes, offered, planned_files, title
from invokelint.fixes.hcl_writer import SCHEMA
from invokelint.fixes.run import fix_project, write
from invokelint.frontends.terraform.terms import TERRAFORM_TERMS
from invokelint.model import Location
from invokelint.rules import all_rules

FUNCTION = """
resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/worker"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  timeout       = 60
}
"""


def queue_with_dlq(name: str, visibility: int) -> str:
    """A queue whose redrive policy is right, and its dead-letter queue."""
    return f"""resource "aws_sqs_queue" "{name}" {{
  name                       = "{name}"
  visibility_timeout_seconds = {visibility}
  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.{name}_dlq.arn
    maxReceiveCount     = 5
  }})
}}

resource "aws_sqs_queue" "{name}_dlq" {{
  message_retention_seconds = 1209600
}}
"""


def mapping(name: str, source: str, body: str = "") -> str:
    return (
        f'\nresource "aws_lambda_event_source_mapping" "{name}" {{\n'
        f"  event_source_arn = {source}\n"
        f"  function_name    = aws_lambda_function.worker.arn\n{body}}}\n"
    )


IL103 = (
    """// Queues, written in three styles.
resource "aws_sqs_queue" "exports" {
\tname = "exports" // the name
\tvisibility_timeout_seconds = 60 /* too short */
}

resource "aws_sqs_queue" "thumbs" {
    /* no visibility timeout yet */
    name    = "thumbs"   # four spaces
    policy  = <<-EOT
      {"Version": "2012-10-17"}
    EOT
}
"""
    + FUNCTION
    + mapping("exports", "aws_sqs_queue.exports.arn")
    + mapping("thumbs", "aws_sqs_queue.thumbs.arn")
)
IL103_FIXED = (
    ("visibility_timeout_seconds = 60 /*", "visibility_timeout_seconds = 360 /*"),
    ("    EOT\n}", "    EOT\n    visibility_timeout_seconds = 360\n}"),
)

IL104 = (
    """resource "aws_sqs_queue" "events" {
  name                       = "events"
  visibility_timeout_seconds = 360
  redrive_policy = jsonencode({
    # moved after two receives
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount = 2 // too few
  })
}

# a JSON string policy is left as written
resource "aws_sqs_queue" "audit" {
  name                       = "audit"
  visibility_timeout_seconds = 360
  redrive_policy             = <<-POLICY
    {
      "deadLetterTargetArn": "${aws_sqs_queue.dlq.arn}",
      "maxReceiveCount": 3
    }
  POLICY
}

resource "aws_sqs_queue" "dlq" {
  name                      = "dlq"
  message_retention_seconds = 1209600
}
"""
    + FUNCTION
    + mapping("events", "aws_sqs_queue.events.arn")
    + mapping("audit", "aws_sqs_queue.audit.arn")
)
IL104_FIXED = (("maxReceiveCount = 2 //", "maxReceiveCount = 5 //"),)

IL105 = (
    """resource "aws_sqs_queue" "orders" {
  name                       = "orders"
  visibility_timeout_seconds = 360
  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn,
    maxReceiveCount = 5 })
}

resource "aws_sqs_queue" "orders_dlq" {
}

resource "aws_sqs_queue" "refunds" {
  name                       = "refunds"
  visibility_timeout_seconds = 360
  message_retention_seconds  = 172800
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.refunds_dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_sqs_queue" "refunds_dlq" {
  message_retention_seconds = 86400 # one day
}
"""
    + FUNCTION
    + mapping("orders", "aws_sqs_queue.orders.arn")
    + mapping("refunds", "aws_sqs_queue.refunds.arn")
)
IL105_FIXED = (
    (
        '"orders_dlq" {\n}',
        '"orders_dlq" {\n  message_retention_seconds = 1209600\n}',
    ),
    ("= 86400 # one day", "= 1209600 # one day"),
)

IL107 = (
    queue_with_dlq("clicks", 900)
    + """
resource "aws_kinesis_stream" "events" {
  name        = "events"
  shard_count = 1
}
"""
    + FUNCTION
    + mapping(
        "clicks",
        "aws_sqs_queue.clicks.arn",
        """  batch_size       = 100  # too many without a window

  # at most two at a time
  scaling_config {
    maximum_concurrency = 2
  }
""",
    )
    + mapping(
        "events",
        "aws_kinesis_stream.events.arn",
        """  starting_position                  = "LATEST"
  maximum_batching_window_in_seconds = 600
  maximum_retry_attempts             = 3
  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.clicks_dlq.arn
    }
  }
""",
    )
)
IL107_FIXED = (
    (
        "window\n\n  # at most",
        "window\n  maximum_batching_window_in_seconds = 1\n\n  # at most",
    ),
    ("in_seconds = 600\n", "in_seconds = 300\n"),
)

IL108 = (
    """resource "aws_dynamodb_table" "orders" {
  name             = "orders"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_sqs_queue" "failed" {
  message_retention_seconds = 1209600
}
"""
    + FUNCTION
    + mapping(
        "orders",
        "aws_dynamodb_table.orders.stream_arn",
        """  starting_position      = "TRIM_HORIZON"
  maximum_retry_attempts = -1 /* forever */

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failed.arn
    }
  }
""",
    )
)
IL108_FIXED = (
    (
        "maximum_retry_attempts = -1 /* forever */\n",
        "maximum_retry_attempts = 3 /* forever */\n  bisect_batch_on_function_error = true\n",
    ),
)

IL110 = (
    queue_with_dlq("jobs", 360)
    + FUNCTION
    + mapping(
        "jobs",
        "aws_sqs_queue.jobs.arn",
        """  batch_size       = 1
  # failures go to the dead-letter queue

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.jobs_dlq.arn
    }
  } # not for SQS
""",
    )
)
IL110_FIXED = (
    (
        "\n\n  destination_config {\n    on_failure {\n      destination_arn = "
        "aws_sqs_queue.jobs_dlq.arn\n    }\n  } # not for SQS\n",
        "\n",
    ),
)

IL202 = (
    FUNCTION
    + """
resource "aws_lambda_function_event_invoke_config" "worker" {
    function_name                = aws_lambda_function.worker.function_name
    maximum_retry_attempts       = 5
    maximum_event_age_in_seconds = 30
}
"""
)
IL202_FIXED = (
    ("attempts       = 5", "attempts       = 2"),
    ("seconds = 30", "seconds = 60"),
)

IL402_FIXTURE = REPO / "fixtures/terraform/IL402-batch-failures-without-setting.fail"
IL402 = (
    (IL402_FIXTURE / "main.tf")
    .read_text()
    .replace("  batch_size       = 10\n", "  function_response_types = [] # none yet\n")
)
IL402_FIXED = (("= [] # none", '= ["ReportBatchItemFailures"] # none'),)

CASES = {
    "IL103": (IL103, IL103_FIXED, False),
    "IL104": (IL104, IL104_FIXED, False),
    "IL105": (IL105, IL105_FIXED, False),
    "IL107": (IL107, IL107_FIXED, False),
    "IL108": (IL108, IL108_FIXED, False),
    "IL110": (IL110, IL110_FIXED, True),
    "IL202": (IL202, IL202_FIXED, False),
    "IL402": (IL402, IL402_FIXED, False),
}


def replaced(text: str, replacements: tuple[tuple[str, str], ...]) -> str:
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def project(folder: Path, main_tf: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.tf").write_bytes(main_tf.encode())
    (folder / "src").mkdir(exist_ok=True)
    shutil.copy(IL402_FIXTURE / "src/worker.py", folder / "src/worker.py")
    return folder


def fix_folder(folder: Path, *, unsafe: bool, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    linter = Linter(Config())
    before = linter.lint([Path(".")])
    run = fix_project(before, lambda texts: linter.lint([Path(".")], texts), unsafe=unsafe)
    assert not write(run)
    return before, run


def writable(result, *, unsafe: bool) -> list[tuple[str, str]]:
    """The findings left whose fix the writer would still apply."""
    planned = planned_files(result.models)
    left = []
    for d in result.diagnostics:
        if d.fix is None or not (unsafe or d.fix.safety == "safe") or not offered(d, planned):
            continue
        text = Path(d.fix.path).read_bytes().decode()
        if apply_fixes(text, d.fix.path, [d.fix]).applied:
            left.append((d.code, d.path))
    return left


def comment_lines(text: str) -> Counter[str]:
    return Counter(
        line.strip() for line in text.splitlines() if line.strip().startswith(("#", "//", "/*"))
    )


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_rule_fix_byte_for_byte(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, replacements, unsafe = CASES[code]
    folder = project(tmp_path / code, text)
    before, run = fix_folder(folder, unsafe=unsafe, monkeypatch=monkeypatch)
    assert (folder / "main.tf").read_bytes().decode() == replaced(text, replacements)
    assert run.fixed[code] == len(replacements) and not run.warnings
    # the fixed findings are gone and nothing new appeared
    assert not writable(run.result, unsafe=unsafe)
    after = {(d.code, d.resource) for d in run.result.diagnostics}
    assert after <= {(d.code, d.resource) for d in before.diagnostics}
    assert sum(d.code == code for d in run.result.diagnostics) < sum(
        d.code == code for d in before.diagnostics
    )
    # idempotent: a second --fix over the written file changes nothing
    _, again = fix_folder(folder, unsafe=unsafe, monkeypatch=monkeypatch)
    assert not again.changed() and not again.fixed


def test_crlf_file_keeps_its_line_breaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = project(tmp_path, IL103.replace("\n", "\r\n"))
    fix_folder(folder, unsafe=False, monkeypatch=monkeypatch)
    expected = replaced(IL103, IL103_FIXED).replace("\n", "\r\n")
    assert (folder / "main.tf").read_bytes().decode() == expected


def test_unsafe_fix_waits_for_unsafe_fixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = project(tmp_path, IL110)
    _, run = fix_folder(folder, unsafe=False, monkeypatch=monkeypatch)
    assert (folder / "main.tf").read_text() == IL110 and not run.fixed
    assert any(d.code == "IL110" for d in run.result.diagnostics)


QUEUE_BY = """variable "vt" {
  type    = number
  default = 10
}

locals {
  vt = 20
}

resource "aws_sqs_queue" "by_variable" {
  visibility_timeout_seconds = var.vt
}

resource "aws_sqs_queue" "by_local" {
  visibility_timeout_seconds = local.vt
}

resource "aws_sqs_queue" "by_expression" {
  visibility_timeout_seconds = 10 * 3
}
""" + "".join(
    mapping(name, f"aws_sqs_queue.{name}.arn")
    for name in ("by_variable", "by_local", "by_expression")
)


def test_no_fix_for_variables_locals_and_expressions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project(tmp_path, QUEUE_BY + FUNCTION)
    before, run = fix_folder(folder, unsafe=True, monkeypatch=monkeypatch)
    reported = {d.resource for d in before.diagnostics if d.code == "IL103"}
    assert reported == {f"aws_sqs_queue.{n}" for n in ("by_variable", "by_local", "by_expression")}
    assert (folder / "main.tf").read_text() == QUEUE_BY + FUNCTION
    assert not run.fixed and not run.warnings  # skipped silently: the findings stay
    assert {d.resource for d in run.result.diagnostics if d.code == "IL103"} == reported


MODULE = (
    """resource "aws_sqs_queue" "input" {
  visibility_timeout_seconds = 30
}
"""
    + FUNCTION.replace("timeout       = 60", "timeout       = var.timeout")
    + mapping("input", "aws_sqs_queue.input.arn")
    + """
variable "timeout" {
  type = number
}
"""
)


def test_no_fix_inside_a_called_module_or_for_a_module_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPO / "fixtures/terraform/IL103-module-argument.fail", tmp_path / "argument")
    project(tmp_path / "called/modules/consumer", MODULE)
    (tmp_path / "called/main.tf").write_text(
        'module "slow" {\n  source  = "./modules/consumer"\n  timeout = 60\n}\n'
    )
    originals = {p: p.read_bytes() for p in tmp_path.rglob("*.tf")}
    for folder in ("argument", "called"):
        before, run = fix_folder(tmp_path / folder, unsafe=True, monkeypatch=monkeypatch)
        assert [d for d in before.diagnostics if d.code == "IL103" and d.fix is not None]
        assert not run.fixed and not run.warnings
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.tf")} == originals


TF_JSON = """{
  "variable": {"vt": {"type": "number", "default": 10}},
  "resource": {
    "aws_sqs_queue": {
      "a": {"visibility_timeout_seconds": 30},
      "b": {
        "name": "b"
      },
      "c": {"visibility_timeout_seconds": "${var.vt}"}
    },
    "aws_lambda_function": {
      "worker": {"function_name": "worker", "handler": "app.handler", "runtime": "python3.12",
                 "role": "arn:aws:iam::123456789012:role/w", "filename": "a.zip", "timeout": 60}
    },
    "aws_lambda_event_source_mapping": {
      "a": {"event_source_arn": "${aws_sqs_queue.a.arn}",
            "function_name": "${aws_lambda_function.worker.arn}"},
      "b": {"event_source_arn": "${aws_sqs_queue.b.arn}",
            "function_name": "${aws_lambda_function.worker.arn}"},
      "c": {"event_source_arn": "${aws_sqs_queue.c.arn}",
            "function_name": "${aws_lambda_function.worker.arn}"}
    }
  }
}
"""


def test_no_fix_from_plan_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(REPO / "fixtures/terraform/IL104-existing-dlq-plan.fail", plan)
    (plan / "main.tf").write_text(  # the HCL the plan was made from: findings point here
        """resource "aws_sqs_queue" "jobs" {
  name                       = "jobs"
  visibility_timeout_seconds = 120
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.jobs_dlq.arn
    maxReceiveCount     = 2
  })
}
"""
    )
    originals = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    before, run = fix_folder(plan, unsafe=True, monkeypatch=monkeypatch)
    assert [d for d in before.diagnostics if d.fix is not None]
    assert not run.fixed and not run.warnings
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == originals


def test_tf_json_through_terraform_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf.json").write_text(TF_JSON)
    _, run = fix_folder(tmp_path, unsafe=True, monkeypatch=monkeypatch)
    assert (tmp_path / "main.tf.json").read_text() == replaced(
        TF_JSON,
        (
            ('"a": {"visibility_timeout_seconds": 30}', '"a": {"visibility_timeout_seconds": 360}'),
            ('"b": {\n', '"b": {\n        "visibility_timeout_seconds": 360,\n'),
        ),
    )
    assert run.fixed["IL103"] == 2 and not run.warnings
    # the queue whose value is a variable keeps its finding, with no fix written
    assert [d.resource for d in run.result.diagnostics if d.code == "IL103"] == ["aws_sqs_queue.c"]
    assert not writable(run.result, unsafe=True)


def test_plan_findings_point_at_the_tf_file_and_are_not_offered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPO / "fixtures/terraform/IL104-existing-dlq-plan.fail", tmp_path / "p")
    (tmp_path / "p/main.tf").write_text(
        'resource "aws_sqs_queue" "jobs" {\n  redrive_policy = jsonencode({\n'
        "    deadLetterTargetArn = aws_sqs_queue.jobs_dlq.arn\n    maxReceiveCount = 2\n"
        "  })\n}\n"
    )
    monkeypatch.chdir(tmp_path / "p")
    result = Linter(Config()).lint([Path(".")])
    il104 = [d for d in result.diagnostics if d.code == "IL104"]
    assert il104 and il104[0].path.endswith("main.tf") and il104[0].fix is not None
    assert not offered(il104[0], planned_files(result.models))
    assert offered(il104[0])  # the same finding from HCL alone would be fixed


def anchored(text: str, line: int, column: int, path=(), value=None, key=None) -> Fix:
    where = Location("main.tf", line, column, line, column + 1)
    name = key or path[-1]
    return Fix((Edit(where, path, value, key=key),), title=f"set {name} to {value}")


def test_a_result_that_would_not_hold_the_value_is_dropped_with_a_warning() -> None:
    # the last attribute's line opens a comment: an entry inserted after it would be inside
    text = 'resource "aws_sqs_queue" "q" {\n  name = "q" /* a comment\n  that goes on */\n}\n'
    outcome = apply_fixes(
        text, "main.tf", [anchored(text, 1, 1, ("Properties", "VisibilityTimeout"), 90)]
    )
    assert outcome.text == text and not outcome.applied
    assert outcome.dropped and "would not hold the new value" in outcome.dropped[0][1]


def test_one_bad_fix_among_many_is_dropped_and_the_others_applied() -> None:
    text = (
        'resource "aws_sqs_queue" "a" {\n  name = "a" /* a comment\n  that goes on */\n}\n'
        'resource "aws_sqs_queue" "b" {\n  visibility_timeout_seconds = 30\n}\n'
        'resource "aws_sqs_queue" "c" {\n  name = "c"\n}\n'
    )
    good_b = anchored(text, 6, 3, (), 90, key="VisibilityTimeout")
    bad_a = anchored(text, 1, 1, ("Properties", "VisibilityTimeout"), 90)
    good_c = anchored(text, 8, 1, ("Properties", "MessageRetentionPeriod"), 1209600)
    outcome = apply_fixes(text, "main.tf", [good_b, bad_a, good_c])
    assert outcome.applied == [good_b, good_c]
    assert [fix for fix, _ in outcome.dropped] == [bad_a]
    assert outcome.text == text.replace("seconds = 30", "seconds = 90").replace(
        '  name = "c"\n', '  name = "c"\n  message_retention_seconds = 1209600\n'
    )


def test_an_empty_one_line_block_is_opened_onto_its_own_lines() -> None:
    text = 'resource "aws_sqs_queue" "dlq" {} # the DLQ\n\n'
    text += 'resource "aws_sqs_queue" "q" {\n\tname = "q"\n}\n'
    fix = anchored(text, 1, 1, ("Properties", "MessageRetentionPeriod"), 1209600)
    outcome = apply_fixes(text, "main.tf", [fix])
    assert outcome.text == text.replace(
        "{} # the DLQ", "{\n\tmessage_retention_seconds = 1209600\n} # the DLQ"
    )


def test_one_line_block_and_wrong_key_are_dropped_with_a_warning() -> None:
    text = 'resource "aws_sqs_queue" "q" { name = "q" }\n'
    outcome = apply_fixes(
        text, "main.tf", [anchored(text, 1, 1, ("Properties", "VisibilityTimeout"), 90)]
    )
    assert outcome.text == text and "one line" in outcome.dropped[0][1]
    assert title(outcome.dropped[0][0]) == "set visibility_timeout_seconds to 90"
    text = 'resource "aws_sqs_queue" "q" {\n  delay_seconds = 5\n}\n'
    outcome = apply_fixes(text, "main.tf", [anchored(text, 2, 3, (), 90, key="VisibilityTimeout")])
    assert outcome.text == text and "names 'delay_seconds'" in outcome.dropped[0][1]


def test_missing_nested_blocks_are_created_at_the_file_indentation() -> None:
    text = 'resource "aws_lambda_event_source_mapping" "m" {\n\tfunction_name = "f"\n}\n'
    path = ("Properties", "DestinationConfig", "OnFailure", "Destination")
    outcome = apply_fixes(
        text, "main.tf", [anchored(text, 1, 1, path, "arn:aws:sqs:eu-west-1:1:q")]
    )
    assert outcome.text == (
        'resource "aws_lambda_event_source_mapping" "m" {\n'
        '\tfunction_name = "f"\n\n'
        "\tdestination_config {\n\t\ton_failure {\n"
        '\t\t\tdestination_arn = "arn:aws:sqs:eu-west-1:1:q"\n\t\t}\n\t}\n}\n'
    )
    # set again through the blocks that now exist: nothing changes
    again = apply_fixes(
        outcome.text, "main.tf", [anchored(outcome.text, 1, 1, path, "arn:aws:sqs:eu-west-1:1:q")]
    )
    assert again.text == outcome.text and not again.applied and not again.dropped


def test_nested_blocks_are_spelled_as_the_dotted_terms() -> None:
    """``DestinationConfig.OnFailure`` -> ``destination_config.on_failure`` in both."""

    def spelled(resource: str, keys: list[str]) -> str:
        schema, names = SCHEMA[resource], []
        for key in keys:
            entry = schema[key]
            name, schema = entry if isinstance(entry, tuple) else (entry, {})
            names.append(name)
        return ".".join(names)

    owners = {
        "DestinationConfig.OnFailure": "aws_lambda_event_source_mapping",
        "ScalingConfig.MaximumConcurrency": "aws_lambda_event_source_mapping",
        "Cors.AllowCredentials": "aws_lambda_function_url",
        "DeadLetterConfig.Arn": None,  # an EventBridge target's: no fix writes it
    }
    dotted = [key for key in TERRAFORM_TERMS if "." in key and not key.startswith("AWS::")]
    assert set(dotted) <= set(owners) | {"EventInvokeConfig.DestinationConfig.OnFailure"}
    for key, resource in owners.items():
        if resource is not None:
            assert spelled(resource, key.split(".")) == TERRAFORM_TERMS[key], key
    assert (
        spelled("aws_lambda_function_event_invoke_config", ["DestinationConfig", "OnFailure"])
        == TERRAFORM_TERMS["EventInvokeConfig.DestinationConfig.OnFailure"].split()[-1]
    )


def test_cli_diff_touches_only_edited_lines_and_fix_leaves_only_unfixable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    by_variable = QUEUE_BY.split("\n\n")[0] + "\n\n" + QUEUE_BY.split("\n\n")[2] + "\n"
    text = IL103 + "\n" + by_variable + mapping("by_variable", "aws_sqs_queue.by_variable.arn")
    folder = project(tmp_path / "tf", text)
    monkeypatch.chdir(folder)
    assert main(["check", "--no-cache", "--diff", "."]) == 1
    out = capsys.readouterr().out
    changed = [
        line
        for line in out.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-\tvisibility_timeout_seconds = 60 /* too short */",
        "+\tvisibility_timeout_seconds = 360 /* too short */",
        "+    visibility_timeout_seconds = 360",
    ]
    assert (folder / "main.tf").read_text() == text  # --diff writes nothing
    assert main(["check", "--no-cache", "--fix", "--select", "IL103", "."]) == 1
    err = capsys.readouterr().err
    assert "Fixed 2 findings (IL103 2), 1 remains." in err
    assert (folder / "main.tf").read_text() == replaced(text, IL103_FIXED)
    # what remains is the variable-valued queue, which has no fix here
    result = Linter(Config()).lint([Path(".")])
    left = [d for d in result.diagnostics if d.code == "IL103"]
    assert [d.resource for d in left] == ["aws_sqs_queue.by_variable"]
    assert not writable(result, unsafe=True)
    assert main(["check", "--no-cache", "--fix", "--select", "IL103", "."]) == 1
    assert "Fixed 0 findings, 1 remains." in capsys.readouterr().err


FIXING = sorted(rule.id for rule in all_rules() if rule.fix_safety)
FIXTURES = sorted(p for p in (REPO / "fixtures" / "terraform").iterdir() if p.name[:5] in FIXING)


@pytest.mark.parametrize("unsafe", [False, True], ids=["fix", "unsafe-fixes"])
def test_fixable_rules_terraform_fixtures(
    unsafe: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed: Counter[str] = Counter()
    for fixture in FIXTURES:
        folder = tmp_path / fixture.name
        if fixture.is_dir():
            shutil.copytree(fixture, folder)
        else:
            folder.mkdir()
            shutil.copy(
                fixture, folder / ("main.tf.json" if fixture.suffix == ".json" else "main.tf")
            )
        before, run = fix_folder(folder, unsafe=unsafe, monkeypatch=monkeypatch)
        assert not run.warnings, run.warnings
        assert not writable(run.result, unsafe=unsafe), fixture.name
        after = {(d.code, d.resource) for d in run.result.diagnostics}
        assert after <= {(d.code, d.resource) for d in before.diagnostics}, fixture.name
        for path, original in run.originals.items():
            assert comment_lines(original) <= comment_lines(path.read_text()), path
        fixed += run.fixed
        _, again = fix_folder(folder, unsafe=unsafe, monkeypatch=monkeypatch)
        assert not again.changed(), fixture.name
    assert {"IL103", "IL104", "IL107", "IL108", "IL202", "IL402"} <= set(fixed)
    assert ("IL110" in fixed) == unsafe


CORPUS = os.environ.get("INVOKELINT_CORPUS")


@pytest.mark.skipif(not CORPUS, reason="set INVOKELINT_CORPUS to run over the real corpus")
def test_corpus_terraform_fixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "terraform"
    shutil.copytree(Path(CORPUS) / "terraform", copy)  # type: ignore[arg-type]
    before, run = fix_folder(copy, unsafe=False, monkeypatch=monkeypatch)
    broken = {d.path for d in before.diagnostics if d.code == "IL001"}
    assert {d.path for d in run.result.diagnostics if d.code == "IL001"} <= broken
    assert {(d.code, d.resource) for d in run.result.diagnostics} <= {
        (d.code, d.resource) for d in before.diagnostics
    }
    assert not writable(run.result, unsafe=False)
    for path, original in run.originals.items():
        assert comment_lines(original) <= comment_lines(path.read_text()), path
    print("fixed per rule:", dict(sorted(run.fixed.items())), "warnings:", run.warnings)


def test_editor_quick_fix_on_an_unsaved_tf_buffer(tmp_path: Path) -> None:
    from invokelint.fixes.editor import fix_edit

    path = tmp_path / "main.tf"
    path.write_text("# saved text differs\n")
    result = Linter(Config()).lint([path], {path: IL103})
    finding = next(
        d for d in result.diagnostics if d.code == "IL103" and d.resource == "aws_sqs_queue.exports"
    )
    edit = fix_edit(finding, IL103)
    assert edit is not None and edit.safety == "safe"
    assert edit.title == "set visibility_timeout_seconds to 360"  # the file's own words
    lines = IL103.splitlines(keepends=True)
    assert (edit.start, edit.end) == (3, 4)  # 0-based: the one line that changes
    assert edit.text == "\tvisibility_timeout_seconds = 360 /* too short */\n"
    assert "".join(lines[: edit.start]) + edit.text + "".join(lines[edit.end :]) == replaced(
        IL103, IL103_FIXED[:1]
    )
