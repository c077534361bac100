"""IL203 failure-config-without-async-trigger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import FailureTarget, Function, InvocationModel, Location, is_known
from invokelint.rules.base import Counterpart, Rule, bad, good
from invokelint.rules.sync_invocation import describe

_NAMED = 3  # triggers named in a message before "and N more"
_ROLES = {  # what it is, what Lambda sends to it
    "dlq": ("dead-letter queue", "failed"),
    "on-failure": ("on-failure destination", "failed"),
    "on-success": ("on-success destination", "successful"),
}


class FailureConfigWithoutAsyncTrigger(Rule):
    """
    ## What it does
    Reports a dead-letter queue (`DeadLetterConfig`, SAM `DeadLetterQueue`) or an
    asynchronous invocation destination (`EventInvokeConfig` `DestinationConfig`) on a
    function whose every trigger in the project is synchronous: API Gateway, an
    Application Load Balancer, a function URL, CloudFront, Cognito, or a Step Functions
    task that waits for the result. A function that anything else may invoke (an
    asynchronous or poll-based trigger, a permission for another service, a reference the
    linter cannot follow) is left alone; a function that only event source mappings
    invoke is IL101's.

    ## Why is this bad?
    Lambda uses the dead-letter queue and the destinations only for *asynchronous*
    invocations, after its own retries. A synchronous caller gets the error in the
    response instead, and Lambda neither retries nor records it. The queue or destination
    stays empty and suggests that failures are kept when they are not: handle them where
    the caller sees them (the API's error response, the state machine's `Retry`/`Catch`),
    and remove the unused configuration.
    """

    id = "IL203"
    name = "failure-config-without-async-trigger"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = (
        "A dead-letter queue or asynchronous destination on a function that is only "
        "invoked synchronously."
    )
    examples = (
        bad(
            "The dead-letter queue of a function behind an API never receives anything:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Failed:
                Type: AWS::SQS::Queue
              Orders:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !GetAtt Failed.Arn
                  Events:
                    Create:
                      Type: Api
                      Properties:
                        Path: /orders
                        Method: post
            """,
        ),
        bad(
            "An on-failure destination for a function that a state machine waits for:",
            """
            Resources:
              Failed:
                Type: AWS::SQS::Queue
              Check:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/check
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return event
              CheckFailures:
                Type: AWS::Lambda::EventInvokeConfig
                Properties:
                  FunctionName: !Ref Check
                  Qualifier: $LATEST
                  DestinationConfig:
                    OnFailure:
                      Destination: !GetAtt Failed.Arn
              Flow:
                Type: AWS::StepFunctions::StateMachine
                Properties:
                  RoleArn: arn:aws:iam::123456789012:role/flow
                  Definition:
                    StartAt: Check
                    States:
                      Check:
                        Type: Task
                        Resource: arn:aws:states:::lambda:invoke
                        Parameters:
                          FunctionName: !GetAtt Check.Arn
                        End: true
            """,
        ),
        bad(
            "Terraform: a DLQ on a function that only its function URL invokes:",
            files={
                "main.tf": """
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

                resource "aws_lambda_function_url" "worker" {
                  function_name      = aws_lambda_function.worker.function_name
                  authorization_type = "AWS_IAM"
                }
                """
            },
        ),
        good(
            "The same function also handles S3 uploads, which Lambda invokes asynchronously:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Failed:
                Type: AWS::SQS::Queue
              Uploads:
                Type: AWS::S3::Bucket
              Orders:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !GetAtt Failed.Arn
                  Events:
                    Create:
                      Type: Api
                      Properties:
                        Path: /orders
                        Method: post
                    Upload:
                      Type: S3
                      Properties:
                        Bucket: !Ref Uploads
                        Events: s3:ObjectCreated:*
            """,
        ),
        good(
            "An exported ARN may be invoked asynchronously from another stack:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Failed:
                Type: AWS::SQS::Queue
              Orders:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !GetAtt Failed.Arn
                  Events:
                    Create:
                      Type: Api
                      Properties:
                        Path: /orders
                        Method: post
            Outputs:
              OrdersArn:
                Value: !GetAtt Orders.Arn
                Export:
                  Name: orders-function
            """,
        ),
        good(
            "Terraform: the caller of a function URL gets the error; no DLQ:",
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

                resource "aws_lambda_function_url" "worker" {
                  function_name      = aws_lambda_function.worker.function_name
                  authorization_type = "AWS_IAM"
                }
                """
            },
        ),
    )
    counterparts = (
        Counterpart(
            "checkov",
            "CKV_AWS_116",
            "contradicts",
            "CKV_AWS_116 asks every function for a dead-letter queue; on a function that is "
            "only invoked synchronously, that queue never receives anything, which is what "
            "IL203 reports. Skip CKV_AWS_116 for such functions: `checkov --skip-check "
            "CKV_AWS_116`, or on the function `Metadata: {checkov: {skip: [{id: CKV_AWS_116, "
            "comment: ...}]}}` (`# checkov:skip=CKV_AWS_116: ...` in Terraform).",
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        # A setting in SAM Globals is shared: it is useless only if useless everywhere.
        by_location: dict[Location, list[tuple[Function, FailureTarget]]] = defaultdict(list)
        for function in model.functions:
            for target in _failure_targets(function):
                by_location[target.location].append((function, target))
        for location, uses in by_location.items():
            if all(model.invocations(function).only_sync for function, _ in uses):
                yield self._report(model, location, uses)

    def _report(
        self,
        model: InvocationModel,
        location: Location,
        uses: list[tuple[Function, FailureTarget]],
    ) -> Diagnostic:
        function, target = uses[0]
        triggers = [t for f, _ in uses for t in model.invocations(f).synchronous]
        named = ", ".join(describe(model, t) for t in triggers[:_NAMED])
        if len(triggers) > _NAMED:
            named += f" and {len(triggers) - _NAMED} more"
        names = ", ".join(f"'{f.id}'" for f, _ in uses)
        subject = f"function {names} has" if len(uses) == 1 else f"functions {names} share"
        noun, outcome = _ROLES[target.role]
        article = "an" if noun[0] in "aeiou" else "a"
        retry = any(t.service == "states" for t in triggers)
        where = " (for a state machine, in the task's Retry and Catch)" if retry else ""
        message = (
            f"{subject} {article} {noun}, but only synchronous callers invoke "
            f"{'it' if len(uses) == 1 else 'them'} ({named}) and Lambda sends only "
            f"{outcome} asynchronous invocations there, so it never receives anything; "
            f"the caller gets each error, so handle failures there{where} and remove "
            f"the {noun}"
        )
        return self.report(
            location,
            message,
            resource=function,
            related=tuple(t.location for t in triggers[:_NAMED]),
        )


def _failure_targets(function: Function) -> Iterator[FailureTarget]:
    """The DLQ and the destinations of a function (those whose existence is certain)."""
    if isinstance(function.dead_letter, FailureTarget):
        yield function.dead_letter
    for config in function.event_invoke_configs:
        for destination in (config.on_failure, config.on_success):
            # an intrinsic DestinationConfig may be AWS::NoValue: its target is UNKNOWN
            if destination is not None and is_known(destination.target):
                yield destination
