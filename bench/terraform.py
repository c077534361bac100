"""Terraform end to end, process start to exit: ``python bench/terraform.py [--runs N]``.

Two generated root modules, each linted by ``python -m invokelint check <folder>`` in a
child process with every rule: a large one (CONSUMERS SQS consumers, default 1,000: queue,
dead-letter queue with a ``jsonencode`` redrive policy, function, event source mapping;
4,000 blocks of which 3,000+ are resources) and a small one (one consumer). Wall clock
and the child's CPU time (user + sys, from ``getrusage``) are reported as the median of
``--runs`` runs, since the machine is usually shared. checkov and tflint are timed on the
same folders in the same run when they are installed (they are never installed here).
``profile`` prints the top of a cProfile of one in-process lint of the large module.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from terraform_reader import generate  # noqa: E402

TARGETS = {"large": 1.0, "small": 0.3}  # seconds, process start to exit


def child_environment() -> dict[str, str]:
    """This checkout, with bytecode caches written and used as an installed package has
    them (a shell with ``PYTHONDONTWRITEBYTECODE`` would recompile every module each run:
    about 170 ms of CPU here, more than any one stage of the lint)."""
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def run_once(command: Sequence[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + sys of the child) and exit status of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(
        command,
        cwd=cwd,
        env=child_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode > 1:
        raise SystemExit(f"{' '.join(command)} failed: {completed.stderr.decode()[-2000:]}")
    return wall, cpu, completed.returncode


def measure(command: Sequence[str], cwd: Path, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds over ``runs`` runs, after one warm-up run."""
    run_once(command, cwd)  # bytecode and page caches warm, as for an installed package
    samples = [run_once(command, cwd) for _ in range(runs)]
    return (
        statistics.median(wall for wall, _, _ in samples),
        statistics.median(cpu for _, cpu, _ in samples),
    )


def tools() -> dict[str, list[str]]:
    """The command of every tool to compare, when it is on PATH (never installed here)."""
    found = {"invokelint": [sys.executable, "-m", "invokelint", "check", "."]}
    if shutil.which("checkov"):
        found["checkov"] = [
            "checkov",
            "-d",
            ".",
            "--quiet",
            "--compact",
            "--framework",
            "terraform",
        ]
    if shutil.which("tflint"):
        found["tflint"] = ["tflint", "--chdir", "."]
    return found


def main(consumers: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folders = {"large": Path(temporary, "large"), "small": Path(temporary, "small")}
        for name, folder in folders.items():
            folder.mkdir()
            generate(
                folder, consumers if name == "large" else 1, files=10 if name == "large" else 1
            )
        size = sum(p.stat().st_size for p in folders["large"].glob("*.tf")) / 1e6
        print(
            f"large: {consumers} SQS consumers, {consumers * 4} resources, {size:.2f} MB; "
            f"small: 1 consumer, 4 resources; median of {runs} runs, "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n"
        )
        print("| tool | module | wall | CPU (user+sys) | target |")
        print("| --- | --- | --- | --- | --- |")
        for tool, command in tools().items():
            for name, folder in folders.items():
                wall, cpu = measure(command, folder, runs)
                target = f"< {TARGETS[name]:.1f} s" if tool == "invokelint" else ""
                print(
                    f"| {tool} | {name} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {target} |"
                )


def profile(consumers: int) -> None:
    import cProfile
    import pstats

    from invokelint.config import Config
    from invokelint.engine import Linter

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        generate(folder, consumers)
        profiler = cProfile.Profile()
        profiler.runcall(Linter(Config(), cwd=folder).lint, [folder])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=("compare", "profile"), default="compare")
    parser.add_argument("--consumers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.mode == "profile":
        profile(args.consumers)
    else:
        main(args.consumers, args.runs)
