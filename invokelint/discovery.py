"""Which files to lint: templates found under the given paths.

A folder is walked (skipping ``.git``, ``node_modules``, ``.aws-sam``, ``.terraform``,
virtual environments and the config's ``exclude`` globs, and never leaving the folder
through a symbolic link); a file named on the command line is taken as it is. Whether
a YAML/JSON file is a template is decided by its name (``template.yaml``, ``*.template``)
or by its content (``Resources`` holding ``AWS::`` types), so unrelated YAML such as CI
workflows is never reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from invokelint.config import Config
from invokelint.regular_files import Refused, check_regular, kind_of, outside_message, within

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
TEMPLATE_NAMES = ("template.yaml", "template.yml")
_RESOURCES_KEY = re.compile(r"^['\"]?Resources['\"]?[ \t]*:|\"Resources\"\s*:", re.MULTILINE)


class PathNotFound(Exception):
    pass


def discover(
    paths: Iterable[Path], config: Config, warnings: list[str] | None = None
) -> list[Path]:
    """Candidate template files under ``paths``, each once, in a stable order.

    Candidates skipped on the walk (a FIFO, a device, a link out of the folder) are
    named in ``warnings``.
    """
    found: dict[Path, None] = {}
    skipped = warnings if warnings is not None else []
    for path in paths:
        if path.is_file():
            if is_candidate(path):
                found[path] = None
        elif path.is_dir():
            for candidate in _walk(path, config, skipped):
                found[candidate] = None
        elif path.exists():
            raise PathNotFound(f"{path}: not read: it is {kind_of(path.stat().st_mode)}")
        else:
            raise PathNotFound(f"{path}: no such file or directory")
    return list(found)


def _walk(root: Path, config: Config, skipped: list[str]) -> Iterable[Path]:
    """Regular files only (a FIFO named ``template.yaml`` would block the read forever);
    symbolic links only when they stay inside ``root``; folders are never followed
    through links (``os.walk``'s default). Skipped candidates are named in ``skipped``."""
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not config.excluded(base / d))
        for name in sorted(files):
            path = base / name
            if not is_candidate(path) or config.excluded(path):
                continue
            if path.is_symlink() and not within(path, root):
                skipped.append(f"{path}: {outside_message(path, root)}")
                continue
            try:
                check_regular(path)
            except Refused as refused:
                skipped.append(f"{path}: {refused.message}")
                continue
            except OSError:  # a dangling link, a file gone since the listing
                continue
            yield path


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
