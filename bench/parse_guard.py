"""What the nesting pre-check costs next to libcst, and where libcst's parser crashes.

    python bench/parse_guard.py          # cost: pre-check vs libcst parse, per corpus
    python bench/parse_guard.py crash    # crash thresholds of libcst, each in a child process

``cost`` times ``invokelint.code.nesting.too_deep`` and ``libcst.parse_module`` on every
Python file of ``examples/`` and ``fixtures/`` (the handler-like corpus; best of three
passes) and on any paths given after ``cost``. ``crash`` parses expressions nested
``n`` deep (brackets, calls, ``not``, ``-``, ``lambda:``, ``**``, ``.attr``) with libcst in
a child process and prints the exit status: -11 is a segmentation fault. It also shows
that the pre-check refuses every input that crashed. A measurement, not a test.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from invokelint.code import nesting  # noqa: E402

SHAPES = {
    "[": lambda n: "x = " + "[" * n + "]" * n,
    "f(": lambda n: "x = " + "f(" * n + ")" * n,
    "not": lambda n: "x = " + "not " * n + "y",
    "-": lambda n: "x = " + "-" * n + "y",
    "lambda": lambda n: "x = " + "lambda: " * n + "y",
    "**": lambda n: "x = " + "**".join(["y"] * n),
    ".attr": lambda n: "x = y" + ".a" * n,
}


def cost(paths: list[Path]) -> None:
    import libcst

    files = [p for root in paths for p in sorted(root.rglob("*.py"))]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    checked = parsed = float("inf")
    safe = []  # what the pre-check lets through: the rest would crash this process
    for _ in range(3):
        started = time.perf_counter()
        safe.clear()
        for text in texts:
            try:
                if nesting.too_deep(text) is None:
                    safe.append(text)
            except nesting.Unreadable:
                pass
        middle = time.perf_counter()
        for text in safe:
            with contextlib.suppress(Exception):
                libcst.parse_module(text)
        checked = min(checked, middle - started)
        parsed = min(parsed, time.perf_counter() - middle)
    size = sum(len(t) for t in texts) // 1024
    refused = len(files) - len(safe)
    print(f"{len(files)} files ({refused} refused or unreadable), {size} KiB: ", end="")
    print(f"pre-check {checked * 1000:.1f} ms, ", end="")
    print(f"libcst parse {parsed * 1000:.1f} ms ({checked / parsed:.0%} of the parse)")


def crash() -> None:
    code = "import sys, libcst\nlibcst.parse_module(sys.stdin.read())"
    for name, make in SHAPES.items():
        row = []
        for n in (1000, 2500, 10000):
            text = make(n) + "\n"
            status = subprocess.run(
                [sys.executable, "-c", code], input=text, capture_output=True, text=True
            ).returncode
            guarded = "refused" if nesting.too_deep(text) else "parsed"
            row.append(f"{n}: exit {status} ({guarded})")
        print(f"{name:<7}", ", ".join(row))


if __name__ == "__main__":
    if sys.argv[1:2] == ["crash"]:
        crash()
    else:
        extra = [Path(p) for p in sys.argv[2:]] if sys.argv[1:2] == ["cost"] else []
        cost([REPO / "examples", REPO / "fixtures", *extra])
