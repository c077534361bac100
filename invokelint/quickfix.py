"""The "ignore this finding" quick fix: where an ``# invokelint: ignore[ID]`` comment can go.

A comment suppresses a finding on the reported line or on its resource's first line
(see ``invokelint.suppressions``). It must stay a comment: appended to a line inside a
YAML block scalar or a multi-line string it would become part of the value (a filter
pattern, inline code), and after a Python line continuation it would be a syntax error.
Such lines are skipped for the resource's line, or no fix is offered. JSON has no
comments, so JSON files get no fix.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from invokelint.diagnostics import Diagnostic
from invokelint.suppressions import ignore_comments

_YAML = (".yaml", ".yml")
_HASH_COMMENTS = (*_YAML, ".py", ".tf", ".hcl")


@dataclass(frozen=True)
class LineEdit:
    """Replace characters ``start``-``end`` of 0-based ``line`` with ``text``."""

    line: int
    start: int
    end: int
    text: str


def ignore_edit(diagnostic: Diagnostic, text: str) -> LineEdit | None:
    """The edit that adds ``diagnostic``'s code to an ignore comment, or None.

    The text is split and tokenised once per distinct text (memoised): a
    document's many findings share the work, never one file scan per finding.
    """
    language = _language(diagnostic.path, text)
    if language is None:
        return None
    lines, unsafe = text_lines(text), _unsafe_lines(text, language)
    if unsafe is None:
        return None
    candidates = [diagnostic.location]
    if diagnostic.resource_location is not None:
        candidates.append(diagnostic.resource_location)
    for location in candidates:
        if location.path != diagnostic.path:
            continue
        index = location.line - 1
        if 0 <= index < len(lines) and index not in unsafe:
            return _add_code(index, lines[index], diagnostic.code)
    return None


def _add_code(index: int, line: str, code: str) -> LineEdit:
    """Extend the line's ignore comment, or append one."""
    existing = list(ignore_comments(line))
    if existing:
        last = existing[-1]
        closing = last.end - 1
        return LineEdit(index, closing, closing, f", {code}" if last.codes else code)
    kept = len(line.rstrip())
    return LineEdit(index, kept, len(line), f"  # invokelint: ignore[{code}]")


def _language(path: str, text: str) -> str | None:
    name = PurePath(path).name
    if name.endswith(".template"):  # CloudFormation's own suffix: JSON or YAML
        return None if text.lstrip().startswith("{") else "yaml"
    if name.endswith(_YAML):
        return "yaml"
    if name.endswith(".py"):
        return "python"
    if name.endswith(_HASH_COMMENTS):
        return "hash"
    return None


@lru_cache(maxsize=8)  # a few open documents, one version each: each text is split once
def text_lines(text: str) -> list[str]:
    """``text.splitlines()``, shared by every finding of one text (do not modify)."""
    return text.splitlines()


@lru_cache(maxsize=8)  # ... and tokenised once
def _unsafe_lines(text: str, language: str) -> frozenset[int] | None:
    """0-based lines where an appended comment would not be a comment; None: cannot tell."""
    unsafe = set() if language == "hash" else None
    if language == "yaml":
        unsafe = _yaml_scalar_lines(text)
    elif language == "python":
        unsafe = _python_string_lines(text)
    return None if unsafe is None else frozenset(unsafe)


def _yaml_scalar_lines(text: str) -> set[int] | None:
    import yaml

    try:
        loader = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader
        tokens = list(yaml.scan(text, Loader=loader))
    except yaml.YAMLError:
        return None
    unsafe: set[int] = set()
    for token in tokens:
        if not isinstance(token, yaml.ScalarToken):
            continue
        start, end = token.start_mark, token.end_mark
        if token.style in ("|", ">"):  # the header line may carry a comment, content not
            unsafe.update(range(start.line + 1, end.line + (1 if end.column else 0)))
        else:  # a quoted or plain scalar continued on the next lines
            unsafe.update(range(start.line, end.line))
    return unsafe


def _python_string_lines(text: str) -> set[int] | None:
    import tokenize

    unsafe = {n for n, line in enumerate(text.splitlines()) if line.rstrip().endswith("\\")}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            (start, _), (end, _) = token.start, token.end
            if end > start and token.type != tokenize.NEWLINE:
                unsafe.update(range(start - 1, end - 1))
    except (tokenize.TokenError, SyntaxError):
        return None
    return unsafe
