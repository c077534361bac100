"""Every bound of ``invokelint.limits`` is listed in the README with its value."""

from __future__ import annotations

import re

from helpers import REPO

from invokelint import limits

BOUND = re.compile(r"^\| `(MAX_[A-Z_]+)` \| ([^|]+) \|", re.MULTILINE)
UNITS = {"MiB": 1024 * 1024}


def _value(text: str) -> int:
    number, _, unit = text.strip().partition(" ")
    return int(number.replace(",", "")) * UNITS.get(unit, 1)


def test_readme_lists_every_bound_with_its_value():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Limits") :]
    section = section[: section.index("\n## ", 1)]
    listed = {name: _value(value) for name, value in BOUND.findall(section)}
    bounds = {
        name: value
        for name, value in vars(limits).items()
        if name.startswith("MAX_") and isinstance(value, int | float)
    }
    assert listed == bounds, "README 'Limits' and invokelint/limits.py disagree"
