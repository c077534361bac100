"""How long does ``invokelint graph`` take on a 3,000-resource template?

    python bench/graph.py                 # 1,000 SQS consumers: 3,000 resources
    python bench/graph.py --functions 200 --runs 3

Times, best of ``--runs``: the lint the graph needs (read, parse, model, rules), building
the graph from the result, each format's rendering, and the whole command in a fresh
process (``python -m invokelint graph template.yaml --format F``) for every format, with
and without ``--findings-only``, next to ``invokelint check`` on the same template: the
difference is what drawing costs. Commands report wall-clock time (the target: under 2 s)
and the child's CPU time, which a busy machine disturbs less. A measurement, not a test:
nothing here fails a build.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from large_template import best_of, generate  # noqa: E402

TARGET = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--functions", type=int, default=1000, help="SQS consumers to generate")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the best is kept")
    args = parser.parse_args()

    from invokelint.config import Config
    from invokelint.engine import Linter, clear_cache
    from invokelint.graph import FORMATS, render
    from invokelint.graph.build import build
    from invokelint.graph.focus import findings_only

    text = generate(args.functions)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.yaml"
        path.write_text(text, encoding="utf-8")
        linter = Linter(Config(), cwd=Path(folder))

        def lint() -> object:
            clear_cache()
            return linter.lint([path])

        result = linter.lint([path])
        resources = text.count("\n    Type: AWS::")
        graph = build(result.models, result.diagnostics)
        print(f"template: {resources} resources, {len(text) / 1e6:.2f} MB")
        print(f"graph: {len(graph.nodes)} nodes, {len(graph.edges)} edges")
        _row("lint (what the graph reads)", best_of(args.runs, lint))
        building = best_of(args.runs, lambda: build(result.models, result.diagnostics))
        _row("build the graph", building)
        _row("--findings-only filter", best_of(args.runs, lambda: findings_only(graph)))
        for output in FORMATS:
            _row(f"render {output}", best_of(args.runs, lambda o=output: render(result, o)))

        env = {**os.environ, "PYTHONPATH": str(REPO)}
        base = [sys.executable, "-m", "invokelint"]
        commands = [[*base, "check", str(path), "--format", "json"]]  # the baseline
        for output in FORMATS:
            for extra in ([], ["--findings-only"]):
                commands.append([*base, "graph", str(path), "--format", output, *extra])
        for command in commands:
            wall, cpu = _command(command, folder, env, args.runs)
            verdict = "" if command[3] == "check" else "ok" if wall < TARGET else "ABOVE TARGET"
            label = "invokelint " + " ".join(c for c in command[3:] if c != str(path))
            _row(label, wall, f"wall; CPU {cpu * 1000:.0f} ms {verdict}".rstrip())


def _command(command: list[str], cwd: str, env: dict[str, str], runs: int) -> tuple[float, float]:
    """Best wall-clock and best CPU time (user + system) of the child, over ``runs``."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def _row(label: str, seconds: float, note: str = "in-process") -> None:
    print(f"{label:<52}{seconds * 1000:8.1f} ms  ({note})")


if __name__ == "__main__":
    main()
