"""Terraform functions' handler code, end to end: ``archive_file`` ``source_dir`` /
``source_file`` (or a local ``.zip``) is resolved inside the project root exactly like SAM
``CodeUri``, so IL002/IL003 and the IL4xx code rules work on Terraform unchanged."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from helpers import codes, lint, write_project

MODULE = """\
resource "aws_sqs_queue" "dlq" {{
  message_retention_seconds = 1209600
}}

resource "aws_sqs_queue" "orders" {{
  visibility_timeout_seconds = 180
  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  }})
}}

{archive}
resource "aws_lambda_function" "worker" {{
  function_name    = "worker"
  runtime          = "python3.12"
  handler          = "{handler}"
  timeout          = 30
  reserved_concurrent_executions = 10
  {code}
}}

resource "aws_lambda_event_source_mapping" "orders" {{
  event_source_arn = aws_sqs_queue.orders.arn
  function_name    = aws_lambda_function.worker.arn
  batch_size       = 1
  {response_types}
}}
"""

ARCHIVE_DIR = """\
data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/worker.zip"
}
"""
ARCHIVE_FILE = ARCHIVE_DIR.replace(
    'source_dir  = "${path.module}/src"', 'source_file = "src/app.py"'
)
FROM_ARCHIVE = (
    "filename         = data.archive_file.code.output_path\n"
    "  source_code_hash = data.archive_file.code.output_base64sha256"
)

# Reports failures as batchItemFailures (IL402 without ReportBatchItemFailures).
REPORTS_FAILURES = """\
def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            print(record["body"])
        except ValueError:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
"""
# Swallows every error in the record loop (IL403) and sends a message per attempt (IL401).
SWALLOWS = """\
import boto3

sqs = boto3.client("sqs")


def handler(event, context):
    for record in event["Records"]:
        try:
            sqs.send_message(QueueUrl="https://sqs/q", MessageBody=record["body"])
        except Exception:
            print("failed")
"""
FINE = """\
def handler(event, context):
    for record in event["Records"]:
        print(record["body"])
"""


def module(
    *,
    handler: str = "app.handler",
    archive: str = ARCHIVE_DIR,
    code: str = FROM_ARCHIVE,
    response_types: str = "",
) -> str:
    return MODULE.format(handler=handler, archive=archive, code=code, response_types=response_types)


def project(root: Path, tf: str, app: str | None = FINE, where: str = "src/app.py") -> Path:
    files = {"main.tf": tf}
    if app is not None:
        files[where] = app
    return write_project(root, files)


def code_findings(root: Path) -> list[str]:
    result = lint(root)
    assert "IL000" not in codes(result) and "IL001" not in codes(result), result.diagnostics
    return sorted(c for c in codes(result) if c[2] in "04")


@pytest.mark.parametrize("archive", [ARCHIVE_DIR, ARCHIVE_FILE], ids=["source_dir", "source_file"])
def test_clean_handler_code_gives_no_code_finding(tmp_path, archive):
    assert code_findings(project(tmp_path, module(archive=archive))) == []


@pytest.mark.parametrize("archive", [ARCHIVE_DIR, ARCHIVE_FILE], ids=["source_dir", "source_file"])
def test_missing_handler_function_is_il002_at_the_handler_argument(tmp_path, archive):
    root = project(tmp_path, module(archive=archive, handler="app.missing"))
    result = lint(root)
    (finding,) = [d for d in result.diagnostics if d.code == "IL002"]
    assert finding.path == "main.tf"
    assert (
        'handler          = "app.missing"'
        in (root / "main.tf").read_text().splitlines()[finding.location.line - 1]
    )


def test_missing_handler_module_is_il002(tmp_path):
    root = project(tmp_path, module(handler="worker.handler"))
    assert code_findings(root) == ["IL002"]


def test_handler_that_takes_no_context_is_il003(tmp_path):
    root = project(tmp_path, module(), app="def handler(event):\n    return None\n")
    assert code_findings(root) == ["IL003"]


def test_batch_item_failures_without_response_types_is_il402_in_the_handler(tmp_path):
    root = project(tmp_path, module(), app=REPORTS_FAILURES)
    result = lint(root)
    (finding,) = [d for d in result.diagnostics if d.code == "IL402"]
    assert finding.path == "src/app.py"
    fixed = module(response_types='function_response_types = ["ReportBatchItemFailures"]')
    assert "IL402" not in code_findings(project(tmp_path, fixed, app=REPORTS_FAILURES))


def test_swallowed_errors_and_repeated_sends_are_il403_and_il401(tmp_path):
    root = project(tmp_path, module(), app=SWALLOWS)
    assert code_findings(root) == ["IL401", "IL403"]


def test_a_local_zip_is_read_like_a_folder(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    with zipfile.ZipFile(build / "worker.zip", "w") as archive:
        archive.writestr("app.py", SWALLOWS)
    root = project(tmp_path, module(archive="", code='filename = "build/worker.zip"'), app=None)
    assert code_findings(root) == ["IL401", "IL403"]


def test_a_called_module_reads_its_own_src_folder(tmp_path):
    write_project(
        tmp_path,
        {
            "main.tf": 'module "worker" {\n  source = "./modules/worker"\n}\n',
            "modules/worker/main.tf": module(handler="app.missing"),
            "modules/worker/src/app.py": FINE,
        },
    )
    result = lint(tmp_path)
    (finding,) = [d for d in result.diagnostics if d.code == "IL002"]
    assert finding.path == "modules/worker/main.tf"


def test_code_outside_the_project_root_is_not_read(tmp_path):
    outside = tmp_path / "elsewhere"
    write_project(outside, {"app.py": SWALLOWS})
    tf = module(
        archive=ARCHIVE_DIR.replace("${path.module}/src", "../elsewhere"), handler="app.missing"
    )
    root = project(tmp_path / "infra", tf, app=None)
    assert code_findings(root) == []


@pytest.mark.parametrize(
    "code",
    [
        "filename = var.package",  # a variable without a value
        'filename = "${path.module}/${var.name}.zip"',
        's3_bucket = "artifacts"\n  s3_key = "worker.zip"',
        'image_uri = "123.dkr.ecr.eu-west-1.amazonaws.com/worker:1"',
    ],
)
def test_code_at_an_unknown_place_keeps_code_rules_silent(tmp_path, code):
    tf = 'variable "package" {}\nvariable "name" {}\n' + module(
        archive="", code=code, handler="app.missing"
    )
    root = project(tmp_path, tf, app=SWALLOWS)
    assert code_findings(root) == []
