"""Strings assembled with ``Fn::Sub`` or ``Fn::Join``, read as one text.

API Gateway integration URIs (``arn:aws:apigateway:...:functions/${Fn.Arn}/invocations``),
CloudFront function ARNs and Step Functions definitions (``DefinitionString`` with
``DefinitionSubstitutions``) name functions inside longer strings. ``Text`` is such a
string in ``Fn::Sub`` syntax in which every reference is a numbered slot that remembers
what it stands for and where it is written, so a trigger found inside the string can
point at the reference a user would edit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from invokelint.frontends.cloudformation.template import is_intrinsic
from invokelint.frontends.positioned import Map, Pos, Seq, position_of
from invokelint.model import UNKNOWN

if TYPE_CHECKING:
    from invokelint.frontends.cloudformation.references import FunctionRef, Resolver

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_SLOT = re.compile(r"\$\{_(\d+)\}")
UNREADABLE = "${?}"  # a part nothing can be known about: resolves to UNKNOWN


@dataclass(frozen=True, slots=True)
class Slot:
    """What one placeholder stands for (a literal or an intrinsic) and where it is written.

    A ``Fn::Sub`` or ``Fn::Join`` is never a slot: it is read into the text, or, when it is
    malformed (wrong arity or types), its slot holds ``UNKNOWN``. A slot holding the
    malformed intrinsic itself would be read again, and again, without end.
    """

    value: Any
    pos: Pos


@dataclass(slots=True)
class Text:
    """``text`` in ``Fn::Sub`` syntax: ``${_N}`` slots, ``${AWS::...}`` pseudo parameters
    and ``${!...}`` for a literal ``${...}``."""

    text: str
    slots: dict[str, Slot] = field(default_factory=dict)

    def slot(self, value: Any, pos: Pos) -> str:
        name = f"_{len(self.slots)}"
        self.slots[name] = Slot(value, pos)
        return "${" + name + "}"

    def part(self, start: int, end: int | None = None) -> Text:
        """A substring, still able to look up its slots."""
        return Text(self.text[start:end], self.slots)

    def only_slot(self) -> Slot | None:
        """The slot when the whole text is exactly one placeholder."""
        match = _SLOT.fullmatch(self.text)
        return self.slots.get("_" + match.group(1)) if match else None

    def first_slot(self) -> Slot | None:
        match = _SLOT.search(self.text)
        return self.slots.get("_" + match.group(1)) if match else None

    def skeleton(self) -> str:
        """The literal characters, every slot replaced by ``\\0``: for pattern checks."""
        return _SLOT.sub("\0", self.text)

    def sub(self) -> str:
        """One plain ``Fn::Sub`` string: slots become ``${Id}`` / ``${Id.Attr}`` or text."""
        return _SLOT.sub(lambda m: _inline(self.slots["_" + m.group(1)].value), self.text)


def compose(value: Any, pos: Pos, substitutions: Mapping[str, Any] | None = None) -> Text | None:
    """``value`` as a ``Text``; None when it is not a string at all (a list, a mapping).

    ``substitutions`` are Step Functions' ``DefinitionSubstitutions``: ``${Name}`` in a
    string (or ``${!Name}`` inside ``Fn::Sub``) stands for their value.
    """
    text = Text("")
    written = _compose(value, pos, substitutions or {}, text)
    if written is None:
        return None
    text.text = written
    return text


def _compose(value: Any, pos: Pos, substitutions: Mapping[str, Any], text: Text) -> str | None:
    if isinstance(value, str):
        return _plain(value, pos, substitutions, text)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not is_intrinsic(value):
        return None
    name, argument = next(iter(value.items()))
    if name == "Fn::Sub":
        return _sub(value, argument, pos, substitutions, text)
    if name == "Fn::Join":
        return _join(value, argument, pos, substitutions, text)
    return text.slot(value, position_of(value, pos))


def _plain(value: str, pos: Pos, substitutions: Mapping[str, Any], text: Text) -> str:
    """A literal string: only ``DefinitionSubstitutions`` apply, the rest is literal."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in substitutions:
            return _nested(substitutions[name], _value_pos(substitutions, name, pos), text)
        return "${!" + name + "}"

    return _PLACEHOLDER.sub(replace, value)


