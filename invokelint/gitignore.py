"""Which walked files git ignores (``.gitignore``, ``.git/info/exclude``, global excludes).

Git itself answers when it can: one ``git check-ignore --stdin`` call per walked folder,
so the answer is exactly git's (nested ``.gitignore`` files, negations, the user's global
excludes, tracked files never ignored). Without git, or outside a work tree, a small
reader of ``.gitignore`` files and ``.git/info/exclude`` gives the same answer for the
patterns projects write. Files named on the command line are never filtered here.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path


def ignored(root: Path, files: Sequence[Path]) -> set[Path]:
    """The members of ``files`` (all under the folder ``root``) that git ignores."""
    if not files:
        return set()
    relative = [os.path.relpath(path, root) for path in files]
    answer = _ask_git(root, relative)
    if answer is None:
        answer = {name for name in relative if _Reader(root).ignores(name)}
    return {path for path, name in zip(files, relative, strict=True) if name in answer}


def _ask_git(root: Path, names: list[str]) -> set[str] | None:
    """Git's answer, or ``None`` when git is missing or ``root`` is not in a work tree."""
    try:
        completed = subprocess.run(
            ["git", "check-ignore", "--stdin", "-z"],
            cwd=root,
            # bytes, as the file system has them: a name need not be UTF-8
            input=os.fsencode("\0".join(names) + "\0"),
            capture_output=True,
            timeout=30,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode not in (0, 1):  # 1: nothing ignored; 128: not a repository
        return None
    return {os.fsdecode(name) for name in completed.stdout.split(b"\0") if name}


class _Reader:
    """``.gitignore`` files from the repository top (the folder holding ``.git``, else
    ``root``) down to each file, then ``.git/info/exclude``; the last match wins, and a
    file in an ignored folder stays ignored, as in git."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))
        self.top = next(
            (f for f in (self.root, *self.root.parents) if (f / ".git").exists()), self.root
        )

    def ignores(self, name: str) -> bool:
        path = (self.root / name).relative_to(self.top).as_posix()
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            if self._matches("/".join(parts[:depth]), is_dir=depth < len(parts)):
                return True
        return False

    def _matches(self, path: str, *, is_dir: bool) -> bool:
        verdict = False
        for base, pattern in self._patterns(path.rpartition("/")[0]):
            if path.startswith(base) and pattern.matches(path[len(base) :], is_dir=is_dir):
                verdict = not pattern.negated
        return verdict

    def _patterns(self, folder: str) -> list[tuple[str, _Pattern]]:
        found = [("", p) for p in _patterns(str(self.top / ".git" / "info" / "exclude"))]
        parts = folder.split("/") if folder else []
        for depth in range(len(parts) + 1):
            base = "/".join(parts[:depth])
            prefix = f"{base}/" if base else ""
            found.extend((prefix, p) for p in _patterns(str(self.top / base / ".gitignore")))
        return found


class _Pattern:
    def __init__(self, line: str) -> None:
        self.negated = line.startswith("!")
        line = line[1:] if self.negated else line
        self.dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        body = _translate(line)
        self.regex = re.compile(body if anchored else f"(?:.*/)?{body}")

    def matches(self, path: str, *, is_dir: bool) -> bool:
        return (is_dir or not self.dir_only) and self.regex.fullmatch(path) is not None


def _patterns(path: str) -> tuple[_Pattern, ...]:
    """The patterns of an ignore file as it is now (the language server lives on while
    the user edits it): read again when its time or size moved."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return ()
    return _read(path, (info.st_mtime_ns, info.st_size))


@lru_cache(maxsize=256)
def _read(path: str, stamp: tuple[int, int]) -> tuple[_Pattern, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    lines = (line.rstrip("\n").rstrip() for line in text.splitlines())
    return tuple(
        _Pattern(line.replace("\\#", "#")) for line in lines if line and not line.startswith("#")
    )


def _translate(pattern: str) -> str:
    """A gitignore glob as a regular expression: ``**``, ``*``, ``?`` and ``[...]``."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and pattern.find("]", i + 2) > 0:
            end = pattern.find("]", i + 2)
            inner = pattern[i + 1 : end]
            if inner[:1] in ("!", "^"):
                inner = "^" + inner[1:]
            out.append(f"[{inner}]")
            i = end + 1
        elif char == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)
