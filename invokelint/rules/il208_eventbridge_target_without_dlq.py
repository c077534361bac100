"""IL208 eventbridge-target-without-dlq."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import EventBridgeTrigger, InvocationModel
from invokelint.rules.async_invocation import describe_function, describe_trigger
from invokelint.rules.base import Counterpart, Rule, bad, good


class EventBridgeTargetWithoutDlq(Rule):
    """
    ## What it does
    Points out an EventBridge rule target (`AWS::Events::Rule` `Targets`, SAM
    `EventBridgeRule`, `CloudWatchEvent` and `Schedule` events) or an EventBridge
    Scheduler schedule (`AWS::Scheduler::Schedule`, SAM `ScheduleV2`) that invokes a
    function and has no `DeadLetterConfig`. In `serverless.yml` it reads `eventBridge` and
    `schedule` events: the framework sets the target's dead-letter queue from
    `deadLetterQueueArn` on an `eventBridge` event (a `schedule:` expression included) and
    has no such setting on a `schedule` event, so the advice there is to write the
    schedule as an `eventBridge` event.

    ## Why is this bad?
    EventBridge hands each event to Lambda's asynchronous queue. When that hand-over
    fails (a missing permission, a deleted function, throttling) EventBridge retries
    for up to 24 hours and then drops the event. The function's own dead-letter queue
    or on-failure destination never sees it, because the function was never invoked.
    A `DeadLetterConfig` on the target keeps such events in an SQS queue, with the
    error that stopped them.
    """

    id = "IL208"
    name = "eventbridge-target-without-dlq"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.INFO
    summary = "An EventBridge rule target that is a function has no DeadLetterConfig."
    examples = (
        bad(
            "A rule target without a dead-letter queue:",
            """
            Resources:
              Sweeper:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/sweeper
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              Hourly:
                Type: AWS::Events::Rule
                Properties:
                  ScheduleExpression: rate(1 hour)
                  Targets:
                    - Id: sweeper
                      Arn: !GetAtt Sweeper.Arn
            """,
        ),
        bad(
            "Terraform: an `aws_cloudwatch_event_target` without a `dead_letter_config`:",
            files={
                "main.tf": """
                resource "aws_cloudwatch_event_rule" "paid" {
                  name = "invoice-paid"
                  event_pattern = jsonencode({ source = ["acme.billing"] })
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

                resource "aws_lambda_permission" "events" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.worker.function_name
                  principal     = "events.amazonaws.com"
                  source_arn    = aws_cloudwatch_event_rule.paid.arn
                }

                resource "aws_cloudwatch_event_target" "worker" {
                  rule = aws_cloudwatch_event_rule.paid.name
                  arn  = aws_lambda_function.worker.arn
                }
                """
            },
        ),
        good(
            "SAM creates the dead-letter queue when `Type: SQS` is given:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Sweeper:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Hourly:
                      Type: Schedule
                      Properties:
                        Schedule: rate(1 hour)
                        DeadLetterConfig:
                          Type: SQS
            """,
        ),
        good(
            "Terraform: the target keeps undeliverable events in a queue:",
            files={
                "main.tf": """
                resource "aws_cloudwatch_event_rule" "paid" {
                  name = "invoice-paid"
                  event_pattern = jsonencode({ source = ["acme.billing"] })
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

                resource "aws_lambda_permission" "events" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.worker.function_name
                  principal     = "events.amazonaws.com"
                  source_arn    = aws_cloudwatch_event_rule.paid.arn
                }

                resource "aws_cloudwatch_event_target" "worker" {
                  rule = aws_cloudwatch_event_rule.paid.name
                  arn  = aws_lambda_function.worker.arn

                  dead_letter_config {
                    arn = aws_sqs_queue.function_dlq.arn
                  }
                }
                """
            },
        ),
    )
    counterparts = (
        Counterpart(
            "cfn-lint-serverless",
            "ES4000",
            "overlaps",
            "ES4000 (an error) asks every EventBridge rule target for a DeadLetterConfig; "
            "IL208 (info) asks it only of targets that are functions, where it keeps the "
            "events EventBridge could not hand to Lambda. Where both run, they agree on "
            "function targets: keep both, or ignore IL208 and let ES4000 cover all "
            "targets.",
        ),
    )
    references = (
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html",
        "https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for trigger in model.async_triggers:
            if not isinstance(trigger, EventBridgeTrigger) or trigger.dead_letter is not None:
                continue
            fix = (
                "DeadLetterConfig (Type: SQS lets SAM create the queue)"
                if trigger.sam
                else ("DeadLetterConfig.Arn to a standard SQS queue")
            )
            yield self.report(
                trigger.location,
                f"{describe_trigger(model, trigger)} invokes {describe_function(trigger.function)} "
                f"without a DeadLetterConfig: events EventBridge cannot deliver (missing "
                f"permission, throttling) are dropped after its retries; set {fix}",
                resource=model.resources.get(trigger.resource, trigger.resource),
            )
