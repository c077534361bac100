"""Reading a handler the way it would run: values, reachable functions, facts.

Starting from the handler ``def`` (its first parameter is the event), the interpreter
follows calls into functions of the same module and of modules under the code root
(``from .db import save``, ``import helpers``), up to ``MAX_DEPTH`` calls deep and never
twice into the same function, and functions passed as callbacks (Powertools'
``record_handler``, ``executor.map(process, records)``). Names are resolved flow-
insensitively: a name assigned in several places that disagree is ``Opaque``. Objects of
top-level classes of the code root are followed too: calling the class runs ``__init__``,
``obj.method()`` the method with ``self`` bound, and ``self.x`` is what the methods assign
to it. Anything it cannot follow (a library it does not know, ``getattr``, inheritance)
is ``Opaque`` and contributes no facts, so rules stay silent about it.

Everything is bounded (``invokelint.limits``): expressions inside one another, steps per
handler, the size of strings and collections, and the run's ``CodeBudget``. Past a bound
a value is ``Opaque``, which is what the code would be to a reader who gave up.
"""

from __future__ import annotations

import sys
from collections import deque
from dataclasses import dataclass, replace
from typing import Literal as TypingLiteral

from invokelint.code import budget as budgets
from invokelint.code import facts_cache, ir
from invokelint.code.facts import (
    BroadExcept,
    CallTarget,
    FromEvent,
    HandlerFacts,
    ReturnShape,
    Signature,
)
from invokelint.code.facts_cache import Effects, Probe, Questions
from invokelint.code.library import attribute_of, effect_of, method_result, result_of
from invokelint.code.roots import CodeRoot, InlineRoot, LineMap
from invokelint.code.values import (
    OPAQUE,
    BatchResponse,
    Collection,
    EnvVar,
    Event,
    Instance,
    Literal,
    LocalClass,
    LocalFunction,
    LocalModule,
    Qual,
    Text,
    Value,
    joined,
    merge,
    opaque,
)
from invokelint.limits import MAX_COLLECTION_ITEMS, MAX_EXPRESSION_DEPTH, MAX_STEPS_PER_HANDLER
from invokelint.model import UNKNOWN, Location, Setting, Unknown

MAX_DEPTH = 5  # handler -> helper -> ... : how many calls deep code is followed
MAX_NESTING = 40  # names and calls resolved inside one another (a -> b -> c ...)

_RECORDING_METHODS = frozenset(
    {"append", "extend", "add", "insert", "appendleft", "put", "put_nowait", "setdefault"}
)
_LOGGING_METHODS = frozenset(
    {
        "debug",
        "info",
        "warning",
        "warn",
        "error",
        "exception",
        "critical",
        "fatal",
        "log",
        "print_exc",
        "print_exception",
        "format_exc",
        "add_metric",
        "format",
    }
)
_HARMLESS_CALLS = frozenset(
    {"print", "str", "repr", "len", "format", "isinstance", "type", "dict", "list", "getattr"}
)
_HARMLESS_MODULES = ("logging.", "traceback.", "json.dumps", "sys.exc_info")
_EXITS = frozenset({"sys.exit", "os._exit", "exit", "quit"})
_STRING_RESULTS = frozenset({"json.dumps", "str", "repr", "format"})
_IDEMPOTENT_DECORATORS = frozenset({"idempotent", "idempotent_function"})
# Handler decorators known to keep the (event, context) call: Powertools, Datadog, Sentry.
_SIGNATURE_KEEPING = frozenset(
    {
        "inject_lambda_context",
        "capture_lambda_handler",
        "log_metrics",
        "event_source",
        "event_parser",
        "idempotent",
        "batch_processor",
        "async_batch_processor",
        "datadog_lambda_wrapper",
        "serverless_function",
    }
)


@dataclass(eq=False)
class LoadedModule:
    ir: ir.Module
    dotted: str
    is_package: bool
    line_map: LineMap


