"""IL003 handler-signature."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import analysed

_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
"""


class HandlerSignature(Rule):
    """
    ## What it does
    Checks that a Python handler can be called the way Lambda calls it:
    `handler(event, context)`, with two positional arguments. It reports a handler that
    takes fewer parameters (and no `*args`), more required ones, or a required
    keyword-only parameter.

    A handler wrapped by a decorator that is not known to keep the signature (anything
    but the usual Powertools, Datadog and Sentry wrappers) is not checked: the
    decorator may adapt the call.

    ## Why is this bad?
    Every invocation fails with a `TypeError` before the first line of the handler
    runs. Nothing in the deployment notices.
    """

    id = "IL003"
    name = "handler-signature"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.ERROR
    summary = "A Python handler cannot be called with (event, context)."
    uses_code = True
    examples = (
        bad(
            "The handler forgot the context parameter:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                def handler(event):
                    return {"ok": True}
                """,
            },
        ),
        bad(
            "Terraform: the archived handler takes only the event:",
            files={
                "main.tf": """
                data "archive_file" "worker" {
                  type        = "zip"
                  source_dir  = "${path.module}/src"
                  output_path = "${path.module}/build/worker.zip"
                }

                resource "aws_lambda_function" "worker" {
                  function_name    = "worker"
                  role             = "arn:aws:iam::123456789012:role/worker"
                  runtime          = "python3.12"
                  handler          = "app.handler"
                  filename         = data.archive_file.worker.output_path
                  source_code_hash = data.archive_file.worker.output_base64sha256
                }
                """,
                "src/app.py": """
                def handler(event):
                    return None
                """,
            },
        ),
        good(
            "Both parameters, even when the context is not used:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                def handler(event, _context):
                    return {"ok": True}
                """,
            },
        ),
        good(
            "Terraform: the archived handler takes the event and the context:",
            files={
                "main.tf": """
                data "archive_file" "worker" {
                  type        = "zip"
                  source_dir  = "${path.module}/src"
                  output_path = "${path.module}/build/worker.zip"
                }

                resource "aws_lambda_function" "worker" {
                  function_name    = "worker"
                  role             = "arn:aws:iam::123456789012:role/worker"
                  runtime          = "python3.12"
                  handler          = "app.handler"
                  filename         = data.archive_file.worker.output_path
                  source_code_hash = data.archive_file.worker.output_base64sha256
                }
                """,
                "src/app.py": """
                def handler(event, context):
                    return None
                """,
            },
        ),
    )
    references = ("https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html",)

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function, facts in analysed(model):
            signature = facts.signature
            if signature is None or signature.decorated or signature.accepts_two_positional:
                continue
            yield self.report(
                facts.definition,
                f"handler '{facts.name}{signature.parameters}' of function '{function.id}' "
                f"cannot be called as {facts.name}(event, context), so every invocation fails "
                f"with a TypeError; define it as 'def {facts.name}(event, context)'",
                resource=function,
            )
