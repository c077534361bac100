"""IL109 stream-without-on-failure."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel
from invokelint.rules.base import Counterpart, Rule, bad, good
from invokelint.rules.mappings import (
    KINDS_WITH_DESTINATIONS,
    about,
    describe,
    source_label,
)


class StreamWithoutOnFailure(Rule):
    """
    ## What it does
    Checks that every Kinesis, DynamoDB Streams, Amazon MSK and self-managed Kafka
    event source mapping has an on-failure destination (`DestinationConfig.OnFailure`).

    ## Why is this bad?
    Unlike SQS, a stream or a Kafka topic has no dead-letter queue of its own. When
    Lambda gives up on a batch (retries exhausted, record too old) it skips the
    records and moves on, and nothing shows which records were lost or why. With an
    on-failure destination, Lambda sends a record of each discarded batch (the shard
    or partition and the sequence numbers or offsets) to an SQS queue, SNS topic or
    S3 bucket, so the records can be inspected and replayed.
    """

    id = "IL109"
    name = "stream-without-on-failure"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = "A stream or Kafka mapping drops failed records without keeping a record of them."
    examples = (
        bad(
            "Records that fail for good vanish without a trace:",
            """
            Transform: AWS::Serverless-2016-10-31
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
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Changes:
                      Type: DynamoDB
                      Properties:
                        Stream: !GetAtt Orders.StreamArn
                        StartingPosition: TRIM_HORIZON
                        MaximumRetryAttempts: 3
            """,
        ),
        bad(
            "Terraform: records that exhaust their retries are dropped:",
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
                }
                """
            },
        ),
        good(
            "Discarded batches are described in a queue:",
            """
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              ClicksFailed:
                Type: AWS::SQS::Queue
              Counter:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/counter
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              CounterMapping:
                Type: AWS::Lambda::EventSourceMapping
                Properties:
                  FunctionName: !Ref Counter
                  EventSourceArn: !GetAtt Clicks.Arn
                  StartingPosition: LATEST
                  MaximumRetryAttempts: 3
                  DestinationConfig:
                    OnFailure:
                      Destination: !GetAtt ClicksFailed.Arn
            """,
        ),
        good(
            "A source from a parameter may be anything, so nothing is reported:",
            """
            Parameters:
              SourceArn:
                Type: String
            Resources:
              Counter:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/counter
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              CounterMapping:
                Type: AWS::Lambda::EventSourceMapping
                Properties:
                  FunctionName: !Ref Counter
                  EventSourceArn: !Ref SourceArn
            """,
        ),
        good(
            "Terraform: `destination_config` keeps a record of them:",
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
    counterparts = (
        Counterpart(
            "cfn-lint-serverless",
            "ES1001",
            "overlaps",
            "ES1001 asks every AWS::Lambda::EventSourceMapping for "
            "DestinationConfig.OnFailure; for stream and Kafka mappings IL109 asks the "
            "same, SAM events included. Keep both, or ignore ES1001 on SQS mappings "
            "(see IL110).",
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for mapping in model.mappings:
            if mapping.source_kind not in KINDS_WITH_DESTINATIONS:
                continue
            # A DestinationConfig the frontend could not read (an intrinsic) may hold one.
            if mapping.on_failure is not None or mapping.destination_config is not None:
                continue
            kafka = " (or a Kafka topic)" if mapping.source_kind == "kafka" else ""
            yield self.report(
                mapping.location,
                f"{describe(mapping)} has no on-failure destination: {source_label(mapping)} "
                "records Lambda gives up on (retries exhausted or records expired) are skipped "
                "without a trace; add "
                f"DestinationConfig.OnFailure with an SQS queue, SNS topic or S3 bucket{kafka}",
                **about(mapping),
            )
