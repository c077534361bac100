"""Terraform's built-in functions, and the conversions between primitives they share with
the evaluator.

A function receives the evaluator (for the collection and string budgets), its evaluated
arguments and the call's location. It raises ``NotKnown`` when an argument it needs is
unknown (the call is UNKNOWN), or ``TypeError``/``ValueError``/... when Terraform would
reject the call (the call is an error ``try()`` can skip). Functions that read files, the
clock or the network are not here: a call to any function not in ``FUNCTIONS`` is UNKNOWN.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from invokelint.frontends.terraform.configuration import Ref, Value, from_json
from invokelint.model import UNKNOWN, Location

if TYPE_CHECKING:
    from invokelint.frontends.terraform.expressions import Evaluator


class _Error:
    """An expression Terraform would reject; ``try()`` moves on, everything else is unknown."""

    def __repr__(self) -> str:
        return "ERROR"


ERROR = _Error()
NOT_PLAIN = object()


class NotKnown(Exception):
    """A function argument is not known: the call is UNKNOWN."""


def equal(a: Any, b: Any) -> bool:
    if is_number(a) and is_number(b):
        return a == b
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        return False
    return a == b


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def as_key(value: Any) -> str | None:
    """An object key: strings, and numbers and bools as Terraform converts them."""
    if isinstance(value, str):
        return value
    if value is None or value is UNKNOWN or value is ERROR or isinstance(value, (Ref, list, dict)):
        return None
    return to_string(value)


def as_number(value: Any) -> int | float | None:
    if is_number(value):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number.is_integer() else number
    return None


def to_string(value: Any) -> str | None:
    """A primitive as a template shows it; None for Refs, unknowns and collections."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return None


def _known(value: Value) -> Any:
    inner = value.value
    if inner is UNKNOWN or isinstance(inner, Ref):
        raise NotKnown
    return inner


def _string(value: Value) -> str:
    text = to_string(_known(value))
    if text is None:
        raise TypeError
    return text


def _number(value: Value) -> int | float:
    number = as_number(_known(value))
    if number is None:
        raise TypeError
    return number


def _fn_jsonencode(ev: Evaluator, args: list[Value], here: Location) -> Value:
    (argument,) = args
    if argument.value is UNKNOWN:
        return Value(UNKNOWN, here)
    text = ev.encode(argument)
    return Value(text if text is not None else UNKNOWN, here, document=argument)


def _fn_jsondecode(ev: Evaluator, args: list[Value], here: Location) -> Value:
    (argument,) = args
    if argument.document is not None:
        return argument.document
    text = _known(argument)
    if not isinstance(text, str):
        raise TypeError
    data = json.loads(text)
    decoded = from_json(data, here)
    if decoded is None:
        raise NotKnown
    if isinstance(decoded.value, (list, dict)):
        return ev.container(decoded.value, here)
    return decoded


def _fn_lookup(ev: Evaluator, args: list[Value], here: Location) -> Value:
    mapping, key = args[0], args[1]
    inner = _known(mapping)
    if not isinstance(inner, dict):
        raise TypeError
    name = _string(key)
    if name in inner:
        return inner[name]
    if len(args) > 2:
        return args[2]
    raise KeyError(name)


def _fn_merge(ev: Evaluator, args: list[Value], here: Location) -> Value:
    merged: dict[str, Value] = {}
    for argument in args:
        inner = _known(argument)
        if inner is None:
            continue
        if not isinstance(inner, dict):
            raise TypeError
        merged.update(inner)
    return ev.container(merged, here)


def _fn_coalesce(ev: Evaluator, args: list[Value], here: Location) -> Value:
    for argument in args:
        inner = _known(argument)
        if inner is not None and inner != "":
            return argument
    raise ValueError("no non-null argument")


def _fn_concat(ev: Evaluator, args: list[Value], here: Location) -> Value:
    items: list[Value] = []
    for argument in args:
        inner = _known(argument)
        if not isinstance(inner, list):
            raise TypeError
        items.extend(inner)
    return ev.container(items, here)


