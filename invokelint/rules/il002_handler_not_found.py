"""IL002 handler-not-found."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.code.facts import HandlerMissing
from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel
from invokelint.rules.base import Rule, bad, good


class HandlerNotFound(Rule):
    """
    ## What it does
    Checks that the `Handler` of a Python function names a module that exists in the
    function's code (a SAM `CodeUri` folder, a local `.zip`, a single `.py` file, or
    `Code.ZipFile` inline code, which Lambda saves as `index.py`) and a top-level
    function in that module. `module.function`, `pkg/module.function` and
    `pkg.module.function` are understood the way the Python runtime imports them.

    Code that is not on disk (an S3 location, a container image, a build output that
    does not exist yet, a folder without any Python file, a folder outside the project)
    is not checked, nor is a handler that a layer may provide or an
    `AWS_LAMBDA_EXEC_WRAPPER` replaces. Inline code that defines the handler's function
    under another module name is taken for a placeholder that a later
    `update-function-code` replaces.

    ## Why is this bad?
    The deployment succeeds, and every invocation then fails with
    `Runtime.ImportModuleError` or `Runtime.HandlerNotFound`. Events from queues and
    streams are retried until they expire or reach a dead-letter queue; requests from
    API Gateway get 502 errors.
    """

    id = "IL002"
    name = "handler-not-found"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.ERROR
    summary = "A Python function's Handler names a module or function its code does not have."
    uses_code = True
    examples = (
        bad(
            "The handler function is called `lambda_handler`, not `handler`:",
            files={
                "template.yaml": """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Worker:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: src/
                """,
                "src/app.py": """
                def lambda_handler(event, context):
                    return None
                """,
            },
        ),
        bad(
            "Inline code is saved as `index.py`: this handler names neither its module nor "
            "its function:",
            """
            Resources:
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  Role: arn:aws:iam::123456789012:role/worker
                  Code:
                    ZipFile: |
                      def lambda_handler(event, context):
                          return None
            """,
        ),
        bad(
            "Terraform: the handler is looked up in the `archive_file` `source_dir`:",
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
                def lambda_handler(event, context):
                    return None
                """,
            },
        ),
        good(
            "The handler names a module and function that exist:",
            files={
                "template.yaml": """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Worker:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: orders/app.handler
                      CodeUri: src/
                """,
                "src/orders/app.py": """
                def handler(event, context):
                    return None
                """,
            },
        ),
        good(
            "Code built into a folder that does not exist yet is not checked:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: build/worker/
            """,
        ),
        good(
            "Terraform: `handler` names the function the archive holds:",
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
                  handler          = "app.lambda_handler"
                  filename         = data.archive_file.worker.output_path
                  source_code_hash = data.archive_file.worker.output_base64sha256
                }
                """,
                "src/app.py": """
                def lambda_handler(event, context):
                    return None
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/python-package.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function in model.functions:
            missing = model.handler(function)
            if not isinstance(missing, HandlerMissing):
                continue
            yield self.report(
                function.handler.location,
                f"function '{function.id}': {missing.reason}; every invocation would fail "
                f"with Runtime.ImportModuleError or Runtime.HandlerNotFound",
                resource=function,
            )
