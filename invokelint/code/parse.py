"""Python source to an ``ir.Module`` summary with libcst. The only module importing libcst.

Summaries are cached by the text's hash (like the engine's parsed templates), so a
module shared by many functions or templates, or re-linted by an editor after a
keystroke elsewhere, is parsed once. libcst is imported on the first cache miss only:
a run without Python handler code never pays for it.

Syntax errors are reported with CPython's message and position when CPython agrees the
code is invalid (its messages are far clearer than the parser's); code that CPython
accepts but libcst cannot read yields no summary and no error.

libcst's native parser can crash the process on deep nesting, so a module is parsed
only after ``nesting.too_deep`` found it within bounds; a module past them is skipped
(no summary) and counted in ``skipped``.
"""

from __future__ import annotations

from typing import Any

from invokelint import cache
from invokelint.code import ir

_CACHE_LIMIT = 2048
_summaries: dict[str, ir.Module | ir.SyntaxProblem | None] = {}
parsed = 0  # cache misses since start, for --statistics
skipped = 0  # modules nested too deeply to hand to the parser, for --statistics

_BROAD = frozenset({"Exception", "BaseException"})


def summarise(text: str) -> ir.Module | ir.SyntaxProblem | None:
    """The summary of one module's source; ``None`` when it cannot be analysed."""
    global parsed
    key = cache.content_key(text)
    if key in _summaries:
        return _summaries[key]
    if len(_summaries) >= _CACHE_LIMIT:
        _summaries.clear()
    disk = cache.active()
    summary = disk.get("summary", text) if disk is not None else None
    if not isinstance(summary, ir.Module | ir.SyntaxProblem):
        parsed += 1
        summary = _summarise(text)
        if disk is not None:
            disk.put("summary", text, summary)
    _summaries[key] = summary
    return summary


def _summarise(text: str) -> ir.Module | ir.SyntaxProblem | None:
    global skipped
    from invokelint.code.nesting import Unreadable, too_deep

    try:
        deep = too_deep(text)
    except Unreadable:  # the tokenizer gave up: let CPython's parser say why
        return _syntax_problem(text)
    if deep is not None:
        skipped += 1
        return None
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return _syntax_problem(text)
    except RecursionError:
        return None
    try:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return _ModuleReader(positions).read(module)
    except RecursionError:  # absurdly nested code: analyse nothing rather than crash
        return None


