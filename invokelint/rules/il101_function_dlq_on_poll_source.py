"""IL101 function-dlq-on-poll-source."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import (
    EventSourceMapping,
    FailureTarget,
    InvocationModel,
    Queue,
    Redrive,
)
from invokelint.rules.base import Counterpart, Rule, bad, good
from invokelint.rules.mappings import describe
from invokelint.rules.sources import label


class FunctionDlqOnPollSource(Rule):
    """
    ## What it does
    Reports a function dead-letter queue (`DeadLetterConfig`, SAM `DeadLetterQueue`) on a
    function whose every trigger in the project is an event source mapping (SQS, Kinesis,
    DynamoDB Streams, Kafka, Amazon MQ, DocumentDB). A function that anything else may
    invoke (an S3 notification, an API, a permission for another service, a reference the
    linter cannot follow) is left alone.

    ## Why is this bad?
    Lambda sends an event to the function's dead-letter queue only after an
    *asynchronous* invocation fails. An event source mapping invokes the function
    synchronously, so nothing it reads ever arrives there: the queue looks like a safety
    net, stays empty, and failed messages go wherever the source decides. For SQS, a
    message that keeps failing returns to the queue until the queue's own
    `RedrivePolicy` moves it to a dead-letter queue (or its retention ends); for
    Kinesis, DynamoDB Streams and Kafka, records that exhaust their retries are dropped
    unless the mapping has a `DestinationConfig.OnFailure`.
    """

    id = "IL101"
    name = "function-dlq-on-poll-source"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = "A function dead-letter queue on a function that only event source mappings invoke."
    examples = (
        bad(
            "The function's dead-letter queue never receives the messages that fail:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Failed:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !GetAtt Failed.Arn
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
            """,
        ),
        bad(
            "A stream consumer with a function DLQ: failed records are still dropped:",
            """
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              Failed:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/worker
                  DeadLetterConfig:
                    TargetArn: !GetAtt Failed.Arn
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
            """,
        ),
        bad(
            "Terraform: only a mapping invokes it, so `dead_letter_config` stays empty:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
                }

                resource "aws_sqs_queue" "function_dlq" {
                  name = "function-dlq"
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30

                  dead_letter_config {
                    target_arn = aws_sqs_queue.function_dlq.arn
                  }
                }

                resource "aws_lambda_event_source_mapping" "orders" {
                  event_source_arn = aws_sqs_queue.orders.arn
                  function_name    = aws_lambda_function.worker.arn
                }
                """
            },
        ),
        good(
            "Put the dead-letter queue in the source queue's redrive policy instead:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 180
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt Failed.Arn
                    maxReceiveCount: 5
              Failed:
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
            """,
        ),
        good(
            "The same function is also invoked asynchronously (here by S3), so its DLQ matters:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Uploads:
                Type: AWS::S3::Bucket
              Failed:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !GetAtt Failed.Arn
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
                    Upload:
                      Type: S3
                      Properties:
                        Bucket: !Ref Uploads
                        Events: s3:ObjectCreated:*
            """,
        ),
        good(
            "Terraform: the dead-letter queue belongs in the source queue's `redrive_policy`:",
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
            "checkov",
            "CKV_AWS_116",
            "contradicts",
            "CKV_AWS_116 asks every function for a dead-letter queue; on a function that only "
            "event source mappings invoke, that queue never receives anything, which is what "
            "IL101 reports. Skip CKV_AWS_116 for such functions: `checkov --skip-check "
            "CKV_AWS_116`, or on the function `Metadata: {checkov: {skip: [{id: CKV_AWS_116, "
            "comment: ...}]}}` (`# checkov:skip=CKV_AWS_116: ...` in Terraform).",
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function in model.functions:
            dead_letter = function.dead_letter
            if not isinstance(dead_letter, FailureTarget):
                continue
            invocations = model.invocations(function)
            if not invocations.only_poll:
                continue
            target = label(dead_letter.target)
            queue = f" {target}" if target else ""
            advice = "; ".join(dict.fromkeys(_advice(m) for m in invocations.poll))
            yield self.report(
                dead_letter.location,
                f"function '{function.id}' has a dead-letter queue{queue}, but only event "
                f"source mappings invoke it and Lambda sends only failed asynchronous "
                f"invocations there, so it stays empty; {advice}",
                resource=function,
                related=tuple(m.location for m in invocations.poll),
            )


def _advice(mapping: EventSourceMapping) -> str:
    """Where failures of this mapping's source are really captured."""
    kind, source = mapping.source_kind, mapping.source
    if kind == "sqs":
        name = label(source)
        if isinstance(source, Queue) and isinstance(source.redrive, Redrive):
            dlq = label(source.redrive.dead_letter)
            into = f" into {dlq}" if dlq else ""
            return (
                f"queue {name} already moves failed messages{into} with its RedrivePolicy: "
                f"remove the function's dead-letter queue"
            )
        queue = f"queue {name}" if name else "the source queue"
        return f"move it into the RedrivePolicy of {queue} (deadLetterTargetArn, maxReceiveCount)"
    if kind in ("kinesis", "dynamodb", "kafka"):
        if mapping.on_failure is not None:
            return (
                f"{describe(mapping)} already has a DestinationConfig.OnFailure: "
                f"remove the function's dead-letter queue"
            )
        return f"set DestinationConfig.OnFailure on {describe(mapping)} instead"
    if kind == "mq":
        return (
            "configure dead-lettering on the broker (a redelivery policy or dead-letter exchange)"
        )
    return "capture failures at the event source or in the handler instead"
