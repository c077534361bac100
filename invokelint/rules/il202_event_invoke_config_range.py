"""IL202 event-invoke-config-range."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import set_property
from invokelint.model import EventInvokeConfig, Function, InvocationModel, Location
from invokelint.rules.base import Rule, bad, good

RETRY_RANGE = (0, 2)
EVENT_AGE_RANGE = (60, 21_600)


class EventInvokeConfigRange(Rule):
    """
    ## What it does
    Checks the two numbers of an asynchronous invocation configuration
    (`AWS::Lambda::EventInvokeConfig` or SAM's `EventInvokeConfig`):
    `MaximumRetryAttempts` must be 0 to 2 and `MaximumEventAgeInSeconds` 60 to 21600
    (six hours).

    ## Why is this bad?
    Lambda rejects any other value, so the stack fails to deploy (and rolls back) on the
    configuration. The limits are not a default to raise: Lambda never retries an
    asynchronous event more than twice, nor keeps it queued longer than six hours. To
    retry longer, send failures to an on-failure destination or a dead-letter queue and
    reprocess them from there.
    """

    id = "IL202"
    name = "event-invoke-config-range"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.ERROR
    summary = (
        "An asynchronous invocation config sets MaximumRetryAttempts or "
        "MaximumEventAgeInSeconds outside what Lambda accepts."
    )
    examples = (
        bad(
            "Five retries and a day of queueing are both beyond Lambda's limits:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Importer:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  EventInvokeConfig:
                    MaximumRetryAttempts: 5
                    MaximumEventAgeInSeconds: 86400
            """,
        ),
        bad(
            "Terraform: five retries and a 30-second maximum age, both out of range:",
            files={
                "main.tf": """
                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_function_event_invoke_config" "worker" {
                  function_name = aws_lambda_function.worker.function_name
                  maximum_retry_attempts       = 5
                  maximum_event_age_in_seconds = 30
                }
                """
            },
        ),
        good(
            "Within the limits (0 to 2 retries, 60 to 21600 seconds):",
            """
            Resources:
              Importer:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/importer
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              ImporterAsync:
                Type: AWS::Lambda::EventInvokeConfig
                Properties:
                  FunctionName: !Ref Importer
                  Qualifier: $LATEST
                  MaximumRetryAttempts: 0
                  MaximumEventAgeInSeconds: 3600
            """,
        ),
        good(
            "Terraform: values within 0..2 and 60..21600:",
            files={
                "main.tf": """
                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_function_event_invoke_config" "worker" {
                  function_name = aws_lambda_function.worker.function_name
                  maximum_retry_attempts       = 1
                  maximum_event_age_in_seconds = 3600
                }
                """
            },
        ),
    )
    fix_safety = (
        "safe",
        (
            "it moves the out-of-range value to the nearest one Lambda accepts; today's "
            "template fails to deploy."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventinvokeconfig.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        reported: set[Location] = set()  # a value in SAM Globals is shared by many functions
        for config in model.event_invoke_configs:
            checks = (
                ("MaximumRetryAttempts", config.maximum_retry_attempts, RETRY_RANGE, ""),
                ("MaximumEventAgeInSeconds", config.maximum_event_age, EVENT_AGE_RANGE, " s"),
            )
            for key, setting, (low, high), unit in checks:
                value = setting.value
                if not isinstance(value, int) or low <= value <= high:
                    continue
                if setting.location in reported:
                    continue
                reported.add(setting.location)
                fix = f"at most {high}" if value > high else f"at least {low}"
                yield self.report(
                    setting.location,
                    f"{_owner(config)} sets {key} to {value}{unit}, but Lambda accepts only "
                    f"{low} to {high}{unit} and rejects the deployment; set {key} to {fix}",
                    resource=model.resources.get(config.id, config.id),
                    fix=set_property(
                        setting,
                        setting.location,
                        key,
                        min(max(value, low), high),
                        f"set {key} to {min(max(value, low), high)}",
                    ),
                )


def _owner(config: EventInvokeConfig) -> str:
    if isinstance(config.function, Function) and config.id == config.function.id:
        return f"the EventInvokeConfig of function '{config.id}'"
    return f"EventInvokeConfig '{config.id}'"
