"""IL103 sqs-visibility-timeout."""

from __future__ import annotations

import math
from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import set_property
from invokelint.model import Function, InvocationModel, Queue, Setting
from invokelint.rules.base import Counterpart, Option, Rule, bad, good


class SqsVisibilityTimeout(Rule):
    """
    ## What it does
    Checks that an SQS queue read by a Lambda event source mapping hides each received
    message for longer than the function can take: an **error** when the visibility
    timeout is shorter than the function timeout, a **warning** when it is shorter than
    the AWS recommendation of six times the function timeout plus the batching window.

    ## Why is this bad?
    While Lambda processes a batch, its messages are only hidden, not deleted. If the
    visibility timeout runs out first, the messages reappear and a second invocation
    processes them again, and every extra receive counts towards the redrive policy's
    `maxReceiveCount`, so healthy messages end up in the dead-letter queue. Lambda
    rejects a mapping whose function timeout exceeds the visibility timeout, so that
    case fails the deployment. The sixfold margin leaves room for Lambda to retry a
    batch when the function is throttled.

    A batching window that a template parameter sets is taken at the least value the
    parameter admits (`MinValue`, the smallest of `AllowedValues`, else 0): if even that
    leaves too little time, every deployment of the template does.
    """

    id = "IL103"
    name = "sqs-visibility-timeout"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.ERROR
    summary = "An SQS source queue's visibility timeout is too short for the function timeout."
    options = {
        "multiplier": Option(
            default=6,
            schema={"type": "number", "minimum": 1, "maximum": 100},
            description="how many function timeouts (plus the batching window) the "
            "visibility timeout must cover before the warning goes away.",
        )
    }
    examples = (
        bad(
            "The queue keeps the 30 second default, but the function may run for 60 seconds:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Timeout: 60
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
            """,
        ),
        bad(
            "Longer than the timeout, but with no margin for retries after throttling:",
            """
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 90
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/worker
                  Timeout: 60
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              WorkerMapping:
                Type: AWS::Lambda::EventSourceMapping
                Properties:
                  FunctionName: !Ref Worker
                  EventSourceArn: !GetAtt Orders.Arn
            """,
        ),
        bad(
            "Terraform: the queue keeps the 30 s default, the function may run 60 s:",
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
                  timeout       = 60
                }

                resource "aws_lambda_event_source_mapping" "orders" {
                  event_source_arn = aws_sqs_queue.orders.arn
                  function_name    = aws_lambda_function.worker.arn
                }
                """
            },
        ),
        good(
            "Six times the function timeout (plus any batching window):",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 360
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Timeout: 60
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
            """,
        ),
        good(
            "A timeout from a parameter cannot be known, so nothing is reported:",
            """
            Parameters:
              Timeout:
                Type: Number
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/worker
                  Timeout: !Ref Timeout
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              WorkerMapping:
                Type: AWS::Lambda::EventSourceMapping
                Properties:
                  FunctionName: !Ref Worker
                  EventSourceArn: !GetAtt Orders.Arn
            """,
        ),
        good(
            "Terraform: 6 x the timeout; a variable without a value stays silent:",
            files={
                "main.tf": """
                variable "timeout" {
                  type = number
                }

                resource "aws_sqs_queue" "orders" {
                  name = "orders"
                  visibility_timeout_seconds = 360
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
                  timeout       = var.timeout
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
            "cfn-lint",
            "E3505",
            "overlaps",
            "E3505 reports IL103's error case (a visibility timeout below the function "
            "timeout) on the same line; IL103 also warns below the six-times recommendation "
            "and names the value to set. With `--append-rules invokelint.cfn_lint` cfn-lint "
            "reports that line once, as IL103; run separately, keep both or `--ignore-checks "
            "E3505`.",
        ),
    )
    fix_safety = (
        "safe",
        (
            "it only raises the visibility timeout to the minimum the message names, so "
            "messages stay hidden while the function runs; nothing else about the queue "
            "changes."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html",
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        multiplier = self.settings["multiplier"]
        seen: set[tuple[int, int]] = set()
        for mapping in model.mappings:
            queue, function = mapping.source, mapping.function
            if not isinstance(queue, Queue) or not isinstance(function, Function):
                continue
            visibility, timeout, window = (
                queue.visibility_timeout,
                function.timeout,
                mapping.batching_window,
            )
            # a window from a parameter is judged by the least the parameter admits
            if not (visibility.known and timeout.known and _waits(window) is not None):
                continue
            if (id(queue), id(function)) in seen:
                continue
            seen.add((id(queue), id(function)))
            hidden, runs, waits = visibility.value, timeout.value, _waits(window)
            recommended = math.ceil(multiplier * runs + waits)
            if hidden >= recommended:
                continue
            window_note = f" + batching window {waits} s" if waits else ""
            if not window.known:  # say why a window from a parameter counts as this much
                window_note = (
                    f" + batching window of at least {waits} s from a parameter"
                    if waits
                    else ", whatever batching window the parameter sets"
                )
            if hidden < runs:
                severity = Severity.ERROR
                message = (
                    f"queue '{queue.id}' hides messages for {hidden} s but function "
                    f"'{function.id}' may run {runs} s, so Lambda rejects the event source "
                    f"mapping; "
                    f"set VisibilityTimeout to at least {recommended} "
                    f"({_number(multiplier)} x Timeout {runs} s{window_note})"
                )
            else:
                severity = Severity.WARNING
                message = (
                    f"queue '{queue.id}' hides messages for {hidden} s, less than the "
                    f"{recommended} s recommended for function '{function.id}' "
                    f"({_number(multiplier)} x Timeout {runs} s{window_note}); throttled or "
                    f"retried batches reappear while still being processed; set "
                    f"VisibilityTimeout to at least {recommended}"
                )
            yield self.report(
                visibility.location,
                message,
                resource=queue,
                severity=severity,
                related=(timeout.location,),
                fix=set_property(
                    visibility,
                    queue.location,
                    "VisibilityTimeout",
                    recommended,
                    f"set VisibilityTimeout to {recommended}",
                ),
            )


def _waits(window: Setting[int | None]) -> int | None:
    """Seconds of batching window: as set, or the floor of the parameter that sets it."""
    if window.known:
        return window.value or 0  # type: ignore[return-value]
    return window.floor


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
