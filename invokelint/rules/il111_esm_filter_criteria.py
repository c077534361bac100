"""IL111 esm-filter-criteria."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import EventSourceMapping, FilterPattern, InvocationModel, Location
from invokelint.rules.base import Option, Rule, bad, good
from invokelint.rules.filter_patterns import check_pattern, scalar_position
from invokelint.rules.mappings import about, describe


class EsmFilterCriteria(Rule):
    """
    ## What it does
    Checks every `FilterCriteria.Filters[].Pattern` of an event source mapping: an
    **error** when the pattern is not valid JSON or does not follow the event-filtering
    grammar (fields holding non-empty arrays of values or operators such as `prefix`,
    `numeric`, `anything-but`, `exists`), and a **warning** when a mapping has more
    filters than the Lambda quota allows (five unless raised).

    ## Why is this bad?
    Lambda validates patterns when the mapping is created, so a typo fails the whole
    deployment with no more than "Invalid filter pattern definition". Patterns are JSON
    inside a YAML or JSON string, where a missing quote or a stray comma is easy to
    write and hard to see. A mapping with more filters than the quota is rejected the
    same way; filters are ORed together, so several can usually be merged with `$or`
    or with several values for one field.
    """

    id = "IL111"
    name = "esm-filter-criteria"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.ERROR
    summary = "An event filter pattern is invalid, or a mapping has more filters than allowed."
    options = {
        "max-filters": Option(
            default=5,
            schema={"type": "integer", "minimum": 1, "maximum": 10},
            description="filters per event source mapping before the warning; the Lambda "
            "quota is 5 and can be raised to 10.",
        )
    }
    examples = (
        bad(
            '`prefix` takes a string, not a list ("must be a string"):',
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
                        FilterCriteria:
                          Filters:
                            - Pattern: '{"body": {"region": [{"prefix": ["us-"]}]}}'
            """,
        ),
        bad(
            "A trailing comma makes the pattern invalid JSON:",
            """
            Resources:
              Orders:
                Type: AWS::DynamoDB::Table
                Properties:
                  BillingMode: PAY_PER_REQUEST
                  AttributeDefinitions:
                    - {AttributeName: id, AttributeType: S}
                  KeySchema:
                    - {AttributeName: id, KeyType: HASH}
                  StreamSpecification:
                    StreamViewType: NEW_IMAGE
              Projector:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/projector
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return None
              ProjectorMapping:
                Type: AWS::Lambda::EventSourceMapping
                Properties:
                  FunctionName: !Ref Projector
                  EventSourceArn: !GetAtt Orders.StreamArn
                  StartingPosition: LATEST
                  FilterCriteria:
                    Filters:
                      - Pattern: '{"eventName": ["INSERT", "MODIFY",]}'
            """,
        ),
        bad(
            "Terraform: a filter value that is a bare string instead of a list of matchers:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
                  redrive_policy = jsonencode({
                    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
                    maxReceiveCount     = 5
                  })
                }

                resource "aws_sqs_queue" "orders_dlq" {
                  message_retention_seconds = 1209600
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_event_source_mapping" "orders" {
                  event_source_arn = aws_sqs_queue.orders.arn
                  function_name    = aws_lambda_function.worker.arn

                  filter_criteria {
                    filter {
                      pattern = jsonencode({ body = { status = "PLACED" } })
                    }
                  }
                }
                """
            },
        ),
        good(
            "Well-formed patterns; several filters are ORed together:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
                        FilterCriteria:
                          Filters:
                            - Pattern: '{"body": {"region": [{"prefix": "us-"}]}}'
                            - Pattern: '{"body": {"amount": [{"numeric": [">", 100]}]}}'
            """,
        ),
        good(
            "A pattern built with `!Sub` is only known after deployment, so it is not checked:",
            """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Team:
                Type: String
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
                        FilterCriteria:
                          Filters:
                            - Pattern: !Sub '{"body": {"team": ["${Team}"]}}'
            """,
        ),
        good(
            "Terraform: every value is a list:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
                  redrive_policy = jsonencode({
                    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
                    maxReceiveCount     = 5
                  })
                }

                resource "aws_sqs_queue" "orders_dlq" {
                  message_retention_seconds = 1209600
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_event_source_mapping" "orders" {
                  event_source_arn = aws_sqs_queue.orders.arn
                  function_name    = aws_lambda_function.worker.arn

                  filter_criteria {
                    filter {
                      pattern = jsonencode({ body = { status = ["PLACED"] } })
                    }
                  }
                }
                """
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html",
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        limit = self.settings["max-filters"]
        for mapping in model.mappings:
            filters = mapping.filters
            if not isinstance(filters, tuple) or not filters:
                continue
            if len(filters) > limit:
                yield self.report(
                    filters[limit].location,
                    f"{describe(mapping)} has {len(filters)} filters, more than the {limit} "
                    "Lambda allows per event source mapping by default (unless the quota was "
                    'raised, the mapping is rejected); merge patterns with "$or" or several '
                    "values per field, or request a quota increase",
                    severity=Severity.WARNING,
                    **about(mapping),
                )
            yield from self._patterns(mapping, filters)

    def _patterns(
        self, mapping: EventSourceMapping, filters: tuple[FilterPattern, ...]
    ) -> Iterator[Diagnostic]:
        for number, item in enumerate(filters, start=1):
            if not isinstance(item.pattern, str):
                continue
            problem = check_pattern(item.pattern)
            if problem is None:
                continue
            ordinal = f"filter {number} of {len(filters)}" if len(filters) > 1 else "the filter"
            yield self.report(
                _where(item, problem.offset),
                f"{ordinal} of {describe(mapping)} {problem.message}; Lambda rejects the "
                "event source mapping",
                **about(mapping),
            )


def _where(item: FilterPattern, offset: int | None) -> Location:
    """The character ``offset`` of the pattern where it can be placed, else ``Pattern``."""
    written = item.text_location
    if offset is None or written is None or not isinstance(item.pattern, str):
        return item.location
    position = scalar_position(item.pattern, written, offset)
    if position is None:
        return item.location
    line, column = position
    return Location(written.path, line, column, line, column + 1)