def _fn_tostring(ev: Evaluator, args: list[Value], here: Location) -> Value:
    inner = _known(args[0])
    return Value(None if inner is None else _string(args[0]), here)


def _fn_tonumber(ev: Evaluator, args: list[Value], here: Location) -> Value:
    inner = _known(args[0])
    return Value(None if inner is None else _number(args[0]), here)


def _fn_tobool(ev: Evaluator, args: list[Value], here: Location) -> Value:
    inner = _known(args[0])
    if inner is None or isinstance(inner, bool):
        return Value(inner, here)
    if inner in ("true", "false"):
        return Value(inner == "true", here)
    raise TypeError


_VERB = re.compile(r"%(?:%|([-+ #0]*)(\d*)(?:\.(\d+))?([sdvqft]))")


def _fn_format(ev: Evaluator, args: list[Value], here: Location) -> Value:
    spec = _string(args[0])
    rest = iter(args[1:])
    pieces: list[str] = []
    cursor = 0
    for match in _VERB.finditer(spec):
        pieces.append(spec[cursor : match.start()])
        cursor = match.end()
        if match.group(0) == "%%":
            pieces.append("%")
            continue
        flags, width, precision, verb = match.groups()
        argument = next(rest, None)
        if argument is None:
            raise ValueError("too few arguments for the format")
        if verb in ("s", "v"):
            text = _string(argument)
        elif verb == "q":
            text = json.dumps(_string(argument), ensure_ascii=False)
        elif verb == "d":
            number = _number(argument)
            if not isinstance(number, int):
                raise TypeError
            text = str(number)
        else:  # f, t
            if verb == "t":
                inner = _known(argument)
                if not isinstance(inner, bool):
                    raise TypeError
                text = "true" if inner else "false"
            else:
                text = f"{float(_number(argument)):.{int(precision) if precision else 6}f}"
        if width:
            if "-" in flags:
                text = text.ljust(int(width))
            elif "0" in flags and verb in ("d", "f"):
                sign = "-" if text.startswith("-") else ""
                text = sign + text[len(sign) :].zfill(int(width) - len(sign))
            else:
                text = text.rjust(int(width))
        pieces.append(text)
    pieces.append(spec[cursor:])
    return ev.scalar("".join(pieces), here)


def _fn_case(change: Callable[[str], str]) -> Callable[[Evaluator, list[Value], Location], Value]:
    def function(ev: Evaluator, args: list[Value], here: Location) -> Value:
        return Value(change(_string(args[0])), here)

    return function


def _fn_length(ev: Evaluator, args: list[Value], here: Location) -> Value:
    inner = _known(args[0])
    if not isinstance(inner, (str, list, dict)):
        raise TypeError
    return Value(len(inner), here)


def _fn_element(ev: Evaluator, args: list[Value], here: Location) -> Value:
    items = _known(args[0])
    index = _number(args[1])
    if not isinstance(items, list) or not isinstance(index, int) or not items:
        raise TypeError
    return items[index % len(items)]


def _fn_extreme(pick: Callable[..., Any]) -> Callable[[Evaluator, list[Value], Location], Value]:
    def function(ev: Evaluator, args: list[Value], here: Location) -> Value:
        return Value(pick(_number(argument) for argument in args), here)

    return function


def _fn_keys(ev: Evaluator, args: list[Value], here: Location) -> Value:
    inner = _known(args[0])
    if not isinstance(inner, dict):
        raise TypeError
    return ev.container([Value(key, here) for key in sorted(inner)], here)


def _fn_values(ev: Evaluator, args: list[Value], here: Location) -> Value:
    inner = _known(args[0])
    if not isinstance(inner, dict):
        raise TypeError
    return ev.container([inner[key] for key in sorted(inner)], here)


def _fn_tolist(ev: Evaluator, args: list[Value], here: Location) -> Value:
    inner = _known(args[0])
    if not isinstance(inner, list):
        raise TypeError
    return args[0]