def _syntax_problem(text: str) -> ir.SyntaxProblem | None:
    import ast

    try:
        compile(text, "<handler>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return ir.SyntaxProblem(error.msg, error.lineno or 1, error.offset or 1)
    except (ValueError, RecursionError, MemoryError) as error:  # e.g. null bytes
        return ir.SyntaxProblem(str(error), 1, 1)
    return None  # valid for CPython: a parser limitation, not the user's mistake


class _Collector:
    """What one function body (or one ``except`` body inside it) contains."""

    def __init__(self) -> None:
        self.calls: list[ir.Call] = []
        self.returns: list[ir.Return] = []
        self.raises = False
        self.stores = False


class _ModuleReader:
    def __init__(self, positions: Any) -> None:
        self.positions = positions
        self.functions: dict[str, ir.Function] = {}
        self.bindings: dict[str, list[ir.Expr]] = {}
        self.imports: dict[str, ir.Import] = {}
        self.names: dict[str, ir.Pos] = {}
        self.classes: dict[str, dict[str, ir.Function]] = {}

    def pos(self, node: Any) -> ir.Pos:
        code_range = self.positions[node]
        start, end = code_range.start, code_range.end
        return (start.line, start.column + 1, end.line, end.column + 1)

    def read(self, module: Any) -> ir.Module:
        self._statements(module.body)
        return ir.Module(
            functions=self.functions,
            bindings={name: tuple(values) for name, values in self.bindings.items()},
            imports=self.imports,
            names=self.names,
            classes=self.classes,
        )

    def _bind(self, name: str, node: Any) -> None:
        self.names.setdefault(name, self.pos(node))

    def _statements(self, body: Any) -> None:
        """Module-level statements, including those inside ``if``/``try``/``with`` blocks."""
        import libcst as cst

        for statement in body:
            if isinstance(statement, cst.FunctionDef):
                self._bind(statement.name.value, statement.name)
                self.functions[statement.name.value] = _FunctionReader(self, statement).read()
            elif isinstance(statement, cst.ClassDef):
                self._bind(statement.name.value, statement.name)
                self.classes[statement.name.value] = self._methods(statement)
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self._small_statement(small)
            elif isinstance(statement, cst.BaseSmallStatement):  # from a one-line suite
                self._small_statement(statement)
            elif isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With, cst.For)):
                for block in _blocks(statement):
                    self._statements(block)

    def _methods(self, node: Any) -> dict[str, ir.Function]:
        """The ``def``s directly in a class body (decorated ones too: a staticmethod's
        arguments then shift, which only makes values unknown)."""
        import libcst as cst

        body = getattr(node.body, "body", ())
        return {
            item.name.value: _FunctionReader(self, item).read()
            for item in body
            if isinstance(item, cst.FunctionDef)
        }

    def _small_statement(self, node: Any) -> None:
        import libcst as cst

        if isinstance(node, (cst.Import, cst.ImportFrom)):
            for alias, target, anchor in _imports(node):
                self.imports.setdefault(alias, target)
                self._bind(alias, anchor)
            return
        expression = _Expressions(self, _Collector(), {})
        if isinstance(node, (cst.Assign, cst.AnnAssign)) and node.value is not None:
            value = expression.convert(node.value)
            targets = (
                [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            )
            for target in targets:
                for name, anchor, bound in _target_names(target, value):
                    self.bindings.setdefault(name, []).append(bound)
                    self._bind(name, anchor)


class _FunctionReader:
    """One top-level ``def``: its calls, returns, loops and ``except`` clauses."""

    def __init__(self, module: _ModuleReader, node: Any) -> None:
        self.module = module
        self.node = node
        self.assigns: dict[str, list[ir.Expr]] = {}
        self.key_writes: dict[str, list[tuple[str, ir.Pos]]] = {}
        self.updated: set[str] = set()
        self.loops: list[ir.Expr] = []
        self.handlers: list[ir.Handler] = []
        self.nested: dict[str, ir.Function] = {}
        self.collectors: list[_Collector] = [_Collector()]
        self.loop_stack: list[int] = []
        self.attributes: dict[str, list[ir.Expr]] = {}
        params = node.params.params
        self.self_name = params[0].name.value if params else None

    def read(self) -> ir.Function:
        node = self.node
        expressions = self._expressions()
        decorators = tuple(expressions.convert(d.decorator) for d in node.decorators)
        main = self.collectors[0]
        self._block(node.body)
        return ir.Function(
            name=node.name.value,
            pos=self.module.pos(node.name),
            parameters=_parameters(node.params),
            decorators=decorators,
            is_async=node.asynchronous is not None,
            assigns={name: tuple(values) for name, values in self.assigns.items()},
            key_writes={name: tuple(keys) for name, keys in self.key_writes.items()},
            updated=frozenset(self.updated),
            calls=tuple(main.calls),
            returns=tuple(main.returns),
            loops=tuple(self.loops),
            handlers=tuple(self.handlers),
            raises=main.raises,
            nested=self.nested,
            falls_through=not _always_leaves(node.body),
            attributes={name: tuple(values) for name, values in self.attributes.items()},
        )

    def _expressions(self) -> _Expressions:
        return _Expressions(self.module, self.collectors, self.assigns)

    # -- statements
    def _block(self, suite: Any) -> None:
        """An indented block, or a one-line suite such as ``if x: return 1``."""
        import libcst as cst

        for statement in suite.body:
            if isinstance(statement, cst.BaseSmallStatement):
                self._small(statement)
            else:
                self._statement(statement)
            if _returns_or_raises(statement):
                break  # what follows never runs: a stray ``return`` or string after it

    def _statement(self, node: Any) -> None:
        import libcst as cst

        convert = self._expressions().convert
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self._small(small)
        elif isinstance(node, cst.FunctionDef):
            self.nested[node.name.value] = _FunctionReader(self.module, node).read()
            self._assign(node.name.value, ir.LocalDef(node.name.value))
        elif isinstance(node, cst.ClassDef):
            self._assign(node.name.value, ir.Other())  # classes are not followed
        elif isinstance(node, cst.If):
            convert(node.test)
            self._block(node.body)
            if node.orelse is not None:
                orelse = node.orelse
                if isinstance(orelse, cst.If):
                    self._statement(orelse)
                else:
                    self._block(orelse.body)
        elif isinstance(node, cst.For):
            iterable = convert(node.iter)
            self.loops.append(iterable)
            for name, _, bound in _target_names(node.target, ir.Iterate(iterable)):
                self._assign(name, bound)
            self.loop_stack.append(len(self.loops) - 1)
            self._block(node.body)
            self.loop_stack.pop()
            if node.orelse is not None:
                self._block(node.orelse.body)
        elif isinstance(node, cst.While):
            convert(node.test)
            self._block(node.body)
            if node.orelse is not None:
                self._block(node.orelse.body)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self._try(node)
        elif isinstance(node, cst.With):
            for item in node.items:
                value = convert(item.item)
                if item.asname is not None:
                    for name, _, bound in _target_names(item.asname.name, value):
                        self._assign(name, bound)
            self._block(node.body)
        elif isinstance(node, cst.Match):
            convert(node.subject)
            for case in node.cases:
                self._block(case.body)

    def _try(self, node: Any) -> None:
        self._block(node.body)
        for handler in node.handlers:
            bound = _name_of(handler.name.name) if handler.name is not None else None
            if bound is not None:
                self._assign(bound, ir.Other())
            if not _is_broad(handler.type):
                self._block(handler.body)
                continue
            collector = _Collector()
            self.collectors.append(collector)
            self._block(handler.body)
            self.collectors.pop()
            self.handlers.append(
                ir.Handler(
                    pos=self._except_pos(handler),
                    reraises=collector.raises,
                    calls=tuple(collector.calls),
                    returns=tuple(collector.returns),
                    stores=collector.stores,
                    loops=tuple(self.loop_stack),
                    nested=len(self.collectors) > 1,
                )
            )
        if node.orelse is not None:
            self._block(node.orelse.body)
        if node.finalbody is not None:
            self._block(node.finalbody.body)

    def _except_pos(self, handler: Any) -> ir.Pos:
        start = self.module.pos(handler)
        if handler.type is not None:
            end = self.module.pos(handler.type)
            return (start[0], start[1], end[2], end[3])
        return (start[0], start[1], start[0], start[1] + len("except"))

    def _small(self, node: Any) -> None:
        import libcst as cst

        convert = self._expressions().convert
        if isinstance(node, cst.Return):
            value = convert(node.value) if node.value is not None else None
            for collector in self.collectors:
                collector.returns.append(ir.Return(value, self.module.pos(node)))
        elif isinstance(node, cst.Raise):
            if node.exc is not None:
                convert(node.exc)
            for collector in self.collectors:
                collector.raises = True
        elif isinstance(node, (cst.Assign, cst.AnnAssign)):
            if node.value is None:
                return
            value = convert(node.value)
            targets = (
                [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            )
            for target in targets:
                self._assign_target(target, value)
        elif isinstance(node, cst.AugAssign):
            value = convert(node.value)
            name = _name_of(node.target)
            self._mark_store()
            if name is not None:
                self._assign(name, ir.Other((ir.Name(name), value)))
                if isinstance(node.operator, cst.BitOrAssign):
                    self.updated.add(name)
            else:
                convert(node.target)
        elif isinstance(node, cst.Expr):
            convert(node.value)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            for alias, target, _ in _imports(node):
                self.module.imports.setdefault(alias, target)
        elif isinstance(node, cst.Assert):
            convert(node.test)
        elif isinstance(node, cst.Del):
            self._mark_store()

    def _assign_target(self, target: Any, value: ir.Expr) -> None:
        import libcst as cst

        self._mark_store()
        owner = _name_of(target.value) if isinstance(target, cst.Attribute) else None
        if owner is not None and owner == self.self_name:  # ``self.sns = boto3.client(...)``
            self.attributes.setdefault(target.attr.value, []).append(value)
            return
        if isinstance(target, cst.Subscript):
            owner = _name_of(target.value)
            key = _constant_index(target)
            self._expressions().convert(target.value)
            if owner is not None and isinstance(key, str):
                self.key_writes.setdefault(owner, []).append((key, self.module.pos(target)))
            elif owner is not None:
                self.updated.add(owner)
            return
        for name, _, bound in _target_names(target, value):
            self._assign(name, bound)

    def _assign(self, name: str, value: ir.Expr) -> None:
        self.assigns.setdefault(name, []).append(value)

    def _mark_store(self) -> None:
        for collector in self.collectors[1:]:  # only ``except`` bodies care
            collector.stores = True


class _Expressions:
    """Converts libcst expressions to ``ir`` and records every call on the way."""

    def __init__(
        self,
        module: _ModuleReader,
        collectors: _Collector | list[_Collector],
        assigns: dict[str, list[ir.Expr]],
    ) -> None:
        self.module = module
        self.collectors = collectors if isinstance(collectors, list) else [collectors]
        self.assigns = assigns

    def convert(self, node: Any) -> ir.Expr:
        import libcst as cst

        if isinstance(node, cst.Name):
            if node.value in ("True", "False", "None"):
                return ir.Const({"True": True, "False": False, "None": None}[node.value])
            return ir.Name(node.value)
        if isinstance(node, cst.Attribute):
            return ir.Attr(self.convert(node.value), node.attr.value)
        if isinstance(node, cst.Call):
            return self._call(node)
        if isinstance(node, cst.SimpleString):
            return ir.Const(_evaluated(node))
        if isinstance(node, cst.ConcatenatedString):
            return _joined([self.convert(node.left), self.convert(node.right)])
        if isinstance(node, cst.FormattedString):
            return self._formatted(node)
        if isinstance(node, (cst.Integer, cst.Float)):
            return ir.Const(_evaluated(node))
        if isinstance(node, cst.Dict):
            return self._dict(node)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return ir.Sequence(tuple(self._element(e) for e in node.elements))
        if isinstance(node, cst.Subscript):
            return self._subscript(node)
        if isinstance(node, cst.Await):
            return self.convert(node.expression)
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node)
        if isinstance(node, cst.NamedExpr):
            value = self.convert(node.value)
            name = _name_of(node.target)
            if name is not None:
                self.assigns.setdefault(name, []).append(value)
            return value
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            return self._comprehension(node)
        if isinstance(node, cst.Lambda):
            return ir.Other()  # its body runs later, if ever
        return ir.Other(tuple(self._parts(node)))

    def _call(self, node: Any) -> ir.Call:
        func = self.convert(node.func)
        args: list[ir.Expr] = []
        kwargs: list[tuple[str | None, ir.Expr]] = []
        starred = False
        for arg in node.args:
            value = self.convert(arg.value)
            if arg.keyword is not None:
                kwargs.append((arg.keyword.value, value))
            elif arg.star == "**":
                kwargs.append((None, value))
            elif arg.star == "*":
                starred = True
                args.append(ir.Other((value,)))
            else:
                args.append(value)
        call = ir.Call(func, tuple(args), tuple(kwargs), self.module.pos(node), starred)
        for collector in self.collectors:
            collector.calls.append(call)
        return call

    def _formatted(self, node: Any) -> ir.Expr:
        import libcst as cst

        parts: list[str | ir.Expr] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value)
            else:
                parts.append(self.convert(part.expression))
        return _joined(parts)

    def _dict(self, node: Any) -> ir.Dict:
        import libcst as cst

        items: list[tuple[ir.Expr | None, ir.Expr]] = []
        positions: list[ir.Pos | None] = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                items.append((self.convert(element.key), self.convert(element.value)))
                positions.append(self.module.pos(element.key))
            else:
                items.append((None, self.convert(element.value)))
                positions.append(None)
        return ir.Dict(tuple(items), tuple(positions))

    def _element(self, element: Any) -> ir.Expr:
        import libcst as cst

        value = self.convert(element.value)
        return ir.Other((value,)) if isinstance(element, cst.StarredElement) else value

    def _subscript(self, node: Any) -> ir.Expr:
        import libcst as cst

        value = self.convert(node.value)
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            return ir.Subscript(value, self.convert(node.slice[0].slice.value))
        return ir.Other((value, *self._parts(node.slice)))

    def _binary(self, node: Any) -> ir.Expr:
        import libcst as cst

        left, right = self.convert(node.left), self.convert(node.right)
        if isinstance(node.operator, cst.Add) and (_stringy(left) or _stringy(right)):
            return _joined([left, right])
        if isinstance(node.operator, cst.Modulo) and _stringy(left):
            template = left.value if isinstance(left, ir.Const) else None
            if isinstance(template, str) and "%" in template:
                head, _, _ = template.partition("%")
                return ir.Joined((head, ir.Other((right,))))
        return ir.Other((left, right))

    def _comprehension(self, node: Any) -> ir.Expr:
        parts: list[ir.Expr] = []
        clause = node.for_in
        while clause is not None:
            iterable = self.convert(clause.iter)
            parts.append(iterable)
            for name, _, bound in _target_names(clause.target, ir.Iterate(iterable)):
                self.assigns.setdefault(name, []).append(bound)
            parts.extend(self.convert(condition.test) for condition in clause.ifs)
            clause = clause.inner_for_in
        if hasattr(node, "elt"):
            parts.append(self.convert(node.elt))
        else:
            parts.extend((self.convert(node.key), self.convert(node.value)))
        return ir.Other(tuple(parts))

    def _parts(self, node: Any) -> list[ir.Expr]:
        """The expressions inside any other node, so their calls are still seen."""
        import libcst as cst

        found: list[ir.Expr] = []
        for child in node.children if hasattr(node, "children") else node:
            if isinstance(child, cst.BaseExpression):
                found.append(self.convert(child))
            elif isinstance(child, cst.CSTNode):
                found.extend(self._parts(child))
        return found


