"""Does a file list (what pre-commit passes) cost what its folder costs?

Generates 400 and 4,000 small SAM templates (a queue and its consumer each, whose
handler code in ``src/`` is read) in one folder and times ``python -m invokelint check``
given every file as an argument against the same run given the folder, as whole
processes, best of ``--runs``. Target: the ratio within 1.05 at both sizes (it grew with
the square of the count before).

    python bench/file_lists.py
    python bench/file_lists.py --counts 400 --runs 3

This is a measurement, not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: {visibility}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      Timeout: 60
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
"""


def best(runs: int, command: list[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="*", default=[400, 4000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    check = [sys.executable, "-m", "invokelint", "check"]
    print(f"{'templates':>9} {'folder':>8} {'files':>8} {'ratio':>6}")
    for count in args.counts:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "src").mkdir()
            (root / "src/app.py").write_text("def handler(event, context):\n    return {}\n")
            names = []
            for i in range(count):
                name = f"stack{i:05}.yaml"
                visibility = 30 if i % 10 == 0 else 360  # some findings
                (root / name).write_text(TEMPLATE.format(visibility=visibility))
                names.append(name)
            as_folder = best(args.runs, [*check, "."], root)
            as_files = best(args.runs, [*check, *names], root)
            print(
                f"{count:>9} {as_folder:>7.2f}s {as_files:>7.2f}s {as_files / as_folder:>6.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
