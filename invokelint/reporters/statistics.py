"""``--statistics``: findings per rule, then run totals; the same numbers as text or JSON.

Counts only: a timing (a key ending in `` (ms)``) differs from run to run, so it is never
printed among the counts, and the output of two runs on the same tree is identical.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from invokelint.engine import LintResult

TIMING_SUFFIX = " (ms)"


def counts(result: LintResult) -> dict[str, Any]:
    """``rules``: code, name, count (most frequent first); ``totals``: what the run saw."""
    names = {d.code: d.name for d in result.diagnostics}
    per_rule = Counter(d.code for d in result.diagnostics)
    rules = [
        {"code": code, "name": names[code], "count": count}
        for code, count in sorted(per_rule.items(), key=lambda item: (-item[1], item[0]))
    ]
    totals = {
        key: count
        for key, count in sorted(result.statistics.items())
        if not key.endswith(TIMING_SUFFIX)
    }
    return {"rules": rules, "totals": totals}


def render(result: LintResult, *, as_json: bool = False) -> str:
    """``count<TAB>code<TAB>name`` per rule then ``count<TAB>-<TAB>what`` (as ruff), or JSON."""
    table = counts(result)
    if as_json:
        return json.dumps(table, indent=2) + "\n"
    lines = [f"{r['count']}\t{r['code']}\t{r['name']}" for r in table["rules"]]
    lines.extend(f"{count}\t-\t{key}" for key, count in table["totals"].items())
    return "".join(line + "\n" for line in lines)
