"""IL205 missing-invoke-permission."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import (
    UNKNOWN,
    ApiTrigger,
    Function,
    InvocationModel,
    Permission,
    Trigger,
)
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.sync_invocation import describe, resource_of

# Services that need a resource-based permission to invoke a function, and what happens
# without one.
_CONSEQUENCES = {
    "s3": "S3 rejects the notification configuration, so the deployment fails",
    "sns": "every delivery to the subscription fails and the message is dropped after "
    "SNS's retries",
    "events": "every matching event fails to invoke it (FailedInvocations) and is dropped",
    "elasticloadbalancing": "the target group cannot register the function, so the "
    "deployment fails",
    "apigateway": "every request fails with 500 'Invalid permissions on Lambda function'",
}


class MissingInvokePermission(Rule):
    """
    ## What it does
    In plain CloudFormation, checks that every S3 notification, SNS subscription,
    EventBridge rule target, ALB target group and API Gateway integration or authorizer
    that invokes a function of the template comes with an `AWS::Lambda::Permission` for
    that service's principal (`s3.amazonaws.com`, `sns.amazonaws.com`,
    `events.amazonaws.com`, `elasticloadbalancing.amazonaws.com`,
    `apigateway.amazonaws.com`). SAM events are not checked: SAM creates their
    permissions. An API Gateway integration that invokes with an IAM role
    (`Credentials`) needs no permission. A permission whose function or principal comes
    from a parameter counts as present.

    ## Why is this bad?
    These services call `lambda:Invoke` with their own identity, which the function's
    resource-based policy must allow. Without the permission, S3 refuses to save the
    notification configuration and an ALB target group fails to register the function,
    so the deployment fails; SNS, EventBridge and API Gateway deploy without complaint
    and then fail on every event or request.
    """

    id = "IL205"
    name = "missing-invoke-permission"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.ERROR
    summary = "A service invokes a function without an AWS::Lambda::Permission for it."
    examples = (
        bad(
            "An HTTP API integrates the function, but nothing lets API Gateway invoke it:",
            """
            Resources:
              Api:
                Type: AWS::ApiGatewayV2::Api
                Properties:
                  Name: orders
                  ProtocolType: HTTP
              OrdersIntegration:
                Type: AWS::ApiGatewayV2::Integration
                Properties:
                  ApiId: !Ref Api
                  IntegrationType: AWS_PROXY
                  IntegrationUri: !GetAtt Orders.Arn
                  PayloadFormatVersion: "2.0"
              OrdersRoute:
                Type: AWS::ApiGatewayV2::Route
                Properties:
                  ApiId: !Ref Api
                  RouteKey: GET /orders
                  Target: !Sub integrations/${OrdersIntegration}
              Orders:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/orders
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return {"statusCode": 200, "body": "[]"}
            """,
        ),
        bad(
            "A load balancer target group cannot register a function it may not invoke:",
            """
            Resources:
              Targets:
                Type: AWS::ElasticLoadBalancingV2::TargetGroup
                Properties:
                  TargetType: lambda
                  Targets:
                    - Id: !GetAtt Web.Arn
              Web:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/web
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return {"statusCode": 200}
            """,
        ),
        bad(
            "Terraform: an SNS subscription without the `aws_lambda_permission` SNS needs:",
            files={
                "main.tf": """
                resource "aws_sns_topic" "alerts" {
                  name = "alerts"
                }

                resource "aws_sqs_queue" "function_dlq" {
                  name = "function-dlq"
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30

                  dead_letter_config {
                    target_arn = aws_sqs_queue.function_dlq.arn
                  }
                }

                resource "aws_sns_topic_subscription" "worker" {
                  topic_arn = aws_sns_topic.alerts.arn
                  protocol  = "lambda"
                  endpoint  = aws_lambda_function.worker.arn
                  redrive_policy = jsonencode({
                    deadLetterTargetArn = aws_sqs_queue.function_dlq.arn
                  })
                }
                """
            },
        ),
        good(
            "The permission names the service principal:",
            """
            Resources:
              Targets:
                Type: AWS::ElasticLoadBalancingV2::TargetGroup
                DependsOn: WebInvoke
                Properties:
                  TargetType: lambda
                  Targets:
                    - Id: !GetAtt Web.Arn
              WebInvoke:
                Type: AWS::Lambda::Permission
                Properties:
                  Action: lambda:InvokeFunction
                  FunctionName: !GetAtt Web.Arn
                  Principal: elasticloadbalancing.amazonaws.com
              Web:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/web
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return {"statusCode": 200}
            """,
        ),
        good(
            "SAM creates the permission for the events it declares:",
            """
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
            """,
        ),
        good(
            "Terraform: the permission for `sns.amazonaws.com`:",
            files={
                "main.tf": """
                resource "aws_sns_topic" "alerts" {
                  name = "alerts"
                }

                resource "aws_sqs_queue" "function_dlq" {
                  name = "function-dlq"
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30

                  dead_letter_config {
                    target_arn = aws_sqs_queue.function_dlq.arn
                  }
                }

                resource "aws_lambda_permission" "sns" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.worker.function_name
                  principal     = "sns.amazonaws.com"
                  source_arn    = aws_sns_topic.alerts.arn
                }

                resource "aws_sns_topic_subscription" "worker" {
                  topic_arn = aws_sns_topic.alerts.arn
                  protocol  = "lambda"
                  endpoint  = aws_lambda_function.worker.arn
                  redrive_policy = jsonencode({
                    deadLetterTargetArn = aws_sqs_queue.function_dlq.arn
                  })
                }
                """
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-permission.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        needing: dict[tuple[Function, str], list[Trigger]] = defaultdict(list)
        sam_created: set[tuple[int, str]] = set()
        for trigger in (*model.async_triggers, *model.sync_triggers):
            function = trigger.function
            if not isinstance(function, Function) or trigger.service not in _CONSEQUENCES:
                continue
            if trigger.sam:
                sam_created.add((id(function), trigger.service))
            elif not (isinstance(trigger, ApiTrigger) and trigger.credentials is not False):
                needing[(function, trigger.service)].append(trigger)
        for (function, service), triggers in needing.items():
            if (id(function), service) in sam_created:
                continue  # SAM's permission for an event of the same service covers it
            if any(_may_allow(p, function, service) for p in model.permissions):
                continue
            yield self._report(model, function, service, triggers)

    def _report(
        self, model: InvocationModel, function: Function, service: str, triggers: list[Trigger]
    ) -> Diagnostic:
        first = triggers[0]
        others = f" (and {len(triggers) - 1} more)" if len(triggers) > 1 else ""
        message = (
            f"{describe(model, first)}{others} invokes function '{function.id}', but no "
            f"AWS::Lambda::Permission lets {service}.amazonaws.com invoke it: "
            f"{_consequence(first)}; add an AWS::Lambda::Permission with Action "
            f"lambda:InvokeFunction, FunctionName set to function '{function.id}' and "
            f"Principal {service}.amazonaws.com (with a SourceArn)"
        )
        return self.report(
            first.location,
            message,
            resource=resource_of(model, first),
            related=(function.location, *(t.location for t in triggers[1:])),
        )


def _consequence(trigger: Trigger) -> str:
    if isinstance(trigger, ApiTrigger) and trigger.authorizer:
        return "every request it should authorize fails with 500 (authorizer configuration error)"
    return _CONSEQUENCES[trigger.service]


def _may_allow(permission: Permission, function: Function, service: str) -> bool:
    """The permission is for ``function`` and ``service``, or might be (a parameter)."""
    if permission.function is not function and permission.function is not UNKNOWN:
        return False
    principal = permission.principal
    if not isinstance(principal, str):
        return True
    return principal == "*" or principal.split(".")[0].lower() == service
