"""The framework's ``${...}`` variables, resolved without running it.

Only what the file itself says is known: ``${self:...}`` (``self:custom...`` included)
and the literal defaults of ``${opt:x, 'default'}`` / ``${self:a, 'b'}`` fallbacks. The
environment, SSM, other stacks (``cf:``), files, S3 and plugins' sources are read at
deploy time: their value is ``UNKNOWN`` and the rules stay silent about it.
"""

from __future__ import annotations

import re
from typing import Any

from invokelint.frontends.positioned import Map, Pos, Seq

# The innermost variable: no ``${`` or ``}`` inside, so nested ones resolve first.
_INNERMOST = re.compile(r"\$\{([^${}]*)\}")
_QUOTED = re.compile(r"""^\s*(['"])(.*)\1\s*$""", re.DOTALL)
_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
_MAX_DEPTH = 10  # ``self`` references that refer to each other stop here


class _Unknown:
    """A value only the deployment knows; kept with the text that asked for it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Unknown({self.text!r})"


def deployed(value: Any, pos: Pos) -> Any:
    """An unknown value as CloudFormation's frontend reads one: an import (``UNKNOWN``)."""
    if not isinstance(value, _Unknown):
        return value
    imported = Map(pos)
    imported["Fn::ImportValue"] = value.text
    imported.key_pos["Fn::ImportValue"] = pos
    imported.val_pos["Fn::ImportValue"] = pos
    return imported


class Variables:
    """Resolves the variables of one ``serverless.yml`` against its own content."""

    def __init__(self, root: Map) -> None:
        self.root = root

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """``value`` with its variables replaced; positioned containers keep positions."""
        if isinstance(value, str):
            return self._string(value, depth)
        if isinstance(value, Map):
            resolved = Map(value.pos)
            resolved.key_pos = value.key_pos
            resolved.val_pos = value.val_pos
            for key, item in value.items():
                resolved[key] = deployed(self.resolve(item, depth), value.value_position(key))
            return resolved
        if isinstance(value, Seq):
            items = Seq(value.pos)
            items.item_pos = value.item_pos
            items.extend(
                deployed(self.resolve(item, depth), value.item_position(index))
                for index, item in enumerate(value)
            )
            return items
        return value

    def _string(self, text: str, depth: int) -> Any:
        if "${" not in text:
            return text
        if depth > _MAX_DEPTH:
            return _Unknown(text)
        current = text
        while True:
            match = _INNERMOST.search(current)
            if match is None:
                return current
            value = self._variable(match.group(1), depth)
            if match.span() == (0, len(current)):
                return value  # the whole string: keep the value's type (a mapping, a number)
            if isinstance(value, (_Unknown, Map, Seq)):
                return _Unknown(text)
            piece = str(value).lower() if isinstance(value, bool) else str(value)
            current = current[: match.start()] + piece + current[match.end() :]

    def _variable(self, body: str, depth: int) -> Any:
        """One ``source:address, fallback, ...`` expression: the first known value."""
        for part in (p.strip() for p in _split_fallbacks(body)):
            value = self._source(part, depth)
            if value is None:
                continue  # a ``self:`` address not in the file: the next fallback
            if isinstance(value, _Unknown):
                if part.startswith("opt:"):
                    continue  # an option not given: its default applies
                return _Unknown("${" + body + "}")  # the environment may well set it
            return value
        return _Unknown("${" + body + "}")

    def _source(self, part: str, depth: int) -> Any:
        quoted = _QUOTED.match(part)
        if quoted:
            return quoted.group(2)
        if _NUMBER.match(part):
            return int(part) if "." not in part else float(part)
        if part.startswith("self:"):
            found = self._lookup(part[len("self:") :])
            return None if found is None else self.resolve(found, depth + 1)
        if part.startswith("opt:"):
            return _Unknown(part)  # a command-line option: its default (a fallback) is used
        return _Unknown(part)  # env, ssm, cf, file, s3, sls, aws, plugins: deploy-time values

    def _lookup(self, address: str) -> Any:
        value: Any = self.root
        for step in (s for s in address.split(".") if s):
            if isinstance(value, dict):
                value = value.get(step)
            elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
                value = value[int(step)]
            else:
                return None
        return value


def _split_fallbacks(body: str) -> list[str]:
    """``opt:stage, 'a, b'`` -> ``["opt:stage", " 'a, b'"]``: commas outside quotes."""
    parts, current, quote = [], [], ""
    for char in body:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == ",":
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts
