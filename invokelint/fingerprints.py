"""A finding's identity across runs: what SARIF, GitLab and baselines recognise it by.

The hash covers the rule, the repository-relative path, the resource and the message,
but no line or column, so a finding keeps its identity when lines above it move. Two
identical findings in one file are told apart by their order (``:1``, ``:2``, ...).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable

from invokelint.diagnostics import Diagnostic


def fingerprint(diagnostic: Diagnostic, path: str) -> str:
    """32 hex digits; ``path`` is the repository-relative path of the finding's file."""
    identity = "\0".join((diagnostic.code, path, diagnostic.resource or "", diagnostic.message))
    data = identity.encode("utf-8", "surrogatepass")  # a file name need not be UTF-8
    return hashlib.sha256(data).hexdigest()[:32]


def numbered(
    diagnostics: Iterable[Diagnostic], source_path: Callable[[str], str]
) -> list[tuple[Diagnostic, str]]:
    """Each diagnostic with ``fingerprint:n``, n counting identical findings (sorted input)."""
    seen: Counter[str] = Counter()
    found = []
    for diagnostic in diagnostics:
        base = fingerprint(diagnostic, source_path(diagnostic.path))
        seen[base] += 1
        found.append((diagnostic, f"{base}:{seen[base]}"))
    return found
