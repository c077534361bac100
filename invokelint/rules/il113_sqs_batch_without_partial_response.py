"""IL113 sqs-batch-without-partial-response."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.code.facts import HandlerFacts
from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import Function, InvocationModel
from invokelint.rules.base import Option, Rule, bad, good
from invokelint.rules.mappings import about, describe


class SqsBatchWithoutPartialResponse(Rule):
    """
    ## What it does
    Points out an SQS event source mapping whose batches can hold more than one message
    (`BatchSize` of `min-batch-size` or more, by default 2; the default batch is 10)
    and that does not set
    `FunctionResponseTypes: [ReportBatchItemFailures]`. When the handler's code is on
    disk and it already returns `batchItemFailures`, IL402 reports the missing setting
    as an error instead; a handler whose answer cannot be worked out is left alone.

    ## Why is this bad?
    Without partial batch responses Lambda knows only whether the whole invocation
    succeeded. When one message of a batch fails (the handler raises), every message of
    the batch becomes visible again after the visibility timeout and is processed again,
    including the ones that had succeeded: duplicate side effects, wasted work, and
    each healthy message's receive count grows towards the redrive policy's
    `maxReceiveCount`, so it can end in the dead-letter queue with the bad one. Reporting
    the failed message ids (`batchItemFailures`) returns only those to the queue.
    """

    id = "IL113"
    name = "sqs-batch-without-partial-response"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.INFO
    summary = "An SQS mapping's batch fails as a whole: one bad message reprocesses the others."
    uses_code = True
    options = {
        "min-batch-size": Option(
            default=2,
            schema={"type": "integer", "minimum": 2, "maximum": 10000},
            description="the smallest BatchSize reported: raise it to accept small batches "
            "being reprocessed as a whole.",
        )
    }
    examples = (
        bad(
            "Batches of 10 messages, and no partial batch response:",
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
            "Terraform: batches of 10 (the default), and no partial batch response:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name                       = "orders"
                  visibility_timeout_seconds = 180
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
                """,
            },
        ),
        good(
            "The handler reports failed messages and the mapping asks for it:",
            files={
                "template.yaml": """
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
                                FunctionResponseTypes:
                                  - ReportBatchItemFailures
                    """,
                "src/app.py": """
                    def handler(event, context):
                        failures = []
                        for record in event["Records"]:
                            try:
                                process(record["body"])
                            except Exception:
                                failures.append({"itemIdentifier": record["messageId"]})
                        return {"batchItemFailures": failures}


                    def process(body):
                        print(body)
                    """,
            },
        ),
        good(
            "One message per batch has nothing to reprocess:",
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
                        BatchSize: 1
            """,
        ),
        good(
            "Terraform: the mapping asks for partial batch responses:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name                       = "orders"
                  visibility_timeout_seconds = 180
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
                  function_response_types = ["ReportBatchItemFailures"]
                }
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting",
        "https://docs.powertools.aws.dev/lambda/python/latest/utilities/batch/",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        smallest = self.settings["min-batch-size"]
        for mapping in model.mappings:
            size = mapping.batch_size.value
            if mapping.source_kind != "sqs" or not isinstance(size, int) or size < smallest:
                continue
            if mapping.reports_batch_item_failures is not False or not mapping.settable:
                continue
            if mapping.enabled.value is False:
                continue
            code = _handler_note(model, mapping.function)
            if code is None:
                continue  # the handler reports failures (IL402) or cannot be judged
            yield self.report(
                mapping.function_response_types.location,
                f"{describe(mapping)} reads batches of up to {size} messages without "
                f"FunctionResponseTypes: [ReportBatchItemFailures]{code}: when one message "
                f"fails, the whole batch returns to the queue and the others are processed "
                f"again; return the failed messages' ids as batchItemFailures and set "
                f"FunctionResponseTypes: [ReportBatchItemFailures]",
                **about(mapping),
            )


def _handler_note(model: InvocationModel, function: object) -> str | None:
    """What the message says of the handler; None when it reports failures or may."""
    if not isinstance(function, Function):
        return ""
    facts = model.handler(function)
    if not isinstance(facts, HandlerFacts):
        return ""  # the code is not on disk (or not Python): the setting alone tells
    if any(r.reports_batch_failures or r.kind == "unknown" for r in facts.returns):
        return None
    return f", and the handler of function '{function.id}' never reports failed messages"
