"""Reading values out of a loaded template: literals, defaults, locations.

CloudFormation lets most properties be either a literal or an intrinsic function.
Everything here turns the literal case into a Python value and every intrinsic (a
parameter, a condition, an import) into ``UNKNOWN``, so the model never guesses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

from invokelint.frontends.literals import as_bool as as_bool
from invokelint.frontends.literals import as_int as as_int
from invokelint.frontends.literals import as_str as as_str
from invokelint.frontends.literals import as_str_list as as_str_list
from invokelint.frontends.positioned import Map, Pos, Seq
from invokelint.model import Location, Setting, Unknown

T = TypeVar("T")

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def is_intrinsic(value: Any) -> bool:
    """A one-key mapping such as ``{"Ref": ...}`` or ``{"Fn::If": ...}``."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value  # the one key
    return key == "Ref" or key == "Condition" or (isinstance(key, str) and key.startswith("Fn::"))


class Template:
    """One loaded CloudFormation or SAM template and where it lives."""

    def __init__(self, root: Map, path: str, directory: str) -> None:
        self.root = root
        self.path = path  # display path used in diagnostics
        self.directory = directory  # folder that relative code paths are resolved against
        resources = root.get("Resources")
        self.resources: Map = resources if isinstance(resources, Map) else Map()
        parameters = root.get("Parameters")
        self.parameters: Map = parameters if isinstance(parameters, Map) else Map()
        self.is_sam = _has_sam_transform(root.get("Transform"))
        # logical id -> properties with SAM ``Globals`` merged in (functions.py fills it)
        self.merged_properties: dict[str, Map] = {}
        # indexes a reader builds once per template (e.g. which routes use an integration)
        self.cache: dict[str, Any] = {}
        self._well_formed: list[tuple[str, str, Map]] | None = None

    # -- locations
    def location(self, pos: Pos) -> Location:
        return Location(self.path, pos[0], pos[1], pos[2], pos[3])

    def resource_location(self, logical_id: str) -> Location:
        """The logical id line: where "the resource" is when no property is to blame."""
        return self.location(self.resources.key_position(logical_id))

    def entry_location(self, mapping: Map, key: str) -> Location:
        """The whole ``Key: value`` entry of ``mapping`` (``Map.entry_position`` inlined:
        every setting of every resource has one)."""
        start = mapping.key_pos.get(key)
        end = mapping.val_pos.get(key)
        if start is None or end is None:
            return self.location(mapping.pos)
        return Location(self.path, start[0], start[1], end[2], end[3])

    # -- resources
    def iter_resources(self) -> Iterator[tuple[str, str, Map]]:
        """``(logical_id, type, properties)`` of every well-formed resource."""
        if self._well_formed is None:  # every part of the frontend walks them: list once
            self._well_formed = []
            for logical_id, body in self.resources.items():
                if not isinstance(body, Map):
                    continue
                kind = body.get("Type")
                if not isinstance(kind, str):
                    continue
                properties = body.get("Properties")
                self._well_formed.append(
                    (
                        str(logical_id),
                        kind,
                        properties if isinstance(properties, Map) else Map(body.pos),
                    )
                )
        return iter(self._well_formed)

    def resource_type(self, logical_id: str) -> str | None:
        body = self.resources.get(logical_id)
        kind = body.get("Type") if isinstance(body, Map) else None
        return kind if isinstance(kind, str) else None

    def ignores(self, logical_id: str) -> frozenset[str]:
        """Rule ids listed under ``Metadata: {invokelint: {ignore: [...]}}``."""
        body = self.resources.get(logical_id)
        metadata = body.get("Metadata") if isinstance(body, Map) else None
        config = metadata.get("invokelint") if isinstance(metadata, Map) else None
        ignore = config.get("ignore") if isinstance(config, Map) else None
        if isinstance(ignore, str):
            return frozenset({ignore.upper()})
        if isinstance(ignore, list):
            return frozenset(str(item).upper() for item in ignore if isinstance(item, str))
        return frozenset()

    # -- settings
    def setting(
        self,
        properties: Map,
        key: str,
        convert: Callable[[Any], T | Unknown | None],
        default: T,
        absent: Location,
    ) -> Setting[T]:
        """A property's literal value, ``UNKNOWN`` for an intrinsic, or the AWS default.

        ``absent`` is where an unset property is reported: usually the resource's line.
        """
        value = properties.get(key)
        if value is None:
            return Setting(default, absent, explicit=False)
        value = convert(value)
        if value is None:
            value = default
        return Setting(value, self.entry_location(properties, key))

    def floored(self, setting: Setting[T], value: Any, least: int) -> Setting[T]:
        """``setting`` with the least value the parameter behind ``value`` admits.

        ``value`` is the property as written; only a plain ``!Ref`` of a parameter has a
        floor: its ``MinValue``, else its smallest ``AllowedValues``, else ``least`` (what
        AWS accepts at all). A condition, an import or a pseudo parameter has none.
        """
        if setting.known or not (isinstance(value, dict) and set(value) == {"Ref"}):
            return setting
        parameter = self.parameters.get(value["Ref"])
        if not isinstance(parameter, Map):
            return setting
        floor = as_int(parameter.get("MinValue"))
        if not isinstance(floor, int):
            allowed = parameter.get("AllowedValues")
            numbers = [as_int(item) for item in allowed] if isinstance(allowed, Seq) else []
            known = numbers and all(isinstance(n, int) for n in numbers)
            floor = min(numbers) if known else least  # type: ignore[type-var]
        return replace(setting, floor=max(floor, least))  # type: ignore[arg-type]


def _has_sam_transform(transform: Any) -> bool:
    if isinstance(transform, str):
        return transform == SAM_TRANSFORM
    if isinstance(transform, Seq):
        return SAM_TRANSFORM in transform
    return False


def plain(value: Any, kind: type) -> bool:
    """``value`` is a ``kind`` (mapping or list) written out, not an intrinsic function."""
    return isinstance(value, kind) and not is_intrinsic(value)


def items(value: Any) -> Iterator[tuple[int, Map]]:
    """``(index, item)`` of a literal list's literal mappings."""
    if isinstance(value, Seq):
        for index, item in enumerate(value):
            if plain(item, Map):
                yield index, item


def child(mapping: Any, *keys: str) -> Any:
    """``mapping[k1][k2]...`` or None when any step is missing or not a mapping."""
    value = mapping
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
