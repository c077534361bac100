"""Handler code analysis of one template's model: what the engine calls.

For every ``python3.*`` function: resolve the handler, load its module (parsed once
per content hash), check the handler exists (IL002 otherwise), and interpret it into
``HandlerFacts``. Files that do not parse are returned as problems for IL001; the text of
every module read is returned so that inline suppressions in ``.py`` files work.

The interpreter (and libcst, on the first parse) is imported only once some function's
code is actually on disk: a template whose handlers are elsewhere pays for neither.

Each handler module is isolated: an unexpected exception on it becomes its IL000. Files
that exist but are refused (a FIFO or device, a link out of the project) are
warnings, not a missing handler; the run's ``CodeBudget`` bounds how much code is read.

With the disk cache on, a handler whose recorded file-system answers are unchanged is
taken from it (``facts_cache``): nothing is parsed or interpreted for it.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from invokelint import cache
from invokelint.code import facts_cache
from invokelint.code.budget import TIME, CodeBudget
from invokelint.code.facts_cache import Questions
from invokelint.code.resolve import Missing, Project, Resolved, is_python3, resolve
from invokelint.code.roots import InlineRoot
from invokelint.isolation import InternalError, isolated
from invokelint.model import Function, InvocationModel, Location
from invokelint.regular_files import Refused

if TYPE_CHECKING:
    from invokelint.code.facts import Handler
    from invokelint.code.interpret import Loader


_TOO_COMPLEX = "handlers too complex to analyse"


@dataclass
class CodeReport:
    handlers: dict[Function, Handler] = field(default_factory=dict)
    problems: list[tuple[Location, str]] = field(default_factory=list)  # IL001 in code
    failures: list[InternalError] = field(default_factory=list)  # IL000: a bug on a module
    sources: dict[str, str] = field(default_factory=dict)  # display path -> module text
    statistics: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)  # files refused, for the user to see


def analyse_model(
    model: InvocationModel, project: Project, budget: CodeBudget | None = None
) -> CodeReport:
    """``budget`` is shared by every template of a run; without one, this model gets its own."""
    started, parsed, skipped = time.perf_counter(), _parsed(), len(facts_cache.skipped)
    budget = budget if budget is not None else CodeBudget()
    budget.start()
    notes_before = Counter(budget.notes)
    report = CodeReport()
    roots: dict[object, Questions] = {}
    loaders: dict[object, Loader] = {}
    for function in model.functions:
        if not is_python3(function):
            report.statistics["handlers skipped (not python3)"] += 1
            continue
        try:
            resolved = resolve(function, project)
        except Refused as refused:  # the module exists but may not be read
            report.warnings.append(refused.message)
            report.statistics["handlers whose code was refused"] += 1
            continue
        if resolved is None:
            report.statistics["handlers without local code"] += 1
            continue
        if isinstance(resolved, Missing):
            from invokelint.code.facts import HandlerMissing

            report.handlers[function] = HandlerMissing(resolved.reason)
            continue
        # One handler module is one unit of work: a bug on it is its IL000, not the run's.
        where = resolved.root.line_map(resolved.file).path
        failure = isolated(
            where, lambda r=resolved, f=function: _analyse(r, f, roots, loaders, report, budget)
        )
        if failure is not None:
            report.failures.append(failure)
    for questions in roots.values():
        report.problems.extend(questions.problems)
        report.sources.update(questions.sources)
        report.warnings.extend(questions.warnings)
    report.statistics.update(budget.notes - notes_before)  # this model's share of overruns
    report.statistics["python files parsed"] += _parsed() - parsed
    if len(facts_cache.skipped) > skipped:  # a note only when it happened
        report.statistics["python files nested too deeply to parse"] += (
            len(facts_cache.skipped) - skipped
        )
    report.statistics["code analysis (ms)"] += round((time.perf_counter() - started) * 1000)
    return report


def _analyse(
    resolved: Resolved,
    function: Function,
    roots: dict[object, Questions],
    loaders: dict[object, Loader],
    report: CodeReport,
    budget: CodeBudget,
) -> None:
    """The handler's outcome into ``report``: from the disk cache when its answers hold."""
    questions = roots.get(resolved.root.key)
    if questions is None:
        questions = roots[resolved.root.key] = Questions(resolved.root)
    disk, environment = cache.active(), function.environment
    key = None
    if disk is not None and disk.enabled:
        key = facts_cache.key(resolved, environment, questions.answer(resolved.module))
    entry = None
    if disk is not None and key is not None:
        entry = facts_cache.lookup(disk, key, questions, environment)
    if entry is None:
        from invokelint.code.interpret import Loader

        loader = loaders.get(resolved.root.key)
        if loader is None:
            loader = loaders[resolved.root.key] = Loader(resolved.root, budget, questions)
        notes = budget.notes.total()
        with facts_cache.Recorder(questions) as recorder:
            handler, statistic = _interpret(resolved, loader, function, budget)
        # kept only when the files alone decided it: no budget met, no stack overflow
        within = budget.notes.total() == notes and statistic != _TOO_COMPLEX
        if key is not None and disk is not None and within:
            entry = recorder.entry(handler, statistic)
            if entry is not None:
                facts_cache.store(disk, key, entry, environment)
    else:
        for dotted, _, effects in entry.loads:
            questions.settle(dotted, effects)
        handler, statistic = entry.handler, entry.statistic
    if handler is not None:
        report.handlers[function] = handler
    if statistic is not None:
        report.statistics[statistic] += 1


def _interpret(
    resolved: Resolved, loader: Loader, function: Function, budget: CodeBudget
) -> tuple[Handler | None, str | None]:
    """Load the handler's module and interpret the handler: its facts and what to count."""
    from invokelint.code import interpret
    from invokelint.code.facts import HandlerMissing

    module = loader.load(resolved.module)
    if module is None:  # unreadable, too large or a syntax error (IL001)
        return None, None
    if resolved.placeholder_of is not None:
        if resolved.name not in module.ir.functions:
            return HandlerMissing(resolved.placeholder_of), None
        return None, None  # a placeholder: the code that will run is not here
    if resolved.name not in module.ir.names:
        defined = ", ".join(sorted(module.ir.functions)[:3])
        hint = f" (it defines {defined})" if defined else ""
        inline = isinstance(resolved.root, InlineRoot)
        where = "the inline code" if inline else module.line_map.path
        return HandlerMissing(f"{where} has no top-level function '{resolved.name}'{hint}"), None
    if budget.expired():
        budget.notes[TIME] += 1
        return None, None
    try:
        facts = interpret.handler_facts(loader, module, resolved.name, function.environment)
    except RecursionError:  # pathological code: no facts rather than no lint
        return None, _TOO_COMPLEX
    return facts, "handlers analysed"


def _parsed(counter: str = "parsed") -> int:
    """Modules parsed (or ``skipped``) so far in this process (0 while the parser is not
    even imported)."""
    parse = sys.modules.get("invokelint.code.parse")
    return getattr(parse, counter) if parse is not None else 0
