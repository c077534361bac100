"""IL408 async-errors-swallowed."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel
from invokelint.rules.async_invocation import describe_trigger
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import analysed

_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  FailedUploads:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  Indexer:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      DeadLetterQueue:
        Type: SQS
        TargetArn: !GetAtt FailedUploads.Arn
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
"""


class AsyncErrorsSwallowed(Rule):
    """
    ## What it does
    Finds the handler of a function invoked only asynchronously (S3, SNS, EventBridge,
    ...; no API or other caller waiting for an answer) that catches every exception
    (`except:`, `except Exception`, `except BaseException`) and returns from the
    `except` body, typically a `{"statusCode": 500}` dict, without re-raising or sending
    the failure anywhere (a queue, a topic, a table). An `except` that calls code the
    rule cannot follow keeps it silent.

    ## Why is this bad?
    For an asynchronous invocation nobody reads the return value: Lambda only looks at
    whether the handler raised. A handler that turns every error into a normal return
    tells Lambda the event succeeded, so Lambda does not retry it, and the dead-letter
    queue or on-failure destination that was set up for failures never receives it. The
    event is lost with a log line as its only trace. Let the exception propagate (log it
    first if you like).
    """

    id = "IL408"
    name = "async-errors-swallowed"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.WARNING
    summary = "An asynchronously invoked handler catches every error and returns normally."
    uses_code = True
    examples = (
        bad(
            "The failure becomes a 500 response that nobody reads; the DLQ stays empty:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import logging

                logger = logging.getLogger()


                def index(record):
                    print(record["s3"]["object"]["key"])


                def handler(event, context):
                    try:
                        for record in event["Records"]:
                            index(record)
                    except Exception as error:
                        logger.error("indexing failed: %s", error)
                        return {"statusCode": 500, "body": str(error)}
                    return {"statusCode": 200}
                """,
            },
        ),
        good(
            "Log and re-raise, so Lambda retries and then keeps the event in the DLQ:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import logging

                logger = logging.getLogger()


                def index(record):
                    print(record["s3"]["object"]["key"])


                def handler(event, context):
                    try:
                        for record in event["Records"]:
                            index(record)
                    except Exception:
                        logger.exception("indexing failed")
                        raise
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function, facts in analysed(model):
            invocations = model.invocations(function)
            if not invocations.asynchronous or invocations.synchronous or invocations.poll:
                continue
            for caught in facts.excepts:
                if caught.function != facts.name or not caught.returns:
                    continue
                if caught.outcome != "swallows":
                    continue
                trigger = describe_trigger(model, invocations.asynchronous[0])
                yield self.report(
                    caught.location,
                    f"function '{function.id}' is invoked asynchronously by {trigger}, but "
                    f"this except catches every error and returns normally: Lambda counts "
                    f"the event as processed, so it is not retried and never reaches a "
                    f"dead-letter queue or on-failure destination; re-raise after logging",
                    resource=function,
                )
