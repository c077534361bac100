"""IL403 batch-errors-swallowed."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import analysed, mapping_phrase

_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Payments:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        Payments:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Payments.Arn
            StartingPosition: LATEST
"""


class BatchErrorsSwallowed(Rule):
    """
    ## What it does
    Finds a broad `except` (`except:`, `except Exception`, `except BaseException`)
    inside the loop over a batch's records (`for record in event["Records"]`,
    `event.records`) in a handler fed by an event source mapping, whose body only
    logs, prints, passes or continues: it neither re-raises nor records the failure
    where Lambda or a person will see it (in the `batchItemFailures` the handler
    returns, or by sending the record to a dead-letter queue). Appending the error to a
    list or setting a variable counts only when something may act on it later (the
    function raises somewhere, or returns the list to its caller). Code the rule cannot
    follow (an imported helper called in the `except` body) keeps it silent.

    ## Why is this bad?
    When the handler returns normally, Lambda considers the whole batch processed: SQS
    deletes every message and a stream's checkpoint moves past every record. The
    records that failed are gone, with only a log line to show for them, and the
    queue's dead-letter queue or the mapping's on-failure destination never sees them.
    """

    id = "IL403"
    name = "batch-errors-swallowed"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.WARNING
    summary = "A poll-triggered handler catches and drops errors inside its record loop."
    uses_code = True
    examples = (
        bad(
            "A failed record is logged and then checkpointed as if it had succeeded:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import base64
                import json
                import logging

                logger = logging.getLogger()


                def charge(payment):
                    print(json.dumps(payment))


                def handler(event, context):
                    for record in event["Records"]:
                        try:
                            charge(json.loads(base64.b64decode(record["kinesis"]["data"])))
                        except Exception:
                            logger.exception("payment failed")
                """,
            },
        ),
        good(
            "Report the failed record so Lambda retries from it:",
            files={
                "template.yaml": _TEMPLATE
                + "            FunctionResponseTypes:\n"
                + "              - ReportBatchItemFailures\n",
                "src/app.py": """
                import base64
                import json
                import logging

                logger = logging.getLogger()


                def charge(payment):
                    print(json.dumps(payment))


                def handler(event, context):
                    for record in event["Records"]:
                        try:
                            charge(json.loads(base64.b64decode(record["kinesis"]["data"])))
                        except Exception:
                            logger.exception("payment failed")
                            sequence = record["kinesis"]["sequenceNumber"]
                            return {"batchItemFailures": [{"itemIdentifier": sequence}]}
                    return {"batchItemFailures": []}
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html",
        "https://docs.powertools.aws.dev/lambda/python/latest/utilities/batch/",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function, facts in analysed(model):
            poll = model.invocations(function).poll
            if not poll:
                continue
            for caught in facts.excepts:
                if not caught.in_record_loop or caught.outcome != "swallows":
                    continue
                yield self.report(
                    caught.location,
                    f"function '{function.id}' gets batches from {mapping_phrase(poll[0])}; "
                    f"this except in {caught.function}() catches every error inside the "
                    f"record loop and only logs it, so failed records count as processed "
                    f"and are deleted or checkpointed; re-raise, or report the record in "
                    f"batchItemFailures (with ReportBatchItemFailures)",
                    resource=function,
                    related=(poll[0].location,),
                )
