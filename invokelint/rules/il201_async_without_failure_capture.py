"""IL201 async-without-failure-capture."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import (
    UNKNOWN,
    AsyncTrigger,
    EventBridgeTrigger,
    EventInvokeConfig,
    Function,
    InvocationModel,
    Location,
    is_known,
)
from invokelint.rules.async_invocation import describe_trigger
from invokelint.rules.base import Counterpart, Rule, bad, good

_NAMED = 3  # triggers named in a message before "and N more"


class AsyncWithoutFailureCapture(Rule):
    """
    ## What it does
    Checks that a function invoked asynchronously (by S3, SNS, EventBridge, CloudWatch
    Logs, IoT, SES, another function's destination, or any service whose permission says
    so) keeps the events it fails to process: a dead-letter queue (`DeadLetterConfig`,
    SAM `DeadLetterQueue`) or an on-failure destination (`EventInvokeConfig`
    `DestinationConfig.OnFailure`).

    ## Why is this bad?
    For an asynchronous invocation Lambda queues the event and answers the caller at
    once, so the caller never learns about an error. Lambda retries a failing event
    (twice by default) and then throws it away; an event that waits longer than the
    maximum event age (6 hours by default), for example while the function is
    throttled, is thrown away too. Without a dead-letter queue or an on-failure
    destination nothing records that the event existed, and it cannot be replayed.

    A function whose only asynchronous triggers are schedules (SAM `Schedule` and
    `ScheduleV2`, a rule with a `ScheduleExpression`, EventBridge Scheduler) is reported
    as information only: a scheduled event carries no data of its own, and the next tick
    runs the function again, so a lost failure is a late run rather than lost data.

    The dead-letter queue or destination of the *trigger* (an EventBridge target's
    `DeadLetterConfig`, an SNS subscription's `RedrivePolicy`) does not help here: it
    only keeps events the service could not hand to Lambda, not events the function
    failed on.
    """

    id = "IL201"
    name = "async-without-failure-capture"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = (
        "An asynchronously invoked function has neither a dead-letter queue nor an "
        "on-failure destination."
    )
    examples = (
        bad(
            "An S3 upload that fails three times is gone without a trace:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Uploads:
                Type: AWS::S3::Bucket
              Thumbnailer:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Upload:
                      Type: S3
                      Properties:
                        Bucket: !Ref Uploads
                        Events: s3:ObjectCreated:*
            """,
        ),
        bad(
            "An EventInvokeConfig that tunes retries but sends failures nowhere:",
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
              NotifierAsync:
                Type: AWS::Lambda::EventInvokeConfig
                Properties:
                  FunctionName: !Ref Notifier
                  Qualifier: $LATEST
                  MaximumRetryAttempts: 1
            """,
        ),
        bad(
            "Terraform: S3 invokes a function with no DLQ or on-failure destination:",
            files={
                "main.tf": """
                resource "aws_s3_bucket" "uploads" {
                  bucket = "acme-uploads"
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_permission" "s3" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.worker.function_name
                  principal     = "s3.amazonaws.com"
                  source_arn    = aws_s3_bucket.uploads.arn
                }

                resource "aws_s3_bucket_notification" "uploads" {
                  bucket = aws_s3_bucket.uploads.id

                  lambda_function {
                    lambda_function_arn = aws_lambda_function.worker.arn
                    events              = ["s3:ObjectCreated:*"]
                  }
                }
                """
            },
        ),
        good(
            "An on-failure destination; SAM creates the queue when `Destination` is omitted:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Uploads:
                Type: AWS::S3::Bucket
              Thumbnailer:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  EventInvokeConfig:
                    DestinationConfig:
                      OnFailure:
                        Type: SQS
                  Events:
                    Upload:
                      Type: S3
                      Properties:
                        Bucket: !Ref Uploads
                        Events: s3:ObjectCreated:*
            """,
        ),
        good(
            "A dead-letter queue (here from a parameter: where it points is not checked):",
            """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              FailedEvents:
                Type: String
            Resources:
              Nightly:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !Ref FailedEvents
                  Events:
                    Nightly:
                      Type: Schedule
                      Properties:
                        Schedule: rate(1 day)
            """,
        ),
        good(
            "Terraform: an event invoke config sends failed events to a queue:",
            files={
                "main.tf": """
                resource "aws_s3_bucket" "uploads" {
                  bucket = "acme-uploads"
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_permission" "s3" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.worker.function_name
                  principal     = "s3.amazonaws.com"
                  source_arn    = aws_s3_bucket.uploads.arn
                }

                resource "aws_s3_bucket_notification" "uploads" {
                  bucket = aws_s3_bucket.uploads.id

                  lambda_function {
                    lambda_function_arn = aws_lambda_function.worker.arn
                    events              = ["s3:ObjectCreated:*"]
                  }
                }

                resource "aws_sqs_queue" "function_dlq" {
                  name = "function-dlq"
                }

                resource "aws_lambda_function_event_invoke_config" "worker" {
                  function_name = aws_lambda_function.worker.function_name

                  destination_config {
                    on_failure {
                      destination = aws_sqs_queue.function_dlq.arn
                    }
                  }
                }
                """
            },
        ),
    )
    counterparts = (
        Counterpart(
            "cfn-lint-serverless",
            "ES1007",
            "overlaps",
            "ES1007 asks a function that a service invokes asynchronously (by its "
            "AWS::Lambda::Permission) for an EventInvokeConfig on-failure destination; IL201 "
            "asks the same of every asynchronously invoked function and also accepts a "
            "dead-letter queue. Where a function keeps a DeadLetterConfig, ignore ES1007 on "
            "it.",
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html",
        "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventinvokeconfiguration.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        if _orphan_on_failure(model):
            return  # an on-failure destination of a function we cannot name may be theirs
        # a configuration in SAM Globals is shared: report at each function instead
        shared = Counter(config.location for config in model.event_invoke_configs)
        for function in model.functions:
            triggers = model.invocations(function).asynchronous
            if not triggers or function.dead_letter is not None:
                continue  # no async trigger, or a DLQ (possibly unknown)
            configs = function.event_invoke_configs
            if any(config.on_failure is not None for config in configs):
                continue
            own = [config for config in configs if shared[config.location] == 1]
            location = own[0].location if own else function.location
            yield self._report(model, function, configs, triggers, location)

    def _report(
        self,
        model: InvocationModel,
        function: Function,
        configs: list[EventInvokeConfig],
        triggers: tuple[AsyncTrigger, ...],
        location: Location,
    ) -> Diagnostic:
        named = ", ".join(describe_trigger(model, t) for t in triggers[:_NAMED])
        if len(triggers) > _NAMED:
            named += f" and {len(triggers) - _NAMED} more"
        retries = _retries(configs)
        dlq = "DeadLetterQueue" if function.sam else "DeadLetterConfig"
        if function.sam:
            destination = "EventInvokeConfig.DestinationConfig.OnFailure"
        elif configs:
            destination = f"DestinationConfig.OnFailure on EventInvokeConfig '{configs[0].id}'"
        else:
            destination = "an AWS::Lambda::EventInvokeConfig with DestinationConfig.OnFailure"
        if _only_schedules(triggers):
            return self.report(
                location,
                f"function '{function.id}' runs on {named} with no dead-letter queue or "
                f"on-failure destination: a run that still fails after {retries} leaves no "
                f"trace (the next tick runs again); set {dlq} or {destination} to keep a "
                f"record of failed runs",
                resource=function,
                severity=Severity.INFO,
            )
        message = (
            f"function '{function.id}' is invoked asynchronously by {named} but has no "
            f"dead-letter queue or on-failure destination: an event that still fails after "
            f"{retries} is discarded; set {dlq} or {destination}"
        )
        return self.report(location, message, resource=function)


def _only_schedules(triggers: tuple[AsyncTrigger, ...]) -> bool:
    """Every async trigger is a schedule: its events carry no data to lose."""
    return all(isinstance(t, EventBridgeTrigger) and t.schedule is True for t in triggers)


def _retries(configs: list[EventInvokeConfig]) -> str:
    values = {c.maximum_retry_attempts.value for c in configs} if configs else {2}
    value = next(iter(values))
    if len(values) == 1 and is_known(value):
        if value == 0:
            return "its first attempt (MaximumRetryAttempts 0)"
        return f"{value} {'retry' if value == 1 else 'retries'}"
    return "its retries"


def _orphan_on_failure(model: InvocationModel) -> bool:
    return any(
        config.function is UNKNOWN and config.on_failure is not None
        for config in model.event_invoke_configs
    )
