"""IL209 permission-without-source."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel, Permission, Resource
from invokelint.rules.async_invocation import describe_function
from invokelint.rules.base import Rule, bad, good

# Services whose resources invoke functions as ``<service>.amazonaws.com`` and whose
# permission a ``SourceArn`` scopes to one resource. Principals outside this list (an
# account, ``*``, Alexa's event source token) are other rules' business or not ours.
SCOPED_SERVICES = frozenset(
    {
        "apigateway",
        "cloudwatch",
        "codecommit",
        "cognito-idp",
        "config",
        "elasticloadbalancing",
        "events",
        "iot",
        "logs",
        "s3",
        "scheduler",
        "secretsmanager",
        "ses",
        "sns",
        "sqs",
    }
)
# Services whose source often cannot be named without a circular reference (a target
# group or a bucket notification waits for the permission): SourceAccount scopes them.
ACCOUNT_SCOPED = frozenset({"elasticloadbalancing", "s3"})


class PermissionWithoutSource(Rule):
    """
    ## What it does
    Checks that a permission (`AWS::Lambda::Permission`) letting an AWS service invoke a
    function names the resource that may do so: a `SourceArn` (the bucket, topic, rule,
    API, log group). For Amazon S3 (bucket ARNs carry no account) and Elastic Load
    Balancing (a target group waits for the permission before it registers the function,
    so naming it would be circular), a `SourceAccount` without `SourceArn` is accepted;
    for other services `SourceAccount` alone still lets every resource of that account in.

    ## Why is this bad?
    A service principal such as `sns.amazonaws.com` stands for that service acting for
    *any* customer. Without `SourceArn` the permission lets every topic, bucket, rule or
    API of that service, in any AWS account, invoke the function, as soon as someone
    learns its ARN: events you never expected arrive, and you pay for them (the
    "confused deputy"). AWS Security Hub reports such policies as public. SAM events and
    connectors add `SourceArn` themselves and are not checked.
    """

    id = "IL209"
    name = "permission-without-source"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = (
        "A permission lets an AWS service invoke a function from any resource, in any account."
    )
    examples = (
        bad(
            "Any SNS topic in any account may invoke the function:",
            """
            Resources:
              Alerts:
                Type: AWS::SNS::Topic
              Notifier:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/notifier
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              NotifierSubscription:
                Type: AWS::SNS::Subscription
                Properties:
                  Protocol: lambda
                  TopicArn: !Ref Alerts
                  Endpoint: !GetAtt Notifier.Arn
              NotifierPermission:
                Type: AWS::Lambda::Permission
                Properties:
                  Action: lambda:InvokeFunction
                  FunctionName: !Ref Notifier
                  Principal: sns.amazonaws.com
            """,
        ),
        bad(
            "Terraform: any SNS topic, in any account, may invoke the function:",
            files={
                "main.tf": """
                resource "aws_lambda_function" "thumbnailer" {
                  function_name = "thumbnailer"
                  role          = "arn:aws:iam::123456789012:role/thumbnailer"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "thumbnailer.zip"
                  timeout       = 30
                }

                resource "aws_lambda_permission" "sns" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.thumbnailer.function_name
                  principal     = "sns.amazonaws.com"
                }
                """,
            },
        ),
        good(
            "The permission names the topic:",
            """
            Resources:
              Alerts:
                Type: AWS::SNS::Topic
              Notifier:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/notifier
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              NotifierSubscription:
                Type: AWS::SNS::Subscription
                Properties:
                  Protocol: lambda
                  TopicArn: !Ref Alerts
                  Endpoint: !GetAtt Notifier.Arn
              NotifierPermission:
                Type: AWS::Lambda::Permission
                Properties:
                  Action: lambda:InvokeFunction
                  FunctionName: !Ref Notifier
                  Principal: sns.amazonaws.com
                  SourceArn: !Ref Alerts
            """,
        ),
        good(
            "For S3, the bucket owner's account is enough:",
            """
            Resources:
              Thumbnailer:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/thumbnailer
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              ThumbnailerPermission:
                Type: AWS::Lambda::Permission
                Properties:
                  Action: lambda:InvokeFunction
                  FunctionName: !Ref Thumbnailer
                  Principal: s3.amazonaws.com
                  SourceAccount: !Ref AWS::AccountId
            """,
        ),
        good(
            "Terraform: only the project's topic may invoke it:",
            files={
                "main.tf": """
                resource "aws_sns_topic" "uploads" {
                  name = "uploads"
                }

                resource "aws_lambda_function" "thumbnailer" {
                  function_name = "thumbnailer"
                  role          = "arn:aws:iam::123456789012:role/thumbnailer"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "thumbnailer.zip"
                  timeout       = 30
                }

                resource "aws_lambda_permission" "sns" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.thumbnailer.function_name
                  principal     = "sns.amazonaws.com"
                  source_arn    = aws_sns_topic.uploads.arn
                }
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-1",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        sources = _trigger_sources(model)
        for permission in model.permissions:
            service = _service(permission)
            if service is None or permission.source_arn is not None:
                continue
            account = permission.source_account
            if account is not None and service in ACCOUNT_SCOPED:
                continue
            if account is None:
                who = f"{service} resource in any account"
            elif isinstance(account, str):
                who = f"{service} resource of account {account}"
            else:
                who = f"{service} resource (of the account SourceAccount names, if any)"
            invokers = sources.get((id(permission.function), service), set())
            fix = _fix(service, invokers)
            yield self.report(
                permission.location,
                f"permission '{permission.id}' lets {service}.amazonaws.com invoke "
                f"{describe_function(permission.function)} without SourceArn, so any {who} "
                f"may invoke it; set {fix}",
                resource=permission.id,
                resource_location=permission.location,
            )


def _service(permission: Permission) -> str | None:
    principal = permission.principal
    if not isinstance(principal, str) or not principal.endswith(".amazonaws.com"):
        return None
    service = principal.split(".")[0].lower()
    return service if service in SCOPED_SERVICES else None


def _trigger_sources(model: InvocationModel) -> dict[tuple[int, str], set[str]]:
    """(function, service) -> logical ids of the resources that invoke it that way."""
    found: dict[tuple[int, str], set[str]] = {}
    for trigger in (*model.async_triggers, *model.sync_triggers):
        if isinstance(trigger.source, Resource):
            found.setdefault((id(trigger.function), trigger.service), set()).add(trigger.source.id)
    return found


def _fix(service: str, invokers: set[str]) -> str:
    """What to write: the ARN of the one resource that invokes, when the model knows it."""
    if service in ACCOUNT_SCOPED:
        return "SourceAccount to the account id (or a SourceArn, where that makes no cycle)"
    name = next(iter(invokers)) if len(invokers) == 1 else None
    if service == "apigateway":
        api = f"${{{name}}}" if name else "<api-id>"
        return (
            f"SourceArn: !Sub arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:"
            f"${{AWS::AccountId}}:{api}/*"
        )
    return f"SourceArn to the ARN of '{name}'" if name else "SourceArn to the invoker's ARN"
