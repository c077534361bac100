"""IL108 stream-unbounded-retry."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import Fix, editable, property_edit
from invokelint.model import EventSourceMapping, InvocationModel, Setting
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.mappings import STREAM_KINDS, about, describe, source_label

UNBOUNDED = -1


class StreamUnboundedRetry(Rule):
    """
    ## What it does
    Checks Kinesis and DynamoDB stream event source mappings that keep the defaults
    `MaximumRetryAttempts: -1` and `MaximumRecordAgeInSeconds: -1` (retry forever,
    never expire). `BisectBatchOnFunctionError` does not bound them.

    ## Why is this bad?
    Lambda reads a shard in order. When a batch fails, Lambda retries the same batch
    and reads nothing else from that shard until it succeeds or its records expire.
    With the defaults, one record your function cannot process stops its shard for up
    to a day (DynamoDB Streams) or a week (Kinesis): the iterator age grows, newer
    records wait behind it, and they too can expire unprocessed. Bounding the retries or
    the record age lets Lambda give up on the bad batch (and send it to an on-failure
    destination, see IL109).

    Splitting failed batches (`BisectBatchOnFunctionError`) is no bound: it narrows the
    failing batch down to the bad record, which Lambda then retries on its own, again
    until it expires, and the shard stays blocked behind it.
    """

    id = "IL108"
    name = "stream-unbounded-retry"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = "A stream mapping retries a failing batch until its records expire."
    examples = (
        bad(
            "The defaults retry a failing batch until it leaves the stream:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              Counter:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Clicks:
                      Type: Kinesis
                      Properties:
                        Stream: !GetAtt Clicks.Arn
                        StartingPosition: LATEST
            """,
        ),
        bad(
            "Writing -1 explicitly is the same as leaving the settings out:",
            """
            Resources:
              Orders:
                Type: AWS::DynamoDB::Table
                Properties:
                  BillingMode: PAY_PER_REQUEST
                  AttributeDefinitions:
                    - {AttributeName: id, AttributeType: S}
                  KeySchema:
                    - {AttributeName: id, KeyType: HASH}
                  StreamSpecification:
                    StreamViewType: NEW_IMAGE
              Projector:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/projector
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              ProjectorMapping:
                Type: AWS::Lambda::EventSourceMapping
                Properties:
                  FunctionName: !Ref Projector
                  EventSourceArn: !GetAtt Orders.StreamArn
                  StartingPosition: TRIM_HORIZON
                  MaximumRetryAttempts: -1
            """,
        ),
        bad(
            "Splitting failing batches alone still retries the bad record until it expires:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              Counter:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Clicks:
                      Type: Kinesis
                      Properties:
                        Stream: !GetAtt Clicks.Arn
                        StartingPosition: LATEST
                        BisectBatchOnFunctionError: true
            """,
        ),
        bad(
            "Terraform: a Kinesis mapping with no retry or age bound:",
            files={
                "main.tf": """
                resource "aws_kinesis_stream" "clicks" {
                  name        = "clicks"
                  shard_count = 1
                }

                resource "aws_sqs_queue" "failed" {
                  name = "clicks-failed"
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_event_source_mapping" "clicks" {
                  event_source_arn = aws_kinesis_stream.clicks.arn
                  function_name    = aws_lambda_function.worker.arn
                  starting_position = "LATEST"

                  destination_config {
                    on_failure {
                      destination_arn = aws_sqs_queue.failed.arn
                    }
                  }
                }
                """
            },
        ),
        good(
            "Give up after a few retries, split failing batches, and keep what failed:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              ClicksFailed:
                Type: AWS::SQS::Queue
              Counter:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Clicks:
                      Type: Kinesis
                      Properties:
                        Stream: !GetAtt Clicks.Arn
                        StartingPosition: LATEST
                        MaximumRetryAttempts: 3
                        BisectBatchOnFunctionError: true
                        DestinationConfig:
                          OnFailure:
                            Type: SQS
                            Destination: !GetAtt ClicksFailed.Arn
            """,
        ),
        good(
            "A retry limit from a parameter cannot be known, so nothing is reported:",
            """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Retries:
                Type: Number
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              Counter:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Clicks:
                      Type: Kinesis
                      Properties:
                        Stream: !GetAtt Clicks.Arn
                        StartingPosition: LATEST
                        MaximumRetryAttempts: !Ref Retries
            """,
        ),
        good(
            "Terraform: `maximum_retry_attempts` bounds the retries:",
            files={
                "main.tf": """
                resource "aws_kinesis_stream" "clicks" {
                  name        = "clicks"
                  shard_count = 1
                }

                resource "aws_sqs_queue" "failed" {
                  name = "clicks-failed"
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_event_source_mapping" "clicks" {
                  event_source_arn = aws_kinesis_stream.clicks.arn
                  function_name    = aws_lambda_function.worker.arn
                  starting_position = "LATEST"
                  maximum_retry_attempts = 3

                  destination_config {
                    on_failure {
                      destination_arn = aws_sqs_queue.failed.arn
                    }
                  }
                }
                """
            },
        ),
    )
    fix_safety = (
        "sometimes unsafe",
        (
            "it sets `MaximumRetryAttempts: 3` (and `BisectBatchOnFunctionError: true` unless"
            " set). With an on-failure destination the records that still fail are kept "
            "there: **safe**. Without one they are dropped after the retries, which a human "
            "should decide: **unsafe**, applied only with `--unsafe-fixes`."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html",
        "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for mapping in model.mappings:
            if mapping.source_kind not in STREAM_KINDS:
                continue
            retries, age = mapping.maximum_retry_attempts, mapping.maximum_record_age
            if not (retries.known and age.known):
                continue
            if retries.value != UNBOUNDED or age.value != UNBOUNDED:
                continue
            explicit = [s.location for s in (retries, age) if s.explicit]
            bisect = mapping.bisect_on_error
            # bisection isolates the bad record, which is then retried on its own
            split = " (splitting the batch only isolates it)" if bisect.value is True else ""
            yield self.report(
                explicit[0] if explicit else mapping.location,
                f"{describe(mapping)} retries a failing {source_label(mapping)} batch until "
                f"its records expire (MaximumRetryAttempts {_shown(retries)}, "
                f"MaximumRecordAgeInSeconds {_shown(age)}), so one bad record blocks its "
                f"shard{split}; set MaximumRetryAttempts (e.g. 3) or "
                "MaximumRecordAgeInSeconds, and an on-failure destination to keep what fails",
                **about(mapping),
                related=tuple(explicit[1:]),
                fix=_bound(mapping),
            )


def _bound(mapping: EventSourceMapping) -> Fix | None:
    """Retry a failing batch 3 times, split to isolate the bad record.

    Safe when an on-failure destination keeps what still fails; without one the
    records are then dropped, which a human should decide: unsafe.
    """
    if not editable(mapping.location):
        return None
    edits = [property_edit(mapping.maximum_retry_attempts, mapping.location, RETRIES, 3)]
    bisect = mapping.bisect_on_error
    if not bisect.explicit:
        edits.append(property_edit(bisect, mapping.location, "BisectBatchOnFunctionError", True))
    kept = mapping.on_failure is not None
    return Fix(tuple(edits), "safe" if kept else "unsafe", f"set {RETRIES} to 3")


RETRIES = "MaximumRetryAttempts"


def _shown(setting: Setting[int]) -> str:
    return f"{setting.value}" if setting.explicit else "not set"
