"""IL303 edge-function-constraints."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import (
    EdgeTrigger,
    ExternalArn,
    FailureTarget,
    Function,
    InvocationModel,
    Location,
)
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.sync_invocation import resource_of

VIEWER_TIMEOUT = 5  # seconds: viewer-request and viewer-response functions
ORIGIN_TIMEOUT = 30  # seconds: origin-request and origin-response functions


class EdgeFunctionConstraints(Rule):
    """
    ## What it does
    Checks a function that a CloudFront distribution associates
    (`LambdaFunctionAssociations`, Lambda@Edge) against what Lambda@Edge does not
    support: environment variables (also from SAM `Globals`), a dead-letter queue, a VPC
    configuration, reserved concurrency, an association with `$LATEST` (an unqualified
    ARN such as `!GetAtt Fn.Arn`) or an alias instead of a numbered version, and a
    timeout above 5 seconds for viewer events or above 30 seconds for origin events.
    Each violated constraint is reported once, at the property to change.

    ## Why is this bad?
    CloudFront replicates a published function version to its edge locations, where
    these features are not available: CloudFront rejects an association that does not
    name a numbered version (the deployment fails), and a function configured with an
    unsupported feature is rejected or does not behave as configured.
    Publish a version (SAM `AutoPublishAlias` with `!Ref Function.Version`, or an
    `AWS::Lambda::Version`), and move configuration into the code or into a service the
    function reads at run time.
    """

    id = "IL303"
    name = "edge-function-constraints"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.ERROR
    summary = "A Lambda@Edge function uses something Lambda@Edge does not support."
    examples = (
        bad(
            "Environment variables, a 10 second timeout on a viewer event, and $LATEST:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Rewrite:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Timeout: 10
                  Environment:
                    Variables:
                      TARGET: /v2
              Cdn:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Enabled: true
                    DefaultCacheBehavior:
                      TargetOriginId: site
                      ViewerProtocolPolicy: redirect-to-https
                      LambdaFunctionAssociations:
                        - EventType: viewer-request
                          LambdaFunctionARN: !GetAtt Rewrite.Arn
            """,
        ),
        bad(
            "Terraform: `qualified_arn` of a function that does not `publish` is `$LATEST`:",
            files={
                "main.tf": """
                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 5
                }

                resource "aws_cloudfront_distribution" "site" {
                  # origin, restrictions, viewer_certificate ...
                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = "redirect-to-https"
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]

                    lambda_function_association {
                      event_type = "viewer-request"
                      lambda_arn = aws_lambda_function.worker.qualified_arn
                    }
                  }
                }
                """
            },
        ),
        good(
            "A published version with a short timeout and no environment:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Rewrite:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Timeout: 5
                  AutoPublishAlias: live
              Cdn:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Enabled: true
                    DefaultCacheBehavior:
                      TargetOriginId: site
                      ViewerProtocolPolicy: redirect-to-https
                      LambdaFunctionAssociations:
                        - EventType: viewer-request
                          LambdaFunctionARN: !Ref Rewrite.Version
            """,
        ),
        good(
            "A version ARN from a parameter (the usual cross-region setup) cannot be judged:",
            """
            Parameters:
              EdgeVersionArn:
                Type: String
            Resources:
              Cdn:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Enabled: true
                    DefaultCacheBehavior:
                      TargetOriginId: site
                      ViewerProtocolPolicy: redirect-to-https
                      LambdaFunctionAssociations:
                        - EventType: origin-request
                          LambdaFunctionARN: !Ref EdgeVersionArn
            """,
        ),
        good(
            "Terraform: `publish = true` makes `qualified_arn` a numbered version:",
            files={
                "main.tf": """
                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 5
                  publish       = true
                }

                resource "aws_cloudfront_distribution" "site" {
                  # origin, restrictions, viewer_certificate ...
                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = "redirect-to-https"
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]

                    lambda_function_association {
                      event_type = "viewer-request"
                      lambda_arn = aws_lambda_function.worker.qualified_arn
                    }
                  }
                }
                """
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-restrictions.html",
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-lambda-at-edge",
        "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-autopublishalias",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        by_function: dict[Function, list[EdgeTrigger]] = defaultdict(list)
        for trigger in model.sync_triggers:
            if not isinstance(trigger, EdgeTrigger):
                continue
            diagnostic = self._qualifier(model, trigger)
            if diagnostic is not None:
                yield diagnostic
            if isinstance(trigger.function, Function):
                by_function[trigger.function].append(trigger)
        for function, triggers in by_function.items():
            yield from self._function(function, triggers)

    def _qualifier(self, model: InvocationModel, trigger: EdgeTrigger) -> Diagnostic | None:
        function = trigger.function
        if isinstance(function, Function):
            name = f"'{function.id}'"
        elif isinstance(function, ExternalArn):
            name = function.arn
        else:
            return None
        qualifier = trigger.qualifier
        if qualifier is None or qualifier == "$LATEST":
            wrong = "$LATEST (an unqualified function ARN)"
        elif isinstance(qualifier, str) and qualifier != "version" and not qualifier.isdigit():
            wrong = f"the alias '{qualifier}'"
        else:
            return None
        return self.report(
            trigger.location,
            f"CloudFront distribution '{trigger.resource}' associates {wrong} of function "
            f"{name}, but Lambda@Edge needs a numbered version, so the deployment fails; "
            f"publish a version (AWS::Lambda::Version) and associate its versioned ARN"
            + (
                " (SAM: AutoPublishAlias and !Ref Function.Version)"
                if isinstance(function, Function) and function.sam
                else ""
            ),
            resource=resource_of(model, trigger),
        )

    def _function(self, function: Function, triggers: list[EdgeTrigger]) -> Iterator[Diagnostic]:
        def report(location: Location, what: str, fix: str) -> Diagnostic:
            return self.report(
                location,
                f"function '{function.id}' runs at CloudFront's edge (Lambda@Edge, "
                f"distribution '{triggers[0].resource}'), where {what}; {fix}",
                resource=function,
                related=(triggers[0].location,),
            )

        environment = function.environment
        if isinstance(environment, dict) and environment:
            names = ", ".join(sorted(environment))
            yield report(
                function.environment_location or function.location,
                f"environment variables are not supported (it sets {names})",
                "remove Environment and put the values in the code or read them at run time",
            )
        if isinstance(function.dead_letter, FailureTarget):
            yield report(
                function.dead_letter.location,
                "dead-letter queues are not supported",
                "remove it (CloudFront invokes synchronously)",
            )
        vpc = function.vpc_config
        if vpc is not None and vpc.known and vpc.value is True:
            yield report(vpc.location, "functions cannot run in a VPC", "remove VpcConfig")
        reserved = function.reserved_concurrency
        if reserved.known and reserved.value is not None:
            yield report(
                reserved.location,
                f"reserved concurrency is not supported (it reserves {reserved.value})",
                "remove ReservedConcurrentExecutions",
            )
        yield from self._timeout(function, triggers, report)

    def _timeout(
        self,
        function: Function,
        triggers: list[EdgeTrigger],
        report: Callable[[Location, str, str], Diagnostic],
    ) -> Iterator[Diagnostic]:
        timeout = function.timeout
        if not timeout.known:
            return
        events = {t.event_type for t in triggers if isinstance(t.event_type, str)}
        viewer = sorted(e for e in events if e.startswith("viewer-"))
        origin = sorted(e for e in events if e.startswith("origin-"))
        for names, limit in ((viewer, VIEWER_TIMEOUT), (origin, ORIGIN_TIMEOUT)):
            if names and timeout.value > limit:
                yield report(
                    timeout.location,
                    f"{' and '.join(names)} functions may run at most {limit} s, but its "
                    f"Timeout is {timeout.value} s",
                    f"set Timeout to {limit} or less",
                )
                return
