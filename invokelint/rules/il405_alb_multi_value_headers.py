"""IL405 alb-multi-value-headers."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import AlbTrigger, InvocationModel
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import analysed

_TEMPLATE = """
Resources:
  Web:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/web
      Code: src/
  WebPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Web.Arn
      Principal: elasticloadbalancing.amazonaws.com
  WebTargets:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    DependsOn: WebPermission
    Properties:
      TargetType: lambda
      Targets:
        - Id: !GetAtt Web.Arn
      TargetGroupAttributes:
        - Key: lambda.multi_value_headers.enabled
          Value: "true"
"""


class AlbMultiValueHeaders(Rule):
    """
    ## What it does
    Checks that a handler behind an Application Load Balancer target group returns
    the header key the target group reads: `multiValueHeaders` when the target group
    sets `lambda.multi_value_headers.enabled` to `true`, `headers` when it does not.

    ## Why is this bad?
    With multi-value headers enabled the load balancer reads only
    `multiValueHeaders` (and the reverse), so the headers the function sets are
    silently dropped: no `Content-Type`, no cookies, no cache or CORS headers.
    """

    id = "IL405"
    name = "alb-multi-value-headers"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.WARNING
    summary = "A handler behind an ALB returns headers in the form its target group ignores."
    uses_code = True
    examples = (
        bad(
            "Multi-value headers are enabled, but the handler returns `headers`:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                def handler(event, context):
                    return {
                        "statusCode": 200,
                        "headers": {"Content-Type": "text/html"},
                        "body": "<h1>Hello</h1>",
                    }
                """,
            },
        ),
        good(
            "Each header maps to a list of values:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                def handler(event, context):
                    return {
                        "statusCode": 200,
                        "multiValueHeaders": {"Content-Type": ["text/html"]},
                        "body": "<h1>Hello</h1>",
                    }
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#multi-value-headers",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function, facts in analysed(model):
            for trigger in model.invocations(function).synchronous:
                if not isinstance(trigger, AlbTrigger) or not trigger.multi_value_headers.known:
                    continue
                enabled = trigger.multi_value_headers.value is True
                wrong, right = (
                    ("headers", "multiValueHeaders")
                    if enabled
                    else ("multiValueHeaders", "headers")
                )
                state = "enables" if enabled else "does not enable"
                for shape in facts.returns:
                    if shape.kind != "mapping" or wrong not in shape.keys or right in shape.keys:
                        continue
                    yield self.report(
                        shape.key_locations.get(wrong, shape.location),
                        f"target group '{trigger.resource}' {state} lambda.multi_value_headers, so "
                        f"the load balancer ignores the '{wrong}' that function "
                        f"'{function.id}' returns here; return '{right}' instead",
                        resource=function,
                        related=(trigger.multi_value_headers.location,),
                    )