def _sub(
    value: Map, argument: Any, pos: Pos, substitutions: Mapping[str, Any], text: Text
) -> str | None:
    here = position_of(value, pos)
    template, variables = argument, {}
    if isinstance(argument, list):
        if len(argument) not in (1, 2) or not isinstance(argument[0], str):
            return text.slot(UNKNOWN, here)
        template = argument[0]
        if len(argument) > 1:
            if not isinstance(argument[1], dict) or is_intrinsic(argument[1]):
                return text.slot(UNKNOWN, here)
            variables = argument[1]
    if not isinstance(template, str):
        return text.slot(UNKNOWN, here)

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            if name[1:] in substitutions:  # escaped from Fn::Sub for DefinitionSubstitutions
                value = substitutions[name[1:]]
                return _nested(value, _value_pos(substitutions, name[1:], pos), text)
            return match.group(0)
        if name in variables:
            return _nested(variables[name], _value_pos(variables, name, here), text)
        if name.startswith("AWS::"):
            return match.group(0)
        logical_id, _, attribute = name.partition(".")
        reference = {"Fn::GetAtt": [logical_id, attribute]} if attribute else {"Ref": name}
        return text.slot(reference, here)

    return _PLACEHOLDER.sub(replace, template)


def _nested(value: Any, pos: Pos, text: Text) -> str:
    """A variable's value: a nested ``Fn::Sub``/``Fn::Join`` joins the text, anything
    else (a literal, a reference) becomes a slot."""
    if is_intrinsic(value) and next(iter(value)) in ("Fn::Sub", "Fn::Join"):
        written = _compose(value, position_of(value, pos), {}, text)
        if written is not None:
            return written
    return text.slot(value, pos)


def _join(value: Map, argument: Any, pos: Pos, substitutions: Mapping[str, Any], text: Text) -> str:
    here = position_of(value, pos)
    if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
        return text.slot(UNKNOWN, here)
    delimiter, parts = argument
    if not isinstance(parts, list):  # a list from a parameter or Fn::Split: unknown
        return text.slot(UNKNOWN, here)
    written = []
    for index, part in enumerate(parts):
        part_pos = parts.item_position(index) if isinstance(parts, Seq) else here
        if isinstance(part, str):
            written.append(_escape(part))
            continue
        piece = _compose(part, part_pos, substitutions, text)
        written.append(piece if piece is not None else text.slot(part, part_pos))
    return _escape(delimiter).join(written)


def _inline(value: Any) -> str:
    """A slot's value as ``Fn::Sub`` text the resolver understands."""
    if isinstance(value, str):
        return _escape(value)
    if is_intrinsic(value):
        name, argument = next(iter(value.items()))
        if name == "Ref" and isinstance(argument, str):
            return "${" + argument + "}"
        if name == "Fn::GetAtt":
            if isinstance(argument, str):
                argument = argument.split(".", 1)
            if (
                isinstance(argument, list)
                and len(argument) == 2
                and all(isinstance(item, str) for item in argument)
            ):
                return "${" + ".".join(argument) + "}"
        if name in ("Fn::Sub", "Fn::Join"):
            nested = compose(value, position_of(value))
            if nested is not None:
                return nested.sub()
    return UNREADABLE


def _escape(literal: str) -> str:
    return literal.replace("${", "${!")


def _value_pos(mapping: Mapping[str, Any], key: str, default: Pos) -> Pos:
    if isinstance(mapping, Map):
        return mapping.entry_position(key)
    return default


def has_references(sub_text: str) -> bool:
    """Whether a ``Fn::Sub`` string refers to anything but pseudo parameters."""
    return any(
        not name.startswith("!") and not name.startswith("AWS::")
        for name in _PLACEHOLDER.findall(sub_text)
    )


def unescape(sub_text: str) -> str:
    """The literal a ``Fn::Sub`` string without references renders to (pseudo parameters
    stay as they are)."""
    return sub_text.replace("${!", "${")


def function_in(resolver: Resolver, text: Text) -> tuple[FunctionRef, Pos | None]:
    """The function ``text`` names, with the position of the reference that names it."""
    slot = text.only_slot()
    if slot is not None:
        value = slot.value
        if is_intrinsic(value) and next(iter(value)) in ("Fn::Sub", "Fn::Join"):
            nested = compose(value, slot.pos)
            if nested is not None:
                return function_in(resolver, nested)
        return resolver.resolve_function(value), slot.pos
    first = text.first_slot()
    return resolver.resolve_function({"Fn::Sub": text.sub()}), first.pos if first else None