# ------------------------------------------------------------------------------ helpers


def _always_leaves(block: Any) -> bool:
    """Every path through the block ends in ``return`` or ``raise`` (or cannot be told:
    a ``match``, ``while True``), so execution never falls off its end."""
    body = getattr(block, "body", ())
    return isinstance(body, (list, tuple)) and any(_leaves(statement) for statement in body)


def _returns_or_raises(statement: Any) -> bool:
    """A ``return`` or ``raise`` statement line: nothing after it in its block runs."""
    import libcst as cst

    if isinstance(statement, (cst.Return, cst.Raise)):
        return True
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, (cst.Return, cst.Raise)) for small in statement.body
    )


def _leaves(statement: Any) -> bool:
    import libcst as cst

    if isinstance(statement, (cst.Return, cst.Raise)):  # in a one-line suite
        return True
    if isinstance(statement, cst.SimpleStatementLine):
        return any(isinstance(small, (cst.Return, cst.Raise)) for small in statement.body)
    if isinstance(statement, cst.If):
        orelse = statement.orelse
        if orelse is None or not _always_leaves(statement.body):
            return False
        return _leaves(orelse) if isinstance(orelse, cst.If) else _always_leaves(orelse.body)
    if isinstance(statement, (cst.Try, cst.TryStar)):
        if statement.finalbody is not None and _always_leaves(statement.finalbody.body):
            return True
        main = _always_leaves(statement.body) or (
            statement.orelse is not None and _always_leaves(statement.orelse.body)
        )
        return main and all(_always_leaves(h.body) for h in statement.handlers)
    if isinstance(statement, cst.With):
        return _always_leaves(statement.body)
    if isinstance(statement, cst.While):
        return isinstance(statement.test, cst.Name) and statement.test.value == "True"
    return isinstance(statement, cst.Match)  # cases and guards: not worth telling apart


