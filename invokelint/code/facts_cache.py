"""Handler facts kept across runs, used again only when every file they read is unchanged.

A handler's facts depend on files other than its own: each import is resolved against
the code root, so a local module that appears, changes or disappears changes them. So
while a handler is interpreted, every question its module loader asks the file system
is recorded (module ``a.b``: which file, shown how, with what content hash; or absent;
or refused, and why), together with what the answer added to the run (IL001 problems,
warnings, module text for inline suppressions). A later run asks each question again
(a stat and a read and hash per module, no parsing) and uses the entry only if every
answer is the same; it then replays what the answers added, once per module and
template, as the loader would have.

The key holds everything else the interpretation reads: the code root and how it is
shown, the module and handler names, the handler file's answer, the function's
environment (rendered by value; a resource by kind and id), the limits and a stamp of
the modules that compute facts (the disk cache adds invokelint's version).

Budgets: an entry is stored only when its interpretation met no budget (no overrun
note of any kind), so a cold run is bounded exactly as before. A hit reads no summary,
evaluates nothing and is not charged to the run's ``CodeBudget``; a later miss may
therefore fit in a budget it would have overrun without the cache.

Facts point at the model's own objects (a queue named by ``os.environ['QUEUE']`` is the
``Resource`` of this run's model): they are pickled with such a value replaced by its
variable's name, put back from the current function's environment when read.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from invokelint import cache, limits
from invokelint.code.roots import CodeRoot, InlineRoot, LineMap, SourceProblem
from invokelint.model import UNKNOWN, ExternalArn, Location, Resource, Setting, Unknown
from invokelint.regular_files import Refused

if TYPE_CHECKING:
    from invokelint.code.facts import Handler
    from invokelint.code.resolve import Resolved

KIND = "handler-facts"
_FORMAT = "1"
# Modules whose code decides a handler's facts: editing one changes every key.
_PRODUCERS = (
    "code/analyse.py",
    "code/budget.py",
    "code/event_facts.py",
    "code/facts.py",
    "code/facts_cache.py",
    "code/interpret.py",
    "code/library.py",
    "code/roots.py",
    "code/values.py",
    "model.py",
)
_PLAIN = (str, int, float, bool, type(None))
# The modules of this process nested too deeply to parse, loaded or replayed: each is
# counted once for --statistics, as the parser's own memo counted them.
skipped: set[object] = set()  # their content keys


class Probe:
    """One question to the file system: which file is module ``dotted``, what it says."""

    __slots__ = ("_fingerprint", "file", "line_map", "problem", "refused", "text")

    def __init__(
        self,
        file: str | None = None,
        line_map: LineMap | None = None,
        text: str | None = None,
        refused: str | None = None,
        problem: SourceProblem | None = None,
    ) -> None:
        self.file, self.line_map, self.text = file, line_map, text
        self.refused, self.problem = refused, problem
        self._fingerprint: tuple[object, ...] | None = None

    @property
    def fingerprint(self) -> tuple[object, ...]:
        """The answer as plain data, equal between runs exactly when the answer is."""
        if self._fingerprint is None:
            if self.refused is not None:
                found: tuple[object, ...] = ("refused", self.refused)
            elif self.file is None or self.line_map is None:
                found = ("absent",)
            elif self.problem is not None:
                problem = self.problem
                found = ("unreadable", problem.message, problem.line, problem.column)
            elif self.text is None:
                found = ("too large",)
            else:
                found = ("text", cache.content_key(self.text))
            where = (self.file, repr(self.line_map)) if self.line_map is not None else ()
            self._fingerprint = (*found, *where)
        return self._fingerprint


def probe(root: CodeRoot, dotted: str) -> Probe:
    """Ask ``root`` for module ``dotted`` the way the loader does (nothing is parsed)."""
    file = line_map = None
    try:
        file = root.module_file(dotted)
        if file is None:
            return Probe()
        line_map = root.line_map(file)
        return Probe(file, line_map, root.read(file))
    except Refused as refused:
        return Probe(refused=refused.message)
    except SourceProblem as problem:
        return Probe(file, line_map, problem=problem)


@dataclass(frozen=True, slots=True)
class Effects:
    """What loading one module added to the run, beside the module itself."""

    warnings: tuple[str, ...] = ()
    problems: tuple[tuple[Location, str], ...] = ()
    source: bool = False  # its text goes to ``sources`` (inline suppressions)
    clean: bool = True  # no budget was met: the same files give the same load
    skipped: bool = False  # nested too deeply to parse (counted once per text)


class Questions:
    """The answers about one code root for one template, shared by its loader and the cache.

    ``problems``, ``sources`` and ``warnings`` are the loader's lists: whether a module
    was loaded or its load replayed from an entry, its effects land once, in order.
    """

    def __init__(self, root: CodeRoot) -> None:
        self.root = root
        self.answers: dict[str, Probe] = {}
        self.effects: dict[str, Effects] = {}
        self.problems: list[tuple[Location, str]] = []
        self.sources: dict[str, str] = {}
        self.warnings: list[str] = []
        self.recording: dict[str, None] | None = None  # modules asked for, in order

    def answer(self, dotted: str) -> Probe:
        found = self.answers.get(dotted)
        if found is None:
            found = self.answers[dotted] = probe(self.root, dotted)
        return found

    def asked(self, dotted: str) -> None:
        if self.recording is not None and dotted:
            self.recording[dotted] = None

    def settle(self, dotted: str, effects: Effects) -> None:
        """Add the effects of loading ``dotted``, unless they were added already."""
        if dotted in self.effects:
            return
        self.effects[dotted] = effects
        self.warnings.extend(effects.warnings)
        self.problems.extend(effects.problems)
        answer = self.answers[dotted]
        if effects.source and answer.text is not None and answer.line_map is not None:
            self.sources[answer.line_map.path] = answer.text
        if effects.skipped:
            skipped.add(answer.fingerprint[1])


@dataclass(frozen=True, slots=True)
class Entry:
    """One handler's outcome and the questions it depends on."""

    loads: tuple[tuple[str, tuple[object, ...], Effects], ...]
    handler: Handler | None  # facts, a missing handler, or nothing (IL001 in its module)
    statistic: str | None = None  # "handlers analysed", counted again on a hit


