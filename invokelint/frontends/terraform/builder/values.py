"""Reading evaluated Terraform values: literals, provider defaults, nested blocks.

The readers hand over ``Value``s that are already evaluated; what is left here is
Terraform's own type conversion (``"30"`` is a number, ``"true"`` a bool), the rule that
``null`` means "not set" (the provider default applies), and the places a user edits:
the attribute when it is written, the block when it is not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from invokelint.frontends import literals
from invokelint.frontends.literals import as_bool as as_bool
from invokelint.frontends.literals import as_int as as_int
from invokelint.frontends.literals import as_str as as_str
from invokelint.frontends.terraform.configuration import Block, Ref, Value
from invokelint.model import UNKNOWN, Location, Setting, Unknown

T = TypeVar("T")


def as_str_list(value: Any) -> tuple[str, ...] | Unknown | None:
    """A list (or set) of strings written out; UNKNOWN when any item is unknown."""
    if isinstance(value, list):
        value = [item.value if isinstance(item, Value) else item for item in value]
    return literals.as_str_list(value)


def text(block: Block, name: str) -> str | Unknown | None:
    """An attribute as a string: None when absent or null."""
    value = block.get(name)
    return None if value is None else as_str(value.value)


def setting(
    block: Block,
    name: str,
    convert: Callable[[Any], T | Unknown | None],
    default: T,
    absent: Location | None = None,
) -> Setting[T]:
    """An attribute's value, ``UNKNOWN``, or the provider default with ``explicit=False``
    at ``absent`` (the block by default). ``null`` is Terraform's "not set"."""
    value = block.get(name)
    if value is None or value.value is None:
        return Setting(default, absent or block.location, explicit=False)
    converted = convert(value.value)
    return Setting(default if converted is None else converted, value.location)


def present(block: Block, name: str) -> bool | Unknown:
    """Whether an optional attribute is set: UNKNOWN when it may evaluate to null."""
    return is_set(block.get(name))


def is_set(value: Value | None) -> bool | Unknown:
    """A value that is written and not ``null`` or ``""``; UNKNOWN when it may be either.
    A ``jsonencode({...})`` whose text waits for a reference is set all the same."""
    if value is None or value.value is None or value.value == "":
        return False
    if value.value is UNKNOWN and document(value) is None:
        return UNKNOWN
    return True


def document(value: Value) -> Value | None:
    """The JSON structure a string encodes, as the HCL reader keeps it beside the text
    (``Value.document``: ``jsonencode({...})``, a heredoc with ``${...}`` inside)."""
    return getattr(value, "document", None)


def children(block: Block, name: str) -> list[Block] | Unknown:
    """Nested blocks of one type, or UNKNOWN when how many there are is not known.

    A ``dynamic`` block whose ``for_each`` was not expanded may stand for none, so it
    counts as unknown. A reader that gives a nested block as an attribute (an object or a
    list of objects, as plan JSON and ``.tf.json`` can) is read the same way.
    """
    nested = block.nested(name)
    if nested:
        return UNKNOWN if any(item.dynamic for item in nested) else nested
    value = block.get(name)
    if value is None or value.value is None:
        return []
    inner = value.value
    items = inner if isinstance(inner, list) else [value]
    found = []
    for item in items:
        if not isinstance(item.value, dict):
            return UNKNOWN
        found.append(as_block(item, name, block))
    return found


def as_block(value: Value, name: str, parent: Block) -> Block:
    """An object value (``{...}``) read like a nested block ``name`` of ``parent``."""
    return Block(
        type=name,
        labels=(),
        location=value.location,
        mode="nested",
        attributes=dict(value.value),
        module=parent.module,
        module_path=parent.module_path,
    )


def child(block: Block, name: str) -> Block | Unknown | None:
    """The one nested block ``name`` (the first of several), None or UNKNOWN."""
    found = children(block, name)
    if found is UNKNOWN:
        return UNKNOWN
    return found[0] if found else None  # type: ignore[index]


def where(block: Block, name: str) -> Location:
    """Where a nested block or attribute ``name`` is written; the block when it is not."""
    nested = block.nested(name)
    if nested:
        return nested[0].location
    value = block.get(name)
    return value.location if value is not None else block.location


def references(value: Value) -> Iterator[tuple[Ref, Location]]:
    """Every reference inside ``value`` (and the JSON it encodes), with where it is written."""
    encoded = document(value)
    if encoded is not None:
        yield from references(encoded)
    inner = value.value
    if isinstance(inner, Ref):
        yield inner, value.location
    elif isinstance(inner, list):
        for item in inner:
            yield from references(item)
    elif isinstance(inner, dict):
        for item in inner.values():
            yield from references(item)


def block_references(block: Block) -> Iterator[tuple[str, Ref, Location]]:
    """``(top-level attribute or nested block type, reference, location)`` in a block."""
    for name, value in block.attributes.items():
        for ref, location in references(value):
            yield name, ref, location
    for nested in block.blocks:
        for _, ref, location in block_references(nested):
            yield nested.type, ref, location


def structure(value: Value) -> Value | Unknown:
    """A JSON document: ``jsonencode({...})`` (the reader's ``document``, or an object
    value), or JSON text. An encoded structure keeps its references and the place of each
    entry; parsed text points at the attribute. UNKNOWN when it cannot be read.
    """
    encoded = document(value)
    if encoded is not None:
        return encoded
    inner = value.value
    if isinstance(inner, dict | list):
        return value
    if not isinstance(inner, str):
        return UNKNOWN
    try:
        parsed = json.loads(inner)
    except (ValueError, RecursionError):
        return UNKNOWN
    return wrap(parsed, value.location)


def wrap(data: Any, location: Location) -> Value:
    """Plain JSON data as values, every one at ``location``."""
    if isinstance(data, dict):
        return Value({str(k): wrap(v, location) for k, v in data.items()}, location)
    if isinstance(data, list):
        return Value([wrap(item, location) for item in data], location)
    return Value(data, location)


def json_text(value: Value) -> str | Unknown:
    """What ``jsonencode`` makes of a value (or the JSON text itself); UNKNOWN when any
    part is a reference or unknown."""
    inner = value.value
    if isinstance(inner, str):
        return inner
    plain = value.plain()
    if not _fully_known(plain):
        return UNKNOWN
    return json.dumps(plain, separators=(",", ":"), sort_keys=True)


def _fully_known(data: Any) -> bool:
    if isinstance(data, dict):
        return all(_fully_known(item) for item in data.values())
    if isinstance(data, list):
        return all(_fully_known(item) for item in data)
    return data is None or isinstance(data, str | int | float | bool)