def _evaluated(node: Any) -> Any:
    try:
        return node.evaluated_value
    except Exception:  # an escape that does not decode: the text is not needed exactly
        return None


def _stringy(expr: ir.Expr) -> bool:
    return isinstance(expr, ir.Joined) or (
        isinstance(expr, ir.Const) and isinstance(expr.value, str)
    )


def _joined(parts: list[str | ir.Expr]) -> ir.Expr:
    """Flatten nested pieces; a string made only of literals stays a literal."""
    flat: list[str | ir.Expr] = []
    for part in parts:
        if isinstance(part, ir.Joined):
            flat.extend(part.parts)
        elif isinstance(part, ir.Const) and isinstance(part.value, str):
            flat.append(part.value)
        else:
            flat.append(part)
    merged: list[str | ir.Expr] = []
    for part in flat:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    if all(isinstance(part, str) for part in merged):
        return ir.Const("".join(merged))  # type: ignore[arg-type]
    return ir.Joined(tuple(merged))


def _name_of(node: Any) -> str | None:
    import libcst as cst

    return node.value if isinstance(node, cst.Name) else None


def _constant_index(node: Any) -> Any:
    import libcst as cst

    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    value = node.slice[0].slice.value
    return _evaluated(value) if isinstance(value, cst.SimpleString) else None


