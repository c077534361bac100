"""``--jobs``: a pooled run reports exactly what one process does, in the same order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import run_cli, sqs_consumer, write_project

from invokelint import cli, engine, limits, parallel
from invokelint.code import parse
from invokelint.config import Config
from invokelint.engine import Linter, LintResult
from invokelint.reporters import ReportContext, get_reporter

BROKEN = "Resources:\n  Queue: [unclosed\n"
SUPPRESSED = sqs_consumer(10, queue_comment="  # invokelint: ignore[IL102]")
# suppressed in the queue's Metadata: the parent's filter reads it from the model
IGNORED = sqs_consumer(
    20, queue_metadata="\n    Metadata:\n      invokelint:\n        ignore: [IL103]"
)


def _monorepo(root: Path, count: int) -> Path:
    files = {"notes/readme.yaml": "title: not a template\n", "broken/template.yaml": BROKEN}
    for index in range(count):
        template = SUPPRESSED if index % 5 == 0 else sqs_consumer(10 + index)
        template = IGNORED if index % 10 == 3 else template
        files[f"svc{index:03d}/template.yaml"] = template
        files[f"svc{index:03d}/src/app.py"] = f"def handler(event, context):\n    return {index}\n"
    return write_project(root, files)


def _lint(root: Path, jobs: int, *, keeps_models: bool = True) -> LintResult:
    engine.clear_cache()
    parse._summaries.clear()
    linter = Linter(Config(), cwd=root, jobs=jobs)
    linter.keeps_models = keeps_models
    return linter.lint([root])


def _report(
    root: Path, jobs: int, *, keeps_models: bool = True
) -> tuple[str, list[str], dict[str, int], list[str]]:
    result = _lint(root, jobs, keeps_models=keeps_models)
    text = get_reporter("json")(result, ReportContext(cwd=root))
    counts = {k: v for k, v in result.statistics.items() if "(ms)" not in k}  # not timings
    return text, result.checked, counts, result.warnings


@pytest.fixture
def small_pool(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_FILES", 4)
    monkeypatch.setattr(parallel, "MIN_FILES_NO_CODE", 4)


def test_a_pooled_run_is_identical_to_one_process(tmp_path, small_pool, monkeypatch):
    root = _monorepo(tmp_path, 24)
    used = []
    monkeypatch.setattr(parallel, "lint_files", _counting(parallel.lint_files, used))
    serial = _report(root, 1)
    assert not used
    pooled = _report(root, 3)
    assert used == [True], "the pool was not used"
    assert pooled == serial
    assert '"IL001"' in serial[0] and serial[2]["suppressed"] == 5 + 3


def test_workers_send_back_only_what_the_filter_reads(tmp_path, small_pool):
    """Without the graph, a worker returns of each model only the resources that carry
    metadata ignores; the report is still that of one process."""
    root = _monorepo(tmp_path, 24)
    serial = _report(root, 1, keeps_models=False)
    assert _report(root, 3, keeps_models=False) == serial
    slim = _lint(root, 3, keeps_models=False).models
    assert len(slim) == 3  # svc003, svc013 and svc023 ignore IL103 in the queue's Metadata
    assert all(list(model.resources) == ["Orders"] for model in slim)
    assert all(not model.functions for model in slim)
    whole = _lint(root, 3).models  # the graph's: every model, whole
    assert len(whole) == 24 and all(model.functions for model in whole)


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


def test_the_default_is_the_usable_cores_not_already_busy(
    tmp_path, small_pool, monkeypatch, capsys
):
    root = _monorepo(tmp_path, 8)
    used = []
    monkeypatch.setattr(parallel, "lint_files", _counting(parallel.lint_files, used))
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    cli.main(["check", str(root), "--no-cache", "-q"])
    assert used == [], "one core: no pool"
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.6, 1.0, 1.0))
    cli.main(["check", str(root), "--no-cache", "-q"])
    assert used == [], "two cores, one of them busy: no pool"
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 1.0, 1.0))
    cli.main(["check", str(root), "--no-cache", "-q"])
    assert used == [True]
    assert parallel.default_jobs() == 2


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
