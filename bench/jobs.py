"""``--jobs`` speed-up on a generated monorepo: ``python bench/jobs.py [TEMPLATES] [JOBS]``.

Generates TEMPLATES (default 2,000) SAM templates of one SQS consumer each, in folders of
their own, whose handlers are 400 shared Python modules (within the run's 1,000-module
budget, so the pool's result is kept). Runs ``invokelint check`` as whole processes,
``-j 1`` and ``-j JOBS`` (default: the usable cores) interleaved, without the cache,
with and without handler code, and prints the median wall and CPU (user+sys, children
included) seconds of three runs each, and whether the outputs are byte for byte equal.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from helpers import sqs_consumer  # noqa: E402

from invokelint.parallel import usable_cores  # noqa: E402

MODULES = 400


def generate(root: Path, templates: int) -> None:
    for index in range(MODULES):
        folder = root / "shared" / f"h{index:03d}"
        folder.mkdir(parents=True)
        (folder / "app.py").write_text(
            "import json\n\ndef handler(event, context):\n"
            "    for record in event['Records']:\n"
            f"        print(json.loads(record['body']), {index})\n"
        )
    for index in range(templates):
        folder = root / f"svc{index:04d}"
        folder.mkdir()
        text = sqs_consumer(10 + index % 300).replace(
            "CodeUri: src/", f"CodeUri: ../shared/h{index % MODULES:03d}/"
        )
        (folder / "template.yaml").write_text(text)


def run(root: Path, *options: str) -> tuple[float, float, bytes]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "invokelint", "check", ".", "--no-cache", "-q", *options],
        cwd=root,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout + done.stderr


def main() -> None:
    templates = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else usable_cores()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, templates)
        print(f"{templates} templates, {MODULES} handler modules, -j 1 vs -j {jobs}")
        for mode in ([], ["--no-code"]):
            times: dict[int, list[tuple[float, float]]] = {1: [], jobs: []}
            outputs: dict[int, bytes] = {}
            for _ in range(3):
                for count in (1, jobs):
                    wall, cpu, output = run(root, "-j", str(count), *mode)
                    times[count].append((wall, cpu))
                    outputs[count] = output
            label = " ".join(mode) or "with code"
            serial, pooled = (statistics.median(w for w, _ in times[n]) for n in (1, jobs))
            cpu1, cpun = (statistics.median(c for _, c in times[n]) for n in (1, jobs))
            print(
                f"{label:<10} -j 1 {serial:.2f} s (cpu {cpu1:.2f}), -j {jobs} {pooled:.2f} s "
                f"(cpu {cpun:.2f}): speed-up {serial / pooled:.2f}x; "
                f"identical output: {outputs[1] == outputs[jobs]}"
            )


if __name__ == "__main__":
    main()
