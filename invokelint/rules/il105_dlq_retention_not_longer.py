"""IL105 dlq-retention-not-longer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import set_property
from invokelint.model import InvocationModel, Queue, Redrive
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.sources import SQS_MAX_RETENTION, polled_queues


class DlqRetentionNotLonger(Rule):
    """
    ## What it does
    Reports the dead-letter queue of an SQS queue read by a Lambda event source mapping
    when it keeps messages no longer (`MessageRetentionPeriod`) than the source queue.
    Both default to 4 days, so a dead-letter queue that leaves it unset is reported.
    FIFO source queues are not reported: SQS restarts the clock of a message that it
    moves to a FIFO dead-letter queue.

    ## Why is this bad?
    A message moved from a standard queue to its dead-letter queue keeps its original
    enqueue time, and retention counts from that time. A message that failed for three
    days in a queue with the default 4-day retention has one day left in a dead-letter
    queue with the same setting; one that failed until the end of its retention is
    deleted from the dead-letter queue almost at once. The failures you meant to keep
    for inspection disappear before anyone looks at them.
    """

    id = "IL105"
    name = "dlq-retention-not-longer"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = "A Lambda source queue's dead-letter queue keeps messages no longer than the source."
    examples = (
        bad(
            "Both queues keep the default 4 days, so failed messages expire early in the DLQ:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
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
            "Terraform: the DLQ keeps the 4-day default, the source queue 14 days:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
                  message_retention_seconds = 1209600
                  redrive_policy = jsonencode({
                    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
                    maxReceiveCount     = 5
                  })
                }

                resource "aws_sqs_queue" "orders_dlq" {
                  message_retention_seconds = 345600
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
            "The dead-letter queue keeps messages for the maximum of 14 days:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 180
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt OrdersDLQ.Arn
                    maxReceiveCount: 5
              OrdersDLQ:
                Type: AWS::SQS::Queue
                Properties:
                  MessageRetentionPeriod: 1209600
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
            "Terraform: the DLQ keeps messages 14 days, longer than the source's 4:",
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
    fix_safety = (
        "safe",
        (
            "it raises the dead-letter queue's `MessageRetentionPeriod` to 14 days, the "
            "maximum, so moved messages stay long enough to inspect."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        outlived: dict[Queue, list[Queue]] = defaultdict(list)
        for queue, _ in polled_queues(model):
            redrive = queue.redrive
            if not isinstance(redrive, Redrive) or not isinstance(redrive.dead_letter, Queue):
                continue
            dlq = redrive.dead_letter
            if queue.fifo.value is not False:  # FIFO restarts the clock; unknown: silent
                continue
            kept, moved_from = dlq.retention_period, queue.retention_period
            if kept.known and moved_from.known and kept.value <= moved_from.value:  # type: ignore[operator]
                outlived[dlq].append(queue)
        for dlq, sources in outlived.items():
            yield from self._report(dlq, sources)

    def _report(self, dlq: Queue, sources: list[Queue]) -> Iterator[Diagnostic]:
        kept: int = dlq.retention_period.value  # type: ignore[assignment]
        longest = max(sources, key=lambda q: q.retention_period.value)  # type: ignore[arg-type,return-value]
        if longest.retention_period.value != SQS_MAX_RETENTION:
            yield self.report(
                dlq.retention_period.location,
                f"{_problem(dlq, longest)}; set MessageRetentionPeriod of '{dlq.id}' to "
                f"{SQS_MAX_RETENTION} (14 days, the maximum)",
                resource=dlq,
                fix=set_property(
                    dlq.retention_period,
                    dlq.location,
                    "MessageRetentionPeriod",
                    SQS_MAX_RETENTION,
                    f"set MessageRetentionPeriod to {SQS_MAX_RETENTION}",
                ),
            )
            return
        # A source already keeps messages for the maximum: only the source can give way.
        raise_dlq = (
            f"set MessageRetentionPeriod of '{dlq.id}' to {SQS_MAX_RETENTION} and "
            if kept < SQS_MAX_RETENTION
            else ""
        )
        for source in sources:
            if source.retention_period.value == SQS_MAX_RETENTION:
                yield self.report(
                    source.retention_period.location,
                    f"{_problem(dlq, source)}; a queue keeps messages for 14 days at most, "
                    f"so {raise_dlq}lower MessageRetentionPeriod of '{source.id}' below "
                    f"{SQS_MAX_RETENTION}",
                    resource=source,
                )


def _problem(dlq: Queue, source: Queue) -> str:
    return (
        f"dead-letter queue '{dlq.id}' keeps messages for {dlq.retention_period.value} s, "
        f"no longer than its source queue '{source.id}' ({source.retention_period.value} s); "
        f"a moved message keeps its original enqueue time, so it can expire from the "
        f"dead-letter queue soon after it arrives"
    )