@dataclass
class Recorder:
    """Records one interpretation's questions; ``entry`` says whether it may be kept."""

    questions: Questions
    notes: int = 0
    asked: dict[str, None] = field(default_factory=dict)

    def __enter__(self) -> Recorder:
        self.questions.recording = self.asked
        return self

    def __exit__(self, *exc: object) -> None:
        self.questions.recording = None

    def entry(self, handler: Handler | None, statistic: str | None) -> Entry | None:
        loads = []
        for dotted in self.asked:
            effects = self.questions.effects.get(dotted)
            if effects is None or not effects.clean:
                return None
            loads.append((dotted, self.questions.answers[dotted].fingerprint, effects))
        return Entry(tuple(loads), handler, statistic)


def key(
    resolved: Resolved, environment: dict[str, Setting[Any]] | Unknown, handler: Probe
) -> str | None:
    """Everything but files that the interpretation reads; None when it cannot be said."""
    rendered = _environment(environment)
    if rendered is None:
        return None
    settings = tuple((name, getattr(limits, name)) for name in _limit_names())
    parts = (
        _FORMAT,
        _stamp(),
        settings,
        _root(resolved.root),
        resolved.module,
        resolved.name,
        resolved.placeholder_of,
        handler.fingerprint,
        rendered,
    )
    return repr(parts)


