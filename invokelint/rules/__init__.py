"""The rule registry: every module ``ilNNN_<name>.py`` in this package holds one rule.

Adding a rule means adding a module; nothing else needs registering.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from invokelint.rules.base import Rule

_RULE_MODULE = re.compile(r"^il\d{3}_\w+$")


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class, sorted by id."""
    found: list[type[Rule]] = []
    for module_info in pkgutil.iter_modules(__path__):
        if not _RULE_MODULE.match(module_info.name):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Rule)
            and value is not Rule
            and value.__module__ == module.__name__
        )
    return tuple(sorted(found, key=lambda rule: rule.id))


def get_rule(code: str) -> type[Rule] | None:
    """The rule with id ``code`` (case-insensitive) or name ``code``."""
    wanted = code.strip()
    for rule in all_rules():
        if rule.id == wanted.upper() or rule.name == wanted.lower():
            return rule
    return None
