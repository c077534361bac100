"""Literal values as CloudFormation and Terraform convert them: ``"30"`` is a number,
``"true"`` a bool. None is "not set"; anything else that is not a literal (an intrinsic,
a reference, an unknown value) is ``UNKNOWN``, so the model never guesses."""

from __future__ import annotations

import re
from typing import Any

from invokelint.limits import MAX_NUMBER_DIGITS
from invokelint.model import UNKNOWN, Unknown

_INTEGER = re.compile(rf"[-+]?[0-9]{{1,{MAX_NUMBER_DIGITS}}}")


def as_int(value: Any) -> int | Unknown | None:
    """A literal integer (CloudFormation and Terraform also accept ``"30"``); None if
    absent or null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return UNKNOWN
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        # ASCII digits only, bounded: not "1_000", "٣" or 5,000 digits, which int() takes
        digits = value.strip()
        return int(digits) if _INTEGER.fullmatch(digits) else UNKNOWN
    return UNKNOWN


def as_bool(value: Any) -> bool | Unknown | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return UNKNOWN


def as_str(value: Any) -> str | Unknown | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return UNKNOWN


def as_str_list(value: Any) -> tuple[str, ...] | Unknown | None:
    if value is None:
        return None
    if not isinstance(value, list):
        return UNKNOWN
    items = [as_str(item) for item in value]
    if any(item is UNKNOWN or item is None for item in items):
        return UNKNOWN
    return tuple(items)  # type: ignore[arg-type]
