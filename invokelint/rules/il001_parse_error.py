"""IL001 parse-error."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel
from invokelint.rules.base import Rule, bad, good


class ParseErrorRule(Rule):
    """
    ## What it does
    Reports a template, Terraform file or handler file that cannot be read or parsed, at
    the line and column where the parser gave up. A key written twice in one mapping is
    reported too, at the second one, with a message of its own: the file still loads,
    and the later value wins.

    ## Why is this bad?
    A file that does not parse cannot be deployed, and nothing else in it can be
    checked: every other rule stays silent on it. The run exits with status 2 (even with
    `--exit-zero`) so that a broken file never passes CI as "no findings".

    A duplicate key is different: depending on the tool the template is rejected or the
    later value silently wins, but invokelint can still read it. The
    rest of the file is linted with the later value, and the finding counts like any
    other error: the exit status is 1 (0 with `--exit-zero`, or when `--fail-on` or
    `ignore` leaves errors out).
    """

    id = "IL001"
    name = "parse-error"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.ERROR
    summary = "A template, Terraform or handler file cannot be parsed."
    examples = (
        bad(
            "A flow sequence that is never closed:",
            """
            Resources:
              Queue:
                Type: AWS::SQS::Queue
                Properties:
                  Tags: [{Key: team, Value: orders}
            """,
        ),
        bad(
            "A property written twice: the first value is lost.",
            """
            Resources:
              Queue:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 60
                  VisibilityTimeout: 120
            """,
        ),
        good(
            "Well-formed YAML:",
            """
            Resources:
              Queue:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 120
                  Tags: [{Key: team, Value: orders}]
            """,
        ),
    )
    references = ("https://yaml.org/spec/1.2.2/",)

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        """Parse errors come from the loaders, before there is a model to check."""
        return iter(())
