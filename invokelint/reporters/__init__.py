"""Output formats. A reporter only formats a ``LintResult``; it never decides anything.

Each module exposes ``render(result: LintResult, context: ReportContext) -> str`` and is
imported only when its format is asked for.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invokelint.engine import LintResult

FORMATS = (
    "text",  # full in a terminal, concise otherwise
    "concise",
    "full",
    "json",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "lsp",
    "markdown",
)
_MODULES = {"concise": "text", "full": "text"}  # the text reporter's two layouts


@dataclass(frozen=True)
class ReportContext:
    """What a reporter may need besides the diagnostics.

    Diagnostics carry display paths (relative to ``cwd``, as users type them); CI formats
    want them relative to ``root``, the repository, so that a job that runs in a
    subfolder of a monorepo gets the same paths and fingerprints as one at the top.
    """

    cwd: Path
    quiet: bool = False
    root: Path | None = None  # the repository root (default: ``cwd``)
    sarif_full_help: bool = False  # every rule's page in SARIF, not only those with results
    source_context: bool = False  # text: the offending line with a caret under the span
    color: bool = False  # text: ANSI colours
    sources: Mapping[str, str] = field(default_factory=dict)  # display path -> unsaved text
    unsafe_fixes: bool = False  # text: ``--unsafe-fixes`` counts unsafe fixes as fixable

    @property
    def source_root(self) -> Path:
        return self.root if self.root is not None else self.cwd

    def source_path(self, display: str) -> str:
        """``display`` relative to ``source_root`` (POSIX), or absolute when outside it."""
        absolute = Path(os.path.abspath(self.cwd / display))
        try:
            return absolute.relative_to(os.path.abspath(self.source_root)).as_posix()
        except ValueError:
            return absolute.as_posix()


def repository_root(cwd: Path) -> Path:
    """The nearest folder at or above ``cwd`` holding ``.git`` (a folder, or a worktree's
    file), else ``cwd``: where code scanning and annotations resolve paths. No git call."""
    for folder in (cwd, *cwd.parents):
        if (folder / ".git").exists():
            return folder
    return cwd


Renderer = Callable[["LintResult", ReportContext], str]


def get_reporter(name: str) -> Renderer:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"{__name__}.{_MODULES.get(name, name)}_report")
    return module.render


def use_color(stream_is_terminal: bool, environ: Mapping[str, str]) -> bool:
    """Colour on a terminal; ``NO_COLOR`` turns it off, ``FORCE_COLOR`` on (NO_COLOR wins,
    as in CPython), whatever the stream. Empty values count as unset."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return stream_is_terminal
