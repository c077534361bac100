"""Inline suppressions: ``# invokelint: ignore[IL101, IL103]`` (``//`` in Terraform too).

A comment suppresses the named rules for a diagnostic reported on its line or for any
diagnostic about the resource whose first line carries it. Rule names work as well as
ids. There is deliberately no bare "ignore everything" form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from invokelint.diagnostics import Diagnostic

MARKER = "invokelint:"
# ``#`` in YAML, Python and HCL; ``//`` in HCL too.
COMMENT = re.compile(r"(?:#|//)\s*invokelint:\s*ignore\[([^\]]*)\]")


def inline_suppressions(text: str, names: Mapping[str, str]) -> dict[int, frozenset[str]]:
    """Line number (1-based) -> rule ids suppressed by a comment on that line.

    ``names`` maps rule names to ids so that ``ignore[sqs-visibility-timeout]`` works.
    """
    if MARKER not in text:
        return {}
    found: dict[int, frozenset[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if MARKER not in line:
            continue
        codes: set[str] = set()
        for match in COMMENT.finditer(line):
            for item in match.group(1).split(","):
                item = item.strip()
                if item:
                    codes.add(names.get(item.lower(), item.upper()))
        if codes:
            found[number] = frozenset(codes)
    return found


def is_suppressed(
    diagnostic: Diagnostic,
    comments: Mapping[str, Mapping[int, frozenset[str]]],
    resource_ignores: frozenset[str] = frozenset(),
) -> bool:
    """By resource metadata, or by a comment on the reported or the resource's line."""
    if diagnostic.code in resource_ignores or diagnostic.name.upper() in resource_ignores:
        return True
    lines = [(diagnostic.location.path, diagnostic.location.line)]
    if diagnostic.resource_location is not None:
        lines.append((diagnostic.resource_location.path, diagnostic.resource_location.line))
    return any(diagnostic.code in comments.get(path, {}).get(line, ()) for path, line in lines)
