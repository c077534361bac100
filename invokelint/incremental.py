"""What an editor's re-lint keeps from the previous lint of the same project.

The language server lints a whole project after every edit, but an edit can change only
what depends on the edited file. A template's model, its load problems and the findings
of the rules that read only the model depend on its text alone: they are kept while the
text is the same (a file that is not open is not even read again while its size and
modification time stay). Handler code facts, and the findings of the rules that read
them, depend also on the Python modules the analysis read and on the code folders the
functions name: they are kept while none of those changed (an open buffer by its text,
a file on disk by its ``stat``; a module open but never saved resolves no handler). So
an edit of template A rebuilds A's model only, and an edit of handler code re-runs the
code facts and code rules of the templates that read it, without parsing a template.
Terraform modules, plans and CDK assemblies are read again on every lint (a module's
findings depend on the modules calling it).
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from invokelint.walks import Walks

if TYPE_CHECKING:
    from invokelint.diagnostics import Diagnostic
    from invokelint.frontends.loader import Document
    from invokelint.model import InvocationModel

MAX_RETIRED = 8  # replaced templates waiting for ``Memo.release``
# An open buffer's text, a file's (mtime, ctime, size, inode), or None when it is absent.
Signature = str | tuple[int, int, int, int] | None


def signature(path: Path | str, overlays: Mapping[Path, str]) -> Signature:
    text = overlays.get(path) if isinstance(path, Path) else None
    if text is not None:
        return text
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)


@dataclass
class CodeFacts:
    """One template's handler code analysis, and what it read."""

    stamps: dict[Path | str, Signature]  # the files and folders whose change may change it
    diagnostics: list[Diagnostic]  # IL001 in code and IL000 on modules
    handlers: dict[Any, Any]
    statistics: Counter[str]
    warnings: list[str]
    failed: list[str]
    comments: dict[str, dict[int, frozenset[str]]]  # inline suppressions of the modules
    budget_read: set[object]  # the modules it charged to the run's code budget
    budget_bytes: int
    findings: dict[str, list[Diagnostic]] = field(default_factory=dict)  # code rules'


@dataclass
class Template:
    """A template file read and modelled."""

    text: str
    resolved: Path  # its real path, under which an open buffer of it is found
    disk: Signature  # the file's signature when read from disk; None for a buffer
    display: str
    service: bool
    model: InvocationModel
    problems: list[Diagnostic]
    comments: dict[int, frozenset[str]]
    document: Document | None = None  # what was parsed: the next edit re-parses a part
    findings: dict[str, list[Diagnostic]] = field(default_factory=dict)  # model-only rules'
    code: CodeFacts | None = None


class Memo:
    """The templates of one project (one ``Linter``) as last linted, by the path they
    were found as (resolving every path again costs a third of a re-lint of 400 small
    templates; a link pointed elsewhere changes the ``stat`` that is compared)."""

    def __init__(self) -> None:
        self.templates: dict[Path, Template] = {}
        self._seen: set[Path] = set()
        # Replaced templates, freed by ``release`` (once the editor has published) rather
        # than during the lint that replaced them: a 3,000-resource model takes 20 ms.
        self.retired: deque[Template] = deque()
        self.walks = Walks()  # the project's folder walks, kept while nothing changed

    def begin(self) -> None:
        self._seen = set()

    def end(self) -> None:
        """Forget the templates this lint did not meet (deleted, renamed, no longer ours)."""
        for path in self.templates.keys() - self._seen:
            self._retire(self.templates.pop(path))

    def template(self, path: Path, overlays: Mapping[Path, str]) -> Template | None:
        """The template as last linted, if its text cannot have changed since."""
        self._seen.add(path)
        known = self.templates.get(path)
        if known is None:
            return None
        text = overlays.get(known.resolved)
        if text is not None:
            return known if text == known.text else None
        if known.disk is not None and signature(path, {}) == known.disk:
            return known
        return None

    def previous(self, path: Path) -> Template | None:
        """The template as last linted, whatever its text is now."""
        return self.templates.get(path)

    def keep(self, path: Path, template: Template) -> None:
        self._seen.add(path)
        replaced = self.templates.get(path)
        self.templates[path] = template
        if replaced is not None:
            self._retire(replaced)

    def _retire(self, template: Template) -> None:
        self.retired.append(template)
        if len(self.retired) > MAX_RETIRED:
            self.retired.popleft()  # never released: free one per lint, as without

    def release(self) -> None:
        """Free the templates that edits replaced."""
        self.retired.clear()

    def code(self, template: Template, overlays: Mapping[Path, str]) -> CodeFacts | None:
        """The template's code facts, if nothing they read can have changed since."""
        facts = template.code
        if facts is None:
            return None
        for path, stamp in facts.stamps.items():
            if signature(path, overlays) != stamp:
                return None
        return facts


def code_inputs(model: InvocationModel, read: Iterable[Path]) -> set[Path | str]:
    """The files and folders whose change may change ``model``'s code facts: the modules
    read, each function's code path, and the folders its handler module would be in
    (a module created there may turn IL002 into a resolved handler), each with the
    folder holding it (an entry added or removed there). Folders are plain strings: a
    thousand functions each with its own folder cost a thousand ``Path`` objects."""
    inputs: set[Path | str] = set(read)
    folders: set[str] = {str(path.parent) for path in read}
    seen: set[tuple[str, str]] = set()
    for function in model.functions:
        code, handler = function.code, function.handler.value
        if code.kind != "path" or code.path is None or (code.path, handler) in seen:
            continue
        seen.add((code.path, handler))
        folder = os.path.abspath(code.path)
        folders.add(folder)
        folders.add(os.path.dirname(folder))
        if isinstance(handler, str):
            for part in handler.rpartition(".")[0].replace("/", ".").split(".")[:-1]:
                folder = os.path.join(folder, part)
                folders.add(folder)
    inputs.update(folders)
    return inputs
