"""IL301 api-timeout-exceeds-integration."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import ApiTrigger, Function, InvocationModel
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.sync_invocation import API_KINDS, describe


class ApiTimeoutExceedsIntegration(Rule):
    """
    ## What it does
    Checks that a function behind API Gateway cannot run longer than API Gateway waits
    for it: the integration timeout (`TimeoutInMillis`), by default and at most 29
    seconds for REST and WebSocket APIs and 30 seconds for HTTP APIs. A REST API whose
    integration sets a longer `TimeoutInMillis` (possible after a quota increase) is
    judged by that value. Lambda authorizers are not checked, nor are WebSocket
    integrations that only the `$disconnect` route uses: the client is gone and nothing
    waits for the answer.

    ## Why is this bad?
    When the integration times out, API Gateway answers `504 Gateway Timeout` while the
    function keeps running, and keeps being billed, until its own timeout. The client
    sees a failure for work that may still succeed, and often retries it, so the work
    runs twice. A `Timeout` the API can never wait for hides the problem instead of
    bounding it: keep the function's timeout within the integration's, and hand work
    that takes longer to an asynchronous invocation (a queue, Step Functions) that the
    API only starts.
    """

    id = "IL301"
    name = "api-timeout-exceeds-integration"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = "A function behind API Gateway may run longer than API Gateway waits for it."
    examples = (
        bad(
            "API Gateway gives up after 29 seconds, the function runs for up to a minute:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Report:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Timeout: 60
                  Events:
                    Build:
                      Type: Api
                      Properties:
                        Path: /reports
                        Method: post
            """,
        ),
        bad(
            "The integration waits only 10 seconds:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Report:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Timeout: 20
                  Events:
                    Build:
                      Type: HttpApi
                      Properties:
                        Path: /reports
                        Method: post
                        TimeoutInMillis: 10000
            """,
        ),
        bad(
            "Terraform: a 60-second function behind a REST API proxy integration:",
            files={
                "main.tf": """
                resource "aws_api_gateway_rest_api" "shop" {
                  name = "shop"
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 60
                }

                resource "aws_api_gateway_integration" "orders" {
                  rest_api_id             = aws_api_gateway_rest_api.shop.id
                  resource_id             = aws_api_gateway_rest_api.shop.root_resource_id
                  http_method             = "POST"
                  integration_http_method = "POST"
                  type                    = "AWS_PROXY"
                  uri                     = aws_lambda_function.worker.invoke_arn
                }

                resource "aws_lambda_permission" "api" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.worker.function_name
                  principal     = "apigateway.amazonaws.com"
                  source_arn    = "${aws_api_gateway_rest_api.shop.execution_arn}/*/*"
                }
                """
            },
        ),
        good(
            "The function gives up before API Gateway does:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Report:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Timeout: 25
                  Events:
                    Build:
                      Type: Api
                      Properties:
                        Path: /reports
                        Method: post
            """,
        ),
        good(
            "A timeout from a parameter cannot be judged:",
            """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Timeout:
                Type: Number
            Resources:
              Report:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Timeout: !Ref Timeout
                  Events:
                    Build:
                      Type: Api
                      Properties:
                        Path: /reports
                        Method: post
            """,
        ),
        good(
            "Terraform: a timeout within the 29-second integration limit:",
            files={
                "main.tf": """
                resource "aws_api_gateway_rest_api" "shop" {
                  name = "shop"
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 25
                }

                resource "aws_api_gateway_integration" "orders" {
                  rest_api_id             = aws_api_gateway_rest_api.shop.id
                  resource_id             = aws_api_gateway_rest_api.shop.root_resource_id
                  http_method             = "POST"
                  integration_http_method = "POST"
                  type                    = "AWS_PROXY"
                  uri                     = aws_lambda_function.worker.invoke_arn
                }

                resource "aws_lambda_permission" "api" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.worker.function_name
                  principal     = "apigateway.amazonaws.com"
                  source_arn    = "${aws_api_gateway_rest_api.shop.execution_arn}/*/*"
                }
                """
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function in model.functions:
            if not function.timeout.known:
                continue
            limits = [
                (trigger.integration_timeout.value, trigger)
                for trigger in model.invocations(function).synchronous
                if isinstance(trigger, ApiTrigger)
                and not _only_disconnect(trigger)
                and trigger.integration_timeout is not None
                and trigger.integration_timeout.known
            ]
            if not limits:
                continue
            limit_ms, trigger = min(limits, key=lambda pair: pair[0])
            if function.timeout.value * 1000 > limit_ms:
                yield self._report(model, function, trigger, limit_ms)

    def _report(
        self, model: InvocationModel, function: Function, trigger: ApiTrigger, limit_ms: int
    ) -> Diagnostic:
        runs = function.timeout.value
        waits = _seconds(limit_ms)
        setting = trigger.integration_timeout
        if setting is not None and setting.explicit:
            why = f"TimeoutInMillis: {limit_ms}"
        else:
            why = f"the {API_KINDS.get(str(trigger.api), 'API')} limit"
        fit = limit_ms // 1000
        fix = (
            f"set Timeout to {fit} or less"
            if fit >= 1
            else "raise the integration's TimeoutInMillis"
        )
        message = (
            f"function '{function.id}' may run {runs} s but {describe(model, trigger)} "
            f"waits only {waits} s ({why}), then {_gives_up(trigger)} while the function "
            f"runs on; "
            f"{fix}, or move long work to an asynchronous invocation that the API only starts"
        )
        return self.report(
            function.timeout.location, message, resource=function, related=(trigger.location,)
        )


def _only_disconnect(trigger: ApiTrigger) -> bool:
    """A WebSocket integration used by ``$disconnect`` alone: no client waits for it."""
    routes = trigger.routes
    return (
        trigger.api == "websocket"
        and isinstance(routes, tuple)
        and routes == ("$disconnect",) * len(routes)
        and bool(routes)
    )


def _gives_up(trigger: ApiTrigger) -> str:
    if trigger.api == "websocket":
        return "sends the client an 'Endpoint request timed out' error"
    return "answers 504 Gateway Timeout"


def _seconds(milliseconds: int) -> str:
    seconds = milliseconds / 1000
    return str(int(seconds)) if seconds.is_integer() else f"{seconds:g}"
