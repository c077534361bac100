"""IL302 function-url-exposure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import Fix, remove_entry
from invokelint.model import ExternalArn, Function, InvocationModel, Location, UrlTrigger
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.sync_invocation import resource_of


class FunctionUrlExposure(Rule):
    """
    ## What it does
    Checks function URLs (SAM `FunctionUrlConfig`, `AWS::Lambda::Url`): a **warning**
    when `AuthType` is `NONE`, an **error** when `Cors.AllowCredentials` is true while
    `Cors.AllowOrigins` contains `*`.

    ## Why is this bad?
    A function URL with `AuthType: NONE` is a public HTTPS endpoint: anyone who learns
    the URL can invoke the function as often as they like, and every call is billed and
    counts against the function's concurrency. That is right for a deliberate public
    webhook that authenticates callers itself, and wrong for anything else: use
    `AWS_IAM` (signed requests, or CloudFront with origin access control in front).

    Browsers refuse a credentialed response whose `Access-Control-Allow-Origin` is the
    wildcard `*`, so a URL that allows credentials from any origin cannot serve the
    cookies or authorization headers it was configured for. Name the origins that may
    send credentials.
    """

    id = "IL302"
    name = "function-url-exposure"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = "A function URL is public, or its CORS allows credentials from any origin."
    examples = (
        bad(
            "Anyone on the internet can invoke this function:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Admin:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  FunctionUrlConfig:
                    AuthType: NONE
            """,
        ),
        bad(
            "Credentials allowed from every origin:",
            """
            Resources:
              Profile:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/profile
                  Code:
                    ZipFile: |
                      def handler(event, context):
                          return {"statusCode": 200}
              ProfileUrl:
                Type: AWS::Lambda::Url
                Properties:
                  TargetFunctionArn: !GetAtt Profile.Arn
                  AuthType: AWS_IAM
                  Cors:
                    AllowCredentials: true
                    AllowOrigins:
                      - "*"
            """,
        ),
        bad(
            "Terraform: a function URL anyone can call:",
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
                  authorization_type = "NONE"
                }
                """
            },
        ),
        good(
            "IAM authentication, credentials only from the site's own origin:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Profile:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  FunctionUrlConfig:
                    AuthType: AWS_IAM
                    Cors:
                      AllowCredentials: true
                      AllowOrigins:
                        - https://www.example.com
            """,
        ),
        good(
            "An auth type from a parameter cannot be judged:",
            """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              UrlAuth:
                Type: String
                AllowedValues: [NONE, AWS_IAM]
            Resources:
              Profile:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  FunctionUrlConfig:
                    AuthType: !Ref UrlAuth
            """,
        ),
        good(
            "Terraform: IAM authorization:",
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
    fix_safety = (
        "unsafe",
        (
            "for credentials allowed from origin `*` it removes `Cors.AllowCredentials`. "
            "Browsers already refuse those credentialed responses, but the URL may have been "
            "meant to serve cookies to named origins: listing them in `AllowOrigins` instead "
            "is a human's call. `AuthType: NONE` gets no fix. None either when the setting "
            "sits in SAM `Globals` and another function URL with named origins shares it. In "
            "Terraform it removes `allow_credentials` from the `cors` block of "
            "`aws_lambda_function_url` (not in `.tf.json`, where nothing is removed)."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/CORSNotSupportingCredentials",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        # A FunctionUrlConfig in SAM Globals is shared: one diagnostic per place written.
        public: dict[Location, list[UrlTrigger]] = defaultdict(list)
        wildcard: dict[Location, list[UrlTrigger]] = defaultdict(list)
        for trigger in model.sync_triggers:
            if not isinstance(trigger, UrlTrigger):
                continue
            auth = trigger.auth_type
            if auth.known and isinstance(auth.value, str) and auth.value.upper() == "NONE":
                public[auth.location].append(trigger)
            credentials, origins = trigger.cors_allow_credentials, trigger.cors_allow_origins
            if credentials.value is True and origins.known and "*" in origins.value:
                wildcard[origins.location].append(trigger)
        for location, triggers in public.items():
            yield self.report(
                location,
                f"{_names(triggers)} {_verb(triggers)} AuthType NONE: anyone who finds the URL "
                f"can invoke the function, and every call is billed; use AWS_IAM unless the "
                f"function is meant to be public and authenticates callers itself",
                resource=resource_of(model, triggers[0]),
            )
        for location, triggers in wildcard.items():
            yield self.report(
                location,
                f"{_names(triggers)} {'allows' if len(triggers) == 1 else 'allow'} credentials "
                f"(Cors.AllowCredentials true) from any origin (AllowOrigins '*'): browsers "
                f"reject credentialed responses for the wildcard origin; list the origins that "
                f"may send credentials",
                resource=resource_of(model, triggers[0]),
                severity=Severity.ERROR,
                related=(triggers[0].cors_allow_credentials.location,),
                fix=_drop_credentials(model, triggers),
            )


def _drop_credentials(model: InvocationModel, triggers: list[UrlTrigger]) -> Fix | None:
    """Remove the ``AllowCredentials: true`` these URLs share, unless another URL (one
    with named origins, through SAM ``Globals``) also reads it."""
    written = {t.cors_allow_credentials.location for t in triggers}
    setting = triggers[0].cors_allow_credentials
    if len(written) != 1 or not setting.explicit:
        return None
    flagged = {id(t) for t in triggers}
    for other in model.sync_triggers:
        if (
            isinstance(other, UrlTrigger)
            and other.cors_allow_credentials.location == setting.location
            and id(other) not in flagged
        ):
            return None
    return remove_entry(
        setting.location,
        "AllowCredentials",
        "remove Cors.AllowCredentials (browsers refuse credentials for origin '*')",
        given=(triggers[0].cors_allow_origins.location,),
    )


def _names(triggers: list[UrlTrigger]) -> str:
    names = ", ".join(_url_name(t) for t in triggers)
    return f"the function URL{'s' if len(triggers) > 1 else ''} of {names}"


def _verb(triggers: list[UrlTrigger]) -> str:
    return "has" if len(triggers) == 1 else "have"


def _url_name(trigger: UrlTrigger) -> str:
    function = trigger.function
    if isinstance(function, Function):
        return f"'{function.id}'"
    if isinstance(function, ExternalArn):
        return function.arn
    return f"'{trigger.id}'"
