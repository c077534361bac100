"""Positions in plan JSON, found only where the reader looks.

A plan of 1,000 resources is about 3 MB, and most of it (``resource_changes`` repeats
every value before and after, ``prior_state`` the whole state) is never shown to a user.
The positioned loader (``frontends.loader``) positions every value through libyaml
events, about 1 s for such a plan; ``json`` reads the same text in 0.06 s but keeps no
positions. So the plan is read with ``json``, and positions are found afterwards for the
objects the reader uses: each resource object in the text is found by its ``"address"``
(Terraform writes it first) and checked equal to the parsed one, then scanned one level
at a time with ``json``'s own scanner as the reader descends (``LazyMap``/``LazySeq``
have the positioned ``Map``/``Seq`` interface). Anything not found so (a hand-written
plan with ``address`` last, say) falls back to the positioned loader on the whole text,
as do the positions of malformed parts.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any

from invokelint.frontends.positioned import NO_POS, Map, Pos, Seq

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# An object whose first key is "address": inside a JSON string the quotes would be escaped.
_ADDRESSED_OBJECT = re.compile(r'\{[ \t\n\r]*"address"[ \t\n\r]*:[ \t\n\r]*"')
_scan_string = json.decoder.scanstring
_decode = json.JSONDecoder().raw_decode


class PlanText:
    """A plan's text: line index, objects by address, and the full positioned fallback."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[int] | None = None
        self._addressed: dict[str, list[int]] | None = None
        self._used: set[int] = set()
        self._full: Any = None
        self._full_loaded = False

    def pos(self, start: int, end: int) -> Pos:
        """Offsets (end exclusive) as (line, column, end line, end column), 1-based."""
        lines = self._lines
        if lines is None:
            lines = self._lines = [0, *(m.end() for m in re.finditer("\n", self.text))]
        line = bisect_right(lines, start)
        last = max(end - 1, start)
        end_line = bisect_right(lines, last)
        return (line, start - lines[line - 1] + 1, end_line, last - lines[end_line - 1] + 2)

    def locate(self, expected: dict) -> Map | None:
        """The positioned object equal to ``expected`` (first key ``address``), each once."""
        address = expected.get("address")
        if not isinstance(address, str):
            return None
        if self._addressed is None:
            self._addressed = self._index_addressed()
        for offset in self._addressed.get(address, ()):
            if offset in self._used:
                continue
            try:
                candidate, _ = _decode(self.text, offset)
            except ValueError:
                continue
            if candidate == expected:  # compared in C before any position is computed
                self._used.add(offset)
                return self.object_at(offset)
        return None

    def _index_addressed(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for match in _ADDRESSED_OBJECT.finditer(self.text):
            try:
                address, _ = _scan_string(self.text, match.end())
            except ValueError:
                continue
            index.setdefault(address, []).append(match.start())
        return index

    def call_position(self, name: str) -> Pos:
        """Where module call ``name`` is in ``configuration`` (Terraform writes source first)."""
        quoted = json.dumps(name)
        pattern = re.compile(re.escape(quoted) + r'[ \t\n\r]*:[ \t\n\r]*\{[ \t\n\r]*"source"')
        match = pattern.search(self.text)
        return self.pos(match.start(), match.start() + len(quoted)) if match else NO_POS

    def full(self) -> Any:
        """The whole document from the positioned loader (slow; for what ``locate`` misses)."""
        if not self._full_loaded:
            from invokelint.frontends.loader import ParseError, load_json

            self._full_loaded = True
            try:
                self._full = load_json(self.text).root
            except ParseError:
                self._full = None
        return self._full

    def at_path(self, path: tuple[Any, ...]) -> tuple[Any, Pos]:
        """The positioned value at ``path`` in the full document, and its position."""
        node, pos = self.full(), NO_POS
        for step in path:
            if isinstance(node, Map) and step in node:
                node, pos = node[step], node.value_position(step)
            elif isinstance(node, Seq) and isinstance(step, int) and 0 <= step < len(node):
                node, pos = node[step], node.item_position(step)
            else:
                break
        return node, pos

    def object_at(self, start: int) -> LazyMap | None:
        """The object starting at ``start``, its entries positioned, their values plain."""
        scanned = self._scan(start, "{", "}")
        if scanned is None:
            return None
        entries, end = scanned
        found = LazyMap(self)
        for key_start, key_end, key, value_start, value_end, value in entries:
            dict.__setitem__(found, key, value)
            dict.__setitem__(found.key_pos, key, (key_start, key_end))
            dict.__setitem__(found.val_pos, key, (value_start, value_end))
            found.starts[key] = value_start
        found.pos = self.pos(start, end)
        return found

    def array_at(self, start: int) -> LazySeq | None:
        scanned = self._scan(start, "[", "]")
        if scanned is None:
            return None
        entries, end = scanned
        found = LazySeq(self)
        for _, _, _, value_start, value_end, value in entries:
            list.append(found, value)
            found.offsets.append((value_start, value_end))
            found.starts.append(value_start)
        found.pos = self.pos(start, end)
        return found

    def _scan(self, start: int, opening: str, closing: str) -> tuple[list[tuple], int] | None:
        """The entries of the object or array at ``start``, with offsets, and its end.

        An entry is (key start, key end, key, value start, value end, value); an array's
        have no key. Values come from ``json``'s scanner, one level at a time.
        """
        text, skip = self.text, _WHITESPACE.match
        entries: list[tuple] = []
        try:
            if text[start] != opening:
                return None
            i = skip(text, start + 1).end()
            while text[i] != closing:
                key_start = key_end = i
                key = None
                if opening == "{":
                    key, key_end = _scan_string(text, i + 1)
                    i = skip(text, skip(text, key_end).end() + 1).end()  # past the ":"
                value, value_end = _decode(text, i)
                entries.append((key_start, key_end, key, i, value_end, value))
                i = skip(text, value_end).end()
                if text[i] == ",":
                    i = skip(text, i + 1).end()
        except (ValueError, IndexError):
            return None
        return entries, i + 1

    def positioned(self, value: Any, start: int) -> Any:
        """A container value at ``start`` with its entries positioned; a scalar as it is."""
        if isinstance(value, dict) and not isinstance(value, Map):
            return self.object_at(start) or value
        if isinstance(value, list) and not isinstance(value, Seq):
            return self.array_at(start) or value
        return value


class _Offsets(dict):
    """Key -> (start, end) offsets, read as positions: lines are counted only when asked."""

    __slots__ = ("text",)

    def __init__(self, text: PlanText) -> None:
        super().__init__()
        self.text = text

    def __getitem__(self, key: Any) -> Pos:
        return self.text.pos(*dict.__getitem__(self, key))

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401 - converts the offsets


class LazyMap(Map):
    """A positioned ``Map`` whose nested containers are positioned when first read."""

    __slots__ = ("starts", "text")

    def __init__(self, text: PlanText) -> None:
        super().__init__()
        self.text = text
        self.starts: dict[Any, int] = {}
        self.key_pos = _Offsets(text)
        self.val_pos = _Offsets(text)

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        start = self.starts.pop(key, None)
        if start is not None and isinstance(value, (dict, list)):
            value = self.text.positioned(value, start)
            dict.__setitem__(self, key, value)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401 - positions the value

    def items(self) -> list[tuple[Any, Any]]:  # type: ignore[override]
        return [(key, self[key]) for key in self]

    def values(self) -> list[Any]:  # type: ignore[override]
        return [self[key] for key in self]


class LazySeq(Seq):
    """A positioned ``Seq`` whose nested containers are positioned when first read."""

    __slots__ = ("offsets", "starts", "text")

    def __init__(self, text: PlanText) -> None:
        super().__init__()
        self.text = text
        self.starts: list[int | None] = []
        self.offsets: list[tuple[int, int]] = []

    def item_position(self, index: int) -> Pos:
        try:
            return self.text.pos(*self.offsets[index])
        except IndexError:
            return self.pos

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, int):
            return [self[i] for i in range(len(self))[index]]
        value = list.__getitem__(self, index)
        start = self.starts[index]
        if start is not None and isinstance(value, (dict, list)):
            value = self.text.positioned(value, start)
            list.__setitem__(self, index, value)
            self.starts[index] = None
        return value

    def __iter__(self) -> Any:
        return (self[i] for i in range(len(self)))
