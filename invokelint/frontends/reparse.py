"""Re-load a YAML template after an edit inside one resource, without parsing the rest.

An editor's keystroke changes a line or two of a template that may hold thousands of
resources; parsing all of it again is most of a re-lint. When the lines that changed
all lie within one entry of a block-style ``Resources`` mapping, only that entry's lines
are parsed (standing alone, preceded by as many empty lines as come before it, so that
every position comes out where a full parse puts it); the entries above it are reused
as they are, and those below it (with the rest of the file) are copied with their lines
shifted by the number of lines the edit added or removed.

Anything that could make the entry read differently on its own than in its file falls
back to a full parse (``None``): anchors anywhere in either text (an alias elsewhere
could point into the entry), a line in the entry indented less than its key, problems
such as duplicate keys, line breaks other than ``\\n`` and ``\\r\\n``, a parse error, or
a new key that another resource already has. A test compares the result with a full
parse, positions included, over random edits.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from invokelint.frontends.loader import Document, ParseError, load_yaml
from invokelint.frontends.positioned import Map, Pos, Seq
from invokelint.limits import MAX_EXPANDED_NODES, MAX_NESTING

RESOURCES = "Resources"
_ANCHOR = re.compile(r"(?:^|[\s\[\]{},])&\S")
# Below this size no text, even without aliases, holds more values than the loader allows.
_MAX_CHARS = 2 * MAX_EXPANDED_NODES
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


def reparse(old_text: str, old: Document, text: str) -> Document | None:
    """``text`` loaded by re-parsing only the resource an edit of ``old_text`` touched,
    or None when that cannot be done safely (the caller parses all of ``text``)."""
    root = old.root
    if old.problems or len(text) >= _MAX_CHARS or not _plain(old_text) or not _plain(text):
        return None
    resources = root.get(RESOURCES) if isinstance(root, Map) else None
    if not isinstance(resources, Map) or not resources or not _block(root) or not _block(resources):
        return None
    change = _changed_lines(old_text, text)
    if change is None:
        return None
    first, end, start_offset, delta = change
    keys = list(resources)
    lines = [resources.key_pos[key][0] - 1 for key in keys]  # 0-based key lines
    column = resources.key_pos[keys[0]][1]
    if any(resources.key_pos[key][1] != column for key in keys):
        return None
    # the entry holding the first changed line (for an insertion: the line above it)
    index = bisect_right(lines, first) - 1
    if index < 0:
        return None
    block_end = _block_end(root, lines, index)  # None: the entry runs to the end of the file
    if block_end is not None and (end is None or end > block_end):
        return None
    chunk_start = _line_offset(old_text, start_offset, first, lines[index])
    if block_end is None:
        chunk_end = len(text)
    else:
        chunk_end = _line_offset(text, start_offset, first, block_end + delta)
    chunk = text[chunk_start:chunk_end]
    parsed = _parse_entry(chunk, lines[index], column)
    if parsed is None:
        return None
    unchanged = set(keys[:index]) | set(keys[index + 1 :])
    if any(key in unchanged for key in parsed) or not (parsed or unchanged):
        return None  # a duplicate key (the full parse reports it), or no resource left
    return Document(_spliced(root, resources, keys, index, parsed, delta))


def _plain(text: str) -> bool:
    """No anchor, and only ``\\n`` / ``\\r\\n`` line breaks (lines counted as libyaml does)."""
    if "&" in text and _ANCHOR.search(text):
        return False
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return False
    return not any(mark in text for mark in _OTHER_BREAKS)


def _block(mapping: Map) -> bool:
    """Written in block style: the mapping starts at its first key, not at a ``{``."""
    first = next(iter(mapping), None)
    return first is not None and mapping.key_pos[first][:2] == mapping.pos[:2]


def _changed_lines(old: str, new: str) -> tuple[int, int | None, int, int] | None:
    """The first changed line, the line after the last changed one in ``old`` (0-based;
    None when the change reaches the end of the file; for a pure insertion the line
    above it counts as changed), the offset where the first changed line starts in both
    texts, and the lines added (negative: removed)."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    prefix = _common_prefix(old, new, limit)
    start = old.rfind("\n", 0, prefix) + 1
    # whole lines in common at both ends; the suffix may take the rest of the line
    # where the prefix stopped ("  Worker:" after lines inserted above "  Worker:")
    suffix = _common_suffix(old, new, limit - start)
    first = old.count("\n", 0, start)
    shift = len(new) - len(old)
    tail = len(old) - suffix
    # the unchanged tail starts at a line start in both texts
    if (tail > start and old[tail - 1] != "\n") or (
        tail + shift > start and new[tail + shift - 1] != "\n"
    ):
        newline = old.find("\n", tail)
        tail = len(old) if newline < 0 else newline + 1
    if tail == len(old):
        return first, None, start, new.count("\n", start) - old.count("\n", start)
    end = first + old.count("\n", start, tail)
    delta = new.count("\n", start, tail + shift) - old.count("\n", start, tail)
    if end == first:  # lines only inserted: they belong to the entry above
        if first == 0:
            return None
        first -= 1
        start = old.rfind("\n", 0, start - 1) + 1
    return first, end, start, delta


def _common_prefix(a: str, b: str, limit: int) -> int:
    """Length of the common prefix, by halving (string slices compare in C)."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    low, high = 0, limit
    la, lb = len(a), len(b)
    while low < high:
        middle = (low + high + 1) // 2
        if a[la - middle : la - low] == b[lb - middle : lb - low]:
            low = middle
        else:
            high = middle - 1
    return low


def _block_end(root: Map, lines: list[int], index: int) -> int | None:
    """The line after the entry's last (0-based): the next resource's key, else the
    next top-level key; None when the entry is the last of the file."""
    if index + 1 < len(lines):
        return lines[index + 1]
    keys = list(root)
    after = keys.index(RESOURCES) + 1
    if after < len(keys):
        return root.key_pos[keys[after]][0] - 1
    return None


def _line_offset(text: str, known_offset: int, known_line: int, line: int) -> int:
    """Where 0-based ``line`` starts, walking from a line start whose number is known."""
    offset = known_offset
    for _ in range(line, known_line):  # backwards
        offset = text.rfind("\n", 0, offset - 1) + 1
    for _ in range(known_line, line):  # forwards
        newline = text.find("\n", offset)
        offset = len(text) if newline < 0 else newline + 1
    return offset


def _parse_entry(chunk: str, line: int, column: int) -> Map | None:
    """The entry's lines parsed alone, at their own line numbers; None if they might not
    read as they do inside the file."""
    indent = " " * (column - 1)
    for row in chunk.splitlines():
        if row.strip() and not row.startswith(indent):
            return None  # would end the Resources mapping (or be read differently alone)
    try:
        document = load_yaml("\n" * line + chunk)
    except ParseError:
        return None
    parsed = document.root
    if parsed is None:
        parsed = Map()  # the entry was deleted
    if document.problems or not isinstance(parsed, Map):
        return None
    if any(parsed.key_pos[key][1] != column for key in parsed):
        return None
    if parsed and not _block(parsed):
        return None
    if _depth(parsed) > MAX_NESTING - 2:  # inside the root and Resources
        return None
    return parsed


def _depth(value: Any) -> int:
    if isinstance(value, Map):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    if isinstance(value, Seq):
        return 1 + max((_depth(item) for item in value), default=0)
    return 0


def _spliced(
    root: Map, resources: Map, keys: list[Any], index: int, parsed: Map, delta: int
) -> Map:
    """The old root with the entry at ``index`` replaced by ``parsed`` and everything
    after it moved by ``delta`` lines."""
    merged = Map(resources.pos)
    for key in keys[:index]:
        _copy_entry(merged, resources, key, resources[key], 0)
    for key in parsed:
        _copy_entry(merged, parsed, key, parsed[key], 0)
    for key in keys[index + 1 :]:
        _copy_entry(merged, resources, key, _shifted(resources[key], delta), delta)
    last = next(reversed(merged))
    merged.pos = (*resources.pos[:2], *merged.val_pos[last][2:])
    top = Map(root.pos)
    after = False
    for key in root:
        if key == RESOURCES:
            top[key] = merged
            top.key_pos[key] = root.key_pos[key]
            top.val_pos[key] = merged.pos
            after = True
        elif after:
            _copy_entry(top, root, key, _shifted(root[key], delta), delta)
        else:
            _copy_entry(top, root, key, root[key], 0)
    end = next(reversed(top))
    top.pos = (*root.pos[:2], *top.val_pos[end][2:])
    return top


def _copy_entry(target: Map, source: Map, key: Any, value: Any, delta: int) -> None:
    target[key] = value
    target.key_pos[key] = _moved(source.key_pos[key], delta)
    target.val_pos[key] = _moved(source.val_pos[key], delta)


def _moved(pos: Pos, delta: int) -> Pos:
    return pos if not delta else (pos[0] + delta, pos[1], pos[2] + delta, pos[3])


def _shifted(value: Any, delta: int) -> Any:
    """A copy of ``value`` with every position ``delta`` lines further down: most of a
    re-parse below the edited entry, so written for speed (a quarter of parsing it)."""
    if not delta or not isinstance(value, (Map, Seq)):
        return value
    new_map, new_seq = Map.__new__, Seq.__new__  # every slot is set below

    def copy(value: Any) -> Any:
        pos = value.pos
        if type(value) is Map:
            mapping = new_map(Map)
            mapping.pos = (pos[0] + delta, pos[1], pos[2] + delta, pos[3])
            for key, item in value.items():
                kind = type(item)
                mapping[key] = copy(item) if kind is Map or kind is Seq else item
            mapping.key_pos = {
                key: (p[0] + delta, p[1], p[2] + delta, p[3]) for key, p in value.key_pos.items()
            }
            mapping.val_pos = {
                key: (p[0] + delta, p[1], p[2] + delta, p[3]) for key, p in value.val_pos.items()
            }
            return mapping
        sequence = new_seq(Seq)
        sequence.pos = (pos[0] + delta, pos[1], pos[2] + delta, pos[3])
        sequence.extend(
            [copy(item) if type(item) is Map or type(item) is Seq else item for item in value]
        )
        sequence.item_pos = [(p[0] + delta, p[1], p[2] + delta, p[3]) for p in value.item_pos]
        return sequence

    return copy(value)
