"""Linting for an editor: which project a file belongs to, and that project's findings.

The language server re-lints a whole project after an edit, because a template's
findings depend on the handler code it names and the other way round. That stays cheap:
each project's linter is incremental (``invokelint.incremental``), so only what the edit
can change is rebuilt: the edited template's model (re-parsing only the resource edited),
or the code facts of the templates that read an edited module. Nothing here imports
pygls, so it is tested directly.

A document outside every workspace folder (a file under ``/``, a stray download) is a
project of its own: it is linted alone, with the handler code its template names next
to it (read within the code reader's bounds), and no folder is ever walked for it. A
document whose path the file system cannot hold (a ``%00`` in its URI) is not linted,
and never stops the other documents from being linted.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from invokelint.config import (
    CONFIG_FILES,
    Config,
    ConfigError,
    check_selectors,
    find_config,
    load_config,
)
from invokelint.diagnostics import Diagnostic
from invokelint.engine import Linter

# Files whose edits can change findings: templates, Terraform and handler code.
LINTED_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".tf", ".tofu", ".tfvars", ".py")
DEBOUNCE = 0.3


@dataclass(frozen=True)
class Settings:
    """What the editor may set: rule selection on top of the project's config file, and
    how many seconds after the last keystroke a project is linted."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    debounce: float = DEBOUNCE

    @classmethod
    def parse(cls, options: Any) -> tuple[Settings, list[str]]:
        """Settings from ``initializationOptions`` or ``settings`` (``{"invokelint": {...}}``
        or the table itself), and one message per value that was not understood."""
        if isinstance(options, Mapping) and isinstance(options.get("invokelint"), Mapping):
            options = options["invokelint"]
        if not isinstance(options, Mapping):
            return cls(), []
        problems: list[str] = []
        values = {}
        for key in ("select", "ignore"):
            codes = _codes(options.get(key))
            try:
                check_selectors(codes, key, "editor settings")
            except ConfigError as error:
                problems.append(str(error))
                codes = ()
            values[key] = codes
        debounce = options.get("debounce", DEBOUNCE)
        if isinstance(debounce, bool) or not isinstance(debounce, int | float) or debounce < 0:
            problems.append(f"editor settings: debounce: {debounce!r} is not a number of seconds")
            debounce = DEBOUNCE
        return cls(values["select"], values["ignore"], float(debounce)), problems


def _codes(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, Iterable):
        return ()
    return tuple(str(code).strip().upper() for code in value if str(code).strip())


@dataclass
class ProjectLint:
    """One project's findings by absolute file path; ``files`` also lists clean files."""

    root: Path
    files: dict[Path, list[Diagnostic]] = field(default_factory=dict)
    config_error: str | None = None


class Projects:
    """Finds projects and lints them, keeping one ``Linter`` per project and config."""

    def __init__(self, folders: Sequence[Path] = (), settings: Settings | None = None) -> None:
        self.folders = [Path(os.path.abspath(folder)) for folder in folders]
        self.settings = settings or Settings()
        self._linters: dict[Path, tuple[tuple[Any, ...], Linter, str | None]] = {}

    @staticmethod
    def lints(path: Path) -> bool:
        """An edit of ``path`` may change findings (a config file counts once saved)."""
        if not valid_path(path):
            return False
        return path.name.endswith(LINTED_SUFFIXES) or path.name in CONFIG_FILES

    def root_of(self, path: Path) -> Path:
        """Inside a workspace folder: the folder of the nearest config file within it,
        else the innermost workspace folder holding the file. Outside every workspace
        folder: the file itself, linted alone."""
        path = Path(os.path.abspath(path))
        holding = [folder for folder in self.folders if path.is_relative_to(folder)]
        if not holding:
            return path
        workspace = max(holding, key=lambda folder: len(folder.parts))
        config = find_config(path)
        if config is not None and config.parent.is_relative_to(workspace.resolve()):
            return config.parent
        return workspace

    def lint(self, root: Path, overlays: Mapping[Path, str]) -> ProjectLint:
        """Lint every file under ``root`` (or the file ``root`` alone), reading open
        buffers from ``overlays``."""
        folder = root if root.is_dir() else root.parent
        project = ProjectLint(root)
        if folder is not root and not root.is_file():
            return project  # a loose document that is not on disk (yet): nothing to read
        linter, project.config_error = self._linter(root, folder)
        usable = {path: text for path, text in overlays.items() if valid_path(path)}
        result = linter.lint([root], overlays=usable)
        for display in [*result.checked, *result.failed]:
            project.files.setdefault(self._absolute(folder, display), [])
        for diagnostic in result.diagnostics:
            project.files.setdefault(self._absolute(folder, diagnostic.path), []).append(diagnostic)
        return project

    def release(self) -> None:
        """Free what edits replaced (the models of earlier texts), off the path from an
        edit to its diagnostics."""
        for _, linter, _ in self._linters.values():
            if linter.memo is not None:
                linter.memo.release()

    def _linter(self, root: Path, folder: Path) -> tuple[Linter, str | None]:
        """The project's linter, rebuilt when its config file or the settings change."""
        path = find_config(root)
        stamp = (path, _mtime(path), self.settings.select, self.settings.ignore)
        cached = self._linters.get(root)
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        error = None
        try:
            config = load_config(path)
        except ConfigError as exc:
            error, config = str(exc), Config()
        if self.settings.select:
            config.select = self.settings.select
        config.ignore = (*config.ignore, *self.settings.ignore)
        linter = Linter(config, cwd=folder, incremental=True)
        self._linters[root] = (stamp, linter, error)
        return linter, error

    @staticmethod
    def _absolute(root: Path, display: str) -> Path:
        return Path(os.path.abspath(root / display))


def valid_path(path: Path) -> bool:
    """A path the file system can hold: no NUL byte, encodable, not absurdly long."""
    text = str(path)
    if "\0" in text or len(text) > _MAX_PATH:
        return False
    try:
        os.fsencode(text)
    except UnicodeError:
        return False
    return True


_MAX_PATH = 4096  # PATH_MAX on Linux


def _mtime(path: Path | None) -> int | None:
    try:
        return path.stat().st_mtime_ns if path is not None else None
    except OSError:
        return None
