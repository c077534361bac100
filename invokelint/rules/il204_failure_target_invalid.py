"""IL204 failure-target-invalid."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import (
    Bucket,
    EventBridgeTrigger,
    EventBus,
    EventInvokeConfig,
    ExternalArn,
    FailureTarget,
    Function,
    InvocationModel,
    Location,
    OtherResource,
    Queue,
    Resource,
    Stream,
    Target,
    Topic,
)
from invokelint.rules.async_invocation import describe_trigger
from invokelint.rules.base import Rule, bad, good

# What each kind of failure target accepts ("sqs" and "sns" mean the standard kinds).
_FUNCTION_DLQ = frozenset({"sqs", "sns"})
_ON_FAILURE = frozenset({"sqs", "sns", "lambda", "events", "s3"})
_ON_SUCCESS = frozenset({"sqs", "sns", "lambda", "events"})
_RULE_DLQ = frozenset({"sqs"})
_ACCEPTS = {
    _FUNCTION_DLQ: "Lambda accepts only a standard SQS queue or a standard SNS topic",
    _ON_FAILURE: "Lambda accepts only a standard SQS queue, a standard SNS topic, a "
    "function, an event bus or an S3 bucket",
    _ON_SUCCESS: "Lambda accepts only a standard SQS queue, a standard SNS topic, a "
    "function or an event bus (an S3 bucket only on failure)",
    _RULE_DLQ: "EventBridge accepts only a standard SQS queue",
}
# Template resources the model keeps untyped but whose kind is certain.
_OTHER_KINDS = {
    "AWS::StepFunctions::StateMachine": ("states", "state machine"),
    "AWS::Serverless::StateMachine": ("states", "state machine"),
    "AWS::KinesisFirehose::DeliveryStream": ("firehose", "Firehose delivery stream"),
    "AWS::Logs::LogGroup": ("logs", "log group"),
    "AWS::Serverless::SimpleTable": ("dynamodb", "DynamoDB table"),
}


class FailureTargetInvalid(Rule):
    """
    ## What it does
    Checks where failed asynchronous events are sent:
    - a function's dead-letter queue (`DeadLetterConfig`, SAM `DeadLetterQueue`) must be
      a standard SQS queue or a standard SNS topic;
    - an `EventInvokeConfig` destination must be a standard SQS queue, a standard SNS
      topic, a function, an EventBridge event bus, or (on failure only) an S3 bucket, and
      not the function itself;
    - an EventBridge rule or schedule target's `DeadLetterConfig` must be a standard SQS
      queue.

    FIFO queues and topics are named in the message: they look like queues and topics
    but none of these services can write to them.

    ## Why is this bad?
    Lambda and EventBridge check the target when the configuration is created, so the
    deployment fails and rolls back. A function that is its own destination is worse
    wherever it is accepted: on failure, the event goes back to the function that just
    failed on it and no record of the failure is kept; on success, every invocation
    starts another one, without end.
    """

    id = "IL204"
    name = "failure-target-invalid"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.ERROR
    summary = (
        "A dead-letter queue or asynchronous destination is a kind of resource that "
        "cannot receive failed events."
    )
    examples = (
        bad(
            "A FIFO queue as the function's dead-letter queue:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Failed:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !GetAtt Failed.Arn
            """,
        ),
        bad(
            "A function that is its own on-failure destination:",
            """
            Resources:
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/worker
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              WorkerAsync:
                Type: AWS::Lambda::EventInvokeConfig
                Properties:
                  FunctionName: !Ref Worker
                  Qualifier: $LATEST
                  DestinationConfig:
                    OnFailure:
                      Destination: !GetAtt Worker.Arn
            """,
        ),
        bad(
            "Terraform: a FIFO queue as the function's dead-letter queue:",
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

                  dead_letter_config {
                    target_arn = aws_sqs_queue.function_dlq.arn
                  }
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
                  name       = "function-dlq.fifo"
                  fifo_queue = true
                }
                """
            },
        ),
        good(
            "A standard queue on failure, another function on success:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Failed:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  EventInvokeConfig:
                    DestinationConfig:
                      OnFailure:
                        Type: SQS
                        Destination: !GetAtt Failed.Arn
                      OnSuccess:
                        Type: Lambda
                        Destination: !GetAtt Auditor.Arn
              Auditor:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: audit.handler
                  CodeUri: src/
            """,
        ),
        good(
            "A destination from a parameter cannot be checked, so nothing is reported:",
            """
            Parameters:
              FailureTopic:
                Type: String
            Resources:
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/worker
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              WorkerAsync:
                Type: AWS::Lambda::EventInvokeConfig
                Properties:
                  FunctionName: !Ref Worker
                  Qualifier: $LATEST
                  DestinationConfig:
                    OnFailure:
                      Destination: !Ref FailureTopic
            """,
        ),
        good(
            "Terraform: a standard queue:",
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

                  dead_letter_config {
                    target_arn = aws_sqs_queue.function_dlq.arn
                  }
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
                """
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        seen: set[Location] = set()  # a target in SAM Globals is shared by many functions
        for diagnostic in self._diagnostics(model):
            if diagnostic.location not in seen:
                seen.add(diagnostic.location)
                yield diagnostic

    def _diagnostics(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function in model.functions:
            dlq = function.dead_letter
            if isinstance(dlq, FailureTarget):
                what = f"the dead-letter queue of function '{function.id}'"
                yield from self._check(dlq, _FUNCTION_DLQ, what, function)
        for config in model.event_invoke_configs:
            yield from self._check_config(model, config)
        for trigger in model.async_triggers:
            if isinstance(trigger, EventBridgeTrigger) and isinstance(
                trigger.dead_letter, FailureTarget
            ):
                what = f"the DeadLetterConfig of {describe_trigger(model, trigger)}"
                resource = model.resources.get(trigger.resource, trigger.resource)
                yield from self._check(trigger.dead_letter, _RULE_DLQ, what, resource)

    def _check_config(
        self, model: InvocationModel, config: EventInvokeConfig
    ) -> Iterator[Diagnostic]:
        resource = model.resources.get(config.id, config.id)
        owner = (
            f"function '{config.function.id}'"
            if isinstance(config.function, Function)
            else f"EventInvokeConfig '{config.id}'"
        )
        for destination, accepted, key in (
            (config.on_failure, _ON_FAILURE, "OnFailure"),
            (config.on_success, _ON_SUCCESS, "OnSuccess"),
        ):
            if destination is None:
                continue
            what = f"the {key} destination of {owner}"
            if isinstance(config.function, Function) and destination.target is config.function:
                effect = (
                    "every failed event invokes it again and no record of the failure is kept"
                    if key == "OnFailure"
                    else "every successful invocation starts another one, without end"
                )
                yield self.report(
                    destination.location,
                    f"{what} is the function itself: {effect}; send {key} to a queue, "
                    f"a topic or another function",
                    resource=resource,
                )
                continue
            yield from self._check(destination, accepted, what, resource)

    def _check(
        self,
        failure: FailureTarget,
        accepted: frozenset[str],
        what: str,
        resource: Resource | str,
    ) -> Iterator[Diagnostic]:
        kind = _kind(failure.target)
        if kind is None or kind[0] in accepted:
            return
        description = kind[1]
        yield self.report(
            failure.location,
            f"{what} is {description}, but {_ACCEPTS[accepted]}; the deployment fails",
            resource=resource,
        )


def _kind(target: Target) -> tuple[str, str] | None:
    """``(service, description)``; standard SQS/SNS are ``"sqs"``/``"sns"``; None: unknown."""
    if isinstance(target, (Queue, Topic)):
        fifo = target.fifo.value
        if not isinstance(fifo, bool):
            return None
        service, noun = ("sqs", "queue") if isinstance(target, Queue) else ("sns", "topic")
        return (
            ("fifo", f"FIFO {noun} '{target.id}'") if fifo else (service, f"{noun} '{target.id}'")
        )
    if isinstance(target, Function):
        return "lambda", f"function '{target.id}'"
    if isinstance(target, EventBus):
        return "events", f"event bus '{target.id}'"
    if isinstance(target, Bucket):
        return "s3", f"S3 bucket '{target.id}'"
    if isinstance(target, Stream):
        noun = "Kinesis stream" if target.kind == "kinesis" else "DynamoDB table"
        return target.kind, f"{noun} '{target.id}'"
    if isinstance(target, OtherResource) and target.type in _OTHER_KINDS:
        service, noun = _OTHER_KINDS[target.type]
        return service, f"{noun} '{target.id}'"
    if isinstance(target, ExternalArn):
        return _arn_kind(target)
    return None


def _arn_kind(arn: ExternalArn) -> tuple[str, str] | None:
    if "*" in arn.service or not arn.service:
        return None
    if arn.service in ("sqs", "sns"):
        noun = "queue" if arn.service == "sqs" else "topic"
        if arn.fifo is True:
            return "fifo", f"FIFO {noun} {arn.arn}"
        return arn.service, f"{noun} {arn.arn}"
    if arn.service == "events" and not arn.resource.startswith("event-bus/"):
        return "events-other", arn.arn
    return arn.service, arn.arn
