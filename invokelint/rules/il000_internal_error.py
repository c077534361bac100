"""IL000 internal-error."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel
from invokelint.rules.base import Rule, good


class InternalErrorRule(Rule):
    """
    ## What it does
    Reports a file on which invokelint itself failed: an unexpected exception while
    reading, modelling or checking it. The message names the exception. Every other file
    of the run is still linted and reported in full, and the run exits with status 2.

    ## Why is this bad?
    It is a bug in invokelint, not in your file, but the file was not (fully) checked:
    its findings may be missing, so the run must not pass as "no findings". Please
    report it with the traceback printed when the run is repeated with
    `INVOKELINT_DEBUG=1` (which lets the exception through instead of reporting IL000).
    Until it is fixed, `--ignore IL000` or a `per-file-ignores` entry lets the run pass.

    There is no failing example: any input that triggers it is a bug to fix.
    """

    id = "IL000"
    name = "internal-error"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.ERROR
    summary = "invokelint failed on this file; its other findings may be missing."
    examples = (
        good(
            "Any template invokelint can read, even one with odd values, is checked normally:",
            """
            Resources:
              Queue:
                Type: AWS::SQS::Queue
                Properties:
                  QueueName: !Sub ["${A}", 1]
                  VisibilityTimeout: 0xfffffffffffffffffffffffffffffffffffffffffffffffffff
            """,
        ),
    )
    references = ("https://github.com/invokelint/invokelint/issues",)

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        """Internal errors come from the engine, which runs each file in isolation."""
        return iter(())
