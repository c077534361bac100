"""Fixes as data: what a rule would change, anchored on the model's locations.

A rule never touches text. It attaches a ``Fix`` to its diagnostic: edits that name a
property by the location of the key that owns it (a resource's logical id, a SAM event's
name, an explicit ``Key: value`` entry) and a path of property names below it. One writer
per format (``invokelint.fixes.apply``) turns the edits into text, or drops the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from invokelint.model import Location, Setting

Safety = Literal["safe", "unsafe"]


@dataclass(frozen=True, slots=True)
class Intrinsic:
    """A CloudFormation function as an edit's value (hashable, unlike its dict form).

    ``Intrinsic("Fn::GetAtt", ("Failed", "Arn"))``: the writer spells it as the file
    does, ``!GetAtt Failed.Arn`` or ``Fn::GetAtt: [Failed, Arn]`` in YAML, an object in
    JSON.
    """

    function: str
    argument: Any

    @classmethod
    def arn_of(cls, logical_id: str, *, attribute: bool) -> Intrinsic:
        """The ARN of a template resource: ``!GetAtt Id.Arn`` (a queue) or ``!Ref Id`` (a
        topic, whose ``Ref`` is its ARN)."""
        return cls("Fn::GetAtt", (logical_id, "Arn")) if attribute else cls("Ref", logical_id)


@dataclass(frozen=True, slots=True)
class Reference:
    """An attribute of another resource of the project, whatever the format writes.

    ``resource`` is the model's id: a logical id in a template (the YAML/JSON writer
    spells ``!GetAtt Failed.Arn``, or ``!Ref Failed`` with ``by_ref``, the ``Ref`` of a
    topic being its ARN), a Terraform address in HCL (``aws_sqs_queue.failed.arn``).
    """

    resource: str
    attribute: str = "Arn"
    by_ref: bool = False  # CloudFormation: the resource's ``Ref`` is this attribute

    @classmethod
    def arn_of(cls, resource: str, *, attribute: bool) -> Reference:
        """The ARN of a queue (``attribute``: ``Fn::GetAtt``) or a topic (its ``Ref``)."""
        return cls(resource, "Arn", by_ref=not attribute)

    @property
    def intrinsic(self) -> Intrinsic:
        if self.by_ref:
            return Intrinsic("Ref", self.resource)
        return Intrinsic("Fn::GetAtt", (self.resource, self.attribute))

    @property
    def terraform(self) -> str:
        """``aws_sqs_queue.failed.arn``: the address and the attribute in snake case."""
        name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", self.attribute).lower()
        return f"{self.resource}.{name}"


@dataclass(frozen=True, slots=True)
class Edit:
    """Set (or, with ``remove``, delete) the property ``path`` below the key at ``anchor``.

    ``anchor`` is where a key is written (its start is what counts); an empty ``path``
    means the anchor's own value. Missing mappings on the path are created.
    """

    anchor: Location
    path: tuple[str, ...]
    value: Any = None
    remove: bool = False
    # The name of the key at ``anchor``: the writer checks it, so a location that names
    # a whole policy (a JSON string ``RedrivePolicy``) is never overwritten by mistake.
    key: str | None = None
    # Where values the fix relies on are written. A template writes them in place; in
    # HCL each must be a literal of a resource block in the anchor's file, not a
    # variable's default that another ``.tfvars`` may replace, or there is no fix.
    given: tuple[Location, ...] = ()


@dataclass(frozen=True, slots=True)
class Fix:
    edits: tuple[Edit, ...]
    safety: Safety = "safe"
    title: str = ""

    @property
    def path(self) -> str:
        return self.edits[0].anchor.path


def set_property(
    setting: Setting[Any],
    owner: Location,
    key: str,
    value: Any,
    title: str,
    *,
    under=("Properties",),
) -> Fix | None:
    """A safe fix that sets ``key`` to ``value``: in place when written, else inserted
    below ``owner`` (``Properties`` of the resource or SAM event). None for a value
    behind an intrinsic or a parameter, or for an input no writer edits."""
    if not setting.known or not _editable(owner.path):
        return None
    return Fix((property_edit(setting, owner, key, value, under=under),), "safe", title)


def property_edit(
    setting: Setting[Any],
    owner: Location,
    key: str,
    value: Any,
    *,
    under: tuple[str, ...] = ("Properties",),
) -> Edit:
    """Set ``key``: in place when the setting is written, else below ``owner``."""
    if isinstance(value, list):  # diagnostics are hashed: keep fixes immutable
        value = tuple(value)
    if setting.explicit:
        return Edit(setting.location, (), value, key=key)
    return Edit(owner, (*under, key), value)


def remove_entry(
    entry: Location, key: str, title: str, given: tuple[Location, ...] = ()
) -> Fix | None:
    """An unsafe fix that deletes the ``key: value`` entry written at ``entry`` (because
    of the values written at ``given``)."""
    if not _editable(entry.path):
        return None
    return Fix((Edit(entry, (), remove=True, key=key, given=given),), "unsafe", title)


def editable(location: Location) -> bool:
    """Whether a writer edits the file at ``location`` (YAML or JSON templates, HCL)."""
    return _editable(location.path)


def terraform(location: Location) -> bool:
    """Whether ``location`` is in a Terraform file (``.tf``, ``.tofu`` or their JSON)."""
    return location.path.endswith((".tf", ".tofu", ".tf.json", ".tofu.json"))


def _editable(path: str) -> bool:
    return path.endswith((".yaml", ".yml", ".json", ".template", ".tf", ".tofu"))
