r"""Inline suppressions: ``# invokelint: ignore[IL101, IL103]`` (``//`` in Terraform too).

A comment suppresses the named rules for a diagnostic reported on its line or for any
diagnostic about the resource whose first line carries it. Rule names work as well as
ids. There is deliberately no bare "ignore everything" form.

Comments are found by a scan that looks at each character a bounded number of times: a
regular expression with a ``[^\]]*`` group backtracks over the rest of the line for
every ``#`` on it, which made a 1 MiB comment line take minutes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from invokelint.diagnostics import Diagnostic

MARKER = "invokelint:"
_IGNORE = "ignore["


@dataclass(frozen=True, slots=True)
class IgnoreComment:
    """``# invokelint: ignore[...]`` on a line: ``start`` at ``#`` or ``//``, ``end`` past ``]``."""

    start: int
    end: int
    listed: str  # the text between the brackets

    @property
    def codes(self) -> list[str]:
        return [item.strip() for item in self.listed.split(",") if item.strip()]


def ignore_comments(line: str) -> Iterator[IgnoreComment]:
    """Every ``#<spaces>invokelint:<spaces>ignore[...]`` (or ``//...``) on ``line``, in order.

    Linear in the length of the line: the whitespace walked over around each marker
    belongs to that marker alone, and once no ``]`` follows, nothing later can match.
    """
    done = 0  # end of the previous comment: a new one starts at or after it
    at = line.find(MARKER)
    while at >= 0:
        after = at + len(MARKER)
        start = at - 1
        while start >= done and line[start].isspace():
            start -= 1
        inner = after
        while inner < len(line) and line[inner].isspace():
            inner += 1
        if start >= done + 1 and line[start] == "/" and line[start - 1] == "/":
            start -= 1  # ``//``, a comment in Terraform
        elif not (start >= done and line[start] == "#"):
            at = line.find(MARKER, after)
            continue
        if line.startswith(_IGNORE, inner):
            close = line.find("]", inner + len(_IGNORE))
            if close < 0:
                return
            yield IgnoreComment(start, close + 1, line[inner + len(_IGNORE) : close])
            done = close + 1
            at = line.find(MARKER, done)
        else:
            at = line.find(MARKER, after)


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
        for comment in ignore_comments(line):
            for item in comment.codes:
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
