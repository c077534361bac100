"""Where a function's Python modules can be read: a folder, a ``.zip``, one file, or inline.

A ``CodeRoot`` answers "which file is module ``pkg.mod``?" and "what does it say?" for
one code location, the way Lambda's import system sees the deployment package: the
package root is on ``sys.path``. Nothing is ever extracted or executed; a folder is read
only inside the project root, so a ``CodeUri`` (or a symlink) pointing elsewhere is
never followed, and only regular files are opened. A module that exists but is refused
(a link out of the project, a FIFO) raises ``Refused`` so that callers can say so
instead of calling the handler missing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from invokelint.limits import MAX_SCANNED_ENTRIES, MAX_SOURCE_BYTES, MAX_ZIP_ENTRIES
from invokelint.model import Location
from invokelint.regular_files import (
    Refused,
    check_regular,
    open_regular,
    outside_message,
    within,
)

if TYPE_CHECKING:
    import zipfile

_BINARY_SUFFIXES = (".so", ".pyd", ".pyc")


@dataclass(frozen=True, slots=True)
class LineMap:
    """Turns a position in module text into a ``Location`` in the file a user edits.

    For a module file this is the identity. For inline code in a YAML block scalar the
    text starts on ``first_line`` at ``indent`` columns; inline code written in any other
    way (quoted, JSON) maps every position to where the value starts.
    """

    path: str
    first_line: int = 1
    indent: int = 0
    fixed: bool = False

    def location(self, line: int, column: int, end_line: int, end_column: int) -> Location:
        if self.fixed:
            start = self.indent + 1
            return Location(self.path, self.first_line, start, self.first_line, start + 1)
        offset = self.first_line - 1
        return Location(
            self.path,
            line + offset,
            column + self.indent,
            end_line + offset,
            end_column + self.indent,
        )


class SourceProblem(Exception):
    """A module that exists but cannot be read as text; ``line``/``column`` 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class CodeRoot:
    """One code location. Subclasses know how to list and read its files."""

    description: str  # for messages: "src/", "dist/function.zip", "inline code"

    @property
    def key(self) -> object:
        """Two roots with the same key read the same files (modules are shared)."""
        return id(self)

    def module_file(self, dotted: str) -> str | None:
        """The relative path of module ``a.b`` (``a/b.py`` or ``a/b/__init__.py``)."""
        for candidate in module_candidates(dotted):
            if self._is_file(candidate):
                return candidate
        return None

    def has_compiled(self, dotted: str) -> bool:
        """A compiled module (``.so``, ``.pyc``) that cannot be read but does exist."""
        return False

    def has_python(self) -> bool:
        """Any Python source at all: without one, the code is not here (not built yet,
        a placeholder folder), and a missing handler proves nothing."""
        return True

    def read(self, relative: str) -> str | None:
        """The module's text; None when it is too large to analyse. Raises
        ``SourceProblem`` when it cannot be read or decoded."""
        raise NotImplementedError

    def line_map(self, relative: str) -> LineMap:
        raise NotImplementedError

    def _is_file(self, relative: str) -> bool:
        raise NotImplementedError


def module_candidates(dotted: str) -> tuple[str, str]:
    path = dotted.replace(".", "/")
    return f"{path}.py", f"{path}/__init__.py"


