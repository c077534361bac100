"""IL112 sqs-consumer-concurrency."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import EventSourceMapping, ExternalArn, Function, InvocationModel, Queue
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.mappings import about, describe

SQS_STARTING_POLLERS = 5  # Lambda starts polling a standard queue with five batches at once
MAXIMUM_CONCURRENCY_RANGE = (2, 1000)


class SqsConsumerConcurrency(Rule):
    """
    ## What it does
    Checks how the concurrency of an SQS consumer is limited: a **warning** when the
    function's `ReservedConcurrentExecutions` is below 5 while it reads a standard
    queue without a cap, or below the `ScalingConfig.MaximumConcurrency` of its SQS
    event source mappings, and an **error** when `MaximumConcurrency` is outside the
    2 to 1000 that Lambda accepts.

    ## Why is this bad?
    Lambda's SQS pollers do not know about reserved concurrency. They start with five
    concurrent batches and scale up from there; every batch they cannot hand to the
    function because of its reserved concurrency is throttled and goes back to the
    queue, and that receive counts towards the redrive policy's `maxReceiveCount`.
    Healthy messages then end up in the dead-letter queue without ever being
    processed. To cap how many copies of a function a queue may run, set
    `ScalingConfig.MaximumConcurrency` on the mapping (and keep any reserved
    concurrency at least that high): the pollers then never exceed it.
    """

    id = "IL112"
    name = "sqs-consumer-concurrency"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = "An SQS consumer's reserved concurrency throttles its own event source mapping."
    examples = (
        bad(
            "Two reserved executions against pollers that start with five batches:",
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
                  ReservedConcurrentExecutions: 2
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
            """,
        ),
        bad(
            "The mapping may run 50 copies, the function only 10:",
            """
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/worker
                  ReservedConcurrentExecutions: 10
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              WorkerMapping:
                Type: AWS::Lambda::EventSourceMapping
                Properties:
                  FunctionName: !Ref Worker
                  EventSourceArn: !GetAtt Orders.Arn
                  ScalingConfig:
                    MaximumConcurrency: 50
            """,
        ),
        bad(
            "Terraform: reserved concurrency below the mapping's `maximum_concurrency`:",
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
                  reserved_concurrent_executions = 2
                }

                resource "aws_lambda_event_source_mapping" "orders" {
                  event_source_arn = aws_sqs_queue.orders.arn
                  function_name    = aws_lambda_function.worker.arn

                  scaling_config {
                    maximum_concurrency = 10
                  }
                }
                """
            },
        ),
        good(
            "Limit the queue's consumers with MaximumConcurrency, not reserved concurrency:",
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
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
                        ScalingConfig:
                          MaximumConcurrency: 2
            """,
        ),
        good(
            "Reserved concurrency from a parameter cannot be known, so nothing is reported:",
            """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Reserved:
                Type: Number
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  ReservedConcurrentExecutions: !Ref Reserved
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
            """,
        ),
        good(
            "Terraform: enough reserved concurrency for the mapping:",
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
                  reserved_concurrent_executions = 20
                }

                resource "aws_lambda_event_source_mapping" "orders" {
                  event_source_arn = aws_sqs_queue.orders.arn
                  function_name    = aws_lambda_function.worker.arn

                  scaling_config {
                    maximum_concurrency = 10
                  }
                }
                """
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html",
        "https://docs.aws.amazon.com/lambda/latest/api/API_ScalingConfig.html",
        "https://aws.amazon.com/blogs/compute/introducing-maximum-concurrency-of-aws-lambda-functions-when-using-amazon-sqs-as-an-event-source/",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        low, high = MAXIMUM_CONCURRENCY_RANGE
        for mapping in model.mappings:
            maximum = mapping.maximum_concurrency
            if maximum.known and maximum.value is not None and not low <= maximum.value <= high:
                yield self.report(
                    maximum.location,
                    f"{describe(mapping)} sets ScalingConfig.MaximumConcurrency to "
                    f"{maximum.value}, outside the {low} to {high} Lambda accepts; the "
                    "deployment fails",
                    **about(mapping),
                    severity=Severity.ERROR,
                )
        for function in model.functions:
            yield from self._reserved(model, function)

    def _reserved(self, model: InvocationModel, function: Function) -> Iterator[Diagnostic]:
        reserved = function.reserved_concurrency
        if not reserved.known or reserved.value is None:
            return
        sqs = [m for m in model.invocations(function).poll if m.source_kind == "sqs"]
        if not sqs or not all(m.maximum_concurrency.known for m in sqs):
            return  # a cap from a parameter may well fit the reserved concurrency
        capped = [m for m in sqs if m.maximum_concurrency.value is not None]
        if len(capped) == len(sqs):  # the pollers never run more than the caps together
            total = sum(_cap(m) for m in capped)
            if reserved.value < total:
                yield self._below_cap(function, reserved.value, capped, total)
            return
        widest = max(capped, key=_cap, default=None)
        # FIFO queues are polled per message group, not five batches at a time.
        standard = [m for m in sqs if m not in capped and _standard_queue(m.source)]
        if widest is not None and reserved.value < _cap(widest):
            yield self._below_cap(function, reserved.value, [widest], _cap(widest))
        elif standard and reserved.value < SQS_STARTING_POLLERS:
            yield self.report(
                reserved.location,
                f"function '{function.id}' reserves {_executions(reserved.value)} but "
                f"Lambda polls {_queues(standard)} with {SQS_STARTING_POLLERS} batches at once; "
                "throttled batches return to the queue and count towards its maxReceiveCount; "
                f"set ReservedConcurrentExecutions to at least {SQS_STARTING_POLLERS}, or drop "
                "it and cap the mapping with ScalingConfig.MaximumConcurrency",
                resource=function,
            )

    def _below_cap(
        self, function: Function, reserved: int, capped: list[EventSourceMapping], total: int
    ) -> Diagnostic:
        who = describe(capped[0]) if len(capped) == 1 else f"its {len(capped)} SQS mappings"
        return self.report(
            function.reserved_concurrency.location,
            f"function '{function.id}' reserves {_executions(reserved)} but {who} may "
            f"run {total} at once (ScalingConfig.MaximumConcurrency); the extra batches are "
            "throttled and count towards the queue's maxReceiveCount; raise "
            f"ReservedConcurrentExecutions to at least {total} or lower MaximumConcurrency",
            resource=function,
            related=tuple(m.maximum_concurrency.location for m in capped),
        )


def _executions(count: int) -> str:
    return f"{count} concurrent execution{'' if count == 1 else 's'}"


def _cap(mapping: EventSourceMapping) -> int:
    value = mapping.maximum_concurrency.value
    return value if isinstance(value, int) else 0


def _standard_queue(source: object) -> bool:
    """A queue known not to be FIFO (a resource of the template or a literal ARN)."""
    if isinstance(source, Queue):
        return source.fifo.known and source.fifo.value is False
    return isinstance(source, ExternalArn) and source.fifo is False


def _queues(mappings: list[EventSourceMapping]) -> str:
    names = sorted(
        {
            f"'{m.source.id}'" if isinstance(m.source, Queue) else f"'{m.source.resource}'"
            for m in mappings
            if isinstance(m.source, (Queue, ExternalArn))
        }
    )
    return ("queue " if len(names) == 1 else "queues ") + ", ".join(names)
