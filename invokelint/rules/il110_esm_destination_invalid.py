"""IL110 esm-destination-invalid."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import remove_entry
from invokelint.model import (
    EventBus,
    EventSourceMapping,
    ExternalArn,
    FailureTarget,
    Function,
    InvocationModel,
    Queue,
    Stream,
    Topic,
)
from invokelint.rules.base import Counterpart, Rule, bad, good
from invokelint.rules.mappings import (
    KINDS_WITH_DESTINATIONS,
    about,
    describe,
    source_label,
)

# SAM ``DestinationConfig.OnFailure.Type`` values that only asynchronous invocation
# supports. SAM's list of mapping types grows (S3, then Kafka), so only these are judged.
ASYNC_ONLY_TYPES = {"Lambda": "a function", "EventBridge": "an event bus"}
_ARN_NOUNS = {
    "lambda": "function",
    "events": "event bus",
    "kinesis": "Kinesis stream",
    "dynamodb": "DynamoDB table",
    "states": "state machine",
}


class EsmDestinationInvalid(Rule):
    """
    ## What it does
    Checks the `DestinationConfig` of event source mappings: an **error** when an SQS
    mapping has one at all, and when the on-failure destination of a Kinesis,
    DynamoDB Streams or Kafka mapping is something Lambda cannot deliver to (a FIFO
    queue or topic, a function, an event bus, a stream).

    ## Why is this bad?
    Lambda rejects the mapping, so the deployment fails. SQS mappings have no
    on-failure destination: a message that keeps failing returns to the queue and the
    queue's own redrive policy moves it to a dead-letter queue. For streams and Kafka,
    the record of a discarded batch can only go to a standard SQS queue, a standard
    SNS topic or an S3 bucket (a Kafka topic for Kafka sources); the asynchronous
    destinations (functions, EventBridge) and FIFO queues or topics are not accepted.
    """

    id = "IL110"
    name = "esm-destination-invalid"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.ERROR
    summary = "An event source mapping's on-failure destination is not one Lambda supports."
    examples = (
        bad(
            "SQS mappings take no DestinationConfig; the queue's redrive policy is the DLQ:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              OrdersFailed:
                Type: AWS::SQS::Queue
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
                        DestinationConfig:
                          OnFailure:
                            Type: SQS
                            Destination: !GetAtt OrdersFailed.Arn
            """,
        ),
        bad(
            "A FIFO queue cannot receive a stream's discarded batches:",
            """
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              ClicksFailed:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
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
                  DestinationConfig:
                    OnFailure:
                      Destination: !GetAtt ClicksFailed.Arn
            """,
        ),
        bad(
            "Terraform: an SQS mapping cannot have a `destination_config`:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
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

                  destination_config {
                    on_failure {
                      destination_arn = aws_sqs_queue.orders_dlq.arn
                    }
                  }
                }
                """
            },
        ),
        good(
            "A redrive policy on the SQS source, a standard queue for the stream:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              OrdersFailed:
                Type: AWS::SQS::Queue
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt OrdersFailed.Arn
                    maxReceiveCount: 5
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              ClicksFailed:
                Type: AWS::SQS::Queue
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
                    Clicks:
                      Type: Kinesis
                      Properties:
                        Stream: !GetAtt Clicks.Arn
                        StartingPosition: LATEST
                        DestinationConfig:
                          OnFailure:
                            Type: SQS
                            Destination: !GetAtt ClicksFailed.Arn
            """,
        ),
        good(
            "A destination from a parameter cannot be checked, so nothing is reported:",
            """
            Parameters:
              FailedArn:
                Type: String
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
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
                  DestinationConfig:
                    OnFailure:
                      Destination: !Ref FailedArn
            """,
        ),
        good(
            "Terraform: the source queue's `redrive_policy` does that job:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
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
                }
                """
            },
        ),
    )
    counterparts = (
        Counterpart(
            "cfn-lint-serverless",
            "ES1001",
            "contradicts",
            "ES1001 asks every event source mapping, SQS ones included, for an on-failure "
            "destination, but Lambda does not support one on an SQS mapping: adding it is "
            "what IL110 reports. Failed SQS messages belong in the queue's RedrivePolicy "
            "(IL102). Ignore ES1001 on SQS mappings (`Metadata: {cfn-lint: {config: "
            "{ignore_checks: [ES1001]}}}`), or everywhere and rely on IL109 for streams.",
        ),
    )
    fix_safety = (
        "unsafe",
        (
            "it removes `DestinationConfig`, which Lambda rejects for an SQS source; failed "
            "messages then need the queue's own `RedrivePolicy`, which a human should add."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for mapping in model.mappings:
            if mapping.source_kind == "sqs":
                yield from self._sqs(mapping)
            elif mapping.source_kind in KINDS_WITH_DESTINATIONS and mapping.on_failure is not None:
                yield from self._stream(mapping, mapping.on_failure)

    def _sqs(self, mapping: EventSourceMapping) -> Iterator[Diagnostic]:
        # An unreadable DestinationConfig (an intrinsic such as Fn::If) may be empty.
        if mapping.destination_config is None or mapping.on_failure is None:
            return
        queue = mapping.source
        name = f"queue '{queue.id}'" if isinstance(queue, Queue) else "the source queue"
        yield self.report(
            mapping.destination_config,
            f"{describe(mapping)} sets DestinationConfig, which Lambda rejects for SQS "
            f"sources; remove it and give {name} a RedrivePolicy with a dead-letter queue",
            **about(mapping),
            fix=remove_entry(
                mapping.destination_config, "DestinationConfig", "remove DestinationConfig"
            ),
        )

    def _stream(self, mapping: EventSourceMapping, failure: FailureTarget) -> Iterator[Diagnostic]:
        what = _unsupported(failure)
        if what is None:
            return
        kafka = " (or a Kafka topic)" if mapping.source_kind == "kafka" else ""
        yield self.report(
            failure.location,
            f"{describe(mapping)} sends failed {source_label(mapping)} batches to {what}, "
            "but Lambda only accepts a standard SQS queue, a standard SNS topic or an S3 "
            f"bucket{kafka} as an event source mapping's on-failure destination",
            **about(mapping),
        )


def _unsupported(failure: FailureTarget) -> str | None:
    """What the destination is when Lambda cannot use it; None if fine or unknown."""
    found = _unsupported_target(failure.target)
    declared = failure.declared_type
    if found is None and declared in ASYNC_ONLY_TYPES:
        return f"{ASYNC_ONLY_TYPES[declared]} (Type: {declared})"
    return found


def _unsupported_target(target: object) -> str | None:
    if isinstance(target, (Queue, Topic)):
        fifo = target.fifo
        if fifo.known and fifo.value is True:
            noun = "queue" if isinstance(target, Queue) else "topic"
            return f"FIFO {noun} '{target.id}'"
        return None
    if isinstance(target, Function):
        return f"function '{target.id}'"
    if isinstance(target, EventBus):
        return f"event bus '{target.id}'"
    if isinstance(target, Stream):
        noun = "Kinesis stream" if target.kind == "kinesis" else "DynamoDB table"
        return f"{noun} '{target.id}'"
    if isinstance(target, ExternalArn):
        name = target.resource.removeprefix("function:").split("/")[-1]
        if target.service in ("sqs", "sns"):
            noun = "queue" if target.service == "sqs" else "topic"
            return f"FIFO {noun} '{name}'" if target.fifo else None
        if target.service == "s3":
            return None
        return f"{_ARN_NOUNS.get(target.service, target.service)} '{name}'"
    return None  # a bucket, an unknown value, or a resource the model does not type
