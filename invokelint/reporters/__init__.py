"""Output formats. A reporter only formats a ``LintResult``; it never decides anything.

Each module exposes ``render(result: LintResult, context: ReportContext) -> str`` and is
imported only when its format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invokelint.engine import LintResult

FORMATS = ("text", "json", "sarif", "github", "junit", "lsp")


@dataclass(frozen=True)
class ReportContext:
    """What a reporter may need besides the diagnostics."""

    cwd: Path
    quiet: bool = False


Renderer = Callable[["LintResult", ReportContext], str]


def get_reporter(name: str) -> Renderer:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"{__name__}.{name}_report")
    return module.render
