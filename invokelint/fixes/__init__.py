"""Fixes as data: what a rule would change, anchored on the model's locations.

A rule never touches text. It attaches a ``Fix`` to its diagnostic: edits that name a
property by the location of the key that owns it (a resource's logical id, a SAM event's
name, an explicit ``Key: value`` entry) and a path of property names below it. One writer
per format (``invokelint.fixes.apply``) turns the edits into text, or drops the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from invokelint.model import Location, Setting

Safety = Literal["safe", "unsafe"]


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
    if setting.explicit:
        return Fix((Edit(setting.location, (), value),), "safe", title)
    return Fix((Edit(owner, (*under, key), value),), "safe", title)


def _editable(path: str) -> bool:
    return path.endswith((".yaml", ".yml", ".json", ".template"))
