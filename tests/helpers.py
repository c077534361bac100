"""Small helpers shared by the tests: write a project to disk, lint it, run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from invokelint.config import Config
from invokelint.engine import Linter, LintResult

REPO = Path(__file__).resolve().parent.parent

_SQS_CONSUMER = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:{queue_comment}
    Type: AWS::SQS::Queue{queue_metadata}
    Properties:
      VisibilityTimeout: {visibility}{visibility_comment}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 30
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
            BatchSize: 1
"""


def sqs_consumer(
    visibility: int,
    *,
    queue_comment: str = "",
    queue_metadata: str = "",
    visibility_comment: str = "",
) -> str:
    """A SAM queue (line 3) without redrive, its ``VisibilityTimeout`` on line 6, read by a
    30-second function: IL102 always, IL103 below 180 s (an error below 30 s); one message
    per batch, so IL113 has nothing to say."""
    return _SQS_CONSUMER.format(
        visibility=visibility,
        queue_comment=queue_comment,
        queue_metadata=queue_metadata,
        visibility_comment=visibility_comment,
    )


def write_project(root: Path, files: Mapping[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def lint(
    paths: Path | Iterable[Path],
    *,
    select: Iterable[str] = ("ALL",),
    cwd: Path | None = None,
    **settings: object,
) -> LintResult:
    """Lint like the CLI would, with ``select`` and any ``Config`` field overridden."""
    config = Config(select=tuple(select), **settings)  # type: ignore[arg-type]
    targets = [paths] if isinstance(paths, Path) else list(paths)
    return Linter(
        config, cwd=cwd or (targets[0] if targets[0].is_dir() else targets[0].parent)
    ).lint(targets)


def codes(result: LintResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def run_main(*args: str) -> tuple[int, str, str]:
    """The command in this process (``cli.main``): exit status, stdout and stderr."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from invokelint.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def run_cli(*args: str, cwd: Path, **options: Any) -> subprocess.CompletedProcess[str]:
    """The real command in a child process: exit status, stdout and stderr as a user sees them.

    ``options`` go to ``subprocess.run`` (``input``, ``user``, ...).
    """
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # this checkout, not another install
    options.setdefault("timeout", 120)
    return subprocess.run(
        [sys.executable, "-m", "invokelint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        **options,
    )


GIB = 1024 * 1024 * 1024


def run_cli_bounded(
    *args: str, cwd: Path, seconds: float = 20, memory: int = 2 * GIB, **options: Any
) -> subprocess.CompletedProcess[str]:
    """``run_cli`` in a child limited to ``seconds`` of wall time and ``memory`` bytes of
    address space: an input that regresses into minutes or gigabytes fails the test fast
    (``subprocess.TimeoutExpired``, or a ``MemoryError`` exit) instead of hanging CI."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return run_cli(*args, cwd=cwd, timeout=seconds, preexec_fn=limit, **options)
