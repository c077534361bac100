"""IL107 esm-batch-settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import Fix, set_property
from invokelint.model import EventSourceMapping, InvocationModel, Location, Setting
from invokelint.rules.base import Option, Rule, bad, good
from invokelint.rules.mappings import about, describe
from invokelint.rules.sources import is_fifo, label

BATCH_SIZE_RANGE = (1, 10_000)  # every source kind: SQS, streams, MQ, Kafka, DocumentDB
WINDOW_RANGE = (0, 300)
UNBATCHED_MAX = 10  # above this, a standard SQS mapping needs a batching window

# Source kinds whose BatchSize above 10 AWS rejects without a batching window of 1 s or
# more. The API reference says "streams and Amazon SQS", but Lambda only enforces it for
# SQS: stream mappings have defaulted to batches of 100 with no window since before the
# window existed, and AWS's own deployed SAM integration templates set BatchSize 100 and
# 200 on Kinesis and DynamoDB without one. Reporting those would be false errors.
WINDOW_REQUIRED_ABOVE_10 = ("sqs",)


class EsmBatchSettings(Rule):
    """
    ## What it does
    Checks the batch settings of an event source mapping: `BatchSize` between 1 and
    10000, `MaximumBatchingWindowInSeconds` between 0 and 300, and, on a standard SQS
    queue, a batching window of at least 1 second when `BatchSize` is above 10. FIFO
    queues have their own limits, reported by IL106. Kinesis and DynamoDB stream
    mappings may read large batches without a window (their default batch is 100), so
    they are not held to the SQS rule, although the API reference mentions streams too.

    ## Why is this bad?
    Lambda rejects these event source mappings, so the stack fails to create or update.
    For SQS the limit is easy to trip over: the console and the SDKs accept batches of
    up to 10000 messages, but only when Lambda may wait at least a second to gather
    them.
    """

    id = "IL107"
    name = "esm-batch-settings"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.ERROR
    summary = "An event source mapping's batch size or batching window is one Lambda rejects."
    options = {
        "window-required-for": Option(
            default=list(WINDOW_REQUIRED_ABOVE_10),
            schema={
                "type": "array",
                "items": {"enum": ["sqs", "kinesis", "dynamodb"]},
                "uniqueItems": True,
            },
            description="source kinds whose BatchSize above 10 needs a batching window; "
            'add "kinesis" and "dynamodb" to follow the API reference to the letter.',
        )
    }
    examples = (
        bad(
            "A batch of 100 SQS messages needs a batching window of at least 1 second:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 180
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
                        BatchSize: 100
            """,
        ),
        bad(
            "A batching window longer than 5 minutes:",
            """
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/worker
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              WorkerMapping:
                Type: AWS::Lambda::EventSourceMapping
                Properties:
                  FunctionName: !Ref Worker
                  EventSourceArn: !GetAtt Clicks.Arn
                  StartingPosition: LATEST
                  MaximumBatchingWindowInSeconds: 600
            """,
        ),
        bad(
            "Terraform: batches of 100 from a standard queue without a batching window:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
                  visibility_timeout_seconds = 180
                  redrive_policy = jsonencode({
                    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
                    maxReceiveCount     = 5
                  })
                }

                resource "aws_sqs_queue" "orders_dlq" {
                  message_retention_seconds = 1209600
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_event_source_mapping" "orders" {
                  event_source_arn = aws_sqs_queue.orders.arn
                  function_name    = aws_lambda_function.worker.arn
                  batch_size       = 100
                }
                """
            },
        ),
        good(
            "Gather up to 100 messages for at most 10 seconds:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 180
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
                        BatchSize: 100
                        MaximumBatchingWindowInSeconds: 10
            """,
        ),
        good(
            "Stream mappings may read large batches without a batching window:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              Worker:
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
                        BatchSize: 500
            """,
        ),
        good(
            "Terraform: a batching window lets the mapping collect more than 10 messages:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
                  visibility_timeout_seconds = 300
                  redrive_policy = jsonencode({
                    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
                    maxReceiveCount     = 5
                  })
                }

                resource "aws_sqs_queue" "orders_dlq" {
                  message_retention_seconds = 1209600
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_event_source_mapping" "orders" {
                  event_source_arn = aws_sqs_queue.orders.arn
                  function_name    = aws_lambda_function.worker.arn
                  batch_size       = 100

                  maximum_batching_window_in_seconds = 5
                }
                """
            },
        ),
    )
    fix_safety = (
        "safe",
        (
            "it moves an out-of-range `BatchSize` or `MaximumBatchingWindowInSeconds` to the "
            "nearest value Lambda accepts, or adds `MaximumBatchingWindowInSeconds: 1` where "
            "a batch over 10 needs a window: today's template fails to deploy."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        needs_window = frozenset(self.settings["window-required-for"])
        for mapping in model.mappings:
            # FIFO queues' batch limits are IL106's: never report them twice.
            fifo = mapping.source_kind == "sqs" and is_fifo(mapping.source) is True
            for location, message, fix in _problems(mapping, fifo, needs_window):
                yield self.report(location, message, **about(mapping), fix=fix)


def _problems(
    mapping: EventSourceMapping, fifo: bool, needs_window: frozenset[str]
) -> Iterator[tuple[Location, str, Fix | None]]:
    size, window = mapping.batch_size, mapping.batching_window
    where = describe(mapping)
    low, high = BATCH_SIZE_RANGE
    if size.explicit and size.known:
        count: int = size.value  # type: ignore[assignment]
        if count < low or (count > high and not fifo):
            yield (
                size.location,
                (
                    f"{where} sets BatchSize {count}, outside the {low}..{high} that Lambda "
                    f"accepts; set it within that range"
                ),
                _clamp(size, mapping, "BatchSize", count, low, high),
            )
        elif (
            count > UNBATCHED_MAX
            and not fifo
            and mapping.source_kind in needs_window
            and window.known
            and (window.value or 0) < 1
        ):
            queue = label(mapping.source)
            source = f" from queue {queue}" if queue else ""
            yield (
                size.location,
                (
                    f"{where} reads batches of {count} messages{source} without a batching "
                    f"window, which Lambda rejects above {UNBATCHED_MAX}; set "
                    f"MaximumBatchingWindowInSeconds to at least 1 or BatchSize to "
                    f"{UNBATCHED_MAX} or less"
                ),
                set_property(
                    window,
                    mapping.location,
                    "MaximumBatchingWindowInSeconds",
                    1,
                    "set MaximumBatchingWindowInSeconds to 1",
                ),
            )
    first, last = WINDOW_RANGE
    if window.explicit and window.known and not fifo:
        seconds: int = window.value  # type: ignore[assignment]
        if not first <= seconds <= last:
            yield (
                window.location,
                (
                    f"{where} sets MaximumBatchingWindowInSeconds {seconds}, outside the "
                    f"{first}..{last} that Lambda accepts; set it within that range"
                ),
                _clamp(window, mapping, "MaximumBatchingWindowInSeconds", seconds, first, last),
            )


def _clamp(
    setting: Setting[Any], mapping: EventSourceMapping, key: str, value: int, low: int, high: int
) -> Fix | None:
    """Set ``key`` to the nearest value Lambda accepts."""
    near = min(max(value, low), high)
    return set_property(setting, mapping.location, key, near, f"set {key} to {near}")
