"""Evaluated Terraform configurations written as Python literals, for builder tests.

The builder reads a ``Configuration`` whatever reader made it; these tests should not
depend on one. ``configuration()`` lays the blocks out as the HCL a user would write
(one attribute per line, nested blocks and objects opened on their own line), records
that text as the file's source, and gives every block and value the real position it has
in that text, so a test can assert *where* a finding points.

    configuration({
        "aws_sqs_queue.orders": {"visibility_timeout_seconds": 30},
        "aws_lambda_function.worker": {
            "timeout": 60,
            "dead_letter_config": block(target_arn=ref("aws_sqs_queue.dlq.arn")),
        },
    })

Values: ``str``/``int``/``float``/``bool``/``None`` are literals, ``dict`` an object
(``jsonencode({...})`` or a map), ``list`` a list, ``ref("a.b.attr")`` a reference,
``UNKNOWN`` an unknown value (written ``var.unknown``), ``encoded({...})`` a
``jsonencode({...})`` as the HCL reader evaluates it (its text, or UNKNOWN while a
reference is inside, with the encoded structure in ``document``). ``block(...)`` is a nested block,
a list of them several blocks of one type, ``dynamic(...)`` a dynamic block that was not
expanded. ``counted({...})`` marks a resource whose ``count``/``for_each`` is unknown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from invokelint.frontends.terraform.configuration import Block, Configuration, Ref, Value
from invokelint.model import UNKNOWN, Location

__all__ = [
    "UNKNOWN",
    "block",
    "configuration",
    "counted",
    "dynamic",
    "encoded",
    "line_of",
    "ref",
]

if "document" in Value.__dataclass_fields__:
    EncodedValue = Value
else:  # the reader's contract keeps the encoded structure beside the text

    @dataclass(slots=True)
    class EncodedValue(Value):  # type: ignore[no-redef]
        document: Value | None = None


@dataclass(frozen=True)
class Nested:
    """A nested block (``dead_letter_config { ... }``)."""

    attributes: dict[str, Any]
    dynamic: bool = False


@dataclass(frozen=True)
class Counted:
    """A resource with ``count``/``for_each`` over an unknown collection."""

    attributes: dict[str, Any]


@dataclass(frozen=True)
class Encoded:
    """``jsonencode(data)``."""

    data: Any


def encoded(data: Any) -> Encoded:
    return Encoded(data)


def block(**attributes: Any) -> Nested:
    return Nested(attributes)


def dynamic(**attributes: Any) -> Nested:
    return Nested(attributes, dynamic=True)


def counted(attributes: dict[str, Any]) -> Counted:
    return Counted(attributes)


def ref(text: str) -> Ref:
    """``"aws_sqs_queue.q.arn"`` -> ``Ref("aws_sqs_queue.q", "arn")``; ``data.`` and
    ``module.<name>.`` prefixes are part of the address."""
    parts = text.split(".")
    prefix: list[str] = []
    while parts[:1] == ["module"]:
        prefix += parts[:2]
        parts = parts[2:]
    size = 3 if parts[:1] == ["data"] else 2
    address = ".".join(prefix + parts[:size])
    rest = parts[size:]
    return Ref(address, rest[0] if rest else None)


def configuration(
    blocks: dict[str, dict[str, Any] | Counted],
    *,
    directory: str = ".",
    path: str = "main.tf",
    opaque_modules: dict[str, int] | None = None,
) -> Configuration:
    """A configuration of one file holding ``blocks`` (address -> attributes), in order.

    ``opaque_modules`` maps a module call address to the line its call is written on.
    """
    writer = _Writer(path)
    found = [writer.resource(address, body) for address, body in blocks.items()]
    calls = {
        address: Location(path, line, 1, line, 2)
        for address, line in (opaque_modules or {}).items()
    }
    return Configuration(
        directory=directory,
        files=[path],
        sources={path: writer.text()},
        blocks=found,
        module_calls=calls,
        opaque_modules=set(calls),
    )


def line_of(config: Configuration, needle: str, path: str = "main.tf") -> int:
    """The 1-based line of the first line of ``path`` containing ``needle``."""
    for number, text in enumerate(config.sources[path].splitlines(), start=1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} is not in {path}")


@dataclass
class _Writer:
    path: str
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def emit(self, depth: int, text: str) -> Location:
        indent = "  " * depth
        self.lines.append(indent + text)
        line = len(self.lines)
        return Location(self.path, line, len(indent) + 1, line, len(indent) + len(text) + 1)

    def resource(self, address: str, body: dict[str, Any] | Counted) -> Block:
        expanded = "unknown" if isinstance(body, Counted) else "single"
        attributes = body.attributes if isinstance(body, Counted) else body
        module, local = _split_module(address)
        data = local.startswith("data.")
        kind, name = local.split(".")[-2:]
        header = f'{"data" if data else "resource"} "{kind}" "{name}" {{'
        result = Block(
            type=kind,
            labels=(kind, name),
            location=self.emit(0, header),
            address=address,
            mode="data" if data else "managed",
            module=module,
            expanded=expanded,
        )
        if expanded == "unknown":
            self.emit(1, "for_each = var.unknown")
        self.fill(result, attributes, 1)
        result.end = self.emit(0, "}")
        self.emit(0, "")
        return result

    def fill(self, target: Block, attributes: dict[str, Any], depth: int) -> None:
        for key, value in attributes.items():
            if isinstance(value, Nested) or (
                isinstance(value, list) and value and all(isinstance(v, Nested) for v in value)
            ):
                for item in value if isinstance(value, list) else [value]:
                    target.blocks.append(self.nested(key, item, depth, target))
            else:
                target.attributes[key] = self.value(f"{key} = ", value, depth)

    def nested(self, kind: str, item: Nested, depth: int, parent: Block) -> Block:
        header = f'dynamic "{kind}" {{' if item.dynamic else f"{kind} {{"
        result = Block(
            type=kind,
            labels=(),
            location=self.emit(depth, header),
            mode="nested",
            module=parent.module,
            dynamic=item.dynamic,
        )
        if item.dynamic:
            self.emit(depth + 1, "for_each = var.unknown")
        self.fill(result, item.attributes, depth + 1)
        result.end = self.emit(depth, "}")
        return result

    def value(self, lead: str, value: Any, depth: int) -> Value:
        """One ``key = value`` (or list item) at ``depth``; objects and lists span lines."""
        if isinstance(value, Encoded):
            start = self.emit(depth, lead + "jsonencode(")
            structure = self.value("", value.data, depth + 1)
            plain = structure.plain()
            text = None if _has_ref(plain) else json.dumps(plain, separators=(",", ":"))
            location = _span(start, self.emit(depth, ")"))
            return EncodedValue(UNKNOWN if text is None else text, location, document=structure)
        if isinstance(value, dict):
            start = self.emit(depth, lead + "{")
            entries = {k: self.value(f"{_key(k)} = ", v, depth + 1) for k, v in value.items()}
            return Value(entries, _span(start, self.emit(depth, "}")))
        if isinstance(value, list):
            start = self.emit(depth, lead + "[")
            items = [self.value("", item, depth + 1) for item in value]
            return Value(items, _span(start, self.emit(depth, "]")))
        return Value(value, self.emit(depth, lead + _literal(value)))


def _split_module(address: str) -> tuple[str, str]:
    parts = address.split(".")
    module: list[str] = []
    while parts[:1] == ["module"]:
        module += parts[:2]
        parts = parts[2:]
    return ".".join(module), ".".join(parts)


def _span(start: Location, end: Location) -> Location:
    return Location(start.path, start.line, start.column, end.line, end.end_column)


def _key(key: str) -> str:
    return key if key.replace("_", "").isalnum() else json.dumps(key)


def _has_ref(plain: Any) -> bool:
    if isinstance(plain, dict):
        return any(_has_ref(item) for item in plain.values())
    if isinstance(plain, list):
        return any(_has_ref(item) for item in plain)
    return isinstance(plain, Ref) or plain is UNKNOWN


def _literal(value: Any) -> str:
    if isinstance(value, Ref):
        return value.address + (f".{value.attribute}" if value.attribute else "")
    if value is UNKNOWN:
        return "var.unknown"
    return json.dumps(value)