class DirectoryRoot(CodeRoot):
    """A folder in the project (SAM ``CodeUri: src/``)."""

    def __init__(
        self,
        folder: Path,
        project_root: Path,
        display: Callable[[Path], str],
        overlays: Mapping[Path, str],
    ) -> None:
        self.folder = folder
        self.project_root = project_root
        self.display = display
        self.overlays = overlays
        self.description = display(folder).rstrip("/") + "/"
        self._has_python: bool | None = None

    @property
    def key(self) -> object:
        return ("folder", self.folder)

    def _is_file(self, relative: str) -> bool:
        """A module file here; raises ``Refused`` when one exists but may not be read."""
        path = self.folder / relative
        # one safe stat first: a name too long or a link loop is no module; a FIFO or a
        # device exists but is refused, never opened
        kind = file_kind(path, unreadable="file")
        if kind == "folder":
            return False
        if kind is None:
            try:
                check_regular(path)
            except Refused as refused:
                raise Refused(f"{self.display(path)}: {refused.message}") from None
            except (OSError, ValueError):
                return False
            return False
        if not inside(path, self.project_root):
            raise Refused(f"{self.display(path)}: {outside_message(path, self.project_root)}")
        try:
            check_regular(path)
        except Refused as refused:
            raise Refused(f"{self.display(path)}: {refused.message}") from None
        except OSError:
            return False
        return True

    def has_compiled(self, dotted: str) -> bool:
        parent, _, stem = dotted.replace(".", "/").rpartition("/")
        folder = self.folder / parent
        if file_kind(folder) != "folder":
            return False
        if not inside(folder, self.project_root):  # never listed: say so, not "missing"
            where = self.display(folder)
            raise Refused(f"{where}: {outside_message(folder, self.project_root)}")
        return any(
            entry.name.startswith(stem + ".") and entry.name.endswith(_BINARY_SUFFIXES)
            for entry in os.scandir(folder)
        )

    def has_python(self) -> bool:
        if self._has_python is None:
            self._has_python = False
            seen = 0
            for _, dirs, files in os.walk(self.folder):
                if any(name.endswith(".py") for name in files):
                    self._has_python = True
                    break
                dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
                seen += len(files) + len(dirs)
                if seen > MAX_SCANNED_ENTRIES:
                    break
        return self._has_python

    def read(self, relative: str) -> str | None:
        path = self.folder / relative
        overlay = self.overlays.get(path.resolve()) if self.overlays else None
        if overlay is not None:  # an editor's buffer: bounded like the file
            return overlay if len(overlay.encode("utf-8", "replace")) <= MAX_SOURCE_BYTES else None
        try:
            with open_regular(path) as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
        except Refused as refused:
            raise Refused(f"{self.display(path)}: {refused.message}") from None
        except OSError as error:
            raise SourceProblem(f"cannot read file: {error.strerror or error}") from None
        return decode(data) if len(data) <= MAX_SOURCE_BYTES else None

    def line_map(self, relative: str) -> LineMap:
        return LineMap(self.display(self.folder / relative))


class FileRoot(CodeRoot):
    """A single ``.py`` file as the code location: the only module is its stem."""

    def __init__(self, file: Path, directory: DirectoryRoot) -> None:
        self.file = file
        self.directory = directory
        self.description = directory.display(file)

    @property
    def key(self) -> object:
        return ("file", self.file)

    def _is_file(self, relative: str) -> bool:
        return relative == self.file.name

    def read(self, relative: str) -> str | None:
        return self.directory.read(relative)

    def line_map(self, relative: str) -> LineMap:
        return self.directory.line_map(relative)


class ZipRoot(CodeRoot):
    """A local deployment package, read in place with ``zipfile`` (never extracted).

    The archive is opened for the listing and again for each module read, so no file
    handle outlives a call.
    """

    def __init__(self, path: Path, names: dict[str, zipfile.ZipInfo], display_path: str):
        self.path = path
        self.names = names
        self.display_path = display_path
        self.description = display_path

    @classmethod
    def open(cls, path: Path, display_path: str) -> ZipRoot | None:
        """The archive's listing; None when it is not a readable zip. Raises ``Refused``
        for a FIFO or device (never opened: reading one blocks or never ends)."""
        import zipfile

        try:
            with open_regular(path) as handle, zipfile.ZipFile(handle) as archive:
                infos = archive.infolist()
        except Refused as refused:
            raise Refused(f"{display_path}: {refused.message}") from None
        except _zip_errors():
            return None
        if len(infos) > MAX_ZIP_ENTRIES:
            return None
        names = {info.filename.lstrip("/"): info for info in infos if not info.is_dir()}
        return cls(path, names, display_path)

    @property
    def key(self) -> object:
        return ("zip", self.path)

    def _is_file(self, relative: str) -> bool:
        return relative in self.names

    def has_python(self) -> bool:
        return any(name.endswith(".py") for name in self.names)

    def has_compiled(self, dotted: str) -> bool:
        stem = dotted.replace(".", "/") + "."
        return any(n.startswith(stem) and n.endswith(_BINARY_SUFFIXES) for n in self.names)

    def read(self, relative: str) -> str | None:
        info = self.names[relative]
        if info.file_size > MAX_SOURCE_BYTES:
            return None
        import zipfile

        try:
            with (
                open_regular(self.path) as handle,
                zipfile.ZipFile(handle) as archive,
                archive.open(info) as member,
            ):
                data = member.read(MAX_SOURCE_BYTES + 1)
        except Refused as refused:
            raise Refused(f"{self.display_path}: {refused.message}") from None
        except _zip_errors() as error:
            raise SourceProblem(f"cannot read from the archive: {error}") from None
        return decode(data) if len(data) <= MAX_SOURCE_BYTES else None

    def line_map(self, relative: str) -> LineMap:
        return LineMap(f"{self.display_path}/{relative}")


