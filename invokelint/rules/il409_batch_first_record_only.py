"""IL409 batch-first-record-only."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import analysed, mapping_phrase

_TEMPLATE = """
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
"""


class BatchFirstRecordOnly(Rule):
    """
    ## What it does
    Finds a handler fed by an event source mapping whose batches can hold more than one
    record (`BatchSize` above 1; SQS defaults to 10, streams to 100) that reads
    `event["Records"][0]` and never looks at the other records: no loop over them, no
    `len()`, no passing the list (or the whole event) to code the rule cannot follow.

    ## Why is this bad?
    Lambda hands the function a batch. When the handler returns, SQS deletes every
    message of the batch and a stream's checkpoint moves past every record, so all but
    the first record are dropped without ever being processed. It goes unnoticed in
    tests, where one message is sent at a time, and loses data as soon as traffic
    grows enough for batches to fill.
    """

    id = "IL409"
    name = "batch-first-record-only"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.ERROR
    summary = "A poll-triggered handler processes only the first record of each batch."
    uses_code = True
    examples = (
        bad(
            "Only the first of up to 10 messages is processed; the rest are deleted:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import json


                def handler(event, context):
                    order = json.loads(event["Records"][0]["body"])
                    print(order["id"])
                """,
            },
        ),
        good(
            "Process every record of the batch:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import json


                def handler(event, context):
                    for record in event["Records"]:
                        order = json.loads(record["body"])
                        print(order["id"])
                """,
            },
        ),
        good(
            "Or read one message per invocation:",
            files={
                "template.yaml": _TEMPLATE + "            BatchSize: 1\n",
                "src/app.py": """
                import json


                def handler(event, context):
                    order = json.loads(event["Records"][0]["body"])
                    print(order["id"])
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function, facts in analysed(model):
            if not facts.first_record_reads:
                continue
            batched = [
                m
                for m in model.invocations(function).poll
                if isinstance(m.batch_size.value, int) and m.batch_size.value > 1
            ]
            if not batched:
                continue
            mapping = batched[0]
            yield self.report(
                facts.first_record_reads[0],
                f"function '{function.id}' gets batches of up to {mapping.batch_size.value} "
                f"records from {mapping_phrase(mapping)} but its handler reads only "
                f"event['Records'][0]: the other records of each batch are deleted "
                f"unprocessed; loop over event['Records'], or set BatchSize: 1",
                resource=function,
                related=(mapping.batch_size.location, *facts.first_record_reads[1:]),
            )
