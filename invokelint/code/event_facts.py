"""How a handler reads its event's records: facts for IL407 and IL409.

Both questions walk the expressions of every function the handler may run (the frames
``interpret`` found), asking what each one holds:

* ``first_record_reads``: the code reads ``event["Records"][0]`` and uses the records
  list in no other way (no loop, no ``len``, not passed on). Any other use, or the whole
  event handed to code that cannot be followed, makes the answer "no" (an empty tuple).
* ``raw_s3_keys``: an S3 call or a file path receives ``Records[].s3.object.key`` as it
  came, without ``unquote_plus`` (any call in between counts as decoding it: a name
  assigned both raw and decoded holds an unknown value, so it is not reported).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from invokelint.code import ir
from invokelint.code.values import AwsClient, AwsObject, AwsResource, Event, LocalFunction, Qual
from invokelint.limits import MAX_EXPRESSION_DEPTH

if TYPE_CHECKING:
    from invokelint.code.interpret import Frame
    from invokelint.model import Location

S3_KEY = ("s3", "object", "key")
# boto3 S3 client methods whose object key is positional (``download_file(B, K, F)``).
_POSITIONAL_KEY = {"download_file": 1, "upload_file": 2, "download_fileobj": 1}
# Calls that treat an argument as a file system path.
_PATH_CALLS = frozenset(
    {"open", "os.path.join", "os.remove", "os.unlink", "pathlib.Path", "os.path.exists"}
)
# Library calls that may receive the whole event without reading its records.
_LOGGING = ("print", "json.dumps", "logging.", "repr", "str")


def first_record_reads(frames: list[Frame]) -> tuple[Location, ...]:
    """Where ``Records[0]`` is read, if the records are used in no other way."""
    reads: list[Location] = []
    for frame in frames:
        function = frame.function
        assert function is not None
        where = frame.location(function.pos)
        for expr, pos in _expressions(function):
            for found in _record_uses(expr, frame):
                if found == "other":
                    return ()
                reads.append(frame.location(pos) if pos is not None else where)
    return tuple(dict.fromkeys(reads))


def raw_s3_keys(frames: list[Frame]) -> tuple[Location, ...]:
    """Calls that pass an S3 notification's object key, undecoded, to S3 or a path."""
    found: list[Location] = []
    for frame in frames:
        function = frame.function
        assert function is not None
        for call in function.calls:
            if any(_is_raw_key(arg, frame) for arg in _key_arguments(call, frame)):
                found.append(frame.location(call.pos))
    return tuple(found)


# ----------------------------------------------------------------------- first record


def _expressions(function: ir.Function) -> Iterator[tuple[ir.Expr, ir.Pos | None]]:
    """Every expression of the function, with a position when one is known.

    A name bound to the records list itself (``records = event["Records"]``) is an
    alias, not a use: its uses are found where the name is read.
    """
    for call in function.calls:
        yield call, call.pos
    for values in function.assigns.values():
        for value in values:
            yield value, None
    for item in function.returns:
        if item.value is not None:
            yield item.value, item.pos
    for loop in function.loops:
        yield ir.Other((loop,)), None


def _record_uses(expr: ir.Expr, frame: Frame, top: bool = True, depth: int = 0) -> Iterator[str]:
    """``"first"`` per ``[0]`` read of the records, ``"other"`` per other use.

    Past ``MAX_EXPRESSION_DEPTH`` nested expressions the use is taken as "other": code
    too deep to read keeps the rule silent, never the process down.
    """
    if depth >= MAX_EXPRESSION_DEPTH:
        yield "other"
        return
    if isinstance(expr, ir.Subscript) and _is_zero(expr.index) and _is_records(expr.value, frame):
        yield "first"
        return
    if isinstance(expr, ir.Call):
        if _passes_event_on(expr, frame):
            yield "other"
        for part in ir.children(expr):
            yield from _record_uses(part, frame, top=False, depth=depth + 1)
        return
    if not top and _is_records(expr, frame):
        yield "other"
        return
    if top and _is_records(expr, frame):
        return  # ``records = event["Records"]``: an alias
    for part in ir.children(expr):
        yield from _record_uses(part, frame, top=False, depth=depth + 1)


def _is_zero(expr: ir.Expr) -> bool:
    return isinstance(expr, ir.Const) and expr.value == 0 and not isinstance(expr.value, bool)


def _is_records(expr: ir.Expr, frame: Frame) -> bool:
    if isinstance(expr, (ir.Const, ir.Dict, ir.Sequence, ir.Joined)):
        return False
    value = frame.value_of(expr)
    return isinstance(value, Event) and bool(value.path) and value.path[-1].lower() == "records"


def _passes_event_on(call: ir.Call, frame: Frame) -> bool:
    """The whole event goes to code that is not followed (a library, a class)."""
    arguments = (*call.args, *(value for _, value in call.kwargs))
    if not any(_is_whole_event(arg, frame) for arg in arguments):
        return False
    callee = frame.value_of(call.func)
    if isinstance(callee, LocalFunction):
        return False  # followed: its own reads are looked at in its frame
    if isinstance(callee, Qual) and callee.name.startswith(_LOGGING):
        return False
    return not (isinstance(call.func, ir.Attr) and call.func.attr in _LOG_METHODS)


_LOG_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})


def _is_whole_event(expr: ir.Expr, frame: Frame) -> bool:
    if not isinstance(expr, (ir.Name, ir.Attr)):
        return False
    value = frame.value_of(expr)
    return isinstance(value, Event) and not value.path


# ----------------------------------------------------------------------------- S3 keys


def _key_arguments(call: ir.Call, frame: Frame) -> list[ir.Expr]:
    """The arguments of ``call`` that name an S3 object key or a file path."""
    func = call.func
    if isinstance(func, ir.Attr):
        base = frame.value_of(func.value)
        s3 = getattr(base, "service", None) == "s3"
        if isinstance(base, AwsClient) and s3:
            keyed = [value for key, value in call.kwargs if key in ("Key", "Filename")]
            index = _POSITIONAL_KEY.get(func.attr)
            if index is not None and index < len(call.args):
                keyed.append(call.args[index])
            return keyed
        if isinstance(base, AwsResource) and s3 and func.attr == "Object":
            return [a for a in (call.argument(1, "key"),) if a is not None]
        if isinstance(base, AwsObject) and s3 and base.kind == "Bucket":
            return [a for a in (call.argument(0, "key"), call.keyword("Key")) if a is not None]
    callee = frame.value_of(func)
    if isinstance(callee, Qual) and callee.name in _PATH_CALLS:
        return list(call.args)
    return []


def _is_raw_key(expr: ir.Expr, frame: Frame) -> bool:
    if isinstance(expr, ir.Joined):  # f"/tmp/{key}", "uploads/" + key
        return any(isinstance(p, ir.Expr) and _is_raw_key(p, frame) for p in expr.parts)
    if isinstance(expr, ir.Call):
        return False  # unquote_plus(key), or anything else that may decode it
    value = frame.value_of(expr)
    return isinstance(value, Event) and value.path[-len(S3_KEY) :] == S3_KEY
