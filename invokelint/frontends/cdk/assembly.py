"""Read a cloud assembly's ``manifest.json``: every stack template, stages included.

The manifest lists artifacts: ``aws:cloudformation:stack`` (``properties.templateFile``)
and ``cdk:cloud-assembly`` (a stage: ``properties.directoryName`` holds its own manifest).
Nested stacks are ``*.nested.template.json`` files of the same folder, deployed through
their parent. A stack's ``metadata`` maps construct paths to entries; an
``aws:cdk:logicalId`` entry names the logical id the construct became and, when synthesized
with ``--debug`` (``CDK_DEBUG``), carries a ``trace``: the stack of the call that created it
(recent versions keep the metadata in the stack's ``additionalMetadataFile`` and the trace
in an ``aws:cdk:creationStack`` entry beside it). Traces name JavaScript frames only: an
app in Python or Java has none of its own, and its findings stay in the template.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from invokelint.frontends.loader import ParseError, load_json
from invokelint.limits import MAX_FILE_BYTES

STACK = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"
LOGICAL_ID = "aws:cdk:logicalId"
CREATION_STACK = "aws:cdk:creationStack"
NESTED_SUFFIX = ".nested.template.json"
_MAX_DEPTH = 8  # stages within stages: more is a loop or a broken manifest
# ``at new OrdersStack (/app/lib/orders-stack.ts:12:5)`` or ``at /app/bin/app.ts:7:1``
_FRAME = re.compile(r"\(?((?:[A-Za-z]:)?[^\s():]+):(\d+):(\d+)\)?\s*$")
_LIBRARY = ("node_modules", "aws-cdk-lib", "jsii-kernel", "jsii-runtime", "node:", "internal/")


@dataclass(frozen=True)
class Construct:
    """What a logical id of one template was written as in the CDK app."""

    path: str  # construct path: ``OrdersStack/Worker/Resource``
    trace: tuple[str, ...] = ()  # frames of the call that created it, innermost first


@dataclass
class StackTemplate:
    template: Path
    constructs: dict[str, Construct] = field(default_factory=dict)  # by logical id
    app: Path | None = None  # the CDK app's folder: the top assembly's parent


class AssemblyError(Exception):
    """A manifest that cannot be read: reported as IL001 at ``path``."""

    def __init__(self, path: Path, error: ParseError) -> None:
        super().__init__(error.message)
        self.path = path
        self.error = error


def read_assembly(directory: Path) -> list[StackTemplate]:
    """The templates of the assembly in ``directory``, stages' and nested stacks' included,
    each once. Raises ``AssemblyError`` for a manifest that is not a JSON object."""
    found: dict[Path, StackTemplate] = {}
    top = Path(os.path.abspath(directory))
    _read(top, found, depth=0)
    for stack in list(found.values()):  # nested stacks sit beside their parents' templates
        folder = stack.template.parent
        for nested in sorted(folder.glob(f"*{NESTED_SUFFIX}")):
            found.setdefault(nested, StackTemplate(nested))
    for stack in found.values():
        stack.app = top.parent
    return list(found.values())


def _read(directory: Path, found: dict[Path, StackTemplate], depth: int) -> None:
    manifest = directory / "manifest.json"
    root = _load(manifest)
    artifacts = root.get("artifacts")
    if not isinstance(artifacts, dict):
        return
    for artifact in artifacts.values():
        if not isinstance(artifact, dict):
            continue
        properties = artifact.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        kind = artifact.get("type")
        if kind == STACK and isinstance(properties.get("templateFile"), str):
            template = _inside(directory, properties["templateFile"])
            if template is not None and template not in found:
                metadata = _metadata(directory, artifact)
                found[template] = StackTemplate(template, _constructs(metadata))
        elif kind == NESTED_ASSEMBLY and depth < _MAX_DEPTH:
            name = properties.get("directoryName")
            stage = _inside(directory, name) if isinstance(name, str) else None
            if stage is not None and (stage / "manifest.json").is_file():
                _read(stage, found, depth + 1)


def _metadata(directory: Path, artifact: dict[str, Any]) -> dict[str, Any]:
    """The stack's construct metadata: inline, and from its ``additionalMetadataFile``."""
    metadata = artifact.get("metadata")
    merged = dict(metadata) if isinstance(metadata, dict) else {}
    name = artifact.get("additionalMetadataFile")
    extra = _inside(directory, name) if isinstance(name, str) else None
    if extra is not None and extra.is_file():
        for key, entries in _load(extra).items():
            if isinstance(entries, list):
                merged[key] = [*merged.get(key, []), *entries]
    return merged


def _load(manifest: Path) -> dict[str, Any]:
    try:
        if manifest.stat().st_size > MAX_FILE_BYTES:
            raise ParseError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        text = manifest.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise AssemblyError(
            manifest, ParseError(f"cannot read file: {exc.strerror or exc}")
        ) from None
    except UnicodeDecodeError:
        raise AssemblyError(manifest, ParseError("file is not UTF-8 text")) from None
    except ParseError as error:
        raise AssemblyError(manifest, error) from None
    try:
        root = load_json(text).root
    except ParseError as error:
        raise AssemblyError(manifest, error) from None
    if not isinstance(root, dict):
        raise AssemblyError(manifest, ParseError("a cloud assembly manifest is a JSON object"))
    return root


def _inside(directory: Path, name: str) -> Path | None:
    """``name`` within the assembly folder; a path leaving it is not followed."""
    path = Path(os.path.normpath(directory / name))
    inside = path.is_relative_to(directory) and (path.is_file() or path.is_dir())
    return path if inside else None


def _constructs(metadata: Any) -> dict[str, Construct]:
    """Logical id -> construct, from a stack artifact's ``metadata``."""
    constructs: dict[str, Construct] = {}
    if not isinstance(metadata, dict):
        return constructs
    for construct_path, entries in metadata.items():
        if not isinstance(construct_path, str) or not isinstance(entries, list):
            continue
        entries = [entry for entry in entries if isinstance(entry, dict)]
        created = [e.get("data") for e in entries if e.get("type") == CREATION_STACK]
        for entry in entries:
            logical_id = entry.get("data")
            if entry.get("type") != LOGICAL_ID or not isinstance(logical_id, str):
                continue
            trace = [entry.get("trace"), *created]
            frames = tuple(f for t in trace if isinstance(t, list) for f in t if isinstance(f, str))
            constructs[logical_id] = Construct(construct_path.lstrip("/"), frames)
    return constructs


def user_frame(trace: tuple[str, ...], app: Path | None) -> tuple[Path, int, int] | None:
    """The first frame of the app's own code (not the CDK library, not Node's internals),
    as a file that exists here: a trace synthesized on another machine (CI, a colleague)
    names absolute paths there, found here by their longest tail inside ``app``. Called
    only for constructs that have findings."""
    for frame in trace:
        if any(part in frame for part in _LIBRARY):
            continue
        match = _FRAME.search(frame.strip())
        if match is None:
            continue
        file = _locate(match.group(1), app)
        if file is not None:
            return file, int(match.group(2)), int(match.group(3))
    return None


def _locate(name: str, app: Path | None) -> Path | None:
    path = Path(name)
    if path.is_absolute() and path.is_file():
        return path
    if app is None:
        return None
    parts = path.parts[1:] if path.is_absolute() else path.parts
    for start in range(len(parts)):
        candidate = app.joinpath(*parts[start:])
        if candidate.is_file() and candidate.is_relative_to(app):
            return candidate
    return None
