"""IL106 fifo-mismatch."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import EventSourceMapping, InvocationModel, Redrive
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.mappings import about, describe
from invokelint.rules.sources import is_fifo, label, polled_queues

FIFO_MAX_BATCH_SIZE = 10


class FifoMismatch(Rule):
    """
    ## What it does
    Reports FIFO settings that AWS rejects around a queue that Lambda reads:
    a FIFO source queue whose dead-letter queue is a standard queue, or a standard one
    whose dead-letter queue is FIFO (the dead-letter queue may be in the template, or an
    ARN whose name tells, `.fifo`); and an event source mapping on a FIFO queue with a
    `BatchSize` above 10 or any `MaximumBatchingWindowInSeconds`.

    ## Why is this bad?
    SQS requires a dead-letter queue of the same type as its source queue, and Lambda
    reads FIFO queues in batches of at most 10 messages without a batching window. The
    stack fails to create or update: the queue's `RedrivePolicy` or the event source
    mapping is rejected.
    """

    id = "IL106"
    name = "fifo-mismatch"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.ERROR
    summary = "A FIFO queue has a standard DLQ (or the reverse) or batch settings Lambda rejects."
    examples = (
        bad(
            "A FIFO queue cannot send failed messages to a standard queue:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
                  VisibilityTimeout: 180
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt OrdersDLQ.Arn
                    maxReceiveCount: 5
              OrdersDLQ:
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
        bad(
            "Lambda reads at most 10 messages per batch from a FIFO queue, without a window:",
            """
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  QueueName: orders.fifo
                  FifoQueue: true
                  VisibilityTimeout: 180
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
                  EventSourceArn: !GetAtt Orders.Arn
                  BatchSize: 100
                  MaximumBatchingWindowInSeconds: 5
            """,
        ),
        bad(
            "Terraform: a FIFO source queue with a standard dead-letter queue:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders.fifo"
                  fifo_queue = true
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
        good(
            "Both queues are FIFO, and the mapping keeps FIFO's batch limits:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
                  VisibilityTimeout: 180
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt OrdersDLQ.Arn
                    maxReceiveCount: 5
              OrdersDLQ:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
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
                        BatchSize: 10
            """,
        ),
        good(
            "Terraform: both queues FIFO:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders.fifo"
                  fifo_queue = true
                  redrive_policy = jsonencode({
                    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
                    maxReceiveCount     = 5
                  })
                }

                resource "aws_sqs_queue" "orders_dlq" {
                  name       = "orders-dlq.fifo"
                  fifo_queue = true
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
    references = (
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html",
        "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for queue, _ in polled_queues(model):
            redrive = queue.redrive
            if not isinstance(redrive, Redrive):
                continue
            fifo, dlq_fifo = queue.fifo.value, is_fifo(redrive.dead_letter)
            if not isinstance(fifo, bool) or not isinstance(dlq_fifo, bool) or fifo == dlq_fifo:
                continue
            kind, other = ("FIFO", "standard") if fifo else ("standard", "FIFO")
            dlq = label(redrive.dead_letter)
            yield self.report(
                redrive.location,
                f"{kind} queue '{queue.id}' has the {other} queue {dlq} as its dead-letter "
                f"queue, which SQS rejects; use a {kind} dead-letter queue"
                + (" (FifoQueue true and a name ending in .fifo)" if fifo else ""),
                resource=queue,
            )
        for mapping in model.mappings:
            if mapping.source_kind == "sqs" and is_fifo(mapping.source) is True:
                yield from self._batching(mapping)

    def _batching(self, mapping: EventSourceMapping) -> Iterator[Diagnostic]:
        queue = label(mapping.source)
        size, window = mapping.batch_size, mapping.batching_window
        if size.explicit and size.known and size.value > FIFO_MAX_BATCH_SIZE:  # type: ignore[operator]
            yield self.report(
                size.location,
                f"{describe(mapping)} reads batches of {size.value} from FIFO queue "
                f"{queue}, but Lambda allows at most {FIFO_MAX_BATCH_SIZE} for FIFO queues; "
                f"set BatchSize to {FIFO_MAX_BATCH_SIZE} or less",
                **about(mapping),
            )
        if window.explicit and window.known:
            yield self.report(
                window.location,
                f"{describe(mapping)} sets MaximumBatchingWindowInSeconds on FIFO queue "
                f"{queue}, which Lambda does not support; remove it",
                **about(mapping),
            )
