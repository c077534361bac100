"""From a function's ``Handler`` and code location to the Python module that serves it.

Only ``python3.*`` runtimes are analysed. The code location comes from the model's
``CodeSource`` (the frontend has already applied SAM ``Globals`` and resolved relative
paths against the template's folder), so this module knows no template format: a
Terraform frontend that turns ``archive_file`` ``source_dir``/``source_file`` (or a
local ``filename``) into ``CodeSource(kind="path", path=...)`` gets handler resolution,
IL002 and every code rule for free.

The answer is a ``Resolved`` module, a ``Missing`` handler (IL002), or ``None`` when the
code cannot be seen: remote (S3) or image code, a path that does not exist yet (a build
output), a path outside the project root, an ``AWS_LAMBDA_EXEC_WRAPPER`` that replaces
the runtime, a module that may come from a layer, a path the system refuses to look at
(a name too long, a symlink loop, no permission) or that is no regular file (a FIFO, a
device: never opened).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from invokelint.code.roots import (
    CodeRoot,
    DirectoryRoot,
    FileRoot,
    InlineRoot,
    ZipRoot,
    file_kind,
    inline_line_map,
    inside,
    module_candidates,
)
from invokelint.model import Function
from invokelint.regular_files import Refused, check_regular

EXEC_WRAPPER = "AWS_LAMBDA_EXEC_WRAPPER"


@dataclass(frozen=True, slots=True)
class Resolved:
    root: CodeRoot
    module: str  # dotted module name: "pkg.app"
    file: str  # its path inside the root: "pkg/app.py"
    name: str  # the handler function: "handler"
    # Inline code whose Handler names another module than "index": an error, unless the
    # inline code is a placeholder defining the function (the real package comes later).
    placeholder_of: str | None = None


@dataclass(frozen=True, slots=True)
class Missing:
    reason: str


@dataclass
class Project:
    """What resolution needs to know about the run: the root, how paths are shown."""

    root: Path  # code outside this folder is never read
    template_text: str  # for positions of inline code
    template_path: str  # display path of the template
    display: Callable[[Path], str]
    overlays: Mapping[Path, str]
    _roots: dict[tuple[str, Path], CodeRoot | None] = field(default_factory=dict)

    def directory(self, folder: Path) -> DirectoryRoot:
        root = self._roots.get(("folder", folder))
        if root is None:
            root = DirectoryRoot(folder, self.root, self.display, self.overlays)
            self._roots[("folder", folder)] = root
        return root  # type: ignore[return-value]

    def archive(self, path: Path) -> ZipRoot | None:
        if ("zip", path) not in self._roots:
            self._roots[("zip", path)] = ZipRoot.open(path, self.display(path))
        return self._roots[("zip", path)]  # type: ignore[return-value]


def is_python3(function: Function) -> bool:
    runtime = function.runtime.value
    return isinstance(runtime, str) and runtime.startswith("python3")


def resolve(function: Function, project: Project) -> Resolved | Missing | None:
    """Which module and function ``function``'s handler names; None when unknowable."""
    handler = function.handler.value
    if not isinstance(handler, str) or _wrapped(function):
        return None
    root = _code_root(function, project)
    if root is None:
        return None
    module, dot, name = handler.rpartition(".")
    # The runtime imports with importlib, so "my-function.handler" (my-function.py) works.
    parts = module.replace("/", ".").split(".")
    if not dot or not name.isidentifier() or not all(parts):
        return Missing(f"Handler '{handler}' is not of the form module.function")
    dotted = ".".join(parts)
    if isinstance(root, InlineRoot) and dotted != InlineRoot.MODULE:
        reason = (
            f"inline code is saved as {InlineRoot.MODULE}.py, but Handler '{handler}' "
            f"names module '{dotted}'; use '{InlineRoot.MODULE}.{name}'"
        )
        return Resolved(root, InlineRoot.MODULE, f"{InlineRoot.MODULE}.py", name, reason)
    file = root.module_file(dotted)
    if file is None:
        if root.has_compiled(dotted) or function.layers or not root.has_python():
            return None  # compiled, from a layer (Datadog, ...), or the code is not here
        candidates = " or ".join(module_candidates(dotted))
        return Missing(
            f"Handler '{handler}' names module '{dotted}', but {root.description} "
            f"has no {candidates}"
        )
    return Resolved(root, dotted, file, name)


def _wrapped(function: Function) -> bool:
    """An exec wrapper (Lambda Web Adapter, ...) may run something else than Handler."""
    environment = function.environment
    return not isinstance(environment, dict) or EXEC_WRAPPER in environment


def _code_root(function: Function, project: Project) -> CodeRoot | None:
    code = function.code
    if code.kind == "inline" and code.inline is not None and code.inline_location is not None:
        line_map = inline_line_map(
            project.template_text, project.template_path, code.inline_location
        )
        return InlineRoot(code.inline, line_map)
    if code.kind != "path" or code.path is None:
        return None
    path = Path(os.path.abspath(code.path))
    kind = file_kind(path)
    if kind is None:
        _refuse_special(path, project)  # a FIFO or a device: say so, never open it
        return None
    if not inside(path, project.root):
        return None
    if kind == "folder":
        return project.directory(path)
    if path.suffix == ".zip":
        return project.archive(path)
    if path.suffix == ".py":
        return FileRoot(path, project.directory(path.parent))
    return None


def _refuse_special(path: Path, project: Project) -> None:
    """Raise ``Refused`` for a code path that exists but is no file or folder (a FIFO, a
    device); stay quiet for one that does not exist or that the system cannot name."""
    try:
        check_regular(path)
    except Refused as refused:
        raise Refused(f"{project.display(path)}: {refused.message}") from None
    except (OSError, ValueError):
        return
