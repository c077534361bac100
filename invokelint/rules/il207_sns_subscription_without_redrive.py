"""IL207 sns-subscription-without-redrive."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel, SnsTrigger, Topic
from invokelint.rules.async_invocation import describe_function
from invokelint.rules.base import Counterpart, Rule, bad, good


class SnsSubscriptionWithoutRedrive(Rule):
    """
    ## What it does
    Points out an SNS subscription that delivers to a function and has no
    `RedrivePolicy` (an SNS-side dead-letter queue): an `AWS::SNS::Subscription`, a
    SAM `SNS` event, or a subscription listed inline in a topic's `Subscription`
    property (which cannot carry a redrive policy at all).

    ## Why is this bad?
    SNS hands a message to Lambda's asynchronous queue; if that hand-over fails (the
    function was deleted, its resource policy does not allow SNS, Lambda throttles the
    `Invoke` call) SNS retries for a while and then drops the message. The function's
    own dead-letter queue or on-failure destination never sees it, because the function
    was never invoked. A redrive policy on the subscription keeps such messages in an
    SQS queue, where they can be inspected and replayed.
    """

    id = "IL207"
    name = "sns-subscription-without-redrive"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.INFO
    summary = "An SNS subscription to a function has no RedrivePolicy (SNS-side dead-letter queue)."
    examples = (
        bad(
            "A SAM SNS event without a redrive policy:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SNS::Topic
              Notifier:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Orders:
                      Type: SNS
                      Properties:
                        Topic: !Ref Orders
            """,
        ),
        bad(
            "Terraform: a subscription to a function without a `redrive_policy`:",
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
                }
                """
            },
        ),
        good(
            "Undeliverable messages wait in a queue:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SNS::Topic
              Undelivered:
                Type: AWS::SQS::Queue
              Notifier:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Orders:
                      Type: SNS
                      Properties:
                        Topic: !Ref Orders
                        RedrivePolicy:
                          deadLetterTargetArn: !GetAtt Undelivered.Arn
            """,
        ),
        good(
            "With `SqsSubscription` SNS delivers to a queue, which Lambda polls:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SNS::Topic
              Notifier:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Orders:
                      Type: SNS
                      Properties:
                        Topic: !Ref Orders
                        SqsSubscription: true
            """,
        ),
        good(
            "Terraform: the subscription's own dead-letter queue:",
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
    counterparts = (
        Counterpart(
            "cfn-lint-serverless",
            "ES7000",
            "overlaps",
            "ES7000 (an error) asks every SNS subscription for a RedrivePolicy; IL207 "
            "(info) asks it only of subscriptions that deliver to functions, where it "
            "keeps the messages SNS could not hand to Lambda. Where both run, they agree "
            "on Lambda subscriptions: keep both, or ignore IL207 and let ES7000 cover all "
            "subscriptions.",
        ),
    )
    references = (
        "https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html",
        "https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for trigger in model.async_triggers:
            if not isinstance(trigger, SnsTrigger) or trigger.redrive_policy.value is not False:
                continue
            function = describe_function(trigger.function)
            resource = model.resources.get(trigger.resource, trigger.resource)
            if isinstance(resource, Topic):
                message = (
                    f"topic '{resource.id}' subscribes {function} inline, and an inline "
                    f"subscription cannot have a RedrivePolicy: messages SNS fails to deliver "
                    f"are dropped; declare an AWS::SNS::Subscription with a RedrivePolicy "
                    f"(deadLetterTargetArn: an SQS queue) instead"
                )
            else:
                kind = "SNS event" if trigger.sam else "SNS subscription"
                message = (
                    f"{kind} '{trigger.id}' delivers to {function} without a RedrivePolicy: "
                    f"messages SNS fails to deliver are dropped; set RedrivePolicy "
                    f"(deadLetterTargetArn: an SQS queue)"
                )
            yield self.report(trigger.redrive_policy.location, message, resource=resource)
