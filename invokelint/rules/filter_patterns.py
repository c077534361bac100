"""Event-filtering patterns (``FilterCriteria.Filters[].Pattern``): parse, validate, locate.

A pattern is a JSON document in a string. It is checked in two steps: it must decode as
strict JSON, and the decoded value must follow the EventBridge pattern grammar that
Lambda event filtering uses, written down as a JSON Schema in
``schemas/filter-pattern.schema.json``. The schema (and ``jsonschema``) is loaded only
when a template has a pattern to check, so most runs never pay for it.

``scalar_position`` turns an offset into the decoded pattern back into a line and column
of the template, so a JSON syntax error can be shown where it is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from invokelint.model import Location

MAX_PATTERN_LENGTH = 4096  # CloudFormation/Lambda limit on one Pattern string
_SCHEMA = "filter-pattern.schema.json"


@dataclass(frozen=True, slots=True)
class PatternProblem:
    """Why a pattern is rejected; ``offset`` indexes the pattern text when known."""

    message: str
    offset: int | None = None


def check_pattern(text: str) -> PatternProblem | None:
    """The first reason Lambda would reject ``text`` as a filter pattern, or None."""
    if len(text) > MAX_PATTERN_LENGTH:
        return PatternProblem(
            f"is {len(text)} characters long, more than the {MAX_PATTERN_LENGTH} Lambda accepts"
        )
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except _NotJson as error:
        offset = text.find(error.name)
        return PatternProblem(f"is not valid JSON: {error.name} is not a JSON value", offset)
    except json.JSONDecodeError as error:
        where = (
            f"line {error.lineno} column {error.colno}"
            if "\n" in text
            else f"character {error.pos + 1}"
        )
        return PatternProblem(f"is not valid JSON: {error.msg} at {where}", error.pos)
    return _grammar_problem(document)


class _NotJson(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _reject_constant(name: str) -> Any:
    """Python's json accepts NaN and Infinity; JSON (and Lambda) do not."""
    raise _NotJson(name)


def _grammar_problem(document: Any) -> PatternProblem | None:
    error = next(iter(_validator().iter_errors(document)), None)
    if error is None:
        return None
    fields, inside = _split_path(list(error.absolute_path))
    message = _message(error)
    subject = " in ".join(f'"{key}"' for key in reversed(inside) if isinstance(key, str))
    if subject and not message.startswith('"'):
        message = f"{subject} {message}"
    where = f"pattern at {fields}" if fields else "pattern"
    return PatternProblem(f"is invalid: {where}: {message}")


def _message(error: Any) -> str:
    """The schema's ``errorMessage`` for the failing keyword, else jsonschema's own."""
    custom = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    if isinstance(custom, dict):
        custom = custom.get(error.validator)
    if not isinstance(custom, str):
        return error.message
    return custom.replace("{value}", _short(error.instance))


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _split_path(path: Sequence[Any]) -> tuple[str, list[Any]]:
    """``["body", "status", 0, "prefix"]`` -> ``("body.status", [0, "prefix"])``.

    The first part names the field whose values are wrong (``$or`` branches shown as
    ``$or[1]``); the rest is the way into the value list: an index, then operators.
    """
    parts: list[str] = []
    index = 0
    while index < len(path):
        key = path[index]
        if key == "$or" and index + 1 < len(path) and isinstance(path[index + 1], int):
            parts.append(f"$or[{path[index + 1]}]")
            index += 2
            continue
        if not isinstance(key, str):
            break
        parts.append(key if key and "." not in key and " " not in key else json.dumps(key))
        index += 1
    return ".".join(parts), list(path[index:])


@cache
def _validator() -> Any:
    from importlib.resources import files

    from jsonschema import Draft202012Validator

    schema = json.loads(files(__package__).joinpath("schemas", _SCHEMA).read_text("utf-8"))
    return Draft202012Validator(schema)


def scalar_position(text: str, written: Location, offset: int) -> tuple[int, int] | None:
    """Line and column in the template of character ``offset`` of the string ``text``.

    ``written`` is where the scalar holding ``text`` is written, quotes included. Only a
    scalar on one line whose source can be rebuilt exactly is mapped: plain, single-quoted
    (``''`` for a quote) or double-quoted/JSON with the usual escapes. Anything else
    (block scalars, unusual escapes) returns None and the caller points at the property.
    """
    if written.line != written.end_line or not 0 <= offset <= len(text):
        return None
    width = written.end_column - written.column
    columns = set()
    if width == len(text):  # plain scalar: the source is the text itself
        columns.add(written.column + offset)
    single = len(text) + 2 + text.count("'")
    if width == single:
        columns.add(written.column + 1 + offset + text[:offset].count("'"))
    if width == len(json.dumps(text, ensure_ascii=False)):
        escaped = sum(len(json.dumps(char, ensure_ascii=False)) - 2 for char in text[:offset])
        columns.add(written.column + 1 + escaped)
    if len(columns) != 1:  # unknown encoding, or two encodings that disagree
        return None
    return written.line, columns.pop()
