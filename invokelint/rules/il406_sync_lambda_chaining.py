"""IL406 sync-lambda-chaining."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import analysed, in_function, target_name

_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Checkout:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Environment:
        Variables:
          PRICING: !Ref Pricing
  Pricing:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: pricing.handler
      CodeUri: src/
"""


class SyncLambdaChaining(Rule):
    """
    ## What it does
    Finds handler code that invokes another Lambda function and waits for the answer:
    the `lambda` client's `invoke` with no `InvocationType` or with
    `InvocationType="RequestResponse"`.

    ## Why is this bad?
    The caller is billed while it waits, its timeout must cover the callee's, errors and
    throttles of the callee become the caller's, and both functions' concurrency is
    used for one request. Usually the call can be asynchronous (`InvocationType="Event"`
    or a queue in between), or the steps belong in a Step Functions state machine, or
    the callee's code can be a library the caller imports.
    """

    id = "IL406"
    name = "sync-lambda-chaining"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.INFO
    summary = "A handler invokes another Lambda function synchronously and waits for it."
    uses_code = True
    examples = (
        bad(
            "Checkout waits for Pricing on every request:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import json
                import os

                import boto3

                client = boto3.client("lambda")


                def handler(event, context):
                    payload = json.dumps(event)
                    answer = client.invoke(FunctionName=os.environ["PRICING"], Payload=payload)
                    return json.loads(answer["Payload"].read())
                """,
                "src/pricing.py": """
                def handler(event, context):
                    return {"price": 10}
                """,
            },
        ),
        good(
            "Hand the work over without waiting:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import json
                import os

                import boto3

                client = boto3.client("lambda")


                def handler(event, context):
                    client.invoke(
                        FunctionName=os.environ["PRICING"],
                        InvocationType="Event",
                        Payload=json.dumps(event),
                    )
                    return {"accepted": True}
                """,
                "src/pricing.py": """
                def handler(event, context):
                    return {"price": 10}
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/operatorguide/functions-calling-functions.html",
        "https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function, facts in analysed(model):
            for effect in facts.effects:
                if effect.service != "lambda" or effect.operation != "invoke":
                    continue
                kind = effect.arguments.get("InvocationType")
                if not effect.arguments_known or kind not in (None, "RequestResponse"):
                    continue
                callee = target_name(effect.target)
                yield self.report(
                    effect.location,
                    f"function '{function.id}' invokes "
                    f"{'function ' + callee if callee else 'another function'} synchronously"
                    f"{in_function(effect)} and waits for it: it pays for the wait and "
                    f"inherits the callee's errors and latency; use InvocationType='Event', "
                    f"a queue, Step Functions, or import the code",
                    resource=function,
                )
