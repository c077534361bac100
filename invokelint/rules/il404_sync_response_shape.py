"""IL404 sync-response-shape."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.code.facts import ReturnShape
from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import AlbTrigger, ApiTrigger, InvocationModel, SyncTrigger
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import analysed

_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        List:
          Type: Api
          Properties:
            Path: /orders
            Method: get
"""


class SyncResponseShape(Rule):
    """
    ## What it does
    Checks what a handler behind an API Gateway REST API Lambda proxy integration or an
    Application Load Balancer returns: every `return` must give a mapping with a
    `statusCode`. It reports a return of `None` (or a handler that never returns a
    value, or can reach its end without a `return` on some path), of a string, number
    or list (`json.dumps(...)` included), or of a dict literal without `statusCode`.
    Returns it cannot follow are not reported. HTTP APIs (payload 2.0) accept any JSON
    and are not checked.

    ## Why is this bad?
    API Gateway answers `502 Malformed Lambda proxy response` and the load balancer
    `502 Bad Gateway`, although the function succeeded: the client sees an error, and
    the function's logs and metrics show none.
    """

    id = "IL404"
    name = "sync-response-shape"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.WARNING
    summary = "A handler behind a REST API proxy or an ALB returns no statusCode."
    uses_code = True
    examples = (
        bad(
            "The body is returned on its own:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import json


                def handler(event, context):
                    return json.dumps({"orders": []})
                """,
            },
        ),
        good(
            "A proxy response:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import json


                def handler(event, context):
                    return {"statusCode": 200, "body": json.dumps({"orders": []})}
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#respond-to-load-balancer",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function, facts in analysed(model):
            trigger = next(
                (t for t in model.invocations(function).synchronous if _needs_status(t)), None
            )
            if trigger is None:
                continue
            caller = "the load balancer" if isinstance(trigger, AlbTrigger) else "API Gateway"
            for shape in facts.returns:
                problem = _problem(shape)
                if problem is None:
                    continue
                yield self.report(
                    shape.location,
                    f"function '{function.id}' answers {_describe(trigger)} but {problem} "
                    f"here, so {caller} replies 502; return a dict with statusCode (and body, "
                    f"headers)",
                    resource=function,
                    related=(trigger.location,),
                )


def _needs_status(trigger: SyncTrigger) -> bool:
    if isinstance(trigger, AlbTrigger):
        return True
    # Lambda authorizers are ApiTriggers with proxy False: they answer with a policy.
    return isinstance(trigger, ApiTrigger) and trigger.api == "rest" and trigger.proxy is True


def _describe(trigger: SyncTrigger) -> str:
    if isinstance(trigger, AlbTrigger):
        return f"load balancer target group '{trigger.resource}'"
    return f"a REST API proxy integration ('{trigger.id}')"


def _problem(shape: ReturnShape) -> str | None:
    if shape.kind == "none" and shape.implicit:
        return "can reach the end of this function without a return (an implicit None)"
    if shape.kind == "none":
        return "returns None"
    if shape.kind == "other":
        return "returns a value that is not a mapping"
    if shape.kind == "mapping" and shape.complete and "statusCode" not in shape.keys:
        return "returns a mapping without statusCode"
    return None
