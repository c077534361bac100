"""Plain Python containers that remember where each key and value sat in the source.

The loader builds these instead of PyYAML nodes so that frontends can read a template
like ordinary dicts and lists and still ask "which line was that on?". Positions live in
the *parent* container (``key_pos`` / ``val_pos`` / ``item_pos``), so scalars stay plain
``str``/``int``/``bool`` values and cost nothing extra.

A position is a 4-tuple ``(line, column, end_line, end_column)``: 1-based, with the end
column pointing just past the last character (the SARIF convention).
"""

from __future__ import annotations

from typing import Any

Pos = tuple[int, int, int, int]

NO_POS: Pos = (1, 1, 1, 1)


class Map(dict):
    """A mapping with the position of itself, of each key and of each value."""

    __slots__ = ("key_pos", "pos", "val_pos")

    def __init__(self, pos: Pos = NO_POS) -> None:
        super().__init__()
        self.pos = pos
        self.key_pos: dict[Any, Pos] = {}
        self.val_pos: dict[Any, Pos] = {}

    def key_position(self, key: Any) -> Pos:
        """Where ``key`` is written; the mapping itself if the key is absent."""
        return self.key_pos.get(key, self.pos)

    def value_position(self, key: Any) -> Pos:
        """Where the value of ``key`` is written; the mapping itself if absent."""
        return self.val_pos.get(key, self.pos)

    def entry_position(self, key: Any) -> Pos:
        """From the start of ``key`` to the end of its value: the whole ``Key: value``."""
        start = self.key_pos.get(key)
        end = self.val_pos.get(key)
        if start is None or end is None:
            return self.pos
        return (start[0], start[1], end[2], end[3])


class Seq(list):
    """A sequence with the position of itself and of each item."""

    __slots__ = ("item_pos", "pos")

    def __init__(self, pos: Pos = NO_POS) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []

    def item_position(self, index: int) -> Pos:
        try:
            return self.item_pos[index]
        except IndexError:
            return self.pos


def position_of(value: Any, default: Pos = NO_POS) -> Pos:
    """The position a container carries, or ``default`` for a plain scalar."""
    return getattr(value, "pos", default)
