"""IL102 sqs-source-without-redrive."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel
from invokelint.rules.base import Counterpart, Rule, bad, good
from invokelint.rules.sources import consumers, duration, polled_queues


class SqsSourceWithoutRedrive(Rule):
    """
    ## What it does
    Reports an SQS queue that a Lambda event source mapping reads but that has no
    `RedrivePolicy`. A queue that is itself a dead-letter queue (of another queue, a
    function or a destination) is never reported, and neither is a queue whose
    `RedrivePolicy` comes from a parameter or a condition.

    ## Why is this bad?
    When the function fails on a message, Lambda leaves it in the queue and it becomes
    visible again after the visibility timeout. Without a redrive policy nothing ever
    takes it out: a poison message is received, fails and returns until its retention
    period ends (4 days by default), costing an invocation each time, possibly holding
    back the messages batched with it, and finally vanishing without a trace. A
    dead-letter queue keeps it for inspection and redrive.
    """

    id = "IL102"
    name = "sqs-source-without-redrive"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = "An SQS queue read by a Lambda event source mapping has no redrive policy."
    examples = (
        bad(
            "Messages that keep failing are retried until they expire:",
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
            """,
        ),
        bad(
            "Terraform: the consumed queue has no `redrive_policy`:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
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
            "After five failed receives SQS moves the message to a dead-letter queue:",
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
            "A dead-letter queue read by a function that inspects failures needs no DLQ itself:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt OrdersDLQ.Arn
                    maxReceiveCount: 5
              OrdersDLQ:
                Type: AWS::SQS::Queue
              Inspector:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Failed:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt OrdersDLQ.Arn
            """,
        ),
        good(
            "Terraform: a `jsonencode` redrive policy sends poison messages to a DLQ:",
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
                }
                """
            },
        ),
    )
    counterparts = (
        Counterpart(
            "cfn-lint-serverless",
            "ES6000",
            "overlaps",
            "ES6000 asks every queue that is not a dead-letter queue for a RedrivePolicy; "
            "IL102 asks it only of queues that a Lambda event source mapping reads. Where "
            "both report, they agree; keep ES6000 if every queue should have one.",
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html",
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for queue, mappings in polled_queues(model):
            if queue.redrive is not None or model.is_dead_letter_target(queue):
                continue  # has a policy (or one we cannot read), or is itself a DLQ
            retention = queue.retention_period
            until = (
                f"its retention period of {duration(retention.value)} ends"  # type: ignore[arg-type]
                if retention.known
                else "its retention period ends"
            )
            yield self.report(
                queue.location,
                f"queue '{queue.id}' is read by {consumers(mappings)} but has no "
                f"RedrivePolicy, so a message that keeps failing is retried until {until}; "
                f"add a RedrivePolicy with a deadLetterTargetArn and a maxReceiveCount "
                f"(at least 5)",
                resource=queue,
                related=tuple(m.location for m in mappings),
            )
