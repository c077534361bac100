"""invokelint next to cfn-lint on the same inputs: ``python bench/compare.py [RUNS [SIZES]]``.

Each input is linted by whole processes, invokelint (``--no-cache``, then warm from its
cache) and, when installed beside this Python, ``cfn-lint`` (and ``cfn-lint`` with the
``cfn_lint_serverless`` rules when that package is installed), interleaved run by run so
a loaded machine slows every tool alike. Prints the median wall and CPU seconds (user +
sys of the child) per tool and cfn-lint's median over invokelint's. Inputs: one small
template, 100/1,000/2,000 SQS consumers (``SIZES``, comma-separated, changes them; made
by bench/large_template.py's generator) and the shared corpus's templates folder when
``INVOKELINT_CORPUS`` names it.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from large_template import generate  # noqa: E402


def _measure(command: list[str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _tools(cache: Path) -> dict[str, list[str]]:
    invokelint = [sys.executable, "-m", "invokelint", "check", "-q"]
    tools = {
        "invokelint": [*invokelint, "--no-cache"],
        "invokelint warm": [*invokelint, "--cache-dir", str(cache)],
    }
    cfn_lint = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or shutil.which(
        "cfn-lint"
    )
    if cfn_lint:
        tools["cfn-lint"] = [cfn_lint]
        if importlib.util.find_spec("cfn_lint_serverless") is not None:
            tools["cfn-lint+serverless"] = [cfn_lint, "--append-rules", "cfn_lint_serverless.rules"]
    return tools


def _inputs(folder: Path, sizes: list[int]) -> dict[str, list[str]]:
    inputs = {"small template": [str(REPO / "examples" / "template.yaml")]}
    for functions in sizes:
        path = folder / f"sqs{functions}.yaml"
        path.write_text(generate(functions))
        inputs[f"{functions} SQS consumers"] = [str(path)]
    corpus = os.environ.get("INVOKELINT_CORPUS")
    if corpus and (Path(corpus) / "templates").is_dir():
        templates = sorted(str(p) for p in (Path(corpus) / "templates").iterdir() if p.is_file())
        inputs[f"corpus ({len(templates)} templates)"] = templates
    return inputs


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    sizes = [int(n) for n in sys.argv[2].split(",")] if len(sys.argv) > 2 else [100, 1000, 2000]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        tools = _tools(folder / "cache")
        print(f"median of {runs} interleaved runs; wall s / cpu s; ratio = tool / invokelint cpu")
        for name, paths in _inputs(folder, sizes).items():
            if "warm" in " ".join(tools):  # fill the cache once before timing warm runs
                _measure([*tools["invokelint warm"], *paths], folder)
            samples: dict[str, list[tuple[float, float]]] = {tool: [] for tool in tools}
            for _ in range(runs):
                for tool, command in tools.items():
                    samples[tool].append(_measure([*command, *paths], folder))
            medians = {
                tool: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
                for tool, s in samples.items()
            }
            base = medians["invokelint"][1]
            cells = [
                f"{tool} {wall:.2f}/{cpu:.2f}"
                + ("" if tool == "invokelint" else f" ({cpu / base:.1f}x)")
                for tool, (wall, cpu) in medians.items()
            ]
            print(f"{name:<28} " + "; ".join(cells))


if __name__ == "__main__":
    main()
