"""How long handler code analysis takes: ``python bench/handler_code.py [PATH ...]``.

For each path (default: ``fixtures/`` and, when present, the shared corpus), lint twice
with one ``Linter``, as an editor does: the first run parses every handler module, the
second finds them all in the content-hash cache. libcst's import is timed on its own
first, so the runs show analysis time only. Numbers are wall-clock milliseconds.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from invokelint.config import Config  # noqa: E402
from invokelint.engine import Linter  # noqa: E402


def main(paths: list[Path]) -> None:
    started = time.perf_counter()
    import libcst  # noqa: F401

    print(f"libcst import: {(time.perf_counter() - started) * 1000:.0f} ms\n")
    header = ("path", "templates", "handlers", "parsed", "code ms", "lint ms", "re-lint code ms")
    print("{:<40} {:>9} {:>8} {:>6} {:>8} {:>8} {:>15}".format(*header))
    for path in paths:
        linter = Linter(Config(), cwd=path if path.is_dir() else path.parent)
        started = time.perf_counter()
        first = linter.lint([path])
        total = (time.perf_counter() - started) * 1000
        second = linter.lint([path])
        stats = first.statistics
        print(
            f"{_short(path):<40} {stats['templates']:>9} {stats['handlers analysed']:>8} "
            f"{stats['python files parsed']:>6} {stats['code analysis (ms)']:>8} "
            f"{total:>8.0f} {second.statistics['code analysis (ms)']:>15}"
        )


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 40 else "..." + text[-37:]


if __name__ == "__main__":
    corpus = Path(os.environ.get("INVOKELINT_CORPUS", REPO.parent.parent / "shared" / "corpus"))
    defaults = [REPO / "fixtures"]
    if (corpus / "templates").is_dir():
        defaults.append(corpus / "templates")
    main([Path(p).resolve() for p in sys.argv[1:]] or defaults)
