"""A small summary of one Python module: what ``parse`` extracts with libcst.

It keeps only what the rules can use (bindings, calls, returns, loops, ``except``
clauses), as plain immutable data with positions relative to the module text. It does
not depend on any template, so it is cached by the text's hash and shared by every
function (and every template) that uses the module. ``interpret`` gives it meaning.

A position is ``(line, column, end_line, end_column)``, 1-based, end column just past
the end, as in the rest of invokelint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Pos = tuple[int, int, int, int]


class Expr:
    """An expression, reduced to what matters for following values."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Name(Expr):
    id: str


@dataclass(frozen=True, slots=True)
class Attr(Expr):
    value: Expr
    attr: str


@dataclass(frozen=True, slots=True)
class Call(Expr):
    func: Expr
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str | None, Expr], ...]  # name None: ``**mapping``
    pos: Pos
    starred: bool = False  # called with ``*args``

    def keyword(self, name: str) -> Expr | None:
        for key, value in self.kwargs:
            if key == name:
                return value
        return None

    def argument(self, index: int, name: str) -> Expr | None:
        """Positional ``index`` or keyword ``name``."""
        if index < len(self.args):
            return self.args[index]
        return self.keyword(name)

    @property
    def has_splat(self) -> bool:
        return self.starred or any(key is None for key, _ in self.kwargs)


@dataclass(frozen=True, slots=True)
class Const(Expr):
    value: str | int | float | bool | bytes | None


@dataclass(frozen=True, slots=True)
class Joined(Expr):
    """A string built from pieces: f-strings, ``"a" + b``, ``"%s" % x``, ``"{}".format(x)``."""

    parts: tuple[str | Expr, ...]


@dataclass(frozen=True, slots=True)
class Dict(Expr):
    items: tuple[tuple[Expr | None, Expr], ...]  # key None: ``**mapping``
    key_pos: tuple[Pos | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Sequence(Expr):
    """A list, tuple or set display."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Subscript(Expr):
    value: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Iterate(Expr):
    """One item of ``iterable``: what a ``for`` target or comprehension variable holds."""

    iterable: Expr


@dataclass(frozen=True, slots=True)
class LocalDef(Expr):
    """A function defined inside the function being read (``Function.nested[name]``)."""

    name: str


@dataclass(frozen=True, slots=True)
class Other(Expr):
    """Any other expression (arithmetic, comparisons, lambdas...), with its parts."""

    parts: tuple[Expr, ...] = ()


def children(expr: Expr) -> tuple[Expr, ...]:
    """The expressions directly inside ``expr`` (a call's function and arguments, a
    dict's keys and values, ...), for walks that look for a name or a value."""
    if isinstance(expr, Attr):
        return (expr.value,)
    if isinstance(expr, Subscript):
        return (expr.value, expr.index)
    if isinstance(expr, Call):
        return (expr.func, *expr.args, *(value for _, value in expr.kwargs))
    if isinstance(expr, Joined):
        return tuple(part for part in expr.parts if isinstance(part, Expr))
    if isinstance(expr, Dict):
        return tuple(item for pair in expr.items for item in pair if item is not None)
    if isinstance(expr, Sequence):
        return expr.items
    if isinstance(expr, Iterate):
        return (expr.iterable,)
    if isinstance(expr, Other):
        return expr.parts
    return ()


@dataclass(frozen=True, slots=True)
class Return:
    value: Expr | None
    pos: Pos


@dataclass(frozen=True, slots=True)
class Handler:
    """An ``except`` clause that catches everything (bare, ``Exception``, ``BaseException``).

    ``reraises``: its body contains ``raise``. ``calls``/``returns``: what it calls and
    returns. ``stores``: it assigns something (a flag, a counter) that later code may
    act on. ``loops``: indexes into ``Function.loops`` of the loops it sits in.
    """

    pos: Pos
    reraises: bool
    calls: tuple[Call, ...]
    returns: tuple[Return, ...]
    stores: bool
    loops: tuple[int, ...]
    nested: bool = False  # inside another broad ``except``: judged as part of that one


@dataclass(frozen=True, slots=True)
class Parameters:
    positional: tuple[str, ...]  # positional-only and positional-or-keyword names
    required_positional: int  # how many of them have no default
    varargs: bool
    required_keyword_only: tuple[str, ...]
    text: str  # "(event, context)"
    names: frozenset[str] = frozenset()  # every parameter, ``*args`` and ``**kwargs`` too


@dataclass(frozen=True, slots=True)
class Function:
    """A ``def``: top-level, or nested in another (``nested``; it sees its closure)."""

    name: str
    pos: Pos  # the name after ``def``
    parameters: Parameters
    decorators: tuple[Expr, ...]
    is_async: bool
    assigns: dict[str, tuple[Expr, ...]] = field(default_factory=dict)
    key_writes: dict[str, tuple[tuple[str, Pos], ...]] = field(default_factory=dict)
    updated: frozenset[str] = frozenset()  # names changed by ``x.update(...)``/``x |= ...``
    calls: tuple[Call, ...] = ()  # every call in the body, in source order
    returns: tuple[Return, ...] = ()
    loops: tuple[Expr, ...] = ()  # what each ``for`` iterates over
    handlers: tuple[Handler, ...] = ()
    raises: bool = False  # a ``raise`` anywhere in the body
    nested: dict[str, Function] = field(default_factory=dict)
    falls_through: bool = False  # the body can end without ``return`` or ``raise``
    # a method's ``self.<name> = value`` assignments (``self``: its first parameter)
    attributes: dict[str, tuple[Expr, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Import:
    """``import a.b as x`` (``name`` None) or ``from .a import b as x`` (``level`` dots)."""

    module: str
    name: str | None
    level: int = 0


@dataclass(frozen=True, slots=True)
class Module:
    functions: dict[str, Function]
    bindings: dict[str, tuple[Expr, ...]]  # module-level assignments
    imports: dict[str, Import]
    names: dict[str, Pos]  # every top-level name and where it is first bound
    # top-level classes: name -> their methods (``def``s directly in the class body)
    classes: dict[str, dict[str, Function]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """The module does not parse; ``line``/``column`` are 1-based."""

    message: str
    line: int
    column: int
