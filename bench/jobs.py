"""``--jobs`` speed-up on a generated monorepo: ``python bench/jobs.py [TEMPLATES] [JOBS] [RUNS]``.

Generates TEMPLATES (default 2,000) SAM templates of one SQS consumer each, in folders of
their own, whose handlers are 400 shared Python modules (within the run's 1,000-module
budget, so the pool's result is kept). Runs ``invokelint check`` as whole processes,
``-j 1`` and ``-j JOBS`` (default: the usable cores) interleaved, RUNS times (default 5),
in three modes: ``--no-code``, with handler code and ``--no-cache``, and with handler code
into a fresh (cold) cache folder, and prints per mode the medians of:

- wall: process start to exit. On a machine others are using, this measures them too.
- cpu: user + sys of the process and its workers (what the pool costs in all).
- path: the critical path, the main process's own CPU plus its workers' CPU divided by
  JOBS (workers take slices from one queue, so they end within a slice of each other):
  the wall an otherwise idle machine with JOBS cores would see, give or take start-up.

and whether the reports are byte for byte equal.
"""

from __future__ import annotations

import json
import os
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
# Runs the command line in this process, then reports its own CPU and its workers'.
PROBE = """\
import json, os, resource, sys
from invokelint.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exit:
    status = exit.code
own = resource.getrusage(resource.RUSAGE_SELF)
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
times = [own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime]
os.write(int(os.environ['BENCH_TIMES_FD']), json.dumps(times).encode())
sys.exit(status)
"""


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


def run(root: Path, jobs: int, *options: str) -> tuple[float, float, float, bytes]:
    """Wall seconds, all CPU seconds, critical-path CPU seconds, and the report."""
    read, write = os.pipe()
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", PROBE, "check", ".", "-q", "-j", str(jobs), *options],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(write,),
        env={**os.environ, "PYTHONPATH": str(REPO), "BENCH_TIMES_FD": str(write)},
    ) as child:
        os.close(write)
        output = child.stdout.read() if child.stdout else b""
        child.wait()
    wall = time.perf_counter() - started
    with os.fdopen(read, "rb") as pipe:
        own, workers = json.loads(pipe.read())
    return wall, own + workers, own + workers / jobs, output


def main() -> None:
    templates = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else max(2, usable_cores())
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "monorepo"
        generate(root, templates)
        print(
            f"{templates} templates, {MODULES} handler modules, -j 1 vs -j {jobs}, "
            f"median of {runs} interleaved runs; load average {os.getloadavg()[0]:.1f}"
        )
        modes = {
            "--no-code": ["--no-cache", "--no-code"],
            "code": ["--no-cache"],
            "code, cold cache": ["--cache-dir"],
        }
        for label, mode in modes.items():
            times: dict[int, list[tuple[float, float, float]]] = {1: [], jobs: []}
            outputs: dict[int, bytes] = {}
            for attempt in range(runs):
                for count in (1, jobs):
                    options = list(mode)
                    if options[-1] == "--cache-dir":
                        options.append(str(Path(folder) / f"cache-{attempt}-{count}"))
                    *measured, outputs[count] = run(root, count, *options)
                    times[count].append(tuple(measured))
            medians = {
                n: [statistics.median(sample[i] for sample in times[n]) for i in range(3)]
                for n in (1, jobs)
            }
            (wall1, cpu1, path1), (walln, cpun, pathn) = medians[1], medians[jobs]
            print(
                f"{label:<17} wall {wall1:.2f} -> {walln:.2f} s ({wall1 / walln:.2f}x), "
                f"cpu {cpu1:.2f} -> {cpun:.2f} s ({cpun / cpu1:.2f}x), "
                f"path {path1:.2f} -> {pathn:.2f} s ({path1 / pathn:.2f}x); "
                f"identical output: {outputs[1] == outputs[jobs]}"
            )
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
