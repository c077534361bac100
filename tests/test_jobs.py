"""``--jobs``: a pooled run reports exactly what one process does, in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli, sqs_consumer, write_project

from invokelint import engine, limits, parallel
from invokelint.code import parse
from invokelint.config import Config
from invokelint.engine import Linter
from invokelint.reporters import ReportContext, get_reporter

BROKEN = "Resources:\n  Queue: [unclosed\n"
SUPPRESSED = sqs_consumer(10, queue_comment="  # invokelint: ignore[IL102]")


def _monorepo(root: Path, count: int) -> Path:
    files = {"notes/readme.yaml": "title: not a template\n", "broken/template.yaml": BROKEN}
    for index in range(count):
        template = SUPPRESSED if index % 5 == 0 else sqs_consumer(10 + index)
        files[f"svc{index:03d}/template.yaml"] = template
        files[f"svc{index:03d}/src/app.py"] = f"def handler(event, context):\n    return {index}\n"
    return write_project(root, files)


def _report(root: Path, jobs: int) -> tuple[str, list[str], dict[str, int], list[str]]:
    engine.clear_cache()
    parse._summaries.clear()
    result = Linter(Config(), cwd=root, jobs=jobs).lint([root])
    text = get_reporter("json")(result, ReportContext(cwd=root))
    counts = {k: v for k, v in result.statistics.items() if "(ms)" not in k}  # not timings
    return text, result.checked, counts, result.warnings


@pytest.fixture
def small_pool(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_FILES", 4)


def test_a_pooled_run_is_identical_to_one_process(tmp_path, small_pool, monkeypatch):
    root = _monorepo(tmp_path, 24)
    used = []
    monkeypatch.setattr(parallel, "lint_files", _counting(parallel.lint_files, used))
    serial = _report(root, 1)
    assert not used
    pooled = _report(root, 3)
    assert used == [True], "the pool was not used"
    assert pooled == serial
    assert '"IL001"' in serial[0] and serial[2]["suppressed"] == 5


def test_a_spent_budget_falls_back_to_one_process(tmp_path, small_pool, monkeypatch):
    """Which modules a spent budget admits depends on the order: the pool's answer is
    dropped and the run is linted serially, warnings and all."""
    monkeypatch.setattr(limits, "MAX_PROJECT_MODULES", 10)
    root = _monorepo(tmp_path, 24)
    serial = _report(root, 1)
    assert any("too many modules" in warning for warning in serial[3])
    assert _report(root, 3) == _report(root, 1)


def test_a_small_run_starts_no_pool(tmp_path, monkeypatch):
    root = _monorepo(tmp_path, 3)
    used = []
    monkeypatch.setattr(parallel, "lint_files", _counting(parallel.lint_files, used))
    Linter(Config(), cwd=root, jobs=4).lint([root])
    assert used == [False]


def test_jobs_option(tmp_path):
    _monorepo(tmp_path, 2)
    assert run_cli("check", ".", "-j", "0", cwd=tmp_path).returncode == 2
    one, two = (run_cli("check", ".", "--jobs", n, "--no-cache", cwd=tmp_path) for n in "12")
    assert (one.returncode, one.stdout) == (two.returncode, two.stdout)


def _counting(function, calls):
    """Record whether each call linted in the pool (returned outcomes)."""

    def wrapped(*args):
        outcomes = function(*args)
        calls.append(outcomes is not None)
        return outcomes

    return wrapped
