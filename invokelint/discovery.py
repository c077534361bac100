"""Which files to lint: templates found under the given paths.

A folder is walked (skipping ``.git``, ``node_modules``, ``.aws-sam``, ``.terraform``,
virtual environments, git-ignored files (``gitignore.py``) and the config's ``exclude``
globs, and never leaving the folder through a symbolic link); a file named on the command
line is taken as it is. Whether a YAML/JSON file is a template is decided by its name
(``template.yaml``, ``*.template``) or by its content (``Resources`` holding ``AWS::``
types), so unrelated YAML such as CI workflows is never reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from invokelint.config import Config

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
TEMPLATE_NAMES = ("template.yaml", "template.yml")
_RESOURCES_KEY = re.compile(r"^['\"]?Resources['\"]?[ \t]*:|\"Resources\"\s*:", re.MULTILINE)


class PathNotFound(Exception):
    pass


def discover(paths: Iterable[Path], config: Config) -> list[Path]:
    """Candidate template files under ``paths``, each once, in a stable order."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_file():
            if is_candidate(path):
                found[path] = None
        elif path.is_dir():
            walked = list(_walk(path, config))
            if config.respect_gitignore:
                from invokelint.gitignore import ignored

                skip = ignored(path, walked)
                walked = [candidate for candidate in walked if candidate not in skip]
            found.update(dict.fromkeys(walked))
        elif path.exists():
            raise PathNotFound(f"{path}: not a regular file or directory")
        else:
            raise PathNotFound(f"{path}: no such file or directory")
    return list(found)


def _walk(root: Path, config: Config) -> Iterable[Path]:
    """Regular files only (a FIFO named ``template.yaml`` would block the read forever);
    symbolic links only when they stay inside ``root``; folders are never followed
    through links (``os.walk``'s default)."""
    inside = os.path.realpath(root)
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not config.excluded(base / d))
        for name in sorted(files):
            path = base / name
            if not is_candidate(path) or config.excluded(path) or not path.is_file():
                continue
            if path.is_symlink() and not _within(os.path.realpath(path), inside):
                continue
            yield path


def _within(path: str, folder: str) -> bool:
    return os.path.commonpath((path, folder)) == folder


def is_candidate(path: Path) -> bool:
    return path.name.endswith(TEMPLATE_SUFFIXES)


def named_as_template(path: Path) -> bool:
    """A file whose name alone says it is a template: parse errors are reported."""
    return path.name in TEMPLATE_NAMES or path.name.endswith(".template")


def may_be_template(text: str) -> bool:
    """Cheap content test before parsing: a top-level ``Resources:`` key (YAML) or a
    ``"Resources":`` key (JSON), and an ``AWS::`` type. A CI workflow that merely
    mentions both words is not parsed, so its syntax errors are never reported."""
    return "AWS::" in text and _RESOURCES_KEY.search(text) is not None