def _target_names(target: Any, value: ir.Expr) -> list[tuple[str, Any, ir.Expr]]:
    """``(name, node, bound value)`` for each name an assignment target binds."""
    import libcst as cst

    if isinstance(target, cst.Name):
        return [(target.value, target, value)]
    if isinstance(target, (cst.Tuple, cst.List)):
        found = []
        for element in target.elements:
            found.extend(_target_names(element.value, ir.Other((value,))))
        return found
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value, ir.Other((value,)))
    return []


def _is_broad(kind: Any) -> bool:
    """A bare ``except:``, ``except Exception``/``BaseException`` or a tuple holding one."""
    import libcst as cst

    if kind is None:
        return True
    if isinstance(kind, cst.Name):
        return kind.value in _BROAD
    if isinstance(kind, cst.Attribute):
        return kind.attr.value in _BROAD and _name_of(kind.value) == "builtins"
    if isinstance(kind, cst.Tuple):
        return any(_is_broad(element.value) for element in kind.elements)
    return False


def _blocks(statement: Any) -> list[Any]:
    """The bodies of a compound statement (``if``/``else``, ``try``/``except``, ...)."""
    import libcst as cst

    blocks = [statement.body.body]
    if isinstance(statement, (cst.Try, cst.TryStar)):
        blocks.extend(handler.body.body for handler in statement.handlers)
    orelse = getattr(statement, "orelse", None)
    while orelse is not None:
        if isinstance(orelse, cst.If):
            blocks.append(orelse.body.body)
            orelse = orelse.orelse
        else:
            blocks.append(orelse.body.body)
            orelse = None
    final = getattr(statement, "finalbody", None)
    if final is not None:
        blocks.append(final.body.body)
    return blocks


