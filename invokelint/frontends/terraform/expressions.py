"""Evaluate HCL expressions into ``Value``s: known, ``null``, a ``Ref`` or UNKNOWN, never a guess.

What is known: literals, templates over known parts, ``var.*`` (default, ``.tfvars``,
``--var-file``, ``--var``, a module call's argument), ``local.*``, ``path.module``/
``path.root``/``path.cwd``, ``module.<call>.<output>`` of a followed module, operators and
conditionals over known operands, tuple/object constructors, indexes, for-expressions over
known collections, and the functions in ``functions.FUNCTIONS``. A reference to a resource or data
source is a ``Ref`` by address (instance keys dropped; inside a module the address carries
its ``module.<name>.`` prefix). Everything else is UNKNOWN: ``each``/``count`` without a
literal collection, splats, ``self``, unknown functions, ``file()``, ``timestamp()``.

Internally an expression that Terraform would reject (a missing key in a known object, a
null interpolated) evaluates to ``ERROR`` so that ``try()`` can skip it; callers of
``Evaluator.attribute``/``resolve`` only ever see UNKNOWN.

Bounds (``invokelint.limits``): evaluated expression nodes per root module, nesting of
evaluations (expressions, locals, outputs), string length, and the size and depth of a
collection: past one the value is UNKNOWN, so ``"${local.b}${local.b}"`` doubling or
``[local.b, local.b]`` sharing cannot exhaust memory or time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from invokelint.frontends.loader import ParseError, load_json
from invokelint.frontends.positioned import NO_POS, Map, Pos, Seq
from invokelint.frontends.terraform import hcl
from invokelint.frontends.terraform.configuration import Ref, Value, from_json
from invokelint.frontends.terraform.functions import (
    ERROR,
    FUNCTIONS,
    NOT_PLAIN,
    NotKnown,
    as_key,
    as_number,
    equal,
    is_number,
    to_string,
)
from invokelint.limits import (
    MAX_COLLECTION_SIZE,
    MAX_EVALUATION_DEPTH,
    MAX_EVALUATION_STEPS,
    MAX_STRING_LENGTH,
)
from invokelint.model import UNKNOWN, Location

COMMAND_LINE = ""  # the path of a ``--var`` value: it is located where it is read


@dataclass(eq=False)
class Scope:
    """One module instance: what ``var.``, ``local.``, ``module.`` and ``path.module`` mean."""

    address: str = ""  # "" for the root module, "module.jobs" (or nested) otherwise
    module_path: str = "."  # the module's folder relative to the root module
    variables: dict[str, Definition | Value] = field(default_factory=dict)
    locals: dict[str, Definition] = field(default_factory=dict)
    outputs: dict[str, Definition] = field(default_factory=dict)
    modules: dict[str, Scope | None] = field(default_factory=dict)  # None: opaque

    def prefixed(self, address: str) -> str:
        return f"{self.address}.{address}" if self.address else address


@dataclass(eq=False)
class Definition:
    """A named expression (local, output, module argument) evaluated once, when first read."""

    expression: hcl.Expression
    path: str  # display path of the file it is written in
    pos: Pos  # the whole ``name = expr``
    scope: Scope
    bindings: Mapping[str, Value] = field(default_factory=dict)
    type: str | None = None  # a variable's declared type: "string", "number", "bool", ...
    value: Value | None = None
    busy: bool = False


def _inside(inner: Location, outer: Location) -> bool:
    return (
        inner.path == outer.path
        and (inner.line, inner.column) >= (outer.line, outer.column)
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
    )


def settle(value: Value, here: Location) -> Value:
    """``value`` as read at ``here`` (an attribute or object entry).

    A value written inside ``here`` is located at ``here``; one that came from elsewhere
    (a variable, a local, a module argument) keeps its origin and gains ``here`` as related.
    """
    inner = value.value
    if inner is ERROR:
        inner = UNKNOWN
    if value.location.path == COMMAND_LINE or _inside(value.location, here):
        return Value(inner, here, value.related, value.document, value.mentions)
    return Value(inner, value.location, (*value.related, here), value.document, value.mentions)


def convert(value: Value, declared: str | None) -> Value:
    """A variable's value converted to its declared primitive type, as Terraform does.

    ``"30"`` for a ``number`` is 30; a value that does not convert is UNKNOWN (Terraform
    would reject it). Other types are left as they are.
    """
    inner = value.value
    if declared not in ("string", "number", "bool") or inner is None or inner is UNKNOWN:
        return value
    if isinstance(inner, Ref):
        return value if declared == "string" else Value(UNKNOWN, value.location, value.related)
    converted: Any = UNKNOWN
    if declared == "string":
        text = to_string(inner)
        converted = text if text is not None else UNKNOWN
    elif declared == "number" and not isinstance(inner, bool):
        number = as_number(inner)
        converted = number if number is not None else UNKNOWN
    elif declared == "bool":
        if isinstance(inner, bool):
            converted = inner
        elif inner in ("true", "false"):
            converted = inner == "true"
    if converted is inner:
        return value
    return Value(converted, value.location, value.related)


class Evaluator:
    """Evaluates expressions of one root module and its modules, within shared budgets."""

    def __init__(self) -> None:
        self.steps = 0
        self.depth = 0
        # id(list or dict) -> (the object, its weight, its depth): the size of shared values
        self._sizes: dict[int, tuple[Any, int, int]] = {}

    # -- entry points
    def attribute(
        self,
        attribute: hcl.Attribute,
        path: str,
        scope: Scope,
        bindings: Mapping[str, Value],
    ) -> Value:
        """An attribute's value located as ``configuration.Value`` documents."""
        expression = attribute.expression
        here = _location(path, attribute.pos)
        if (
            type(expression) is hcl.Literal
            and self.steps < MAX_EVALUATION_STEPS
            and self.depth < MAX_EVALUATION_DEPTH
        ):
            # most attributes: settle() would relocate the literal to ``here`` anyway
            self.steps += 1
            return self.scalar(expression.value, here)
        return settle(self.evaluate(expression, path, scope, bindings), here)

    def resolve(self, definition: Definition) -> Value:
        """A local, output or module argument; UNKNOWN while it is being evaluated (a cycle)."""
        if definition.value is not None:
            return definition.value
        here = _location(definition.path, definition.pos)
        if definition.busy:
            return Value(UNKNOWN, here)
        definition.busy = True
        try:
            value = self.evaluate(
                definition.expression, definition.path, definition.scope, definition.bindings
            )
        finally:
            definition.busy = False
        definition.value = convert(settle(value, here), definition.type)
        return definition.value

    def evaluate(
        self, expression: hcl.Expression, path: str, scope: Scope, bindings: Mapping[str, Value]
    ) -> Value:
        """One expression; the result may be ``ERROR`` (see the module docstring)."""
        self.steps += 1
        if self.steps > MAX_EVALUATION_STEPS or self.depth >= MAX_EVALUATION_DEPTH:
            return Value(UNKNOWN, _location(path, expression.pos))
        self.depth += 1
        try:
            return self._evaluate(expression, path, scope, bindings)
        except RecursionError:  # pragma: no cover - the depth bound comes first
            return Value(UNKNOWN, _location(path, expression.pos))
        finally:
            self.depth -= 1

    # -- expressions
    def _evaluate(
        self, expression: hcl.Expression, path: str, scope: Scope, bindings: Mapping[str, Value]
    ) -> Value:
        here = _location(path, expression.pos)
        kind = type(expression)
        if kind is hcl.Literal:
            return self.scalar(expression.value, here)  # type: ignore[union-attr]
        if kind is hcl.Traversal or kind is hcl.Variable:
            return self._traversal(expression, path, scope, bindings, here)  # type: ignore[arg-type]
        if kind is hcl.Template:
            return self._template(expression, path, scope, bindings, here)  # type: ignore[arg-type]
        if kind is hcl.TupleExpr:
            items = [self.evaluate(item, path, scope, bindings) for item in expression.items]  # type: ignore[union-attr]
            if any(item.value is ERROR for item in items):
                return Value(ERROR, here)
            return self.container(items, here)
        if kind is hcl.ObjectExpr:
            return self._object(expression, path, scope, bindings, here)  # type: ignore[arg-type]
        if kind is hcl.Call:
            return self._call(expression, path, scope, bindings, here)  # type: ignore[arg-type]
        if kind is hcl.Conditional:
            condition = self.evaluate(expression.condition, path, scope, bindings)  # type: ignore[union-attr]
            if condition.value is ERROR:
                return condition
            if not isinstance(condition.value, bool):
                return Value(UNKNOWN, here)
            chosen = expression.then if condition.value else expression.otherwise  # type: ignore[union-attr]
            return self.evaluate(chosen, path, scope, bindings)
        if kind is hcl.Binary:
            left = self.evaluate(expression.left, path, scope, bindings)  # type: ignore[union-attr]
            right = self.evaluate(expression.right, path, scope, bindings)  # type: ignore[union-attr]
            return self._binary(expression.operator, left, right, here)  # type: ignore[union-attr]
        if kind is hcl.Unary:
            operand = self.evaluate(expression.operand, path, scope, bindings)  # type: ignore[union-attr]
            return self._unary(expression.operator, operand, here)  # type: ignore[union-attr]
        if kind is hcl.ForExpr:
            return self._for(expression, path, scope, bindings, here)  # type: ignore[arg-type]
        return Value(UNKNOWN, here)

    def scalar(self, value: Any, here: Location) -> Value:
        if isinstance(value, str) and len(value) > MAX_STRING_LENGTH:
            return Value(UNKNOWN, here)
        return Value(value, here)

    def _object(
        self,
        expression: hcl.ObjectExpr,
        path: str,
        scope: Scope,
        bindings: Mapping[str, Value],
        here: Location,
    ) -> Value:
        entries: dict[str, Value] = {}
        unknown_key = False
        for item in expression.items:
            key = self.evaluate(item.key, path, scope, bindings)
            value = self.evaluate(item.value, path, scope, bindings)
            if key.value is ERROR or value.value is ERROR:
                return Value(ERROR, here)
            name = as_key(key.value)
            if name is None:
                unknown_key = True
                continue
            entries[name] = settle(value, _location(path, item.pos))
        if unknown_key:
            return Value(UNKNOWN, here)
        return self.container(entries, here)

    # -- references
    def _traversal(
        self,
        expression: hcl.Traversal | hcl.Variable,
        path: str,
        scope: Scope,
        bindings: Mapping[str, Value],
        here: Location,
    ) -> Value:
        if isinstance(expression, hcl.Variable):
            source, steps = expression, ()
        else:
            source, steps = expression.source, expression.steps  # type: ignore[assignment]
        if not isinstance(source, hcl.Variable):
            base = self.evaluate(source, path, scope, bindings)
            return self._steps(base, steps, path, scope, bindings, here)
        name = source.name
        if name in bindings:
            return self._steps(bindings[name], steps, path, scope, bindings, here)
        names = [step.name if isinstance(step, hcl.GetAttr) else None for step in steps]
        first = names[0] if names else None
        if name == "var" and first is not None:
            value = self._variable(scope, first, here)
            return self._steps(value, steps[1:], path, scope, bindings, here)
        if name == "local" and first is not None:
            definition = scope.locals.get(first)
            value = self.resolve(definition) if definition else Value(UNKNOWN, here)
            return self._steps(value, steps[1:], path, scope, bindings, here)
        if name == "path" and first in ("module", "root", "cwd"):
            text = scope.module_path if first == "module" else "."
            return self._steps(Value(text, here), steps[1:], path, scope, bindings, here)
        if name == "module" and first is not None:
            return self._module_output(scope, first, steps[1:], path, bindings, here)
        if name == "data":
            if len(names) >= 2 and names[0] is not None and names[1] is not None:
                return self._reference(scope, f"data.{names[0]}.{names[1]}", steps[2:], here)
            return Value(UNKNOWN, here)
        if name in _NOT_RESOURCES or first is None:
            return Value(UNKNOWN, here)
        return self._reference(scope, f"{name}.{first}", steps[1:], here)

    def _variable(self, scope: Scope, name: str, here: Location) -> Value:
        bound = scope.variables.get(name)
        if bound is None:
            return Value(UNKNOWN, here)
        value = self.resolve(bound) if isinstance(bound, Definition) else bound
        if value.location.path == COMMAND_LINE:  # --var: no file to point at
            return Value(value.value, here, value.related, value.document, value.mentions)
        return value

    def _reference(
        self, scope: Scope, address: str, steps: tuple[Any, ...], here: Location
    ) -> Value:
        """``aws_sqs_queue.q[0].arn`` -> ``Ref("aws_sqs_queue.q", "arn")``."""
        attribute = None
        for step in steps:
            if isinstance(step, hcl.Splat):
                return Value(UNKNOWN, here)
            if isinstance(step, hcl.GetAttr) and attribute is None:
                attribute = step.name
        return Value(Ref(scope.prefixed(address), attribute), here)

    def _module_output(
        self,
        scope: Scope,
        call: str,
        steps: tuple[Any, ...],
        path: str,
        bindings: Mapping[str, Value],
        here: Location,
    ) -> Value:
        rest = list(steps)
        while rest and isinstance(rest[0], hcl.Index):  # module.m[0].out: instance keys dropped
            rest.pop(0)
        child = scope.modules.get(call)
        if child is None or not rest or not isinstance(rest[0], hcl.GetAttr):
            return Value(UNKNOWN, here)
        definition = child.outputs.get(rest[0].name)
        if definition is None:
            return Value(UNKNOWN, here)
        return self._steps(self.resolve(definition), tuple(rest[1:]), path, scope, bindings, here)

    def _steps(
        self,
        value: Value,
        steps: tuple[Any, ...],
        path: str,
        scope: Scope,
        bindings: Mapping[str, Value],
        here: Location,
    ) -> Value:
        for step in steps:
            inner = value.value
            if inner is ERROR:
                return value
            if inner is UNKNOWN or isinstance(step, hcl.Splat):
                return Value(UNKNOWN, here)
            if isinstance(inner, Ref):
                if isinstance(step, hcl.GetAttr) and inner.attribute is None:
                    value = Value(Ref(inner.address, step.name), here)
                continue
            if isinstance(step, hcl.GetAttr):
                key: Any = step.name
            else:
                key_value = self.evaluate(step.key, path, scope, bindings)
                key = key_value.value
                if key is ERROR:
                    return key_value
                if key is UNKNOWN or isinstance(key, Ref):
                    return Value(UNKNOWN, here)
            if isinstance(inner, dict):
                name = as_key(key)
                found = inner.get(name) if name is not None else None
            elif isinstance(inner, list) and not isinstance(step, hcl.GetAttr):
                number = as_number(key)
                ok = isinstance(number, int) and 0 <= number < len(inner)
                found = inner[number] if ok else None  # type: ignore[index]
            else:
                found = None
            if found is None:
                return Value(ERROR, here)
            value = found
        return value

    # -- templates
    def _template(
        self,
        expression: hcl.Template,
        path: str,
        scope: Scope,
        bindings: Mapping[str, Value],
        here: Location,
    ) -> Value:
        parts = expression.parts
        if len(parts) == 1 and not isinstance(parts[0], (str, hcl.Directive)):
            return self.evaluate(parts[0], path, scope, bindings)  # "${x}" is x itself
        pieces: list[str] = []
        holes: list[Value] = []  # Refs and unknowns, by placeholder number
        length = 0
        for part in parts:
            if isinstance(part, str):
                text: str | None = part
            elif isinstance(part, hcl.Directive):
                return Value(UNKNOWN, here)
            else:
                value = self.evaluate(part, path, scope, bindings)
                if value.value is ERROR or value.value is None:
                    return Value(ERROR, here)
                text = to_string(value.value)
                if text is None:
                    if isinstance(value.value, (list, dict)):
                        return Value(ERROR, here)
                    text = _placeholder(len(holes))
                    holes.append(value)
            length += len(text)
            if length > MAX_STRING_LENGTH:
                return Value(UNKNOWN, here)
            pieces.append(text)
        text = "".join(pieces)
        if not holes:
            return Value(text, here)
        mentions: dict[Ref, None] = {}
        for hole in holes:
            if isinstance(hole.value, Ref):
                mentions[hole.value] = None
            mentions.update(dict.fromkeys(hole.mentions))
        return Value(
            UNKNOWN,
            here,
            document=_json_with_holes(text, holes, here, expression.line, expression.indent),
            mentions=tuple(mentions),
        )

    # -- functions
    def _call(
        self,
        expression: hcl.Call,
        path: str,
        scope: Scope,
        bindings: Mapping[str, Value],
        here: Location,
    ) -> Value:
        name = expression.name
        if name in ("try", "can"):
            for argument in expression.args:
                value = self.evaluate(argument, path, scope, bindings)
                if value.value is ERROR:
                    continue
                if name == "can":
                    return Value(True if value.known else UNKNOWN, here)
                return value
            return Value(False, here) if name == "can" else Value(ERROR, here)
        function = FUNCTIONS.get(name)
        if function is None:
            return Value(UNKNOWN, here)
        args = [self.evaluate(argument, path, scope, bindings) for argument in expression.args]
        if any(argument.value is ERROR for argument in args):
            return Value(ERROR, here)
        if expression.expand_final:
            if not args or not isinstance(args[-1].value, list):
                return Value(UNKNOWN, here)
            args = args[:-1] + list(args[-1].value)
        try:
            return function(self, args, here)
        except NotKnown:
            return Value(UNKNOWN, here)
        except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError, OverflowError):
            return Value(ERROR, here)

    # -- operators
    def _binary(self, operator: str, left: Value, right: Value, here: Location) -> Value:
        if left.value is ERROR:
            return left
        if right.value is ERROR:
            return right
        a, b = left.value, right.value
        if operator in ("&&", "||"):
            if operator == "&&" and (a is False or b is False):
                return Value(False, here)
            if operator == "||" and (a is True or b is True):
                return Value(True, here)
            if isinstance(a, bool) and isinstance(b, bool):
                return Value(a and b if operator == "&&" else a or b, here)
            return Value(UNKNOWN, here)
        if operator in ("==", "!="):
            plain_a, plain_b = self.plain(left), self.plain(right)
            if plain_a is NOT_PLAIN or plain_b is NOT_PLAIN:
                return Value(UNKNOWN, here)
            same = equal(plain_a, plain_b)
            return Value(same if operator == "==" else not same, here)
        if not is_number(a) or not is_number(b):
            known = all(v is not UNKNOWN and not isinstance(v, Ref) for v in (a, b))
            return Value(ERROR if known else UNKNOWN, here)
        try:
            result = _ARITHMETIC[operator](a, b)
        except (ZeroDivisionError, OverflowError, KeyError):
            return Value(ERROR, here)
        return Value(result, here)

    def _unary(self, operator: str, operand: Value, here: Location) -> Value:
        inner = operand.value
        if inner is ERROR:
            return operand
        if operator == "!" and isinstance(inner, bool):
            return Value(not inner, here)
        if operator == "-" and is_number(inner):
            return Value(-inner, here)
        return Value(UNKNOWN, here)

    # -- for expressions
    def _for(
        self,
        expression: hcl.ForExpr,
        path: str,
        scope: Scope,
        bindings: Mapping[str, Value],
        here: Location,
    ) -> Value:
        collection = self.evaluate(expression.collection, path, scope, bindings)
        inner = collection.value
        if inner is ERROR:
            return collection
        if isinstance(inner, dict):
            pairs = [(Value(key, here), value) for key, value in inner.items()]
        elif isinstance(inner, list):
            pairs = [(Value(index, here), value) for index, value in enumerate(inner)]
        else:
            return Value(UNKNOWN, here)
        items: list[Value] = []
        entries: dict[str, Any] = {}
        for key, value in pairs:
            scoped = dict(bindings)
            scoped[expression.value_var] = value
            if expression.key_var:
                scoped[expression.key_var] = key
            if expression.condition is not None:
                keep = self.evaluate(expression.condition, path, scope, scoped)
                if keep.value is ERROR:
                    return keep
                if not isinstance(keep.value, bool):
                    return Value(UNKNOWN, here)
                if not keep.value:
                    continue
            result = self.evaluate(expression.value, path, scope, scoped)
            if result.value is ERROR:
                return result
            if expression.key is None:
                items.append(result)
                continue
            key_value = self.evaluate(expression.key, path, scope, scoped)
            name = as_key(key_value.value)
            if name is None:
                return Value(ERROR if key_value.value is ERROR else UNKNOWN, here)
            if expression.grouping:
                entries.setdefault(name, []).append(result)
            elif name in entries:
                return Value(ERROR, here)
            else:
                entries[name] = result
        if expression.key is None:
            return self.container(items, here)
        if expression.grouping:
            grouped: dict[str, Value] = {}
            for name, group in entries.items():
                grouped[name] = self.container(group, here)
                if not grouped[name].known:
                    return grouped[name]
            return self.container(grouped, here)
        return self.container(entries, here)

    # -- sizes
    def container(self, items: list[Value] | dict[str, Value], here: Location) -> Value:
        """A list or object, UNKNOWN when it would be too large or too deep."""
        children = items.values() if isinstance(items, dict) else items
        weight, depth = 1, 1
        for child in children:
            child_weight, child_depth = self._size(child)
            weight += child_weight
            depth = max(depth, child_depth + 1)
            if weight > MAX_COLLECTION_SIZE or depth > MAX_EVALUATION_DEPTH:
                return Value(UNKNOWN, here)
        self._sizes[id(items)] = (items, weight, depth)
        return Value(items, here)

    def _size(self, value: Value) -> tuple[int, int]:
        inner = value.value
        if not isinstance(inner, (list, dict)):
            return 1, 0
        known = self._sizes.get(id(inner))
        if known is not None and known[0] is inner:
            return known[1], known[2]
        # built elsewhere (decoded JSON): count it once, stopping past the bounds
        weight, depth = 0, 0
        pending = [(inner, 1)]
        while pending and weight <= MAX_COLLECTION_SIZE and depth <= MAX_EVALUATION_DEPTH:
            current, level = pending.pop()
            weight += 1
            depth = max(depth, level)
            values = current.values() if isinstance(current, dict) else current
            for child in values:
                if isinstance(child.value, (list, dict)):
                    pending.append((child.value, level + 1))
                else:
                    weight += 1
        self._sizes[id(inner)] = (inner, weight, depth)
        return weight, depth

    def plain(self, value: Value) -> Any:
        """The plain Python value, or ``NOT_PLAIN`` when anything inside is not known."""
        if self._size(value)[0] > MAX_COLLECTION_SIZE:
            return NOT_PLAIN
        plain = value.plain()
        return NOT_PLAIN if _has_hole(plain) else plain

    def encode(self, value: Value) -> str | None:
        """``jsonencode`` text as Terraform writes it, or None when not fully known."""
        plain = self.plain(value)
        if plain is NOT_PLAIN:
            return None
        try:
            text = json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        except (ValueError, RecursionError):
            return None
        if len(text) > MAX_STRING_LENGTH:
            return None
        # Go's encoder escapes HTML characters; keep the text byte-identical to Terraform's
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_NOT_RESOURCES = frozenset({"each", "count", "self", "terraform", "ephemeral", "resource"})


