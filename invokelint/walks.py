"""Folder walks the language server reuses: no walk and no ``git check-ignore`` per edit.

Which files a folder holds for the linter changes only when an entry is created, deleted
or renamed in a folder the walk went through (that folder's modification time changes),
when a ``.gitignore`` or a CDK ``manifest.json`` there is rewritten, or when something
else git reads changes: the repository's index (a file added or removed from it),
``info/exclude``, the ``.gitignore`` files above the folder, the user's git config and
global ignore file. The modification times of all of those are kept with the walk and
compared before the next lint; the walk is reused only when every one is the same.

A time read within ``SETTLED_NS`` of its change may not move when the file changes again
(file systems keep coarse times): a walk holding such a time is not kept ("racy git").
Not watched: an ignore file named by ``core.excludesFile`` elsewhere than git's default
place (its edit is seen at the next change of anything above).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invokelint.config import Config
    from invokelint.discovery import Unit

SETTLED_NS = 2_000_000_000
# Files in a walked folder whose content (not only presence) decides what is linted.
_READ_IN_FOLDER = (".gitignore", "manifest.json")


@dataclass
class _Walk:
    units: list[Unit]
    warnings: list[str]
    stamps: dict[str, int | None]  # path -> modification time (ns), None when absent


class Walks:
    """One project's folder walks (one ``Linter``: its config is fixed)."""

    def __init__(self) -> None:
        self._kept: dict[Path, _Walk] = {}
        self.walked = 0  # walks done rather than reused (tests count them)

    def walk(self, root: Path, config: Config, skipped: list[str]) -> list[Unit]:
        """``discovery.walk_folder(root, ...)``, reused while nothing it read changed."""
        kept = self._kept.get(root)
        if kept is not None and all(_mtime(path) == t for path, t in kept.stamps.items()):
            skipped.extend(kept.warnings)
            return list(kept.units)
        from invokelint.discovery import walk_folder

        self.walked += 1
        folders: list[str] = []
        warnings: list[str] = []
        units = walk_folder(root, config, warnings, folders)
        skipped.extend(warnings)
        stamps = {path: _mtime(path) for path in _inputs(root, folders)}
        now = time.time_ns()
        if all(t is None or now - t > SETTLED_NS for t in stamps.values()):
            self._kept[root] = _Walk(list(units), warnings, stamps)
        else:
            self._kept.pop(root, None)
        return units


def _inputs(root: Path, folders: list[str]) -> list[str]:
    """Every path whose change may change the walk of ``root`` through ``folders``."""
    paths = list(folders)
    for folder in folders:
        paths.extend(os.path.join(folder, name) for name in _READ_IN_FOLDER)
    for folder in (root, *root.parents):
        paths.append(os.path.join(folder, ".gitignore"))
        dot_git = os.path.join(folder, ".git")
        if os.path.lexists(dot_git):
            git_dir = _git_dir(dot_git)
            paths += [dot_git, os.path.join(git_dir, "index")]
            paths.append(os.path.join(git_dir, "info", "exclude"))
            break
    home = os.path.expanduser("~")
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    paths += [os.path.join(home, ".gitconfig"), os.path.join(config_home, "git", "config")]
    paths.append(os.path.join(config_home, "git", "ignore"))
    return paths


def _git_dir(dot_git: str) -> str:
    """The folder a ``.git`` entry stands for: itself, or where a worktree's file points."""
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as stream:
            line = stream.readline().strip()
    except (OSError, UnicodeDecodeError):
        return dot_git
    if not line.startswith("gitdir:"):
        return dot_git
    return os.path.join(os.path.dirname(dot_git), line.removeprefix("gitdir:").strip())


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except (OSError, ValueError):
        return None
