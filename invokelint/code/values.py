"""What an expression in handler code may hold, as far as reading the code can tell.

The interpreter maps each ``ir`` expression to one of these: a library object named by
its dotted path (``Qual("boto3.client")``), a boto3 client or resource, a string with
what is known of it, a piece of the event, an environment variable, a local function or
module, or ``Opaque``. Two properties travel through unknown operations: whether a value
is *fresh* (differs on every attempt: ``uuid4()``, ``time.time()``, ``random``) and
whether it comes *from the event*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from invokelint.code import ir
    from invokelint.code.interpret import Frame, LoadedModule

from invokelint.limits import MAX_TEXT_CHARS


class Value:
    __slots__ = ()
    fresh: bool = False
    from_event: bool = False


@dataclass(frozen=True, slots=True)
class Opaque(Value):
    fresh: bool = False
    from_event: bool = False


OPAQUE = Opaque()


@dataclass(frozen=True, slots=True)
class Literal(Value):
    """A constant that is not a string: ``None``, a number, a boolean, bytes."""

    value: Any


@dataclass(frozen=True, slots=True)
class Text(Value):
    """A string: ``exact`` literal, or built from pieces with a known start and end.

    ``pieces`` joins every literal piece (to search an ``UpdateExpression`` for ``ADD``).
    """

    prefix: str
    suffix: str
    exact: bool
    pieces: str
    fresh: bool = False
    from_event: bool = False

    @staticmethod
    def literal(value: str) -> Text:
        return Text(value, value, True, value)


@dataclass(frozen=True, slots=True)
class Qual(Value):
    """Something from a library, by dotted path: ``boto3.client``, ``os.environ``."""

    name: str

    @property
    def last(self) -> str:
        return self.name.rpartition(".")[2]


@dataclass(frozen=True, slots=True)
class Event(Value):
    """A piece of the invocation event: ``event["Records"][i]["s3"]`` is
    ``("Records", "[]", "s3")``."""

    path: tuple[str, ...]
    from_event: bool = True

    def child(self, key: str) -> Event:
        return Event((*self.path, key))


@dataclass(frozen=True, slots=True)
class EnvVar(Value):
    """``os.environ["NAME"]``, ``os.environ.get("NAME")`` or ``os.getenv("NAME")``."""

    name: str


@dataclass(frozen=True, slots=True)
class AwsClient(Value):
    service: str


@dataclass(frozen=True, slots=True)
class AwsResource(Value):
    """``boto3.resource(service)``; ``.meta`` of it is ``AwsMeta``."""

    service: str


@dataclass(frozen=True, slots=True)
class AwsMeta(Value):
    service: str


@dataclass(frozen=True, slots=True)
class AwsObject(Value):
    """A boto3 resource object: ``Table``, ``Bucket``, ``Object``, ``Queue``, ``Topic``,
    ``BatchWriter``. ``name`` is the table/bucket/queue/topic it stands for."""

    kind: str
    service: str
    name: Value
    key: Value | None = None


@dataclass(frozen=True, slots=True)
class Session(Value):
    """``boto3.Session()``: makes clients and resources."""


@dataclass(frozen=True, slots=True)
class HttpClient(Value):
    """A ``requests``/``httpx`` session or client, or a ``urllib3`` pool."""

    library: str


@dataclass(frozen=True, slots=True)
class HttpRequest(Value):
    """``urllib.request.Request(url, data, method=...)``."""

    method: str | None


@dataclass(frozen=True, slots=True)
class BatchProcessor(Value):
    """A Powertools ``BatchProcessor``: its ``response()`` reports batch item failures."""


@dataclass(frozen=True, slots=True)
class BatchResponse(Value):
    """What ``process_partial_response`` and ``BatchProcessor.response()`` return."""


@dataclass(frozen=True, slots=True)
class IdempotentWrapper(Value):
    """``idempotent_function(...)`` before it is applied to a function."""


@dataclass(frozen=True, eq=False, slots=True)
class LocalFunction(Value):
    """A function of a module in the code root; ``guard`` when wrapped.

    A top-level function is found by ``name``; a nested one carries its ``definition``
    and the ``closure`` frame whose names it sees.
    """

    module: LoadedModule
    name: str
    guard: str | None = None
    definition: ir.Function | None = None
    closure: Frame | None = None
    bound: Value | None = None  # a method of an ``Instance``: its ``self``

    @property
    def function(self) -> ir.Function | None:
        if self.definition is not None:
            return self.definition
        return self.module.ir.functions.get(self.name)

    def guarded(self, guard: str) -> LocalFunction:
        return LocalFunction(
            self.module, self.name, guard, self.definition, self.closure, self.bound
        )


@dataclass(frozen=True, slots=True)
class BoundMethod(Value):
    """A method of a client or resource object taken without calling it
    (``publish = sns.publish``): calling it later makes the method call."""

    base: Value
    name: str


@dataclass(frozen=True, eq=False, slots=True)
class LocalClass(Value):
    """A top-level class of a module in the code root; calling it makes an ``Instance``."""

    module: LoadedModule
    name: str

    @property
    def methods(self) -> dict[str, ir.Function]:
        return self.module.ir.classes.get(self.name, {})


@dataclass(frozen=True, eq=False, slots=True)
class Instance(Value):
    """An object of a ``LocalClass``: its methods are followed with ``self`` bound to it."""

    cls: LocalClass


@dataclass(frozen=True, eq=False, slots=True)
class LocalModule(Value):
    module: LoadedModule


class Collection(Value):
    """A dict, list or tuple display, read lazily in the frame that wrote it.

    Its freshness and event origin are worked out once; a collection that contains
    itself through a name (``args = [wrap(args)]``) counts as neither while it is
    being worked out.
    """

    __slots__ = ("_flags", "expr", "frame")

    def __init__(self, expr: ir.Dict | ir.Sequence, frame: Frame) -> None:
        self.expr = expr
        self.frame = frame
        self._flags: tuple[bool, bool] | None = None

    def items(self) -> Iterable[tuple[Value | None, Value]]:
        """``(key, value)`` pairs; key None for list items and ``**`` splats."""
        from invokelint.code import ir

        if isinstance(self.expr, ir.Sequence):
            for item in self.expr.items:
                yield None, self.frame.value_of(item)
            return
        for key, value in self.expr.items:
            yield (
                (self.frame.value_of(key) if key is not None else None),
                self.frame.value_of(value),
            )

    def get(self, name: str) -> Value | None:
        for key, value in self.items():
            if isinstance(key, Text) and key.exact and key.prefix == name:
                return value
        return None

    @property
    def fresh(self) -> bool:  # type: ignore[override]
        return self._worked_out()[0]

    @property
    def from_event(self) -> bool:  # type: ignore[override]
        return self._worked_out()[1]

    def _worked_out(self) -> tuple[bool, bool]:
        if self._flags is None:
            self._flags = (False, False)  # while in progress: a cycle adds nothing
            values = [value for _, value in self.items()]
            self._flags = (
                any(value.fresh for value in values),
                any(value.from_event for value in values),
            )
        return self._flags


def opaque(*parts: Value) -> Opaque:
    """An unknown result of combining ``parts``: keeps freshness and event origin."""
    fresh = any(part.fresh for part in parts)
    from_event = any(part.from_event for part in parts)
    if not fresh and not from_event:
        return OPAQUE
    return Opaque(fresh, from_event)


def merge(values: Iterable[Value]) -> Value:
    """One value for a name assigned in several places (``None`` placeholders dropped)."""
    found = [v for v in values if not (isinstance(v, Literal) and v.value is None)]
    if not found:
        return Literal(None)
    first = found[0]
    if all(value == first for value in found[1:]):
        return first
    return opaque(*found)


def joined(parts: Iterable[Value | str]) -> Text | Opaque:
    """A string built from literal pieces and values (f-string, ``+``, ``%``).

    Longer than ``MAX_TEXT_CHARS`` it is unknown: ``a2 = f"{a1}{a1}"`` doubles per line,
    and no bucket name, key or expression a rule reads is that long. The size is
    worked out before any piece is copied.
    """
    items = list(parts)
    size = sum(len(p) if isinstance(p, str) else len(_literal_text(p)) for p in items)
    if size > MAX_TEXT_CHARS:
        return opaque(*(p for p in items if not isinstance(p, str)))
    pieces = "".join(p if isinstance(p, str) else _literal_text(p) for p in items)
    prefix = ""
    for part in items:
        text = part if isinstance(part, str) else _exact(part)
        if text is None:
            break
        prefix += text
    suffix = ""
    for part in reversed(items):
        text = part if isinstance(part, str) else _exact(part)
        if text is None:
            break
        suffix = text + suffix
    exact = all(isinstance(p, str) or _exact(p) is not None for p in items)
    values = [p for p in items if not isinstance(p, str)]
    return Text(
        prefix,
        suffix,
        exact,
        pieces,
        any(v.fresh for v in values),
        any(v.from_event for v in values),
    )


def _exact(value: Value) -> str | None:
    if isinstance(value, Text) and value.exact:
        return value.prefix
    return None


def _literal_text(value: Value) -> str:
    return value.pieces if isinstance(value, Text) else " "