def _dotted(node: Any) -> str:
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _imports(node: Any) -> list[tuple[str, ir.Import, Any]]:
    """``(bound name, what it imports, node to point at)`` for an import statement."""
    import libcst as cst

    found: list[tuple[str, ir.Import, Any]] = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            dotted = _dotted(alias.name)
            if alias.asname is not None:
                bound = _name_of(alias.asname.name)
                if bound:
                    found.append((bound, ir.Import(dotted, None), alias))
            else:  # ``import a.b`` binds ``a``
                head = dotted.split(".")[0]
                found.append((head, ir.Import(head, None), alias))
        return found
    module = _dotted(node.module) if node.module is not None else ""
    level = len(node.relative)
    if isinstance(node.names, cst.ImportStar):
        return found
    for alias in node.names:
        name = _dotted(alias.name)
        bound = _name_of(alias.asname.name) if alias.asname is not None else name
        if bound:
            found.append((bound, ir.Import(module, name, level), alias))
    return found


def _parameters(params: Any) -> ir.Parameters:
    import libcst as cst

    positional = [*params.posonly_params, *params.params]
    names = tuple(p.name.value for p in positional)
    required = sum(1 for p in positional if p.default is None)
    varargs = isinstance(params.star_arg, cst.Param)
    keyword_only = tuple(p.name.value for p in params.kwonly_params if p.default is None)
    shown = list(names)
    if varargs:
        shown.append(f"*{params.star_arg.name.value}")
    elif params.kwonly_params:
        shown.append("*")
    shown.extend(p.name.value for p in params.kwonly_params)
    if isinstance(params.star_kwarg, cst.Param):
        shown.append(f"**{params.star_kwarg.name.value}")
    every = {*names, *(p.name.value for p in params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            every.add(star.name.value)
    return ir.Parameters(
        positional=names,
        required_positional=required,
        varargs=varargs,
        required_keyword_only=keyword_only,
        text=f"({', '.join(shown)})",
        names=frozenset(every),
    )
