"""IL104 redrive-max-receive-count-low."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import set_property
from invokelint.model import InvocationModel, Redrive
from invokelint.rules.base import Option, Rule, bad, good
from invokelint.rules.sources import consumers, label, polled_queues


class RedriveMaxReceiveCountLow(Rule):
    """
    ## What it does
    Reports an SQS queue read by a Lambda event source mapping whose redrive policy moves
    messages to the dead-letter queue after fewer than 5 receives (`maxReceiveCount`).

    ## Why is this bad?
    Every time Lambda receives a message counts towards `maxReceiveCount`, whether or
    not the function ever processed it. When the function is throttled, Lambda returns
    the batch to the queue; when one message of a batch fails, the whole batch returns
    (unless the function reports batch item failures). With a count of 1 to 4, a burst
    of throttling or one bad neighbour in a batch sends healthy messages to the
    dead-letter queue unprocessed. AWS recommends at least 5.
    """

    id = "IL104"
    name = "redrive-max-receive-count-low"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = (
        "A Lambda source queue sends messages to its dead-letter queue after fewer than 5 receives."
    )
    options = {
        "minimum": Option(
            default=5,
            schema={"type": "integer", "minimum": 1, "maximum": 1000},
            description="the lowest maxReceiveCount that is not reported.",
        )
    }
    examples = (
        bad(
            "One throttled receive is enough to dead-letter a healthy message:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 180
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt OrdersDLQ.Arn
                    maxReceiveCount: 1
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
            "Terraform: `maxReceiveCount` 1 in a `jsonencode` redrive policy:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
                  redrive_policy = jsonencode({
                    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
                    maxReceiveCount     = 1
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
            "Five receives leave room for throttling and batch retries:",
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
        good(
            "Terraform: five receives before a message moves to the DLQ:",
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
            "it raises `maxReceiveCount` to the minimum, so a throttled or retried message is"
            " not moved to the dead-letter queue too early; messages that really fail still "
            "get there. A policy written as a JSON string is left alone."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        minimum = self.settings["minimum"]
        for queue, mappings in polled_queues(model):
            redrive = queue.redrive
            if not isinstance(redrive, Redrive):
                continue
            count = redrive.max_receive_count
            if not count.known or count.value >= minimum:  # type: ignore[operator]
                continue
            dlq = label(redrive.dead_letter)
            into = f" {dlq}" if dlq else ""
            receives = "receive" if count.value == 1 else "receives"
            yield self.report(
                count.location,
                f"queue '{queue.id}' moves a message to its dead-letter queue{into} after "
                f"{count.value} {receives}; Lambda's throttled and failed batches count too, "
                f"so messages for {consumers(mappings)} can get there unprocessed; set "
                f"maxReceiveCount to at least {minimum}",
                resource=queue,
                # a JSON-string policy is located as a whole: no exact edit
                fix=set_property(
                    count,
                    queue.location,
                    "maxReceiveCount",
                    minimum,
                    f"set maxReceiveCount to {minimum}",
                )
                if count.location != redrive.location
                else None,
            )