def _fn_toset(ev: Evaluator, args: list[Value], here: Location) -> Value:
    """Unique elements; strings sorted as Terraform orders a set of strings."""
    inner = _known(args[0])
    if not isinstance(inner, list):
        raise TypeError
    seen: dict[Any, Value] = {}
    for item in inner:
        key = _known(item)
        if isinstance(key, (list, dict)):
            raise NotKnown
        seen.setdefault(key, item)
    ordered = (
        [seen[key] for key in sorted(seen)]
        if all(isinstance(key, str) for key in seen)
        else list(seen.values())
    )
    return ev.container(ordered, here)


def _fn_tomap(ev: Evaluator, args: list[Value], here: Location) -> Value:
    if not isinstance(_known(args[0]), dict):
        raise TypeError
    return args[0]


def _fn_join(ev: Evaluator, args: list[Value], here: Location) -> Value:
    separator = _string(args[0])
    texts: list[str] = []
    for argument in args[1:]:
        items = _known(argument)
        if not isinstance(items, list):
            raise TypeError
        texts.extend(_string(item) for item in items)
    return ev.scalar(separator.join(texts), here)


def _fn_contains(ev: Evaluator, args: list[Value], here: Location) -> Value:
    items = _known(args[0])
    wanted = ev.plain(args[1])
    if not isinstance(items, list) or wanted is NOT_PLAIN:
        raise NotKnown
    plains = [ev.plain(item) for item in items]
    if any(equal(item, wanted) for item in plains if item is not NOT_PLAIN):
        return Value(True, here)
    if any(item is NOT_PLAIN for item in plains):
        raise NotKnown
    return Value(False, here)


def _fn_trimspace(ev: Evaluator, args: list[Value], here: Location) -> Value:
    return Value(_string(args[0]).strip(), here)


def _fn_replace(ev: Evaluator, args: list[Value], here: Location) -> Value:
    text, old, new = (_string(argument) for argument in args)
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        raise NotKnown  # a regular expression: RE2 syntax, not evaluated
    return ev.scalar(text.replace(old, new), here)


def _fn_abs(ev: Evaluator, args: list[Value], here: Location) -> Value:
    return Value(abs(_number(args[0])), here)


def _list(value: Value) -> list[Value]:
    items = _known(value)
    if not isinstance(items, list):
        raise TypeError
    return items


def _fn_flatten(ev: Evaluator, args: list[Value], here: Location) -> Value:
    flat: list[Value] = []
    pending = list(reversed(_list(args[0])))
    while pending:
        item = pending.pop()
        inner = _known(item)
        if isinstance(inner, list):
            pending.extend(reversed(inner))
        else:
            flat.append(item)
    return ev.container(flat, here)


def _fn_compact(ev: Evaluator, args: list[Value], here: Location) -> Value:
    kept = [item for item in _list(args[0]) if _known(item) not in (None, "")]
    return ev.container(kept, here)


def _fn_distinct(ev: Evaluator, args: list[Value], here: Location) -> Value:
    kept: list[Value] = []
    seen: list[Any] = []
    for item in _list(args[0]):
        plain = ev.plain(item)
        if plain is NOT_PLAIN:
            raise NotKnown
        if not any(equal(plain, other) for other in seen):
            seen.append(plain)
            kept.append(item)
    return ev.container(kept, here)


def _fn_zipmap(ev: Evaluator, args: list[Value], here: Location) -> Value:
    keys, values = _list(args[0]), _list(args[1])
    if len(keys) != len(values):
        raise ValueError("lists of different lengths")
    return ev.container(
        {_string(key): value for key, value in zip(keys, values, strict=True)}, here
    )


def _fn_slice(ev: Evaluator, args: list[Value], here: Location) -> Value:
    items = _list(args[0])
    start, end = _number(args[1]), _number(args[2])
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(items)):
        raise IndexError
    return ev.container(items[start:end], here)


