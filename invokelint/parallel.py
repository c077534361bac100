"""``--jobs``: lint the template files of a large run in a pool of processes.

Templates are independent units: each one's findings, suppressions and model depend on
its own text and handler code only. Workers lint contiguous slices of the run's template
files with a copy of the linter and hand back, per file, what ``Linter._lint_file``
would have added to the run; the engine merges those in the run's own order, so the
output is the same as with one process. Terraform modules stay in the main process
(a module's callers decide how it is linted).

What crosses back is only what the parent reads: findings, suppression comments, counts,
and of each model the resources that carry metadata ignores (the engine's filter reads
nothing else); whole models only when the caller keeps them (``invokelint graph``).
Pickling whole models doubled what a worker sent and cost the parent as much CPU to
unpickle as a worker saved it. A pool still costs start-up, so small runs never use one.
The run's budget for handler code is shared out among the workers; a run that spends it
is linted again in one process, since which modules a spent budget admits depends on the
order they come in.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invokelint.code.budget import CodeBudget
    from invokelint.diagnostics import Diagnostic
    from invokelint.engine import Linter, LintResult
    from invokelint.model import InvocationModel

from invokelint.code import budget as budgets

RUN_WIDE = frozenset({budgets.BYTES, budgets.MODULES, budgets.TIME})  # bounds of a whole run
# Below this many template files a pool costs more than it saves. Each worker pays its
# own start (measured on 2 cores: ~0.05 s of CPU) and its own lazy imports of what its
# templates need (libcst on a cold cache, 0.15 s; jsonschema for filter patterns, 0.1 s),
# against about 1.3 ms a template with handler code and 0.4 ms without, in one process.
MIN_FILES = 500  # reading handler code
MIN_FILES_NO_CODE = 1000
SLICES_PER_WORKER = 4  # smaller slices even out templates of uneven size...
MAX_SLICE = 100  # ...and a slow one at the end holds up no more than this


@dataclass
class FileOutcome:
    """What one template file adds to the run."""

    diagnostics: list[Diagnostic]
    result: LintResult
    comments: dict[str, dict[int, frozenset[str]]]
    planned: set[Path]
    budget_notes: Counter[str] = field(default_factory=Counter)


def usable_cores() -> int:
    """The cores this process may run on (a container's quota, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def default_jobs() -> int:
    """The usable cores that other work is not already using (1-minute load average).

    Measured on 2 cores with 2,000 templates: with both idle a pool took 1.3-1.4x less
    wall time; with the load average at 1.6 it took 1.1x more, and 10-30% more CPU
    (its two workers shared the one free core). An explicit ``--jobs`` is obeyed as is.
    """
    cores = usable_cores()
    try:
        busy = int(os.getloadavg()[0] + 0.5)
    except (AttributeError, OSError):  # not available on this system
        busy = 0
    return max(1, min(cores, cores - busy))


def lint_files(
    linter: Linter, files: Sequence[Path], overlays: Mapping[Path, str]
) -> list[FileOutcome] | None:
    """Each file's outcome in ``files`` order; None when the run is too small for a pool
    or a worker spent a budget of the whole run (the engine then lints in one process)."""
    jobs = min(linter.jobs, len(files))
    if jobs < 2 or len(files) < (MIN_FILES if linter.reads_code else MIN_FILES_NO_CODE):
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # Forked workers inherit what is imported here rather than each importing it again
    # (~40 ms): the frontends, and the code analysis when it runs; libcst (0.15 s) only
    # without the cache, since a warm run's summaries all come from it and need no parser.
    import invokelint.frontends.cloudformation
    import invokelint.frontends.serverless

    if linter.reads_code:
        import invokelint.code.analyse
        import invokelint.code.resolve  # noqa: F401

        if linter.disk_cache is None:
            import libcst.metadata  # noqa: F401

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    # Contiguous slices: templates side by side in a folder tend to share handler code,
    # which each worker parses once for all the slices it takes.
    size = min(MAX_SLICE, -(-len(files) // (jobs * SLICES_PER_WORKER)))
    slices = [list(files[i : i + size]) for i in range(0, len(files), size)]
    cache = linter.disk_cache.folder if linter.disk_cache is not None else None
    setup = (
        linter.config,
        linter.cwd,
        linter.var_files,
        linter.variables,
        cache,
        linter.given,
        linter.keeps_models,
    )
    with ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(setup, dict(overlays), jobs),
    ) as pool:
        futures = [pool.submit(_lint_slice, part) for part in slices]
        for done in as_completed(futures):
            if _spent(done.result()):
                # Which modules a spent budget admits depends on the order they come
                # in: the run goes serial, so stop the slices not yet started.
                pool.shutdown(wait=True, cancel_futures=True)
                return None
        return [outcome for future in futures for outcome in future.result()]


def _spent(outcomes: list[FileOutcome]) -> bool:
    """Whether a worker spent a budget of the whole run on these files."""
    return any(RUN_WIDE & outcome.budget_notes.keys() for outcome in outcomes)


_worker: Linter | None = None
_overlays: dict[Path, str] = {}


def _start_worker(setup: tuple, overlays: dict[Path, str], jobs: int) -> None:
    global _worker, _overlays
    from invokelint.cache import DiskCache
    from invokelint.code.budget import CodeBudget
    from invokelint.engine import Linter

    config, cwd, var_files, variables, cache, given, keeps_models = setup
    disk_cache = DiskCache(cache) if cache is not None else None
    _worker = Linter(
        config, cwd=cwd, var_files=var_files, variables=variables, disk_cache=disk_cache
    )
    _worker.given = given
    _worker.keeps_models = keeps_models
    # The run's handler-code budget, shared out: while no worker spends its share, the
    # run as a whole stays within the budget, exactly as one process would.
    budget = CodeBudget()
    budget.max_bytes //= jobs
    budget.max_modules //= jobs
    _worker.budget = budget
    _overlays = overlays


def _lint_slice(files: list[Path]) -> list[FileOutcome]:
    import gc

    from invokelint.cache import using
    from invokelint.engine import LintResult
    from invokelint.isolation import isolated

    assert _worker is not None
    gc.disable()  # as ``Linter.lint`` does: the slice's objects all stay alive
    outcomes = []
    with using(_worker.disk_cache):
        for path in files:
            result, comments, planned = LintResult(), {}, set()
            notes = Counter(_worker.budget.notes)
            # as in one process: a bug on one file is its IL000, never the pool's end
            outcome = isolated(
                _worker.display_path(path),
                lambda p=path, r=result, c=comments, s=planned: _worker._lint_file(
                    p, _overlays, r, c, s
                ),
            )
            found = _worker._reported(outcome, result)
            spent = _worker.budget.notes - notes
            if not _worker.keeps_models:
                slim = (_ignores_only(model) for model in result.models)
                result.models = [model for model in slim if model.resources]
            outcomes.append(FileOutcome(found, result, comments, planned, spent))
    return outcomes


def _ignores_only(model: InvocationModel) -> InvocationModel:
    """What the engine's filter reads of a model: its paths and resources' ignores."""
    from invokelint.model import InvocationModel, Resource

    return InvocationModel(
        paths=model.paths,
        resources={
            name: Resource(id=r.id, type=r.type, location=r.location, ignores=r.ignores)
            for name, r in model.resources.items()
            if r.ignores
        },
    )


def merge(
    outcome: FileOutcome,
    result: LintResult,
    comments: dict[str, dict[int, frozenset[str]]],
    planned: set[Path],
    budget: CodeBudget,
) -> None:
    """Add one file's outcome to the run, as ``_lint_file`` would have in place."""
    own = outcome.result
    result.checked.extend(own.checked)
    result.failed.extend(own.failed)
    result.skipped.update(own.skipped)
    result.statistics.update(own.statistics)
    result.models.extend(own.models)
    result.warnings.extend(own.warnings)
    comments.update(outcome.comments)
    planned.update(outcome.planned)
    budget.notes.update(outcome.budget_notes)
