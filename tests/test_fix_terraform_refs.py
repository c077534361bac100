"""Terraform fixes whose value names another resource: IL101, IL109 and IL302.

A ``Reference`` is written as ``aws_sqs_queue.x.arn`` in HCL, ``"${aws_sqs_queue.x.arn}"``
in ``.tf.json`` and ``!GetAtt X.Arn`` in a template; it is written only for a resource
block of the same file with no ``count``/``for_each``, and never into a called module.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import test_fix_terraform as tf

from invokelint.cli import main
from invokelint.config import Config
from invokelint.engine import Linter
from invokelint.fixes import Edit, Fix, Reference
from invokelint.fixes.apply import apply_fixes
from invokelint.model import Location

FUNCTION = tf.FUNCTION
mapping = tf.mapping

STREAM = """# Telemetry and where its failures go.
resource "aws_kinesis_stream" "telemetry" {
  name        = "telemetry"
  shard_count = 1
}
"""

FAILED = """
resource "aws_sqs_queue" "failed" { # for failed batches
  name = "failed"
}
"""

STREAM_MAPPING = mapping(
    "telemetry",
    "aws_kinesis_stream.telemetry.arn",
    """  starting_position              = "LATEST" // newest first
  maximum_retry_attempts         = 2
  bisect_batch_on_function_error = true
""",
)

IL109 = STREAM + FAILED + FUNCTION + STREAM_MAPPING
IL109_FIXED = (
    (
        '  name = "failed"\n',
        '  name = "failed"\n  message_retention_seconds = 1209600\n',
    ),
    (
        "function_error = true\n}",
        "function_error = true\n\n  destination_config {\n    on_failure {\n"
        "      destination_arn = aws_sqs_queue.failed.arn\n    }\n  }\n}",
    ),
)

IL302 = (
    FUNCTION
    + """
resource "aws_lambda_function_url" "worker" {
  function_name      = aws_lambda_function.worker.function_name
  authorization_type = "AWS_IAM"

  cors {
    allow_credentials = true # for the session cookie
    allow_origins     = ["*"] // any site
    allow_methods     = ["GET"]
  }
}
"""
)
IL302_FIXED = (("    allow_credentials = true # for the session cookie\n", ""),)

WORKER_DLQ = FUNCTION.replace(
    "  timeout       = 60\n",
    "  timeout       = 60\n\n  dead_letter_config { # unused\n"
    "    target_arn = aws_sqs_queue.worker_dlq.arn\n  }\n",
)
DLQ = """
# the function's dead-letter queue
resource "aws_sqs_queue" "worker_dlq" {
  message_retention_seconds = 1209600
}
"""
DLQ_REMOVED = (
    "  timeout       = 60\n\n  dead_letter_config { # unused\n"
    "    target_arn = aws_sqs_queue.worker_dlq.arn\n  }\n",
    "  timeout       = 60\n",
)

IL101_SQS = (
    """resource "aws_sqs_queue" "invoices" {
  name                       = "invoices" # the source
  visibility_timeout_seconds = 360
}
"""
    + DLQ
    + WORKER_DLQ
    + mapping("invoices", "aws_sqs_queue.invoices.arn", "  batch_size       = 1\n")
)
IL101_SQS_FIXED = (
    (
        "visibility_timeout_seconds = 360\n",
        "visibility_timeout_seconds = 360\n  redrive_policy             = jsonencode({ "
        "deadLetterTargetArn = aws_sqs_queue.worker_dlq.arn, maxReceiveCount = 5 })\n",
    ),
    DLQ_REMOVED,
)

IL101_STREAM = STREAM + DLQ + WORKER_DLQ + STREAM_MAPPING
IL101_STREAM_FIXED = (
    DLQ_REMOVED,
    (
        "function_error = true\n}",
        "function_error = true\n\n  destination_config {\n    on_failure {\n"
        "      destination_arn = aws_sqs_queue.worker_dlq.arn\n    }\n  }\n}",
    ),
)

CASES = {
    "IL109": (IL109, IL109_FIXED),
    "IL302": (IL302, IL302_FIXED),
    "IL101-sqs": (IL101_SQS, IL101_SQS_FIXED),
    "IL101-stream": (IL101_STREAM, IL101_STREAM_FIXED),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_fix_byte_for_byte(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, replacements = CASES[case]
    code = case[:5]
    folder = tf.project(tmp_path, text)
    before, run = tf.fix_folder(folder, unsafe=True, monkeypatch=monkeypatch)
    assert (folder / "main.tf").read_bytes().decode() == tf.replaced(text, replacements)
    assert run.fixed[code] == 1 and not run.warnings
    assert not any(d.code == code for d in run.result.diagnostics)
    after = {(d.code, d.resource) for d in run.result.diagnostics}
    assert after <= {(d.code, d.resource) for d in before.diagnostics}
    assert tf.comment_lines(text) <= tf.comment_lines((folder / "main.tf").read_text())
    _, again = tf.fix_folder(folder, unsafe=True, monkeypatch=monkeypatch)
    assert not again.changed() and not again.fixed


def test_safe_fixes_alone_leave_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tf.project(tmp_path, IL109 + IL302.replace(FUNCTION, ""))
    _, run = tf.fix_folder(folder, unsafe=False, monkeypatch=monkeypatch)
    assert not run.fixed["IL109"] and not run.fixed["IL302"]
    assert {"IL109", "IL302"} <= {d.code for d in run.result.diagnostics}


def fixes_nothing(folder: Path, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The finding of ``code`` is reported, and no fix of it is written or warned about."""
    originals = {p: p.read_bytes() for p in folder.rglob("*.tf*")}
    before, run = tf.fix_folder(folder, unsafe=True, monkeypatch=monkeypatch)
    assert any(d.code == code for d in before.diagnostics)
    assert not run.fixed[code] and not run.warnings
    assert {p: p.read_bytes() for p in folder.rglob("*.tf*")} == originals


