"""IL210 failure-target-short-retention."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import FailureTarget, InvocationModel, Queue
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.mappings import describe
from invokelint.rules.sources import SQS_MAX_RETENTION, duration


class FailureTargetShortRetention(Rule):
    """
    ## What it does
    Points out an SQS queue that receives a function's failures (its dead-letter queue,
    an asynchronous on-failure destination, or a stream mapping's on-failure
    destination) and keeps messages for less than 14 days (`MessageRetentionPeriod`,
    4 days by default). Dead-letter queues of source queues (redrive policies) are
    IL105's.

    ## Why is this bad?
    Nothing reads a failure queue until something has gone wrong and someone goes
    looking, often after a weekend or a holiday. With the default retention the failed
    events are deleted after 4 days, and with them the only record of what failed and
    the chance to replay it. Storage in a queue that rarely holds anything costs next to
    nothing; keep failures for the maximum, 14 days (1209600 s).
    """

    id = "IL210"
    name = "failure-target-short-retention"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.INFO
    summary = "A queue that receives a function's failures keeps them for less than 14 days."
    examples = (
        bad(
            "The dead-letter queue keeps failed events for the default 4 days:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Uploads:
                Type: AWS::S3::Bucket
              FailedUploads:
                Type: AWS::SQS::Queue
              Thumbnailer:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !GetAtt FailedUploads.Arn
                  Events:
                    Upload:
                      Type: S3
                      Properties:
                        Bucket: !Ref Uploads
                        Events: s3:ObjectCreated:*
            """,
        ),
        bad(
            "Terraform: the dead-letter queue keeps failed events for the default 4 days:",
            files={
                "main.tf": """
                resource "aws_s3_bucket" "uploads" {
                  bucket = "uploads"
                }

                resource "aws_sqs_queue" "failed_uploads" {
                  name = "failed-uploads"
                }

                resource "aws_lambda_function" "thumbnailer" {
                  function_name = "thumbnailer"
                  role          = "arn:aws:iam::123456789012:role/thumbnailer"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "thumbnailer.zip"
                  timeout       = 30

                  dead_letter_config {
                    target_arn = aws_sqs_queue.failed_uploads.arn
                  }
                }

                resource "aws_lambda_permission" "s3" {
                  action         = "lambda:InvokeFunction"
                  function_name  = aws_lambda_function.thumbnailer.function_name
                  principal      = "s3.amazonaws.com"
                  source_arn     = aws_s3_bucket.uploads.arn
                  source_account = "123456789012"
                }

                resource "aws_s3_bucket_notification" "uploads" {
                  bucket = aws_s3_bucket.uploads.id

                  lambda_function {
                    lambda_function_arn = aws_lambda_function.thumbnailer.arn
                    events              = ["s3:ObjectCreated:*"]
                  }
                }
                """,
            },
        ),
        good(
            "Keep failures for 14 days:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Uploads:
                Type: AWS::S3::Bucket
              FailedUploads:
                Type: AWS::SQS::Queue
                Properties:
                  MessageRetentionPeriod: 1209600
              Thumbnailer:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !GetAtt FailedUploads.Arn
                  Events:
                    Upload:
                      Type: S3
                      Properties:
                        Bucket: !Ref Uploads
                        Events: s3:ObjectCreated:*
            """,
        ),
        good(
            "Terraform: keep failures for 14 days:",
            files={
                "main.tf": """
                resource "aws_s3_bucket" "uploads" {
                  bucket = "uploads"
                }

                resource "aws_sqs_queue" "failed_uploads" {
                  name = "failed-uploads"
                  message_retention_seconds = 1209600
                }

                resource "aws_lambda_function" "thumbnailer" {
                  function_name = "thumbnailer"
                  role          = "arn:aws:iam::123456789012:role/thumbnailer"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "thumbnailer.zip"
                  timeout       = 30

                  dead_letter_config {
                    target_arn = aws_sqs_queue.failed_uploads.arn
                  }
                }

                resource "aws_lambda_permission" "s3" {
                  action         = "lambda:InvokeFunction"
                  function_name  = aws_lambda_function.thumbnailer.function_name
                  principal      = "s3.amazonaws.com"
                  source_arn     = aws_s3_bucket.uploads.arn
                  source_account = "123456789012"
                }

                resource "aws_s3_bucket_notification" "uploads" {
                  bucket = aws_s3_bucket.uploads.id

                  lambda_function {
                    lambda_function_arn = aws_lambda_function.thumbnailer.arn
                    events              = ["s3:ObjectCreated:*"]
                  }
                }
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        receives: dict[Queue, list[str]] = {}
        for target, what in _failure_targets(model):
            if isinstance(target.target, Queue):
                receives.setdefault(target.target, []).append(what)
        for queue, sources in receives.items():
            retention = queue.retention_period
            if not retention.known or retention.value >= SQS_MAX_RETENTION:  # type: ignore[operator]
                continue
            if model.dead_letter_sources(queue):
                continue  # also a redrive dead-letter queue: IL105 judges its retention
            named = ", ".join(sorted(set(sources))[:3])
            more = len(set(sources)) - 3
            named += f" and {more} more" if more > 0 else ""
            kept = duration(retention.value)  # type: ignore[arg-type]
            default = "" if retention.explicit else "the default "
            yield self.report(
                retention.location,
                f"queue '{queue.id}' receives the failures of {named} but keeps messages "
                f"for {default}{kept}: failed events expire before anyone looks; set "
                f"MessageRetentionPeriod to {SQS_MAX_RETENTION} (14 days, the maximum)",
                resource=queue,
            )


def _failure_targets(model: InvocationModel) -> Iterator[tuple[FailureTarget, str]]:
    """Every function DLQ and on-failure destination, with what sends failures there.

    A function invoked only by polling or only synchronously never sends anything to its
    DLQ or async destination (IL101 and IL203 say so): those targets receive nothing.
    """
    for function in model.functions:
        invocations = model.invocations(function)
        if invocations.only_poll or invocations.only_sync:
            continue
        if isinstance(function.dead_letter, FailureTarget):
            yield function.dead_letter, f"function '{function.id}' (dead-letter queue)"
        for config in function.event_invoke_configs:
            if config.on_failure is not None:
                yield config.on_failure, f"function '{function.id}' (on-failure destination)"
    for mapping in model.mappings:
        if mapping.on_failure is not None:
            yield mapping.on_failure, describe(mapping)