class Loader:
    """The modules of one code root, loaded on first use and kept for the template.

    ``problems`` collects files that exist but do not parse (IL001); ``sources`` the
    text of every module file read, so ``# invokelint: ignore[...]`` comments in it work;
    ``warnings`` the files refused (a FIFO, a link out of the project). All three, and
    the file system's answers, live in ``questions``, which the facts cache shares.
    """

    def __init__(
        self,
        root: CodeRoot,
        budget: budgets.CodeBudget | None = None,
        questions: Questions | None = None,
    ) -> None:
        self.root = root
        self.budget = budget if budget is not None else budgets.CodeBudget()
        self.questions = questions if questions is not None else Questions(root)
        self.modules: dict[str, LoadedModule | None] = {}
        self.problems = self.questions.problems
        self.sources = self.questions.sources
        self.warnings = self.questions.warnings

    def load(self, dotted: str) -> LoadedModule | None:
        self.questions.asked(dotted)
        if dotted in self.modules:
            return self.modules[dotted]
        self.modules[dotted] = None
        if not dotted:
            return None
        notes = self.budget.notes.total()
        effects, loaded = self._load(dotted, self.questions.answer(dotted))
        if self.budget.notes.total() != notes:  # a budget decided: not the files alone
            effects = replace(effects, clean=False)
        self.questions.settle(dotted, effects)
        self.modules[dotted] = loaded
        return loaded

    def _load(self, dotted: str, answer: Probe) -> tuple[Effects, LoadedModule | None]:
        if answer.refused is not None:
            return Effects(warnings=(answer.refused,)), None
        file, line_map, text = answer.file, answer.line_map, answer.text
        if file is None or line_map is None:
            return Effects(), None
        if answer.problem is not None:
            problem = answer.problem
            start = line_map.location(problem.line, problem.column, problem.line, problem.column)
            return Effects(problems=((start, problem.message),)), None
        if text is None:
            self.budget.notes[budgets.TOO_LARGE] += 1
            return Effects(), None
        size = len(text.encode("utf-8", "surrogatepass"))
        if not self.budget.admit((self.root.key, file), size):
            return Effects(), None
        source = not isinstance(self.root, InlineRoot)  # inline code is in the template
        known, skips = answer.fingerprint[1] in facts_cache.skipped, _skips()
        summary = _summary(text, self.budget)
        if isinstance(summary, ir.SyntaxProblem):
            line, column = summary.line, summary.column
            start = line_map.location(line, column, line, column + 1)
            return Effects(
                problems=((start, f"syntax error: {summary.message}"),), source=source
            ), None
        if summary is None:  # skipped as too deep, or beyond libcst
            return Effects(source=source, skipped=known or _skips() > skips), None
        return Effects(source=source), LoadedModule(
            summary, dotted, file.endswith("__init__.py"), line_map
        )


def _summary(text: str, budget: budgets.CodeBudget) -> ir.Module | ir.SyntaxProblem | None:
    """The module's summary; None when its expressions nest deeper than libcst's
    recursive walkers go (``x = event['a']['a']...`` 400 times): libcst turns the
    ``RecursionError`` into a ``KeyError`` on its way out, so it is recognised by cause."""
    from invokelint.code.parse import summarise

    try:
        return summarise(text)
    except Exception as error:
        if not _caused_by_recursion(error):
            raise
        budget.notes[budgets.TOO_DEEP] += 1
        return None


def _skips() -> int:
    """Modules the parser skipped as nested too deeply, so far in this process."""
    parse = sys.modules.get("invokelint.code.parse")
    return parse.skipped if parse is not None else 0


