"""IL109 stream-without-on-failure."""

from __future__ import annotations

import re
from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import Edit, Fix, Reference, editable
from invokelint.model import EventSourceMapping, InvocationModel, Queue, Resource, Topic
from invokelint.rules.base import Counterpart, Rule, bad, good
from invokelint.rules.mappings import (
    KINDS_WITH_DESTINATIONS,
    about,
    describe,
    source_label,
)
from invokelint.rules.sources import full_retention


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
            "A queue for failed batches exists, but the mapping does not send them there:",
            """
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              ClicksFailed:  # what the fix wires in: the template's one failure queue
                Type: AWS::SQS::Queue
                Properties:
                  MessageRetentionPeriod: 1209600
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
    fix_safety = (
        "unsafe",
        (
            "it adds `DestinationConfig: {OnFailure: {Destination: <arn>}}` (with SAM's "
            "`Type: SQS|SNS`) only when the template holds exactly one standard SQS queue or "
            "SNS topic fit to receive failures: one that is already another mapping's on-"
            "failure destination, or whose logical id says so (`DLQ`, `DeadLetter`, `Failed`,"
            " `Failure`) and that nothing else uses as a dead-letter queue, destination or "
            "event source. Lambda then needs `sqs:SendMessage` (or `sns:Publish`) on it: SAM "
            "adds that to a role it creates, any other execution role needs a statement a "
            "human writes, or the mapping fails to send. A queue that starts receiving "
            "failures also gets `MessageRetentionPeriod: 1209600` when it keeps them less "
            "(IL210). With no such queue, or several, there is no fix. In Terraform the queue"
            " or topic must be written in the mapping's file, with no `count` or `for_each`, "
            "and the mapping gets `destination_config { on_failure { destination_arn = "
            'aws_sqs_queue.<name>.arn } }` (in `.tf.json`, `"${aws_sqs_queue.<name>.arn}"`);'
            " the function's role then needs the statement."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        sinks: dict[str, list[Queue | Topic]] = {}  # template path -> failure sinks in it
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
                fix=_send_failures(model, mapping, sinks),
            )


# A logical id that says "this receives failures".
FAILURE_NAME = re.compile(r"dlq|dead_?letter|fail(?:ed|ure)", re.IGNORECASE)


def _send_failures(
    model: InvocationModel, mapping: EventSourceMapping, sinks: dict[str, list[Queue | Topic]]
) -> Fix | None:
    """Send the mapping's failures to the one failure queue or topic of its template."""
    path = mapping.location.path
    if not mapping.settable or not editable(mapping.location):
        return None
    if path not in sinks:
        sinks[path] = _failure_sinks(model, path)
    if len(sinks[path]) != 1:
        return None
    sink = sinks[path][0]
    queue = isinstance(sink, Queue)
    on_failure = ("Properties", "DestinationConfig", "OnFailure")
    edits = [
        Edit(
            mapping.location,
            (*on_failure, "Destination"),
            Reference.arn_of(sink.id, attribute=queue),
        )
    ]
    if mapping.sam:  # SAM adds the send permission to a role it creates
        edits.append(Edit(mapping.location, (*on_failure, "Type"), "SQS" if queue else "SNS"))
    edits.extend(full_retention(sink))
    action = "sqs:SendMessage" if queue else "sns:Publish"
    return Fix(
        tuple(edits),
        "unsafe",
        f"send records of failed batches to '{sink.id}' (the execution role needs {action} on it)",
    )


def _failure_sinks(model: InvocationModel, path: str) -> list[Queue | Topic]:
    """The standard queues and topics of the template at ``path`` fit to receive a
    mapping's failures: already one's on-failure destination, or named for failures and
    used as nothing else (a dead-letter queue, a destination, an event source)."""
    destinations = {
        id(m.on_failure.target)
        for m in model.mappings
        if m.on_failure is not None and isinstance(m.on_failure.target, Resource)
    }
    sources = {id(t.source) for t in model.async_triggers if isinstance(t.source, Resource)}
    found: list[Queue | Topic] = []
    for resource in model.resources.values():
        if not isinstance(resource, (Queue, Topic)) or resource.location.path != path:
            continue
        if resource.fifo.value is not False or model.mappings_from(resource):
            continue
        if id(resource) in sources:
            continue
        if id(resource) in destinations or (
            FAILURE_NAME.search(resource.id) and not model.is_dead_letter_target(resource)
        ):
            found.append(resource)
    return found