def lookup(
    disk: cache.DiskCache,
    text: str,
    questions: Questions,
    environment: dict[str, Setting[Any]] | Unknown,
) -> Entry | None:
    """The entry for ``text`` if every question it recorded gets the same answer now."""
    data = disk.get(KIND, text)
    if not isinstance(data, bytes):
        return None
    try:
        entry = _Unpickler(io.BytesIO(data), environment).load()
    except Exception:  # a bad entry is a miss, whatever went wrong inside it
        return None
    if not isinstance(entry, Entry) or not isinstance(entry.loads, tuple):
        return None
    for item in entry.loads:
        if not (isinstance(item, tuple) and len(item) == 3 and _module_name(item[0])):
            return None
        dotted, fingerprint, effects = item
        if not isinstance(effects, Effects):
            return None
        try:
            same = questions.answer(dotted).fingerprint == fingerprint
        except Exception:  # a question that cannot be asked again proves nothing
            return None
        if not same:
            return None
    return entry


def _module_name(dotted: object) -> bool:
    """A dotted name as imports and handlers give them (``my-function`` is one too)."""
    if not isinstance(dotted, str):
        return False
    return all(part and not set(part) & set("/\\\0") for part in dotted.split("."))


def store(
    disk: cache.DiskCache,
    text: str,
    entry: Entry,
    environment: dict[str, Setting[Any]] | Unknown,
) -> None:
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, environment).dump(entry)
    except Exception:  # recursion on absurd facts, say: not worth caching
        return
    disk.put(KIND, text, buffer.getvalue())


# -- the model's objects inside facts


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, environment: object) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.names: dict[int, str] = {}
        if isinstance(environment, dict):
            for name, setting in environment.items():
                value = setting.value
                if not isinstance(value, _PLAIN) and value is not UNKNOWN:
                    self.names.setdefault(id(value), name)

    def persistent_id(self, obj: object) -> str | None:
        return self.names.get(id(obj))


_ALLOWED: dict[str, frozenset[str] | None] = {
    "invokelint.code.facts": None,  # plain frozen data
    "invokelint.code.facts_cache": frozenset({"Entry", "Effects"}),
    "invokelint.model": frozenset({"Location", "UNKNOWN"}),
}


class _Unpickler(cache._Unpickler):
    allowed = _ALLOWED

    def __init__(self, file: io.BytesIO, environment: object) -> None:
        super().__init__(file)
        self.environment = environment

    def persistent_load(self, pid: Any) -> Any:
        environment = self.environment
        if not isinstance(environment, dict) or not isinstance(pid, str):
            raise pickle.UnpicklingError("no such environment variable")
        return environment[pid].value


# -- the key's parts


def _environment(environment: dict[str, Setting[Any]] | Unknown) -> tuple[object, ...] | None:
    if not isinstance(environment, dict):
        return ("unknown",) if environment is UNKNOWN else None
    rendered = []
    for name in sorted(environment):
        value = _value(environment[name].value)
        if value is None:
            return None
        rendered.append((name, value))
    return tuple(rendered)


def _value(value: object) -> tuple[object, ...] | None:
    if isinstance(value, _PLAIN):
        return (type(value).__name__, value)
    if value is UNKNOWN:
        return ("unknown",)
    if isinstance(value, Resource):
        return ("resource", type(value).__name__, value.type, value.id)
    if isinstance(value, ExternalArn):
        return ("arn", value.arn)
    return None


def _root(root: CodeRoot) -> tuple[object, ...]:
    if isinstance(root, InlineRoot):
        return ("inline", repr(root.map))
    return (type(root).__name__, repr(root.key), root.description)


_stamped: str | None = None
_limits: tuple[str, ...] = ()


def _limit_names() -> tuple[str, ...]:
    """The bounds in ``limits`` (read each time: tests lower them)."""
    global _limits
    if not _limits:
        _limits = tuple(name for name in dir(limits) if name.isupper())
    return _limits


def _stamp() -> str:
    global _stamped
    if _stamped is None:
        _stamped = cache.stamp(Path(cache.__file__).parent, _PRODUCERS)
    return _stamped