def _location(path: str, pos: Pos) -> Location:
    return Location(path, pos[0], pos[1], pos[2], pos[3])


def _placeholder(number: int) -> str:
    return f"\ue000{number}\ue001"


_HOLE = re.compile("\ue000(\\d+)\ue001")
_BARE_HOLE = re.compile('(?<!")(\ue000\\d+\ue001)(?!")')


def _json_with_holes(
    text: str, holes: list[Value], here: Location, line: int = 0, indent: int = 0
) -> Value | None:
    """A template's text decoded as JSON, each ``${...}`` that was not text put back.

    In a heredoc (``line`` set) each entry is located on its own line of the file (the
    column is exact unless an interpolation precedes it on that line); in a quoted
    string every entry is located at the string.
    """
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[" or len(text) > MAX_STRING_LENGTH:
        return None
    candidates = (text, _BARE_HOLE.sub(r'"\1"', text))  # "max": ${var.n}: a bare hole
    document = _decoded(candidates, here, line, indent)
    if document is None:
        return None
    pending = [document]
    while pending:
        current = pending.pop()
        inner = current.value
        children = (
            inner.values() if isinstance(inner, dict) else inner if isinstance(inner, list) else ()
        )
        for child in children:
            if isinstance(child.value, str) and "\ue000" in child.value:
                match = _HOLE.fullmatch(child.value)
                child.value = holes[int(match.group(1))].value if match else UNKNOWN
                if child.value is None or child.value is ERROR:
                    child.value = UNKNOWN
            else:
                pending.append(child)
    return document


def _decoded(candidates: tuple[str, ...], here: Location, line: int, indent: int) -> Value | None:
    """The first candidate text that is JSON, positioned in the file when ``line`` is set."""
    if line:
        for candidate in candidates:
            try:
                return _positioned(load_json(candidate).root, here, line, indent)
            except ParseError:
                continue
    for candidate in candidates:  # control characters in strings, or a quoted string
        try:
            return from_json(json.loads(candidate, strict=False), here)
        except (ValueError, RecursionError):
            continue
    return None


def _positioned(data: Any, here: Location, line: int, indent: int) -> Value | None:
    """Positioned JSON (``Map``/``Seq``) from a heredoc's text as ``Value``s in the file."""

    def locate(container: Any, key: Any) -> Location:
        pos = container.entry_position(key) if isinstance(container, Map) else None
        if pos is None:
            pos = container.item_position(key) if isinstance(container, Seq) else NO_POS
        return Location(
            here.path, line + pos[0] - 1, pos[1] + indent, line + pos[2] - 1, pos[3] + indent
        )

    return from_json(data, here, locate)


def _has_hole(plain: Any) -> bool:
    pending = [plain]
    while pending:
        item = pending.pop()
        if item is UNKNOWN or isinstance(item, Ref) or item is ERROR:
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _divide(a: Any, b: Any) -> Any:
    if b == 0:
        raise ZeroDivisionError
    result = a / b
    return int(result) if isinstance(a, int) and isinstance(b, int) and a % b == 0 else result


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _divide,
    "%": lambda a, b: math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else a % b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}