@pytest.mark.parametrize("meta", ["count = 1", 'for_each = toset(["a"])'])
def test_no_reference_to_a_resource_with_instances(
    meta: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = IL109.replace('  name = "failed"\n', f'  name = "failed"\n  {meta}\n')
    fixes_nothing(tf.project(tmp_path, text), "IL109", monkeypatch)


def test_no_fix_without_one_fit_queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    none = STREAM + FUNCTION + STREAM_MAPPING
    two = IL109 + FAILED.replace('"failed"', '"failure_sink"')
    for name, text in (("none", none), ("two", two)):
        folder = tf.project(tmp_path / name, text)
        monkeypatch.chdir(folder)
        result = Linter(Config()).lint([Path(".")])
        il109 = [d for d in result.diagnostics if d.code == "IL109"]
        assert il109 and il109[0].fix is None, name


def test_no_fix_for_values_from_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    variables = """
variable "origins" {
  type    = list(string)
  default = ["*"]
}

variable "credentials" {
  type    = bool
  default = true
}
"""
    by_origins = IL302.replace('["*"] // any site', "var.origins")
    by_credentials = IL302.replace("= true # for", "= var.credentials # for")
    for name, text in (("origins", by_origins), ("credentials", by_credentials)):
        fixes_nothing(tf.project(tmp_path / name, text + variables), "IL302", monkeypatch)
    # a dead-letter queue named by a variable is no resource to move
    by_arn = IL101_SQS.replace("aws_sqs_queue.worker_dlq.arn", "var.dlq_arn")
    by_arn += '\nvariable "dlq_arn" {\n  default = "arn:aws:sqs:eu-west-1:123456789012:d"\n}\n'
    fixes_nothing(tf.project(tmp_path / "dlq", by_arn), "IL101", monkeypatch)


def test_no_fix_inside_a_called_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tf.project(tmp_path / "modules/streams", IL109 + IL302.replace(FUNCTION, ""))
    (tmp_path / "main.tf").write_text('module "streams" {\n  source = "./modules/streams"\n}\n')
    before, _ = tf.fix_folder(tmp_path, unsafe=True, monkeypatch=monkeypatch)
    assert {"IL109", "IL302"} <= {d.code for d in before.diagnostics}
    fixes_nothing(tmp_path, "IL109", monkeypatch)


def test_no_move_beside_a_separate_redrive_policy_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``aws_sqs_queue_redrive_policy`` of a queue the model cannot name may be the
    source's: a ``redrive_policy`` written on the queue would fight it."""
    text = IL101_SQS + (
        '\nresource "aws_sqs_queue_redrive_policy" "other" {\n'
        "  queue_url      = var.queue_url\n"
        '  redrive_policy = jsonencode({ deadLetterTargetArn = "x", maxReceiveCount = 5 })\n}\n'
        '\nvariable "queue_url" {\n  type = string\n}\n'
    )
    fixes_nothing(tf.project(tmp_path, text), "IL101", monkeypatch)


TF_JSON = """{
  "resource": {
    "aws_kinesis_stream": {"telemetry": {"name": "telemetry", "shard_count": 1}},
    "aws_sqs_queue": {"failed": {"message_retention_seconds": 1209600}},
    "aws_lambda_function": {
      "worker": {"function_name": "worker", "handler": "app.handler", "runtime": "python3.12",
                 "role": "arn:aws:iam::123456789012:role/w", "filename": "a.zip", "timeout": 60}
    },
    "aws_lambda_event_source_mapping": {
      "telemetry": {
        "event_source_arn": "${aws_kinesis_stream.telemetry.arn}",
        "function_name": "${aws_lambda_function.worker.arn}",
        "starting_position": "LATEST",
        "maximum_retry_attempts": 2,
        "bisect_batch_on_function_error": true
      }
    }
  }
}
"""


def test_tf_json_writes_the_reference_as_a_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "main.tf.json").write_text(TF_JSON)
    _, run = tf.fix_folder(tmp_path, unsafe=True, monkeypatch=monkeypatch)
    assert (tmp_path / "main.tf.json").read_text() == TF_JSON.replace(
        '      "telemetry": {\n',
        '      "telemetry": {\n        "destination_config": {"on_failure": '
        '{"destination_arn": "${aws_sqs_queue.failed.arn}"}},\n',
    )
    assert run.fixed["IL109"] == 1 and not run.warnings
    assert not any(d.code == "IL109" for d in run.result.diagnostics)
    counted = tmp_path / "counted"
    counted.mkdir()
    (counted / "main.tf.json").write_text(
        TF_JSON.replace('{"message_retention_seconds"', '{"count": 1, "message_retention_seconds"')
    )
    fixes_nothing(counted, "IL109", monkeypatch)


