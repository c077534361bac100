"""IL402 partial-batch-response-mismatch."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import set_property
from invokelint.model import InvocationModel
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import analysed, mapping_phrase

# Sources whose mappings accept FunctionResponseTypes: [ReportBatchItemFailures].
_PARTIAL_BATCH_SOURCES = ("sqs", "kinesis", "dynamodb")

_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
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
"""
_REPORTING_HANDLER = """
import json


def process(order):
    print(json.dumps(order))


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            process(json.loads(record["body"]))
        except Exception:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
"""


class PartialBatchResponseMismatch(Rule):
    """
    ## What it does
    Compares what a poll-triggered handler returns with how its event source mapping
    reads it. An **error** when the handler returns `batchItemFailures` (literally, or
    through Powertools `process_partial_response` / `BatchProcessor.response()`) but the
    mapping (SQS, Kinesis or DynamoDB Streams) lacks
    `FunctionResponseTypes: [ReportBatchItemFailures]`. **Info** when the mapping
    enables it but no return of the handler ever reports a failure.

    ## Why is this bad?
    Without `ReportBatchItemFailures`, Lambda ignores the returned list: a handler that
    returns normally has succeeded for the whole batch, so the messages it reported as
    failed are deleted (or the stream checkpoint moves past them) and are lost. The
    reverse costs nothing but does nothing: the setting only helps a handler that
    reports failures.
    """

    id = "IL402"
    name = "partial-batch-response-mismatch"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.ERROR
    summary = "A handler's batchItemFailures and its mapping's ReportBatchItemFailures disagree."
    uses_code = True
    examples = (
        bad(
            "The handler reports failed messages, but the mapping does not read the report:",
            files={"template.yaml": _TEMPLATE, "src/app.py": _REPORTING_HANDLER},
        ),
        good(
            "The mapping reads the report:",
            files={
                "template.yaml": _TEMPLATE
                + "            FunctionResponseTypes:\n"
                + "              - ReportBatchItemFailures\n",
                "src/app.py": _REPORTING_HANDLER,
            },
        ),
    )
    fix_safety = (
        "safe",
        (
            "the handler already returns `batchItemFailures`; the fix adds "
            "`ReportBatchItemFailures` to the mapping's `FunctionResponseTypes` so Lambda "
            "honours it."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html",
        "https://docs.powertools.aws.dev/lambda/python/latest/utilities/batch/",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function, facts in analysed(model):
            mappings = [
                m
                for m in model.invocations(function).poll
                if m.source_kind in _PARTIAL_BATCH_SOURCES
            ]
            if not mappings or not facts.returns:
                continue
            reporting = [r for r in facts.returns if r.reports_batch_failures]
            understood = all(r.kind != "unknown" for r in facts.returns)
            for mapping in mappings:
                enabled = mapping.reports_batch_item_failures
                setting = mapping.function_response_types
                if reporting and enabled is False:
                    yield self.report(
                        reporting[0].location,
                        f"the handler of function '{function.id}' returns batchItemFailures, "
                        f"but {mapping_phrase(mapping)} does not list ReportBatchItemFailures "
                        f"in FunctionResponseTypes, so Lambda ignores the list and treats "
                        f"the failed messages as processed; add ReportBatchItemFailures to "
                        f"the mapping's FunctionResponseTypes",
                        resource=function,
                        related=(setting.location,),
                        fix=set_property(
                            setting,
                            mapping.location,
                            "FunctionResponseTypes",
                            [*setting.value, "ReportBatchItemFailures"]  # type: ignore[misc]
                            if setting.known
                            else [],
                            "add ReportBatchItemFailures to FunctionResponseTypes",
                        ),
                    )
                elif enabled is True and not reporting and understood:
                    yield self.report(
                        facts.definition,
                        f"{mapping_phrase(mapping)} enables ReportBatchItemFailures, but the "
                        f"handler of function '{function.id}' never returns "
                        f"batchItemFailures; return the failed records' ids (or use "
                        f"Powertools process_partial_response), or drop the setting",
                        resource=function,
                        severity=Severity.INFO,
                        related=(setting.location,),
                    )