class InlineRoot(CodeRoot):
    """CloudFormation ``Code.ZipFile`` / SAM ``InlineCode``: Lambda saves it as ``index.py``."""

    MODULE = "index"

    def __init__(self, text: str, line_map: LineMap) -> None:
        self.text = text
        self.map = line_map
        self.description = "inline code"

    def _is_file(self, relative: str) -> bool:
        return relative == f"{self.MODULE}.py"

    def read(self, relative: str) -> str | None:
        if len(self.text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
            return None  # the same bound as a module file: libcst needs ~1 KB per byte
        return self.text

    def line_map(self, relative: str) -> LineMap:
        return self.map


def inline_line_map(template_text: str, path: str, location: Location) -> LineMap:
    """Where inline code sits in its template, from the position of its value.

    A YAML literal block (``ZipFile: |``) starts on the next line, indented by its first
    non-blank line; its lines map one to one. Anything else (quoted, folded, JSON) maps
    to the start of the value.
    """
    lines = template_text.splitlines()
    header = lines[location.line - 1] if 0 < location.line <= len(lines) else ""
    indicator = header[location.column - 1 : location.column]
    if indicator != "|":
        return LineMap(path, location.line, location.column - 1, fixed=True)
    for line in lines[location.line :]:
        if line.strip():
            return LineMap(path, location.line + 1, len(line) - len(line.lstrip(" ")))
    return LineMap(path, location.line + 1, 0)


def _zip_errors() -> tuple[type[BaseException], ...]:
    """What a damaged or hostile archive raises while being read: a corrupt deflate
    stream (``zlib.error``), a truncated one (``EOFError``), bad headers, encryption,
    unknown compression methods."""
    import struct
    import zipfile
    import zlib

    return (
        OSError,
        EOFError,
        ValueError,
        RuntimeError,
        NotImplementedError,
        struct.error,
        zlib.error,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
    )


def decode(data: bytes) -> str:
    """Source bytes as text: UTF-8, or the encoding a PEP 263 comment declares."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        import io
        import tokenize

        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            if encoding not in ("utf-8", "utf-8-sig"):
                return data.decode(encoding)
        except (SyntaxError, LookupError, UnicodeDecodeError):
            pass
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise SourceProblem("file is not UTF-8 text", line, column) from None


def file_kind(path: Path, unreadable: str | None = None) -> str | None:
    """``"file"`` (regular), ``"folder"``, or None for anything else: absent, a FIFO or a
    device (never opened: reading one blocks or never ends), or a name the system
    refuses (too long, a symlink loop). ``unreadable`` is the answer for a path that
    exists but may not be looked at (no permission)."""
    try:
        mode = path.stat().st_mode
    except PermissionError:
        return unreadable
    except (OSError, ValueError):  # ENAMETOOLONG, ELOOP, ENOENT; a NUL in the name
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else None


def inside(path: Path, root: Path) -> bool:
    """``path`` (symlinks resolved) lies within ``root``."""
    return within(path, root)