def test_a_reference_in_each_format() -> None:
    """A queue's ARN by ``Fn::GetAtt``, a topic's by ``Ref``; in HCL both by address."""
    yaml = "Resources:\n  M:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n"
    yaml += "      BatchSize: 1 # one\n"
    hcl = 'resource "aws_lambda_event_source_mapping" "m" {\n  batch_size = 1\n}\n'
    hcl += 'resource "aws_sqs_queue" "q" {\n}\nresource "aws_sns_topic" "t" {\n}\n'
    path = ("Properties", "DestinationConfig", "OnFailure", "Destination")
    for queue, spelled, address in (
        (True, "!GetAtt Q.Arn", "aws_sqs_queue.q"),
        (False, "!Ref T", "aws_sns_topic.t"),
    ):
        name = "Q" if queue else "T"
        fix = Fix(
            (Edit(Location("t.yaml", 2, 3, 2, 4), path, Reference.arn_of(name, attribute=queue)),)
        )
        assert apply_fixes(yaml, "t.yaml", [fix]).text == yaml + (
            f"      DestinationConfig:\n        OnFailure:\n          Destination: {spelled}\n"
        )
        ref = Reference.arn_of(address, attribute=queue)
        fix = Fix((Edit(Location("main.tf", 1, 1, 1, 2), path, ref),))
        assert apply_fixes(hcl, "main.tf", [fix]).text == hcl.replace(
            "  batch_size = 1\n",
            "  batch_size = 1\n\n  destination_config {\n    on_failure {\n"
            f"      destination_arn = {address}.arn\n    }}\n  }}\n",
        )
    assert Reference("aws_sqs_queue.q", "QueueUrl").terraform == "aws_sqs_queue.q.queue_url"


def test_cli_fix_unsafe_fixes_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    text = IL109 + IL302.replace(FUNCTION, "")
    folder = tf.project(tmp_path, text)
    monkeypatch.chdir(folder)
    before = Linter(Config()).lint([Path(".")])
    assert main(["check", "--no-cache", "--fix", "."]) == 1  # only safe: both stay
    written = (folder / "main.tf").read_text()
    assert "allow_credentials" in written and "destination_config" not in written
    capsys.readouterr()
    main(["check", "--no-cache", "--fix", "--unsafe-fixes", "."])
    assert "IL109 1, IL302 1" in capsys.readouterr().err
    after = Linter(Config()).lint([Path(".")])
    assert not {d.code for d in after.diagnostics} & {"IL109", "IL302"}
    assert {(d.code, d.resource) for d in after.diagnostics} <= {
        (d.code, d.resource) for d in before.diagnostics
    }
    written = (folder / "main.tf").read_text()
    assert "destination_arn = aws_sqs_queue.failed.arn" in written
    assert "allow_credentials" not in written
