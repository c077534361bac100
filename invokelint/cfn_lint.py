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
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.reporters.sarif_report import full_description
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

    enabled = False  # as cfn-lint last asked (it asks before any rule runs)

    def __init__(self) -> None:
        super().__init__()
        if self.id in SAME_PROBLEM:
            self.child_rules = _NativeTwin(self, SAME_PROBLEM[self.id])

    def is_enabled(
        self,
        include_experimental: bool = False,
        ignore_rules: list[str] | None = None,
        include_rules: list[str] | None = None,
        mandatory_rules: list[str] | None = None,
    ) -> bool:
        included = [*(include_rules or []), "IL"]
        self.enabled = super().is_enabled(
            include_experimental, ignore_rules, included, mandatory_rules
        )
        return self.enabled

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

    def reported_resources(self, cfn: Any) -> set[str]:
        """Resources this rule reports in ``cfn``'s file (none when it is not enabled, or
        when the resource's cfn-lint metadata ignores it)."""
        if not self.enabled or not getattr(cfn, "filename", None):
            return set()
        try:
            found = findings(cfn.filename)
        except InvokelintConfigError:
            return set()
        ignored = set(cfn.get_directives().get(self.id, ()))
        return {d.resource for d in found if d.code == self.id and d.resource} - ignored

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


# A native cfn-lint rule that reports a case of an invokelint rule on the same line:
# E3505 is IL103's error case (visibility timeout below the function timeout). Where both
# fire, only invokelint's finding stays, since its message names the value to set.
SAME_PROBLEM = {"IL103": "E3505"}


class _NativeTwin(dict):  # type: ignore[type-arg]
    """``child_rules`` of a rule with a native twin. cfn-lint stores the twin's instance
    here before any rule runs; its findings on a resource that the invokelint rule
    reports are then dropped (cfn-lint's own ``child_rules`` hand-over, nothing patched
    globally). When the invokelint rule is off or ignored there, the twin reports."""

    def __init__(self, owner: InvokelintRule, native: str) -> None:
        super().__init__({native: None})
        self.owner, self.native = owner, native

    def __setitem__(self, key: str, rule: Any) -> None:
        super().__setitem__(key, rule)
        if key == self.native and rule is not None and not hasattr(rule, "_invokelint_twin"):
            rule._invokelint_twin = self.owner
            rule.validate = _without(rule.validate, self.owner)


def _without(validate: Any, owner: InvokelintRule) -> Any:
    def validate_where_not_reported(validator: Any, *args: Any) -> Any:
        hidden = owner.reported_resources(getattr(validator, "cfn", None))
        for error in validate(validator, *args):
            path = list(getattr(error, "path_override", None) or ())
            if len(path) >= 2 and path[0] == "Resources" and path[1] in hidden:
                continue
            yield error

    return validate_where_not_reported


def _rule_class(rule: type[Rule]) -> type[InvokelintRule]:
    return type(
        rule.id,
        (InvokelintRule,),
        {
            "__module__": __name__,
            "__doc__": rule.summary,
            "id": rule.id,
            # as cfn-lint's own rules: a sentence, then a line on what exactly is checked
            "shortdesc": rule.summary.rstrip("."),
            "description": f"{_first_sentence(full_description(rule))} (invokelint {rule.name})",
            "source_url": rule.docs_url(),
            "invokelint_rule": rule,
        },
    )


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[0]


_RULE_IDS = [rule.id for rule in all_rules() if rule.id.startswith(FAMILIES)]
globals().update({rule.id: _rule_class(rule) for rule in all_rules() if rule.id in _RULE_IDS})
