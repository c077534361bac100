"""A persistent cache of what is expensive to rebuild: parsed templates and handler summaries.

Like ruff's ``.ruff_cache``: a pre-commit run over an unchanged project should parse
nothing (libcst's import alone is 0.15 s). An entry is keyed by the text's hash, the
kind of value, invokelint's version and a stamp of the modules that produce the value,
so a changed file, a new release or an edited parser never reads a stale entry.

Entries are pickles, which can run code when loaded, so an entry is never trusted
unless it carries the MAC of its key and bytes (keyed BLAKE2b, a MAC by design) under a
random secret that only this user can read (``secret``, mode 0600, in the cache folder);
a foreign, corrupt or truncated entry is ignored (and rewritten), and unpickling admits
only invokelint's own plain data classes. Entries are written atomically (temporary
file, then ``os.replace``) and only inside the cache folder; any failure to read or
write turns the cache off for the run rather than failing the lint.
"""

from __future__ import annotations

import io
import os
import pickle
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from invokelint import __version__

try:  # BLAKE2 without ``hashlib``, whose import starts OpenSSL (2% of a warm run)
    from _blake2 import blake2b
    from _operator import _compare_digest as compare_digest
except ImportError:  # pragma: no cover - another Python than CPython
    from hashlib import blake2b
    from hmac import compare_digest

DEFAULT_FOLDER = ".invokelint_cache"
_MAGIC = b"ILC2"  # ILC1 entries (HMAC-SHA256) read as foreign: ignored, rewritten
_DIGEST = 32
_SECRET = "secret"
# Modules whose output is cached: editing one (a development checkout) changes the key.
_PRODUCERS = (
    "frontends/loader.py",
    "frontends/positioned.py",
    "code/parse.py",
    "code/ir.py",
    "limits.py",
)
# Only these classes may be rebuilt from an entry (besides pickle's plain built-ins).
_ALLOWED = {
    "invokelint.frontends.positioned": frozenset({"Map", "Seq"}),
    "invokelint.frontends.loader": frozenset({"Document", "Problem"}),
    "invokelint.code.ir": None,  # every class of the summary IR is plain frozen data
}


class DiskCache:
    """One cache folder; ``get``/``put`` by kind and text, silently off after an error."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(os.path.abspath(folder))
        self.enabled = True
        self.hits = 0
        self.writes = 0
        self._secret: bytes | None = None
        self._stamp = _stamp()

    def key(self, kind: str, text: str) -> str:
        digest = blake2b(digest_size=_DIGEST)
        for part in (kind, __version__, self._stamp):
            digest.update(part.encode() + b"\0")
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, kind: str, text: str) -> Any | None:
        """The value stored for ``text``, or None (absent, foreign, corrupt, unreadable)."""
        if not self.enabled:
            return None
        key = self.key(kind, text)
        try:
            data = (self.folder / key).read_bytes()
        except OSError:
            return None
        secret = self._read_secret()
        if secret is None or len(data) < len(_MAGIC) + _DIGEST or not data.startswith(_MAGIC):
            return None
        mac, payload = data[len(_MAGIC) : len(_MAGIC) + _DIGEST], data[len(_MAGIC) + _DIGEST :]
        if not compare_digest(mac, _mac(secret, key, payload)):
            return None
        try:
            value = _Unpickler(io.BytesIO(payload)).load()
        except Exception:  # a bad entry is a miss, whatever went wrong inside it
            return None
        self.hits += 1
        return value

    def put(self, kind: str, text: str, value: Any) -> None:
        if not self.enabled:
            return
        key = self.key(kind, text)
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # recursion on absurd nesting, say: not worth caching
            return
        try:
            secret = self._secret or self._create()
            self._write(key, _MAGIC + _mac(secret, key, payload) + payload)
        except OSError:
            self.enabled = False  # a read-only checkout: lint on, uncached
            return
        self.writes += 1

    # -- the folder
    def _create(self) -> bytes:
        """Make the folder (with a ``.gitignore`` that ignores it) and its secret."""
        if not self.folder.is_dir():
            existing = next(p for p in self.folder.parents if p.exists())
            if not existing.stat().st_mode & 0o222:  # a read-only tree, even for root (CI)
                raise OSError(f"{existing} is read-only")
            self.folder.mkdir(mode=0o700, parents=True)
            (self.folder / ".gitignore").write_text("# written by invokelint\n*\n")
        secret = self._read_secret()
        if secret is None:
            path = self.folder / _SECRET
            if path.exists() or path.is_symlink():
                raise OSError("cache secret is not private to this user")
            new = os.urandom(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(new)
            secret = self._secret = new
        return secret

    def _read_secret(self) -> bytes | None:
        """The folder's secret when only this user could have written or read it."""
        if self._secret is not None:
            return self._secret
        try:
            fd = os.open(self.folder / _SECRET, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            private = stat.S_ISREG(info.st_mode) and not info.st_mode & 0o077
            if not private or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                return None
            secret = handle.read(64)
        if len(secret) != 32:
            return None
        self._secret = secret
        return secret

    def _write(self, key: str, data: bytes) -> None:
        import tempfile  # only a run that writes pays for it

        target = self.folder / key
        if target.parent != self.folder or not key.isalnum():
            raise OSError("cache entry outside the cache folder")
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


class _Unpickler(pickle.Unpickler):
    """Rebuilds only the classes ``allowed`` names (module -> names; None: all of them)."""

    allowed: dict[str, frozenset[str] | None] = _ALLOWED

    def find_class(self, module: str, name: str) -> Any:
        if module in self.allowed:
            names = self.allowed[module]
            if names is None or name in names:
                return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


def _mac(secret: bytes, key: str, payload: bytes) -> bytes:
    return blake2b(key.encode() + b"\0" + payload, key=secret, digest_size=_DIGEST).digest()


def content_key(text: str) -> str:
    """A hash of ``text`` for the in-memory caches of parsed files (without OpenSSL)."""
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _stamp() -> str:
    return stamp(Path(__file__).parent, _PRODUCERS)


def stamp(package: Path, producers: tuple[str, ...]) -> str:
    """Size and modification time of the modules that produce cached values."""
    parts = []
    for name in producers:
        try:
            info = (package / name).stat()
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append(name)
    return ";".join(parts)


# -- the cache of the current run: read by the loaders without threading it through
_active: DiskCache | None = None


@contextmanager
def using(cache: DiskCache | None) -> Iterator[None]:
    global _active
    previous, _active = _active, cache
    try:
        yield
    finally:
        _active = previous


def active() -> DiskCache | None:
    return _active
