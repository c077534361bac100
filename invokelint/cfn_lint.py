"""invokelint's template rules inside a cfn-lint run.

    cfn-lint --append-rules invokelint.cfn_lint -- template.yaml

cfn-lint instantiates every ``CloudFormationLintRule`` subclass it finds in this module:
one per invokelint rule of the IL1xx-IL3xx families (poll, asynchronous and synchronous
invocation), with invokelint's id, name, page and messages. cfn-lint rewrites a SAM
template before its rules run, so these rules do not read cfn-lint's copy: they lint
the file cfn-lint names with invokelint's own engine (once per file, shared by all the
rules) and hand back each finding with its line and column in the original file.

What cfn-lint users expect still holds: ``--ignore-checks IL103`` (or ``IL2``) and
``Metadata: cfn-lint: config: ignore_checks`` skip findings, and a finding's severity
sets cfn-lint's exit status. cfn-lint runs only rules whose ids start with an
``--include-checks`` prefix (``E`` and ``W`` unless told more); appending these rules
is the request to run them, so ``IL`` counts as included. The project's invokelint
configuration (``.invokelint.toml`` / ``[tool.invokelint]``) and
``# invokelint: ignore[...]`` comments apply as in ``invokelint check``.

Only cfn-lint imports this module; it needs the ``cfn-lint`` extra.
"""

from __future__ import annotations

import copy
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.rules import all_rules
from invokelint.rules.base import Rule

FAMILIES = ("IL1", "IL2", "IL3")
SEVERITIES = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "informational"}


class InvokelintConfigError(Exception):
    """The project's invokelint configuration is invalid (reported once per template)."""


@lru_cache(maxsize=64)
def _findings(path: str, stamp: tuple[int, int]) -> tuple[Diagnostic, ...]:
    """invokelint's IL1xx-IL3xx findings in ``path`` (``stamp``: mtime and size)."""
    from invokelint.config import ConfigError, find_config, load_config
    from invokelint.engine import Linter

    template = Path(path)
    try:
        config = load_config(find_config(template))
    except ConfigError as error:
        raise InvokelintConfigError(str(error)) from None
    others = tuple(rule.id for rule in all_rules() if not rule.id.startswith(FAMILIES))
    config.ignore = (*config.ignore, *others)
    linter = Linter(config, cwd=template.parent)
    result = linter.lint([template])
    return tuple(d for d in result.diagnostics if os.path.abspath(template.parent / d.path) == path)


def findings(filename: str) -> tuple[Diagnostic, ...]:
    path = os.path.abspath(filename)
    try:
        stat = os.stat(path)
    except OSError:
        return ()  # cfn-lint reported the unreadable file already
    return _findings(path, (stat.st_mtime_ns, stat.st_size))


class InvokelintRule(CloudFormationLintRule):
    """One invokelint rule as cfn-lint sees it; subclasses set ``invokelint_rule``.

    cfn-lint instantiates this base class too, and drops it because its id is empty.
    """

    invokelint_rule: ClassVar[type[Rule]]
    tags: ClassVar[list[str]] = ["invokelint", "lambda"]
    _severity: str | None = None

    @property
    def severity(self) -> str:
        return self._severity or SEVERITIES[self.invokelint_rule.severity]

    def is_enabled(
        self,
        include_experimental: bool = False,
        ignore_rules: list[str] | None = None,
        include_rules: list[str] | None = None,
        mandatory_rules: list[str] | None = None,
    ) -> bool:
        included = [*(include_rules or []), "IL"]
        return super().is_enabled(include_experimental, ignore_rules, included, mandatory_rules)

    def match(self, cfn: Any) -> list[RuleMatch]:
        if not cfn.filename or cfn.filename == "-":
            return []  # read from stdin: there is no file to lint with the original lines
        try:
            found = findings(cfn.filename)
        except InvokelintConfigError as error:
            if self.id != _RULE_IDS[0]:
                return []  # say it once per template, not once per rule
            return [RuleMatch(["Resources"], f"invokelint configuration: {error}")]
        return [self._match(d) for d in found if d.code == self.id]

    def _match(self, diagnostic: Diagnostic) -> RuleMatch:
        loc = diagnostic.location
        path = ["Resources", diagnostic.resource] if diagnostic.resource else ["Resources"]
        return RuleMatch(
            path,
            diagnostic.message,
            location=(loc.line - 1, loc.column - 1, loc.end_line - 1, loc.end_column - 1),
            rule=self._at(diagnostic.severity),
        )

    def _at(self, severity: Severity) -> CloudFormationLintRule:
        """This rule at ``severity``: cfn-lint reads a finding's severity from its rule."""
        if SEVERITIES[severity] == self.severity:
            return self
        variant = copy.copy(self)
        variant._severity = SEVERITIES[severity]
        return variant


def _rule_class(rule: type[Rule]) -> type[InvokelintRule]:
    return type(
        rule.id,
        (InvokelintRule,),
        {
            "__module__": __name__,
            "__doc__": rule.summary,
            "id": rule.id,
            "shortdesc": rule.name,
            "description": rule.summary,
            "source_url": rule.docs_url(),
            "invokelint_rule": rule,
        },
    )


_RULE_IDS = [rule.id for rule in all_rules() if rule.id.startswith(FAMILIES)]
globals().update({rule.id: _rule_class(rule) for rule in all_rules() if rule.id in _RULE_IDS})
