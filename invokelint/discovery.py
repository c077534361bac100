"""Which files to lint: templates and Terraform modules found under the given paths.

A folder is walked (skipping ``.git``, ``node_modules``, ``.aws-sam``, ``.terraform``,
virtual environments, git-ignored files (``gitignore.py``) and the config's ``exclude``
globs, and never leaving the folder through a symbolic link); a file named on the command
line is taken as it is. Whether a YAML/JSON file is a template is decided by its name
(``template.yaml``, ``*.template``) or by its content (``Resources`` holding ``AWS::``
types), so unrelated YAML such as CI workflows is never reported. A folder holding
Terraform files (``*.tf``, ``*.tofu``, ``*.tf.json``) is one module, as Terraform reads
it; Terraform files named on the command line form a module of just those files (plus
the folder's ``.tfvars``), the way checkov's ``-f`` reads them, so a pre-commit hook that
passes changed files lints those files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from invokelint.config import Config
from invokelint.regular_files import Refused, check_regular, kind_of, outside_message, within

if TYPE_CHECKING:
    from invokelint.walks import Walks

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
TERRAFORM_SUFFIXES = (".tf", ".tofu", ".tf.json", ".tofu.json")
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")
TEMPLATE_NAMES = ("template.yaml", "template.yml")
_RESOURCES_KEY = re.compile(r"^['\"]?Resources['\"]?[ \t]*:|\"Resources\"\s*:", re.MULTILINE)


class PathNotFound(Exception):
    pass


@dataclass(frozen=True)
class TerraformModule:
    """One Terraform module to lint: a folder, or only ``files`` of it (named by the user)."""

    directory: Path
    files: tuple[Path, ...] | None = None


@dataclass(frozen=True)
class CloudAssembly:
    """A CDK cloud assembly (``cdk.out``): its ``manifest.json`` names the stack templates."""

    directory: Path


Unit = Path | TerraformModule | CloudAssembly  # a template (or plan JSON) file, or a group
ASSEMBLY_MANIFEST = "manifest.json"


def discover(
    paths: Iterable[Path],
    config: Config,
    warnings: list[str] | None = None,
    walks: Walks | None = None,
) -> list[Unit]:
    """Candidate template files and Terraform modules under ``paths``, each once, in a
    stable order: files first, then modules (a plan JSON stands for the module beside it).

    Candidates skipped on the walk (a FIFO, a device, a link out of the folder) are
    named in ``warnings``. ``walks`` (the language server's) reuses a folder's walk
    while nothing in it can have changed.
    """
    found: dict[Path, None] = {}
    skipped = warnings if warnings is not None else []
    modules: dict[Path, None] = {}
    assemblies: dict[Path, None] = {}
    named: dict[Path, list[Path]] = {}
    for path in paths:
        if path.is_file() and path.name == ASSEMBLY_MANIFEST and is_assembly(path.parent):
            assemblies[path.parent] = None
        elif path.is_dir() and is_assembly(path):
            assemblies[path] = None  # named: linted even where plain discovery skips it
        elif path.is_file():
            if is_terraform(path):
                named.setdefault(path.parent, []).append(path)
            elif path.name.endswith(TFVARS_SUFFIXES):
                modules[path.parent] = None  # values of the whole module changed
            elif is_candidate(path):
                found[path] = None
        elif path.is_dir():
            if walks is not None:
                walked = walks.walk(path, config, skipped)
            else:
                walked = walk_folder(path, config, skipped)
            for candidate in walked:
                if isinstance(candidate, TerraformModule):
                    modules[candidate.directory] = None
                elif isinstance(candidate, CloudAssembly):
                    assemblies[candidate.directory] = None
                else:
                    found[candidate] = None
        elif path.exists():
            raise PathNotFound(f"{path}: not read: it is {kind_of(path.stat().st_mode)}")
        else:
            raise PathNotFound(f"{path}: no such file or directory")
    units: list[Unit] = list(found)
    units.extend(CloudAssembly(directory) for directory in assemblies)
    units.extend(TerraformModule(directory) for directory in modules)
    units.extend(
        TerraformModule(directory, tuple(files))
        for directory, files in named.items()
        if directory not in modules
    )
    return units


def walk_folder(
    root: Path, config: Config, skipped: list[str], folders: list[str] | None = None
) -> list[Unit]:
    """The candidates under the folder ``root`` that git does not ignore; every folder
    walked is added to ``folders``."""
    walked = list(_walk(root, config, skipped, folders))
    if config.respect_gitignore:
        from invokelint.gitignore import ignored

        keys = [u if isinstance(u, Path) else u.directory for u in walked]
        skip = ignored(root, keys)
        walked = [u for u, key in zip(walked, keys, strict=True) if key not in skip]
    return walked


def _walk(
    root: Path, config: Config, skipped: list[str], folders: list[str] | None
) -> Iterable[Unit]:
    """Regular files only (a FIFO named ``template.yaml`` would block the read forever);
    symbolic links only when they stay inside ``root``; folders are never followed
    through links (``os.walk``'s default). Skipped candidates are named in ``skipped``.
    A folder with Terraform files is a module."""
    for folder, dirs, files in os.walk(root):
        if folders is not None:
            folders.append(folder)
        base = Path(folder)
        if ASSEMBLY_MANIFEST in files and is_assembly(base):
            dirs[:] = []  # its templates, nested assemblies and assets are read through it
            yield CloudAssembly(base)
            continue
        dirs[:] = sorted(d for d in dirs if not config.excluded(base / d))
        if ".serverless" in dirs and ("serverless.yml" in files or "serverless.yaml" in files):
            dirs.remove(".serverless")  # the framework's package of the service linted here
        module = False
        for name in sorted(files):
            path = base / name
            terraform = is_terraform(path)
            if not (terraform or is_candidate(path)) or config.excluded(path):
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
            if terraform:
                module = True
            else:
                yield path
        if module:
            yield TerraformModule(base)


def is_candidate(path: Path) -> bool:
    """A file that may be a template or a plan JSON (``.tf.json`` is Terraform)."""
    return path.name.endswith(TEMPLATE_SUFFIXES) and not is_terraform(path)


def is_assembly(folder: Path) -> bool:
    """A CDK cloud assembly: a ``manifest.json`` beside a ``cdk.out`` marker file, or one
    whose opening names ``artifacts`` (cheap: the manifest is parsed when linted)."""
    manifest = folder / ASSEMBLY_MANIFEST
    if (folder / "cdk.out").is_file():
        return manifest.is_file()
    try:
        with manifest.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    return b'"version"' in head and b'"artifacts"' in head


def is_terraform(path: Path) -> bool:
    return path.name.endswith(TERRAFORM_SUFFIXES)


def named_as_template(path: Path) -> bool:
    """A file whose name alone says it is a template: parse errors are reported."""
    return path.name in TEMPLATE_NAMES or path.name.endswith(".template")


def may_be_template(text: str) -> bool:
    """Cheap content test before parsing: a top-level ``Resources:`` key (YAML) or a
    ``"Resources":`` key (JSON), and an ``AWS::`` type. A CI workflow that merely
    mentions both words is not parsed, so its syntax errors are never reported."""
    return "AWS::" in text and _RESOURCES_KEY.search(text) is not None