def _fn_substr(ev: Evaluator, args: list[Value], here: Location) -> Value:
    text = _string(args[0])
    offset, length = _number(args[1]), _number(args[2])
    if not isinstance(offset, int) or not isinstance(length, int):
        raise TypeError
    if offset < 0:
        offset += len(text)
    end = len(text) if length == -1 else offset + length
    return Value(text[max(offset, 0) : end], here)


def _fn_two_strings(
    operation: Callable[[str, str], Any],
) -> Callable[[Evaluator, list[Value], Location], Value]:
    """``trimprefix``, ``startswith`` and the like: an operation on two known strings."""

    def function(ev: Evaluator, args: list[Value], here: Location) -> Value:
        return Value(operation(_string(args[0]), _string(args[1])), here)

    return function


def _fn_split(ev: Evaluator, args: list[Value], here: Location) -> Value:
    separator, text = _string(args[0]), _string(args[1])
    if not separator:
        raise ValueError("empty separator")
    return ev.container([Value(part, here) for part in text.split(separator)], here)


def _fn_sort(ev: Evaluator, args: list[Value], here: Location) -> Value:
    items = _list(args[0])
    return ev.container(sorted(items, key=_string), here)


def _fn_identity(ev: Evaluator, args: list[Value], here: Location) -> Value:
    (argument,) = args
    return argument


def _fn_one(ev: Evaluator, args: list[Value], here: Location) -> Value:
    items = _list(args[0])
    if len(items) > 1:
        raise ValueError("more than one element")
    return items[0] if items else Value(None, here)


def _fn_sum(ev: Evaluator, args: list[Value], here: Location) -> Value:
    items = _list(args[0])
    if not items:
        raise ValueError("empty list")
    return Value(sum(_number(item) for item in items), here)


def _fn_rounding(
    round_: Callable[[float], int],
) -> Callable[[Evaluator, list[Value], Location], Value]:
    def function(ev: Evaluator, args: list[Value], here: Location) -> Value:
        return Value(round_(_number(args[0])), here)

    return function


FUNCTIONS: dict[str, Callable[[Evaluator, list[Value], Location], Value]] = {
    "jsonencode": _fn_jsonencode,
    "jsondecode": _fn_jsondecode,
    "lookup": _fn_lookup,
    "merge": _fn_merge,
    "coalesce": _fn_coalesce,
    "concat": _fn_concat,
    "tostring": _fn_tostring,
    "tonumber": _fn_tonumber,
    "tobool": _fn_tobool,
    "format": _fn_format,
    "lower": _fn_case(str.lower),
    "upper": _fn_case(str.upper),
    "length": _fn_length,
    "element": _fn_element,
    "min": _fn_extreme(min),
    "max": _fn_extreme(max),
    "keys": _fn_keys,
    "values": _fn_values,
    "tolist": _fn_tolist,
    "toset": _fn_toset,
    "tomap": _fn_tomap,
    "join": _fn_join,
    "contains": _fn_contains,
    "trimspace": _fn_trimspace,
    "replace": _fn_replace,
    "abs": _fn_abs,
    "flatten": _fn_flatten,
    "compact": _fn_compact,
    "distinct": _fn_distinct,
    "zipmap": _fn_zipmap,
    "slice": _fn_slice,
    "substr": _fn_substr,
    "trimprefix": _fn_two_strings(lambda text, prefix: text.removeprefix(prefix)),
    "trimsuffix": _fn_two_strings(lambda text, suffix: text.removesuffix(suffix)),
    "startswith": _fn_two_strings(str.startswith),
    "endswith": _fn_two_strings(str.endswith),
    "split": _fn_split,
    "sort": _fn_sort,
    "sensitive": _fn_identity,
    "nonsensitive": _fn_identity,
    "one": _fn_one,
    "sum": _fn_sum,
    "ceil": _fn_rounding(math.ceil),
    "floor": _fn_rounding(math.floor),
}
