"""The shape every rule takes: metadata, documentation and examples in one class.

A rule module holds one ``Rule`` subclass. Its docstring is the "What it does" /
"Why is this bad?" text in Markdown; ``examples`` are small projects that must (``bad``)
or must not (``good``) trigger it. The same class feeds ``invokelint rule ILxxx``, the
page ``rules/ILxxx.md`` (generated, see ``invokelint.rules.docs``), SARIF help text and
the test suite, which runs every example.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel, Location, Resource

if TYPE_CHECKING:
    from invokelint.fixes import Fix

DOCS_URL = "https://github.com/invokelint/invokelint/blob/main/rules/{id}.md"

# What a rule can read, in the order its page lists them. CDK output is CloudFormation:
# a rule that reads CloudFormation reads a cloud assembly's templates unchanged.
INPUTS = {
    "cloudformation": "CloudFormation",
    "sam": "SAM",
    "cdk": "CDK (through its CloudFormation output)",
    "terraform": "Terraform",
    "serverless": "serverless.yml",
    "handler": "Python handler code",
}


@dataclass(frozen=True)
class Example:
    """A tiny project: ``files`` maps a relative path to its text.

    ``bad`` examples must produce the rule's code, ``good`` ones must not. ``note`` is the
    sentence shown above the example on the rule page.
    """

    note: str
    files: Mapping[str, str]
    bad: bool


def bad(
    note: str, template: str | None = None, *, files: Mapping[str, str] | None = None
) -> Example:
    """A failing example: one template (``template.yaml``), or several named files."""
    return Example(note, _files(template, files), bad=True)


def good(
    note: str, template: str | None = None, *, files: Mapping[str, str] | None = None
) -> Example:
    """A passing example: one template (``template.yaml``), or several named files."""
    return Example(note, _files(template, files), bad=False)


def _files(template: str | None, files: Mapping[str, str] | None) -> dict[str, str]:
    named = dict(files or {})
    if template is not None:
        named["template.yaml"] = template
    return {path: inspect.cleandoc(text) + "\n" for path, text in named.items()}


@dataclass(frozen=True)
class Option:
    """A per-project setting of a rule, validated as a JSON Schema fragment."""

    default: Any
    schema: Mapping[str, Any]
    description: str


@dataclass(frozen=True)
class Counterpart:
    """A rule of another linter that reports the same problem, part of it, or the opposite.

    Rendered on the rule page and in ``docs/coming-from.md``, so teams that run cfn-lint,
    cfn-lint-serverless or checkov beside invokelint know which findings meet and how to
    configure the tools together.
    """

    tool: str  # "cfn-lint", "cfn-lint-serverless", "checkov"
    rule: str  # its id: "E3505", "ES1001", "CKV_AWS_116"
    relation: str  # "overlaps" or "contradicts"
    note: str  # what the other rule checks, and what to configure


class Rule:
    """Base class: subclasses set the metadata and implement ``check``."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    # the inputs (keys of INPUTS) it reads; tests/test_rule_inputs.py ties each to fixtures
    inputs: ClassVar[tuple[str, ...]] = ()
    examples: ClassVar[tuple[Example, ...]] = ()
    options: ClassVar[Mapping[str, Option]] = {}
    references: ClassVar[tuple[str, ...]] = ()
    counterparts: ClassVar[tuple[Counterpart, ...]] = ()  # the same check in other linters
    # ("safe" | "unsafe" | "sometimes unsafe", why) when the rule attaches fixes
    fix_safety: ClassVar[tuple[str, str] | None] = None
    uses_code: ClassVar[bool] = False  # reads handler code facts (skipped with --no-code)

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        values = {name: option.default for name, option in self.options.items()}
        values.update(options or {})
        self.settings: dict[str, Any] = values

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        """Yield diagnostics for ``model``. Stay silent where a value is unknown."""
        raise NotImplementedError

    # -- helpers for subclasses
    def report(
        self,
        location: Location,
        message: str,
        *,
        resource: Resource | str | None = None,
        resource_location: Location | None = None,
        severity: Severity | None = None,
        related: tuple[Location, ...] = (),
        fix: Fix | None = None,
    ) -> Diagnostic:
        if isinstance(resource, Resource):
            resource_location = resource_location or resource.location
            resource = resource.id
        return Diagnostic(
            code=self.id,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            location=location,
            resource=resource,
            resource_location=resource_location,
            related=related,
            fix=fix,
        )

    @classmethod
    def docs_url(cls) -> str:
        return DOCS_URL.format(id=cls.id)

    @classmethod
    def description(cls) -> str:
        """The rule's docstring (Markdown sections), dedented."""
        return inspect.cleandoc(cls.__doc__ or "")
