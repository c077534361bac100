"""invokelint as a CDK policy-validation plugin: ``cdk synth`` reports its findings.

    from aws_cdk import App
    from invokelint.cdk_validation import InvokelintValidation

    app = App(policy_validation_beta1=[InvokelintValidation()])

CDK calls ``validate`` once synthesis has written the templates (and staged the assets),
with the paths of every stack template. Each template is linted as ``invokelint check``
would lint it, handler code of ``Code.fromAsset`` functions included; each finding becomes
a violation of the resource it is about, and CDK's validation report names that resource
by construct path (and by source line when synthesized with ``--debug``). Any finding at
or above ``fail_on`` (``error`` by default) makes the report unsuccessful, which fails
``cdk synth``. The project's configuration (``.invokelint.toml`` / ``[tool.invokelint]``,
found from the app's working folder) selects and ignores rules as in ``invokelint check``.

Only a CDK app imports this module; it needs ``aws-cdk-lib`` (the ``cdk`` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii

from invokelint import __version__
from invokelint.config import Config, find_config, load_config
from invokelint.diagnostics import Diagnostic, Severity
from invokelint.engine import Linter
from invokelint.rules import all_rules

# CDK's report knows two severities besides free text; info stays informational.
_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


@jsii.implements(cdk.IPolicyValidationPluginBeta1)
class InvokelintValidation:
    """The plugin; ``fail_on`` is the lowest severity that fails synthesis."""

    def __init__(self, fail_on: Severity | str = Severity.ERROR, config: Config | None = None):
        self._fail_on = Severity(fail_on)
        self._config = config

    @property
    def name(self) -> str:
        return "invokelint"

    @property
    def version(self) -> str:
        return __version__

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in all_rules()]

    def validate(
        self, context: cdk.IPolicyValidationContextBeta1
    ) -> cdk.PolicyValidationPluginReportBeta1:
        templates = [Path(path) for path in context.template_paths]
        config = self._config or load_config(find_config(Path.cwd()))
        diagnostics = Linter(config).lint(templates).diagnostics
        return report(diagnostics, templates, self._fail_on)


def report(
    diagnostics: Sequence[Diagnostic], templates: Sequence[Path], fail_on: Severity
) -> cdk.PolicyValidationPluginReportBeta1:
    """CDK's report of ``diagnostics``: one violation per rule, listing its resources."""
    by_rule: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_rule.setdefault(diagnostic.code, []).append(diagnostic)
    violations = [_violation(found, templates) for found in by_rule.values()]
    failed = any(d.severity.rank >= fail_on.rank for d in diagnostics)
    return cdk.PolicyValidationPluginReportBeta1(success=not failed, violations=violations)


def _violation(found: list[Diagnostic], templates: Sequence[Path]) -> Any:
    first = found[0]
    worst = max(found, key=lambda d: d.severity.rank).severity
    resources = [
        cdk.PolicyViolatingResourceBeta1(
            resource_logical_id=d.resource or "",
            template_path=_template_of(d, templates),
            locations=[f"{d.location} {d.message}"],
        )
        for d in found
    ]
    return cdk.PolicyViolationBeta1(
        rule_name=f"{first.code} {first.name}",
        description=first.message,
        violating_resources=resources,
        severity=_SEVERITY[worst],
        rule_metadata={"documentation": f"invokelint rule {first.code}"},
    )


def _template_of(diagnostic: Diagnostic, templates: Sequence[Path]) -> str:
    """The template the finding's resource is in (code findings name it as their
    resource location); CDK maps the logical id to a construct path within it."""
    where = (diagnostic.resource_location or diagnostic.location).path
    for template in templates:
        if Path(where).resolve() == template.resolve():
            return str(template)
    return str(templates[0]) if templates else where
