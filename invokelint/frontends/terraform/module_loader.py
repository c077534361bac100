"""A Terraform root module on disk into one evaluated ``Configuration``: ``load_module``.

A folder is one module: every ``*.tf``, ``*.tofu``, ``*.tf.json`` and ``*.tofu.json`` in
it (a ``.tofu`` file replaces the ``.tf`` file of the same name, as OpenTofu does;
``override.tf``/``*_override.tf`` files merge into the blocks they name, as Terraform
does). Local module sources (``./``, ``../``) are followed, and registry or git modules
when ``terraform init`` left them in ``.terraform/modules/modules.json``; never the
network. A module that cannot be followed (not on disk, outside the project folder, a
cycle, deeper than ``MAX_MODULE_DEPTH`` or past ``MAX_MODULES``) is opaque: listed in
``Configuration.opaque_modules``, and its outputs are unknown. ``TF_VAR_*`` environment
variables are not read: a lint result should not depend on the shell it ran in.

``count``/``for_each``: a known collection (a literal, or a variable's default or
``.tfvars`` value) of at most ``MAX_EXPANDED_INSTANCES`` instances is evaluated once per
instance, and an attribute is known only where every instance agrees
(``expanded="literal"``); an empty collection means the block does not exist and is left
out. Otherwise the block is evaluated once with ``count.index``/``each.*`` unknown
(``expanded="unknown"``). A module call with ``count``/``for_each`` is followed once, with
``count.index``/``each.*`` known only for a single instance. ``dynamic`` blocks expand the
same way, or become one block with ``dynamic=True``.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from invokelint.frontends.terraform import hcl
from invokelint.frontends.terraform.configuration import Block, Configuration, Problem, Value
from invokelint.frontends.terraform.expressions import (
    COMMAND_LINE,
    Definition,
    Evaluator,
    Scope,
    convert,
    settle,
)
from invokelint.limits import (
    MAX_EXPANDED_INSTANCES,
    MAX_FILE_BYTES,
    MAX_MODULE_DEPTH,
    MAX_MODULES,
)
from invokelint.model import UNKNOWN, Location

_SUFFIXES = (".tf", ".tofu", ".tf.json", ".tofu.json")
_META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "providers"})
_SKIPPED_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
_PRIMITIVE_TYPES = frozenset({"string", "number", "bool"})


def load_module(
    directory: Path | str,
    *,
    overlays: Mapping[Path | str, str] | None = None,
    var_files: Iterable[Path | str] = (),
    variables: Mapping[str, str] | None = None,
    display_path: Callable[[Path], str] | None = None,
    root: Path | str | None = None,
    files: Iterable[Path | str] | None = None,
) -> Configuration:
    """Read the root module in ``directory`` and the modules it calls; never raises for bad input.

    ``overlays`` maps absolute paths to unsaved editor text. ``var_files`` are
    ``--var-file`` paths and ``variables`` the ``--var name=value`` pairs, applied as
    Terraform does: a variable's default < ``terraform.tfvars(.json)`` <
    ``*.auto.tfvars(.json)`` (alphabetical) < ``var_files`` in order < ``variables``.
    ``display_path`` turns a path into the text used in every ``Location`` (default:
    relative to the working folder when inside it). ``root`` is the project folder no
    module source may leave (default: ``directory``); symbolic links are resolved first.

    Blocks are ``resource`` and ``data`` blocks of the root module and of every followed
    module, with ``Block.module`` naming the module call and ``module_path`` its folder;
    references inside a module carry its prefix (``module.jobs.aws_sqs_queue.q``), and
    ``module.jobs.<output>`` is the output's value. Meta-arguments (``count``,
    ``for_each``, ``depends_on``, ``provider``) are not attributes, and ``lifecycle``,
    ``provisioner`` and ``connection`` are not nested blocks. In ``.tf.json`` an object
    under a resource is a nested block unless it is a map argument
    (``tfjson.MAP_ARGUMENTS``: ``tags``, ``variables``, ...).
    A file that cannot be read or parsed adds a ``Problem`` and contributes nothing.
    ``files``, when given, are the only files of the root folder read (the ones a user
    named); the modules they call are read whole.
    ``statistics`` counts ``modules`` (followed, the root included) and ``tf files``.
    """
    folder = Path(os.path.realpath(directory))
    project = Path(os.path.realpath(root)) if root is not None else folder
    loader = _Loader(folder, project, overlays or {}, display_path or _relative_to_cwd)
    if files is not None:
        loader.only = {Path(os.path.realpath(path)) for path in files}
    # Reading allocates hundreds of thousands of small objects that all stay alive, so
    # the cyclic collector would rescan them again and again (a quarter of the time on
    # 1,000 consumers) to find nothing: pause it while reading, as parsers commonly do.
    paused = gc.isenabled()
    gc.disable()
    try:
        return loader.load(list(var_files), dict(variables or {}))
    finally:
        if paused:
            gc.enable()


def _relative_to_cwd(path: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


@dataclass
class _Source:
    """One block as written, with the override blocks merged into it."""

    block: hcl.Block
    path: str
    overrides: list[tuple[hcl.Block, str]] = field(default_factory=list)

    def attributes(self) -> dict[str, tuple[hcl.Attribute, str]]:
        merged = {
            name: (attribute, self.path) for name, attribute in self.block.body.attributes.items()
        }
        for override, path in self.overrides:
            merged.update(
                (name, (attribute, path)) for name, attribute in override.body.attributes.items()
            )
        return merged

    def blocks(self) -> list[tuple[hcl.Block, str]]:
        merged = [(block, self.path) for block in self.block.body.blocks]
        for override, path in self.overrides:
            replaced = {block.type for block in override.body.blocks}
            merged = [(b, p) for b, p in merged if b.type not in replaced]
            merged.extend((block, path) for block in override.body.blocks)
        return merged


@dataclass
class _Module:
    """A module instance being read: its scope and what is left to evaluate."""

    scope: Scope
    folder: Path
    resources: list[_Source] = field(default_factory=list)
    # the bindings of count.index/each.* for the arguments of this module's call
    call_bindings: dict[str, Value] = field(default_factory=dict)
    call: _Source | None = None
    parent: _Module | None = None


class _Loader:
    def __init__(
        self,
        folder: Path,
        project: Path,
        overlays: Mapping[Path | str, str],
        display: Callable[[Path], str],
    ) -> None:
        self.folder = folder
        self.project = project
        self.overlays = {os.path.realpath(path): text for path, text in overlays.items()}
        self.display = display
        self.config = Configuration(directory=str(folder))
        self.evaluator = Evaluator()
        self.modules: list[_Module] = []
        self.read: dict[Path, tuple[str, hcl.Body | None]] = {}
        self.tf_files: set[Path] = set()
        self.installed = self._installed_modules()
        self.only: set[Path] | None = None  # the root folder's files to read, if not all

    # -- the whole run
    def load(self, var_files: list[Path | str], variables: dict[str, str]) -> Configuration:
        root = _Module(Scope(), self.folder)
        self._read(root, key=(), ancestors=(str(self.folder),), root_values=(var_files, variables))
        dropped: set[int] = set()
        for module in self.modules:
            if module.parent is not None and (
                id(module.parent) in dropped or not self._exists(module)
            ):
                dropped.add(id(module))
        for module in self.modules:
            if id(module) not in dropped:
                for source in module.resources:
                    block = self._resource(source, module.scope)
                    if block is not None:
                        self.config.blocks.append(block)
        self.config.statistics = {
            "modules": len(self.modules) - len(dropped),
            "tf files": len(self.tf_files),
        }
        self.config.module_folders = sorted(
            {str(module.folder) for module in self.modules if module.parent is not None}
        )
        return self.config

    # -- files
    def _text(self, path: Path) -> tuple[str | None, Problem | None]:
        display = self.display(path)
        overlay = self.overlays.get(os.path.realpath(path))
        if overlay is not None:
            return overlay, None
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                limit = MAX_FILE_BYTES // (1024 * 1024)
                return None, Problem(
                    Location(display, 1, 1, 1, 2), f"file is larger than {limit} MiB"
                )
            data = path.read_bytes()
        except OSError as exc:
            return None, Problem(
                Location(display, 1, 1, 1, 2), f"cannot read file: {exc.strerror or exc}"
            )
        try:
            return data.decode("utf-8-sig"), None
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            return None, Problem(
                Location(display, line, column, line, column + 1), "file is not UTF-8 text"
            )

    def _parse(self, path: Path, *, values: bool = False) -> tuple[str, hcl.Body | None]:
        """Parse a file, recording its text or its problem; the body is None on a problem.

        A file is read once per run, however many module calls name its folder.
        """
        read = self.read.get(path)
        if read is None:
            read = self.read[path] = self._parse_once(path, values)
        return read

    def _parse_once(self, path: Path, values: bool) -> tuple[str, hcl.Body | None]:
        display = self.display(path)
        text, problem = self._text(path)
        if display not in self.config.sources:
            self.config.files.append(display)
        if text is not None:
            self.config.sources[display] = text
        if problem is not None:
            self.config.problems.append(problem)
            return display, None
        assert text is not None
        if path.name.endswith(".json"):
            from invokelint.frontends.terraform import tfjson

            parsed = tfjson.parse_json_values(text) if values else tfjson.parse_json(text)
        else:
            parsed = hcl.parse(text)
        if parsed.problem is not None:
            pos = parsed.problem.pos
            self.config.problems.append(Problem(Location(display, *pos), parsed.problem.message))
            return display, None
        return display, parsed.body

    def _module_files(self, folder: Path) -> list[Path]:
        try:
            names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
        except OSError:
            return []
        chosen = [
            name
            for name in names
            if name.endswith(_SUFFIXES)
            and not name.startswith((".", "#"))
            and not name.endswith("~")
        ]
        present = set(chosen)
        kept = []
        for name in chosen:
            if not self._inside(folder / name):
                continue  # a symbolic link out of the project
            if name.endswith(".tf") and name[:-3] + ".tofu" in present:
                continue
            if name.endswith(".tf.json") and name[:-8] + ".tofu.json" in present:
                continue
            kept.append(name)
        if self.only is not None and folder == self.folder:
            # the named files, also when only an editor or standard input holds them
            return sorted(path for path in self.only if path.name.endswith(_SUFFIXES))
        return [folder / name for name in kept]

    # -- one module
    def _read(
        self,
        module: _Module,
        *,
        key: tuple[str, ...],
        ancestors: tuple[str, ...],
        root_values: tuple[list[Path | str], dict[str, str]] | None = None,
    ) -> None:
        self.modules.append(module)
        regular: list[tuple[str, hcl.Body]] = []
        overrides: list[tuple[str, hcl.Body]] = []
        for path in self._module_files(module.folder):
            self.tf_files.add(path)
            display, body = self._parse(path)
            if body is None:
                continue
            stem = path.name.split(".")[0]
            is_override = stem == "override" or stem.endswith("_override")
            (overrides if is_override else regular).append((display, body))
        sources: dict[tuple[str, ...], _Source] = {}
        ordered: list[tuple[str, _Source]] = []
        local_sources: dict[str, _Source] = {}
        for display, body in regular:
            for block in body.blocks:
                if block.type == "locals":
                    for name, attribute in block.body.attributes.items():
                        local_sources[name] = _Source(_single(attribute, block), display)
                    continue
                identity = (block.type, *block.labels)
                if identity in sources:
                    continue  # a duplicate Terraform rejects: the first one is read
                source = _Source(block, display)
                sources[identity] = source
                ordered.append((block.type, source))
        for display, body in overrides:
            for block in body.blocks:
                if block.type == "locals":
                    for name, attribute in block.body.attributes.items():
                        local_sources[name] = _Source(_single(attribute, block), display)
                    continue
                identity = (block.type, *block.labels)
                if identity in sources:
                    sources[identity].overrides.append((block, display))
        scope = module.scope
        for name, source in local_sources.items():
            attribute, path = source.attributes()[name]
            scope.locals[name] = Definition(attribute.expression, path, attribute.pos, scope)
        root_assignments = self._root_values(*root_values) if root_values is not None else {}
        for kind, source in ordered:
            labels = source.block.labels
            if kind == "variable" and len(labels) == 1:
                self._variable(module, labels[0], source, root_assignments)
            elif kind == "output" and len(labels) == 1:
                attribute_path = source.attributes().get("value")
                if attribute_path is not None:
                    attribute, path = attribute_path
                    scope.outputs[labels[0]] = Definition(
                        attribute.expression, path, attribute.pos, scope
                    )
            elif kind in ("resource", "data") and len(labels) == 2:
                module.resources.append(source)
            elif kind == "module" and len(labels) == 1:
                self._call(module, labels[0], source, key, ancestors)

    def _variable(
        self,
        module: _Module,
        name: str,
        source: _Source,
        assignments: dict[str, Value | str],
    ) -> None:
        scope = module.scope
        attributes = source.attributes()
        declared = _type_name(attributes.get("type"))
        provided = module.call.attributes().get(name) if module.call is not None else None
        if provided is not None:
            argument, path = provided
            parent = module.parent.scope if module.parent is not None else Scope()
            scope.variables[name] = Definition(
                argument.expression, path, argument.pos, parent, module.call_bindings, type=declared
            )
            return
        assigned = assignments.get(name)
        if isinstance(assigned, str):  # --var: text, or an expression for a complex type
            scope.variables[name] = self._command_line(assigned, declared)
            return
        if assigned is not None:
            scope.variables[name] = convert(assigned, declared)
            return
        default = attributes.get("default")
        if default is not None:
            attribute, path = default
            scope.variables[name] = Definition(
                attribute.expression, path, attribute.pos, Scope(), type=declared
            )
            return
        scope.variables[name] = Value(UNKNOWN, self._header(source))

    def _command_line(self, text: str, declared: str | None) -> Value:
        where = Location(COMMAND_LINE, 1, 1, 1, 1)
        if declared is None or declared in _PRIMITIVE_TYPES:
            return convert(Value(text, where), declared)
        parsed = hcl.parse_expression(text, (1, 1, 1, 1))
        if isinstance(parsed, hcl.SyntaxProblem):
            return Value(UNKNOWN, where)
        value = self.evaluator.evaluate(parsed, COMMAND_LINE, Scope(), {})
        return settle(value, where)

    def _root_values(
        self, var_files: list[Path | str], variables: dict[str, str]
    ) -> dict[str, Value | str]:
        """Variable values of the root module, later sources winning as in Terraform."""
        files: list[Path] = []
        for name in ("terraform.tfvars", "terraform.tfvars.json"):
            if (self.folder / name).is_file() and self._inside(self.folder / name):
                files.append(self.folder / name)
        try:
            names = sorted(entry.name for entry in os.scandir(self.folder) if entry.is_file())
        except OSError:
            names = []
        files.extend(
            self.folder / name
            for name in names
            if name.endswith((".auto.tfvars", ".auto.tfvars.json"))
            and self._inside(self.folder / name)
        )
        files.extend(Path(os.path.abspath(path)) for path in var_files)
        assignments: dict[str, Value | str] = {}
        empty = Scope()
        for path in files:
            display, body = self._parse(path, values=True)
            if body is None:
                continue
            for name, attribute in body.attributes.items():
                assignments[name] = self.evaluator.attribute(attribute, display, empty, {})
        assignments.update(variables)
        return assignments

    # -- module calls
    def _call(
        self,
        module: _Module,
        name: str,
        source: _Source,
        key: tuple[str, ...],
        ancestors: tuple[str, ...],
    ) -> None:
        scope = module.scope
        address = scope.prefixed(f"module.{name}")
        self.config.module_calls[address] = self._header(source)
        folder = self._module_folder(module, name, source, key)
        child_scope: Scope | None = None
        if (
            folder is not None
            and str(folder) not in ancestors
            and len(ancestors) <= MAX_MODULE_DEPTH
            and len(self.modules) < MAX_MODULES
        ):
            module_path = os.path.relpath(folder, self.folder).replace(os.sep, "/")
            child_scope = Scope(address=address, module_path=module_path)
            child = _Module(child_scope, folder, call=source, parent=module)
            scope.modules[name] = child_scope
            self._read(child, key=(*key, name), ancestors=(*ancestors, str(folder)))
        else:
            scope.modules[name] = None
            self.config.opaque_modules.add(address)

    def _module_folder(
        self, module: _Module, name: str, source: _Source, key: tuple[str, ...]
    ) -> Path | None:
        attribute = source.attributes().get("source")
        if attribute is None or not isinstance(attribute[0].expression, hcl.Literal):
            return None
        text = attribute[0].expression.value
        if not isinstance(text, str):
            return None
        if text.startswith(("./", "../")) or text in (".", ".."):
            folder = Path(os.path.realpath(module.folder / text))
        else:
            installed = self.installed.get(".".join((*key, name)))
            if installed is None:
                return None
            folder = installed
        if not folder.is_relative_to(self.project) or not folder.is_dir():
            return None
        return folder

    def _inside(self, path: Path) -> bool:
        return Path(os.path.realpath(path)).is_relative_to(self.project)

    def _installed_modules(self) -> dict[str, Path]:
        """``.terraform/modules/modules.json``: module keys -> folders ``terraform init`` filled."""
        manifest = self.folder / ".terraform" / "modules" / "modules.json"
        try:
            if manifest.stat().st_size > MAX_FILE_BYTES:
                return {}
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        found: dict[str, Path] = {}
        entries = data.get("Modules") if isinstance(data, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            module_key, folder = entry.get("Key"), entry.get("Dir")
            if isinstance(module_key, str) and module_key and isinstance(folder, str):
                found[module_key] = Path(os.path.realpath(self.folder / folder))
        return found

    def _exists(self, module: _Module) -> bool:
        """Whether a module call has any instance; sets its count.index/each.* bindings."""
        if module.call is None or module.parent is None:
            return True
        instances = self._instances(module.call, module.parent.scope, {})
        if instances is None:
            module.call_bindings.update(_UNKNOWN_ITERATION)
            return True
        if not instances:
            return False
        module.call_bindings.update(instances[0] if len(instances) == 1 else _UNKNOWN_ITERATION)
        return True

    # -- resources and data sources
    def _resource(self, source: _Source, scope: Scope) -> Block | None:
        block = source.block
        mode = "data" if block.type == "data" else "managed"
        kind, name = block.labels
        address = scope.prefixed(f"data.{kind}.{name}" if mode == "data" else f"{kind}.{name}")
        attributes = source.attributes()
        instances = self._instances(source, scope, {})
        expanded = "single"
        if "count" in attributes or "for_each" in attributes:
            expanded = "unknown" if instances is None else "literal"
        if instances is not None and not instances:
            return None
        result = Block(
            type=kind,
            labels=(kind, name),
            location=Location(source.path, *block.header),
            address=address,
            mode=mode,  # type: ignore[arg-type]
            module=scope.address,
            module_path=scope.module_path,
            end=Location(source.path, *block.end),
            expanded=expanded,  # type: ignore[arg-type]
        )
        bodies = [
            self._body(attributes, source.blocks(), scope, bindings)
            for bindings in (instances if instances else [_UNKNOWN_ITERATION])
        ]
        merged = _merge(bodies)
        if merged is None:  # instances differ in their nested blocks: analyse once
            merged = self._body(attributes, source.blocks(), scope, _UNKNOWN_ITERATION)
            result.expanded = "unknown"
        result.attributes, result.blocks = merged
        return result

    def _instances(
        self, source: _Source, scope: Scope, bindings: Mapping[str, Value]
    ) -> list[dict[str, Value]] | None:
        """Bindings of each instance: ``[{}]`` without count/for_each, None when unknown."""
        attributes = source.attributes()
        if "count" in attributes:
            attribute, path = attributes["count"]
            count = self.evaluator.attribute(attribute, path, scope, bindings)
            number = count.value
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                return None
            if number > MAX_EXPANDED_INSTANCES:
                return None
            return [
                {"count": Value({"index": Value(index, count.location)}, count.location)}
                for index in range(number)
            ]
        if "for_each" in attributes:
            attribute, path = attributes["for_each"]
            collection = self.evaluator.attribute(attribute, path, scope, bindings)
            pairs = _iteration_pairs(collection)
            if pairs is None or len(pairs) > MAX_EXPANDED_INSTANCES:
                return None
            return [
                {"each": Value({"key": key, "value": value}, collection.location)}
                for key, value in pairs
            ]
        return [{}]

    def _body(
        self,
        attributes: dict[str, tuple[hcl.Attribute, str]],
        blocks: list[tuple[hcl.Block, str]],
        scope: Scope,
        bindings: Mapping[str, Value],
    ) -> tuple[dict[str, Value], list[Block]]:
        values = {
            name: self.evaluator.attribute(attribute, path, scope, bindings)
            for name, (attribute, path) in attributes.items()
            if name not in _META_ARGUMENTS
        }
        nested: list[Block] = []
        for block, path in blocks:
            if block.type in _SKIPPED_BLOCKS:
                continue
            if block.type == "dynamic" and block.labels:
                nested.extend(self._dynamic(block, path, scope, bindings))
                continue
            nested.append(self._nested(block.type, block, path, scope, bindings))
        return values, nested

    def _nested(
        self,
        kind: str,
        block: hcl.Block,
        path: str,
        scope: Scope,
        bindings: Mapping[str, Value],
        content: hcl.Block | None = None,
    ) -> Block:
        inner = content if content is not None else block
        attributes = {name: (attribute, path) for name, attribute in inner.body.attributes.items()}
        values, nested = self._body(
            attributes, [(b, path) for b in inner.body.blocks], scope, bindings
        )
        return Block(
            type=kind,
            labels=(),
            location=Location(path, *block.header),
            mode="nested",
            attributes=values,
            blocks=nested,
            module=scope.address,
            module_path=scope.module_path,
            end=Location(path, *block.end),
        )

    def _dynamic(
        self, block: hcl.Block, path: str, scope: Scope, bindings: Mapping[str, Value]
    ) -> list[Block]:
        kind = block.labels[0]
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        if content is None:
            return []
        iterator = block.body.attributes.get("iterator")
        name = kind
        if iterator is not None and isinstance(iterator.expression, hcl.Variable):
            name = iterator.expression.name
        for_each = block.body.attributes.get("for_each")
        pairs = None
        if for_each is not None:
            collection = self.evaluator.attribute(for_each, path, scope, bindings)
            pairs = _iteration_pairs(collection, indexed=True)
        if pairs is None or len(pairs) > MAX_EXPANDED_INSTANCES:
            scoped = {**bindings, name: Value(UNKNOWN, Location(path, *block.header))}
            expanded = self._nested(kind, block, path, scope, scoped, content)
            expanded.dynamic = True
            return [expanded]
        return [
            self._nested(
                kind,
                block,
                path,
                scope,
                {**bindings, name: Value({"key": key, "value": value}, key.location)},
                content,
            )
            for key, value in pairs
        ]

    def _header(self, source: _Source) -> Location:
        return Location(source.path, *source.block.header)


_UNKNOWN_ITERATION: dict[str, Value] = {
    "count": Value(UNKNOWN, Location("", 1, 1, 1, 1)),
    "each": Value(UNKNOWN, Location("", 1, 1, 1, 1)),
}


def _single(attribute: hcl.Attribute, block: hcl.Block) -> hcl.Block:
    """One local as a block of its own, so that locals override one by one."""
    return hcl.Block(
        "locals", (), (), block.header, block.end, hcl.Body({attribute.name: attribute})
    )


def _type_name(attribute: tuple[hcl.Attribute, str] | None) -> str | None:
    if attribute is None:
        return None
    expression = attribute[0].expression
    if isinstance(expression, hcl.Variable):
        return expression.name
    if isinstance(expression, hcl.Literal) and isinstance(expression.value, str):
        return expression.value  # "string": the pre-0.12 quoted form
    return "complex"


def _iteration_pairs(
    collection: Value, *, indexed: bool = False
) -> list[tuple[Value, Value]] | None:
    """``(key, value)`` of a known ``for_each`` collection, None when unknown.

    A resource's ``for_each`` takes a map or a set of strings (the string is its key); a
    ``dynamic`` block's takes any list too, keyed by position (``indexed``).
    """
    inner = collection.value
    if isinstance(inner, dict):
        return [(Value(key, collection.location), value) for key, value in inner.items()]
    if isinstance(inner, list):
        if indexed:
            return [(Value(index, item.location), item) for index, item in enumerate(inner)]
        pairs = []
        for item in inner:
            if not isinstance(item.value, str):
                return None  # a set of strings, or nothing Terraform accepts
            pairs.append((Value(item.value, item.location), item))
        return pairs
    return None


def _same(first: Value, other: Value) -> bool:
    if first.plain() != other.plain() or first.mentions != other.mentions:
        return False
    if (first.document is None) != (other.document is None):
        return False
    return first.document is None or first.document.plain() == other.document.plain()  # type: ignore[union-attr]


def _merge(
    bodies: list[tuple[dict[str, Value], list[Block]]],
) -> tuple[dict[str, Value], list[Block]] | None:
    """What every instance shares: differing attributes become UNKNOWN.

    None when the instances differ in their nested blocks (a ``dynamic`` block over
    ``each.value``): the caller then analyses the block once with ``each.*`` unknown.
    """
    attributes, blocks = bodies[0]
    if len(bodies) == 1:
        return attributes, blocks
    merged: dict[str, Value] = {}
    for name, value in attributes.items():
        others = [body[0].get(name) for body in bodies[1:]]
        if all(other is not None and _same(value, other) for other in others):
            merged[name] = value
        else:
            merged[name] = Value(UNKNOWN, value.location, value.related)
    shapes = {tuple(block.type for block in body[1]) for body in bodies}
    if len(shapes) != 1:
        return None
    nested: list[Block] = []
    for index, block in enumerate(blocks):
        inner = _merge([(body[1][index].attributes, body[1][index].blocks) for body in bodies])
        if inner is None:
            return None
        nested.append(
            Block(
                type=block.type,
                labels=block.labels,
                location=block.location,
                mode=block.mode,
                attributes=inner[0],
                blocks=inner[1],
                module=block.module,
                module_path=block.module_path,
                end=block.end,
                dynamic=block.dynamic,
            )
        )
    return merged, nested
