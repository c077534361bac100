"""One unit of work at a time: a bug on one input never hides the findings of the others.

The engine runs each unit (a template with its rules, a handler module's analysis, later
a Terraform module) through ``isolated``. An unexpected exception there becomes an
``InternalError`` for that unit's file, which the engine reports as IL000; the run goes
on with the next unit and exits 2. ``INVOKELINT_DEBUG=1`` lets the exception through,
traceback and all, for a bug report.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
DEBUG_VARIABLE = "INVOKELINT_DEBUG"
_DETAIL_LENGTH = 200
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InternalError:
    """invokelint failed on ``path`` (a display path): the exception, in one line."""

    path: str
    exception: str  # the class name: "RecursionError"
    detail: str

    @property
    def message(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return (
            f"internal error: {self.exception}{detail}; this file was not fully checked. "
            f"Please report it with the traceback that {DEBUG_VARIABLE}=1 prints"
        )


def debugging() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def isolated(path: str, work: Callable[[], T]) -> T | InternalError:
    """``work()``, or the ``InternalError`` it raised (re-raised when debugging)."""
    try:
        return work()
    except Exception as error:  # a bug in invokelint: contained to this unit
        if debugging():
            raise
        log.debug("internal error on %s", path, exc_info=True)
        detail = " ".join(str(error).split())
        if len(detail) > _DETAIL_LENGTH:
            detail = detail[: _DETAIL_LENGTH - 3] + "..."
        return InternalError(path, type(error).__name__, detail)