def _caused_by_recursion(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 100:
        if isinstance(error, RecursionError):
            return True
        error, seen = error.__context__, seen + 1
    return False


class Analysis:
    """One handler of one function: the function's environment gives code its targets."""

    def __init__(self, loader: Loader, environment: dict[str, Setting[object]] | Unknown):
        self.loader = loader
        self.environment = environment
        self._module_frames: dict[int, Frame] = {}
        self._returning: set[int] = set()  # ids of functions whose result is being read
        self.reading_attributes: set[tuple[int, str]] = set()  # (class, name) being read
        self.nesting = 0  # how deep value resolution is right now; bounded by MAX_NESTING
        self.depth = 0  # expressions being evaluated inside one another
        self.steps = 0  # expressions evaluated so far
        self.stopped = False  # out of steps or out of time: every value is now unknown

    def step(self) -> bool:
        """Count one evaluation; False once the handler's step or time budget is spent."""
        if self.stopped:
            return False
        self.steps += 1
        if self.steps > MAX_STEPS_PER_HANDLER:
            self.stopped = True
            self.loader.budget.notes[budgets.STEPS] += 1
        elif self.steps % 1024 == 0 and self.loader.budget.expired():
            self.stopped = True
            self.loader.budget.notes[budgets.TIME] += 1
        return not self.stopped

    def module_frame(self, module: LoadedModule) -> Frame:
        frame = self._module_frames.get(id(module))
        if frame is None:
            frame = Frame(self, module, None)
            self._module_frames[id(module)] = frame
        return frame

    def member(self, module: LoadedModule, name: str) -> Value:
        """``module.name``: a function, a module-level value, an import, a submodule."""
        found = self.module_frame(module).global_value(name, builtin=False)
        if found is not OPAQUE:
            return found
        submodule = self.loader.load(f"{module.dotted}.{name}") if module.is_package else None
        return LocalModule(submodule) if submodule is not None else OPAQUE

    def imported(self, module: LoadedModule, item: ir.Import) -> Value:
        absolute = item.module
        if item.level:
            package = module.dotted.split(".")
            if not module.is_package:
                package = package[:-1]
            if item.level - 1 > len(package):
                return OPAQUE
            package = package[: len(package) - (item.level - 1)]
            absolute = ".".join(p for p in (*package, item.module) if p)
        if item.name is None:
            loaded = self.loader.load(absolute)
            return LocalModule(loaded) if loaded is not None else Qual(absolute)
        loaded = self.loader.load(absolute)
        if loaded is not None:
            return self.member(loaded, item.name)
        dotted = f"{absolute}.{item.name}" if absolute else item.name
        submodule = self.loader.load(dotted)
        if submodule is not None:
            return LocalModule(submodule)
        return Qual(dotted) if absolute and not item.level else OPAQUE

    def enter(
        self,
        callee: LocalFunction,
        params: dict[str, Value],
        caller: Frame,
        guard: str | None = None,
    ) -> Frame:
        """The frame of ``callee`` called from ``caller`` (one level deeper)."""
        assert callee.function is not None
        frame = Frame(self, callee.module, callee.function, params, guard, callee.closure)
        frame.depth = caller.depth + 1
        return frame

    def returned(self, callee: LocalFunction, call: ir.Call, caller: Frame) -> Value:
        """What a call to a local function returns (followed to ``MAX_DEPTH``)."""
        function = callee.function
        if function is None or caller.depth >= MAX_DEPTH or id(function) in self._returning:
            return OPAQUE
        self._returning.add(id(function))
        try:
            frame = self.enter(callee, bind(function, call, caller, callee.bound), caller)
            values = [frame.value_of(r.value) for r in function.returns if r.value is not None]
        finally:
            self._returning.discard(id(function))
        return merge(values) if values else Literal(None)

    def target(self, value: Value) -> tuple[CallTarget, str | None]:
        """Where a bucket/queue/topic/function argument points, and how code names it."""
        if isinstance(value, EnvVar):
            source = f"os.environ['{value.name}']"
            environment = self.environment
            if not isinstance(environment, dict) or value.name not in environment:
                return UNKNOWN, source
            return environment[value.name].value, source  # type: ignore[return-value]
        if isinstance(value, Text) and value.exact:
            return value.prefix, repr(value.prefix)
        if isinstance(value, Event):
            path = ".".join(value.path).replace(".[]", "[*]")
            return FromEvent(value.path), f"the event's {path}"
        return UNKNOWN, None


class Frame:
    """One function being read (or a module's top level when ``function`` is None)."""

    def __init__(
        self,
        analysis: Analysis,
        module: LoadedModule,
        function: ir.Function | None,
        params: dict[str, Value] | None = None,
        guard: str | None = None,
        parent: Frame | None = None,
    ) -> None:
        self.analysis = analysis
        self.module = module
        self.function = function
        self.params = params or {}
        self.guard = guard  # why effects made here are harmless to repeat
        self.parent = parent  # the enclosing function's frame, for a nested def
        self.depth = 0
        self._memo: dict[str, Value] = {}

    @property
    def name(self) -> str:
        return self.function.name if self.function is not None else "<module>"

    def location(self, pos: ir.Pos) -> Location:
        return self.module.line_map.location(*pos)

    def target(self, value: Value) -> tuple[CallTarget, str | None]:
        return self.analysis.target(value)

    # -- names
    def lookup(self, name: str) -> Value:
        function = self.function
        if function is None:
            return self.global_value(name, builtin=True)
        if name in self._memo:
            return self._memo[name]
        analysis = self.analysis
        if analysis.nesting >= MAX_NESTING:
            return OPAQUE  # a long chain of definitions: not worth following further
        analysis.nesting += 1
        try:
            value = self._resolve(name, function)
        finally:
            analysis.nesting -= 1
        self._memo[name] = value
        return value

    def _resolve(self, name: str, function: ir.Function) -> Value:
        self._memo[name] = OPAQUE  # a name defined through itself stays unknown
        if name in function.assigns:
            value = merge(self.value_of(expr) for expr in function.assigns[name])
        elif name in self.params:
            value = self.params[name]
        elif name in function.parameters.names:
            value = OPAQUE
        elif self.parent is not None:
            value = self.parent.lookup(name)
        else:
            value = self.analysis.module_frame(self.module).global_value(name, builtin=True)
        return value

    def global_value(self, name: str, *, builtin: bool) -> Value:
        """A module-level name; ``builtin``: an unbound name is a builtin (``print``)."""
        key = f"global:{name}"
        if key in self._memo:
            return self._memo[key]
        analysis = self.analysis
        if analysis.nesting >= MAX_NESTING:
            return OPAQUE
        analysis.nesting += 1
        try:
            value = self._global(name, key, builtin)
        finally:
            analysis.nesting -= 1
        self._memo[key] = value
        return value

    def _global(self, name: str, key: str, builtin: bool) -> Value:
        module = self.module.ir
        if name in module.functions:  # ``handler = wrap(handler)`` sees the def
            self._memo[key] = LocalFunction(self.module, name)
        else:
            self._memo[key] = OPAQUE
        if name in module.bindings:
            value = merge(self.value_of(expr) for expr in module.bindings[name])
        elif name in module.functions:
            value = LocalFunction(self.module, name)
        elif name in module.imports:
            value = self.analysis.imported(self.module, module.imports[name])
        elif name in module.classes:
            value = LocalClass(self.module, name)
        elif name in module.names:
            value = OPAQUE  # a class
        else:
            value = Qual(name) if builtin else OPAQUE
        return value

    # -- expressions
    def value_of(self, expr: ir.Expr) -> Value:
        """What ``expr`` may hold; ``Opaque`` past the depth, step and time bounds."""
        analysis = self.analysis
        if analysis.depth >= MAX_EXPRESSION_DEPTH or not analysis.step():
            return OPAQUE
        analysis.depth += 1
        try:
            return self._value_of(expr)
        finally:
            analysis.depth -= 1

    def _value_of(self, expr: ir.Expr) -> Value:
        if isinstance(expr, ir.Name):
            return self.lookup(expr.id)
        if isinstance(expr, ir.Const):
            value = expr.value
            return Text.literal(value) if isinstance(value, str) else Literal(value)
        if isinstance(expr, ir.Attr):
            return self._attribute(self.value_of(expr.value), expr.attr)
        if isinstance(expr, ir.Call):
            return self._call(expr)
        if isinstance(expr, ir.Subscript):
            return self._subscript(self.value_of(expr.value), self.value_of(expr.index))
        if isinstance(expr, ir.Joined):
            return joined(p if isinstance(p, str) else self.value_of(p) for p in expr.parts)
        if isinstance(expr, (ir.Dict, ir.Sequence)):
            if len(expr.items) > MAX_COLLECTION_ITEMS:
                return OPAQUE  # a data table, not a message being built
            return Collection(expr, self)
        if isinstance(expr, ir.Iterate):
            return _item_of(self.value_of(expr.iterable))
        if isinstance(expr, ir.Other):
            return opaque(*(self.value_of(part) for part in expr.parts))
        if isinstance(expr, ir.LocalDef) and self.function is not None:
            nested = self.function.nested[expr.name]
            return LocalFunction(self.module, expr.name, definition=nested, closure=self)
        return OPAQUE

    def _attribute(self, base: Value, name: str) -> Value:
        if isinstance(base, Qual):
            return Qual(f"{base.name}.{name}")
        if isinstance(base, LocalModule):
            return self.analysis.member(base.module, name)
        if isinstance(base, Event):
            return base.child(name)
        if isinstance(base, Instance):
            return instance_attribute(self, base, name)
        known = attribute_of(base, name)
        return known if known is not None else opaque(base)

    def _call(self, call: ir.Call) -> Value:
        func = call.func
        if isinstance(func, ir.Attr):
            base = self.value_of(func.value)
            if isinstance(base, Instance):  # a method of a local class: followed
                method = self._attribute(base, func.attr)
                if isinstance(method, LocalFunction):
                    return self.analysis.returned(method, call, self)
                return opaque(*self._arguments(call))
            if not isinstance(base, (Qual, LocalModule)):  # a method of an object
                result = method_result(base, func.attr, call, self)
                return result if result is not None else opaque(base, *self._arguments(call))
            callee = self._attribute(base, func.attr)
        else:
            callee = self.value_of(func)
        result = result_of(callee, call, self)
        if result is not None:
            return result
        if isinstance(callee, LocalFunction):
            return self.analysis.returned(callee, call, self)
        if isinstance(callee, LocalClass):
            return Instance(callee)
        return opaque(*self._arguments(call))

    def _arguments(self, call: ir.Call) -> list[Value]:
        return [self.value_of(a) for a in call.args] + [self.value_of(v) for _, v in call.kwargs]

    def _subscript(self, base: Value, index: Value) -> Value:
        key = index.prefix if isinstance(index, Text) and index.exact else None
        if isinstance(base, Qual) and base.name == "os.environ" and key is not None:
            return EnvVar(key)
        if isinstance(base, Event):
            return base.child(key if key is not None else "[]")
        if isinstance(base, Collection) and key is not None:
            found = base.get(key)
            return found if found is not None else OPAQUE
        return opaque(base, index)


def _item_of(iterable: Value) -> Value:
    if isinstance(iterable, Event):
        return iterable.child("[]")
    if isinstance(iterable, Collection):
        return merge(value for _, value in iterable.items())
    return opaque(iterable)


def bind(
    function: ir.Function, call: ir.Call, caller: Frame, bound: Value | None = None
) -> dict[str, Value]:
    """The callee's parameters bound to the caller's arguments (as far as they are known);
    ``bound``: the ``self`` of a method, which takes the first parameter."""
    params: dict[str, Value] = {}
    names = function.parameters.positional
    if bound is not None and names:
        params[names[0]] = bound
        names = names[1:]
    if not call.starred:
        for name, arg in zip(names, call.args, strict=False):
            params[name] = caller.value_of(arg)
    for key, value in call.kwargs:
        if key is not None:
            params[key] = caller.value_of(value)
    return params


def constructor(cls: LocalClass) -> LocalFunction | None:
    """``__init__`` of a local class, bound to a new instance; None when it has none."""
    init = cls.methods.get("__init__")
    if init is None:
        return None
    return LocalFunction(cls.module, "__init__", definition=init, bound=Instance(cls))


def instance_attribute(frame: Frame, instance: Instance, name: str) -> Value:
    """``obj.name``: a method (bound to ``obj``), or what the class's methods assign to
    ``self.name`` (read in the method that assigns it, with ``self`` bound)."""
    cls = instance.cls
    method = cls.methods.get(name)
    if method is not None:
        return LocalFunction(cls.module, name, definition=method, bound=instance)
    analysis = frame.analysis
    key = (id(cls.module), f"{cls.name}.{name}")
    if key in analysis.reading_attributes:
        return OPAQUE  # ``self.a = self.a + 1``: defined through itself
    analysis.reading_attributes.add(key)
    try:
        values = []
        for function in cls.methods.values():
            exprs = function.attributes.get(name, ())
            if exprs and function.parameters.positional:
                reader = Frame(
                    analysis, cls.module, function, {function.parameters.positional[0]: instance}
                )
                values.extend(reader.value_of(expr) for expr in exprs)
        return merge(values) if values else OPAQUE
    finally:
        analysis.reading_attributes.discard(key)


# ------------------------------------------------------------------------------- facts


def handler_facts(
    loader: Loader, module: LoadedModule, name: str, environment: dict | Unknown
) -> HandlerFacts:
    """The facts of the handler ``name`` (a top-level name of ``module``)."""
    analysis = Analysis(loader, environment)
    definition = module.line_map.location(*module.ir.names[name])
    function = module.ir.functions.get(name)
    guard = None
    signature = None
    if function is None:  # ``handler = something(...)``: follow it if it is a local def
        bound = analysis.module_frame(module).global_value(name, builtin=False)
        if not isinstance(bound, LocalFunction) or bound.function is None:
            return HandlerFacts(module.line_map.path, name, definition, None)
        module, function, guard = bound.module, bound.function, bound.guard
    else:
        parameters = function.parameters
        signature = Signature(
            accepts_two_positional=_accepts_two(parameters),
            parameters=parameters.text,
            decorated=any(
                _last_name(d.func if isinstance(d, ir.Call) else d) not in _SIGNATURE_KEEPING
                for d in function.decorators
            ),
        )
    guard = guard or _decorator_guard(function)
    params: dict[str, Value] = {}
    if function.parameters.positional:
        params[function.parameters.positional[0]] = Event(())
    root = Frame(analysis, module, function, params, guard)
    frames = _reachable(root)
    effects = tuple(
        effect
        for frame in frames
        for call in frame.function.calls  # type: ignore[union-attr]
        if (effect := effect_of(call, frame)) is not None
    )
    excepts = tuple(item for frame in frames for item in _broad_excepts(frame))
    from invokelint.code.event_facts import first_record_reads, raw_s3_keys

    return HandlerFacts(
        file=module.line_map.path,
        name=name,
        definition=definition,
        signature=signature,
        effects=effects,
        returns=tuple(_returns(root, set())),
        excepts=excepts,
        idempotent=guard is not None,
        first_record_reads=first_record_reads(frames),
        raw_s3_keys=raw_s3_keys(frames),
    )


def _accepts_two(parameters: ir.Parameters) -> bool:
    if parameters.required_keyword_only:
        return False
    if parameters.required_positional > 2:
        return False
    return parameters.varargs or len(parameters.positional) >= 2


def _decorator_guard(function: ir.Function) -> str | None:
    for decorator in function.decorators:
        name = _last_name(decorator.func if isinstance(decorator, ir.Call) else decorator)
        if name in _IDEMPOTENT_DECORATORS:
            return f"Powertools @{name}"
    return None


def _last_name(expr: ir.Expr) -> str | None:
    if isinstance(expr, ir.Name):
        return expr.id
    if isinstance(expr, ir.Attr):
        return expr.attr
    return None


def _reachable(root: Frame) -> list[Frame]:
    """Every function the handler may run, breadth first, each once."""
    frames = [root]
    seen = {id(root.function)}
    queue = deque([root])
    while queue:
        frame = queue.popleft()
        if frame.depth >= MAX_DEPTH:
            continue
        function = frame.function
        assert function is not None
        decorator_calls = [d for d in function.decorators if isinstance(d, ir.Call)]
        for call in (*function.calls, *decorator_calls):
            found: list[tuple[LocalFunction, dict[str, Value]]] = []
            decorator = any(call is d for d in decorator_calls)
            callee = None if decorator else frame.value_of(call.func)
            if isinstance(callee, LocalClass):  # Notifier(...): its __init__ runs
                callee = constructor(callee)
            if isinstance(callee, LocalFunction) and callee.function is not None:
                found.append((callee, bind(callee.function, call, frame, callee.bound)))
            for argument in (*call.args, *(value for _, value in call.kwargs)):
                if isinstance(argument, (ir.Name, ir.Attr)):
                    passed = frame.value_of(argument)
                    if isinstance(passed, LocalFunction) and passed.function is not None:
                        found.append((passed, {}))  # a callback: called later, with what?
            for target, params in found:
                assert target.function is not None
                if id(target.function) in seen:
                    continue
                seen.add(id(target.function))
                guard = frame.guard or target.guard or _decorator_guard(target.function)
                child = frame.analysis.enter(target, params, frame, guard)
                frames.append(child)
                queue.append(child)
    return frames


# -- returns


def _returns(frame: Frame, visiting: set[int]) -> list[ReturnShape]:
    function = frame.function
    assert function is not None
    if not any(r.value is not None for r in function.returns):
        return [ReturnShape("none", frame.location(function.pos), implicit=True)]
    visiting = visiting | {id(function)}
    shapes: list[ReturnShape] = []
    for item in function.returns:
        location = frame.location(item.pos)
        if item.value is None:
            shapes.append(ReturnShape("none", location))
        else:
            shapes.extend(_shape(item.value, frame, location, visiting, set()))
    if function.falls_through:  # returns a value on some paths, None at the end
        shapes.append(ReturnShape("none", frame.location(function.pos), implicit=True))
    return shapes


def _shape(
    expr: ir.Expr,
    frame: Frame,
    location: Location,
    visiting: set[int],
    names: set[str],
) -> list[ReturnShape]:
    if isinstance(expr, ir.Const):
        return [ReturnShape("none" if expr.value is None else "other", location)]
    if isinstance(expr, (ir.Joined, ir.Sequence)):
        return [ReturnShape("other", location)]
    if isinstance(expr, ir.Dict):
        return [_mapping(expr, frame, location)]
    function = frame.function
    if isinstance(expr, ir.Name) and function is not None and expr.id in function.assigns:
        if expr.id in names or len(names) >= MAX_NESTING:  # a cycle, or a long chain
            return [ReturnShape("unknown", location)]
        names = names | {expr.id}
        shapes = []
        writes = function.key_writes.get(expr.id, ())
        for value in function.assigns[expr.id]:
            for shape in _shape(value, frame, location, visiting, names):
                if shape.kind == "mapping" or (writes and shape.kind == "unknown"):
                    shape = _with_writes(shape, frame, writes, expr.id in function.updated)
                shapes.append(shape)
        return shapes
    if isinstance(expr, ir.Call):
        return _call_shape(expr, frame, location, visiting)
    value = frame.value_of(expr)
    if isinstance(value, BatchResponse):
        return [ReturnShape("batch-response", location)]
    if isinstance(value, Literal):
        return [ReturnShape("none" if value.value is None else "other", location)]
    if isinstance(value, Text):
        return [ReturnShape("other", location)]
    if isinstance(value, Collection):
        return [_mapping(value.expr, value.frame, location)]
    return [ReturnShape("unknown", location)]


def _call_shape(
    call: ir.Call, frame: Frame, location: Location, visiting: set[int]
) -> list[ReturnShape]:
    callee = frame.value_of(call.func)
    if isinstance(callee, LocalFunction) and callee.function is not None:
        if id(callee.function) in visiting or frame.depth >= MAX_DEPTH:
            return [ReturnShape("unknown", location)]
        child = frame.analysis.enter(
            callee, bind(callee.function, call, frame, callee.bound), frame
        )
        return _returns(child, visiting)
    if isinstance(callee, Qual) and callee.name in _STRING_RESULTS:
        return [ReturnShape("other", location)]
    func = call.func
    if isinstance(func, ir.Attr) and isinstance(frame.value_of(func.value), Text):
        return [ReturnShape("other", location)]  # "...".join(...): no str method gives a dict
    if isinstance(callee, Qual) and callee.name == "dict" and not call.args:
        keys = frozenset(k for k, _ in call.kwargs if k is not None)
        return [ReturnShape("mapping", location, keys, not call.has_splat)]
    if isinstance(frame.value_of(call), BatchResponse):
        return [ReturnShape("batch-response", location)]
    return [ReturnShape("unknown", location)]


def _mapping(expr: ir.Dict | ir.Sequence, frame: Frame, location: Location) -> ReturnShape:
    if isinstance(expr, ir.Sequence):
        return ReturnShape("other", location)
    keys: set[str] = set()
    where: dict[str, Location] = {}
    complete = True
    for index, (key, _value) in enumerate(expr.items):
        text = frame.value_of(key) if key is not None else None
        if isinstance(text, Text) and text.exact:
            keys.add(text.prefix)
            pos = expr.key_pos[index] if index < len(expr.key_pos) else None
            where.setdefault(text.prefix, frame.location(pos) if pos else location)
        else:
            complete = False
    return ReturnShape("mapping", location, frozenset(keys), complete, where)


def _with_writes(
    shape: ReturnShape, frame: Frame, writes: tuple[tuple[str, ir.Pos], ...], updated: bool
) -> ReturnShape:
    """``response["headers"] = ...`` after ``response = {...}`` adds a key."""
    if shape.kind != "mapping":
        return shape
    where = dict(shape.key_locations)
    for key, pos in writes:
        where.setdefault(key, frame.location(pos))
    keys = shape.keys | {key for key, _ in writes}
    return ReturnShape("mapping", shape.location, keys, shape.complete and not updated, where)


# -- except clauses

Outcome = TypingLiteral["reraises", "records", "swallows", "unknown"]


def _broad_excepts(frame: Frame) -> list[BroadExcept]:
    function = frame.function
    assert function is not None
    found = []
    for handler in function.handlers:
        if handler.nested:
            continue
        in_loop = any(_is_record_loop(function.loops[i], frame) for i in handler.loops)
        found.append(
            BroadExcept(
                location=frame.location(handler.pos),
                function=function.name,
                in_record_loop=in_loop,
                outcome=_outcome(handler, frame),
                returns=bool(handler.returns),
            )
        )
    return found


def _is_record_loop(iterable: ir.Expr, frame: Frame) -> bool:
    """``for record in event["Records"]`` (or ``event.records``, or a ``records`` list)."""
    value = frame.value_of(iterable)
    if isinstance(value, Event):
        return any(part.lower() == "records" for part in value.path)
    if isinstance(iterable, ir.Name) and not isinstance(value, (Text, Literal, Collection)):
        lowered = iterable.id.lower()
        return "record" in lowered or "message" in lowered
    return False


def _outcome(handler: ir.Handler, frame: Frame) -> Outcome:
    if handler.reraises:
        return "reraises"
    # a stored flag or value counts only if something may act on it later
    outcome: Outcome = _may_act_later(frame) if handler.stores else "swallows"
    for item in handler.returns:
        if item.value is None:
            continue
        shapes = _shape(item.value, frame, frame.location(item.pos), set(), set())
        if any(shape.reports_batch_failures for shape in shapes):
            return "records"
        if any(shape.kind == "unknown" for shape in shapes):
            outcome = "unknown"
    for call in handler.calls:
        kind = _call_outcome(call, frame, 0)
        if kind in ("reraises", "records"):
            return kind
        if kind == "unknown":
            outcome = "unknown"
    return outcome


def _recorded_in(collection: ir.Expr, frame: Frame) -> Outcome:
    """An append in an ``except`` body records the failure only if the list reaches the
    ``batchItemFailures`` the handler returns; a list that is returned, or a function
    that raises somewhere, may still act on it later."""
    if isinstance(collection, ir.Subscript):
        key = collection.index
        if isinstance(key, ir.Const) and key.value == "batchItemFailures":
            return "records"
    if isinstance(collection, ir.Name) and _reported(collection.id, frame):
        return "records"
    return _may_act_later(frame, collection)


def _may_act_later(frame: Frame, value: ir.Expr | None = None) -> Outcome:
    """``unknown`` when the function raises elsewhere or returns ``value``, else ``swallows``."""
    function = frame.function
    assert function is not None
    if function.raises:
        return "unknown"
    if isinstance(value, ir.Name) and any(
        isinstance(r.value, ir.Name) and r.value.id == value.id for r in function.returns
    ):
        return "unknown"  # handed back to a caller that may report it
    return "swallows"


def _reported(name: str, frame: Frame) -> bool:
    """``name`` appears under a ``batchItemFailures`` key the function builds."""
    function = frame.function
    assert function is not None
    if any(key == "batchItemFailures" for keys in function.key_writes.values() for key, _ in keys):
        return True  # ``response["batchItemFailures"] = failures``: the value is not kept
    exprs = [r.value for r in function.returns if r.value is not None]
    exprs += [e for values in function.assigns.values() for e in values]
    exprs += list(function.calls)  # dict(batchItemFailures=...), response.update(...)
    return any(_names_under_failures(expr, name) for expr in exprs)


def _names_under_failures(expr: ir.Expr, name: str, under: bool = False) -> bool:
    if isinstance(expr, ir.Name):
        return under and expr.id == name
    if isinstance(expr, ir.Dict):
        for key, value in expr.items:
            hit = isinstance(key, ir.Const) and key.value == "batchItemFailures"
            if _names_under_failures(value, name, under or hit):
                return True
        return False
    if isinstance(expr, ir.Call):
        parts = [*expr.args, *(v for k, v in expr.kwargs if k != "batchItemFailures")]
        if any(k == "batchItemFailures" and _mentions(v, name) for k, v in expr.kwargs):
            return True
        return any(_names_under_failures(p, name, under) for p in parts)
    return any(_names_under_failures(p, name, under) for p in ir.children(expr))


def _mentions(expr: ir.Expr, name: str) -> bool:
    return _names_under_failures(expr, name, under=True)


def _call_outcome(call: ir.Call, frame: Frame, depth: int) -> Outcome:
    """What a call inside an ``except`` body does with the failure."""
    if effect_of(call, frame) is not None:
        return "records"  # sent to a DLQ, stored, reported
    func = call.func
    if isinstance(func, ir.Attr):
        if func.attr in _RECORDING_METHODS:
            return _recorded_in(func.value, frame)
        base = frame.value_of(func.value)
        if isinstance(base, Text):
            return "swallows"  # "...".format(), str(e).lower(): computes only
        if func.attr in _LOGGING_METHODS and not isinstance(base, LocalModule):
            return "swallows"
    callee = frame.value_of(func)
    if isinstance(callee, Qual):
        if callee.name in _EXITS:
            return "reraises"
        if callee.name in _HARMLESS_CALLS or callee.name.startswith(_HARMLESS_MODULES):
            return "swallows"
        return "unknown"
    if isinstance(callee, LocalFunction) and callee.function is not None and depth < 2:
        helper = callee.function
        if helper.raises:
            return "reraises"
        child = frame.analysis.enter(callee, bind(helper, call, frame), frame)
        outcomes = {_call_outcome(inner, child, depth + 1) for inner in helper.calls}
        for kind in ("reraises", "records", "unknown"):
            if kind in outcomes:
                return kind  # type: ignore[return-value]
        return "swallows"
    return "unknown"
