"""A fast, safe YAML/JSON loader that keeps the position of every key and value.

Why not ruamel's round-trip loader: it keeps positions but is about 13x slower than
libyaml composing the same text (measured in ``bench/``). Why not ``yaml.compose``: it
builds a node tree and resolves every scalar through Python regular expressions, and we
would then walk that tree again.
Instead we pull *events* from PyYAML's C parser (libyaml) and build positioned ``Map`` /
``Seq`` containers in one pass. Nothing is ever constructed from a tag: CloudFormation
short forms (``!Ref``, ``!GetAtt``, ``!Sub`` ...) become their long ``{"Fn::...": ...}``
form and every other tag is ignored, so loading can never run code.

JSON is validated by the ``json`` module and positioned by the same parser (JSON is
YAML's flow style) after length-preserving fixes where libyaml and JSON disagree (tabs
as whitespace, UTF-16 surrogate escapes, characters YAML reads as line breaks or
rejects); when a fix was needed, the values are taken from ``json``. Bounds: nesting
depth and alias expansion are limited so a hostile file cannot exhaust memory or time.

Positions never point past the text: a block collection ends where its last value
ends (libyaml ends it at the next token, possibly lines later), a block scalar ends at
its last character, and an error at the end of the file is placed on its last line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from invokelint.frontends.positioned import NO_POS, Map, Pos, Seq
from invokelint.limits import MAX_EXPANDED_NODES, MAX_NUMBER_DIGITS
from invokelint.limits import MAX_NESTING as MAX_DEPTH

if TYPE_CHECKING:
    import yaml

# PyYAML is imported on the first parse, not with this module: a run whose documents
# all come from the on-disk cache (or the pickled entries, which name ``Document``)
# never needs it.
_OFFSETS_IN_BYTES = True  # libyaml reads UTF-8: its reader errors count bytes


def _parser_class() -> Any:
    global _OFFSETS_IN_BYTES
    try:  # libyaml is bundled with PyYAML's wheels; fall back to pure Python if missing
        from yaml import CSafeLoader

        return CSafeLoader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader

        _OFFSETS_IN_BYTES = False
        return SafeLoader


_SHORT_FORMS = {"!Ref": "Ref", "!Condition": "Condition"}
_FLOAT_SPECIAL = {".inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
# A \uD800-\uDFFF escape preceded by an even number of backslashes (i.e. a real escape).
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
# Characters JSON allows in a string that libyaml reads as a line break or rejects.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_STANDARD_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null"))
_BLOCK_SCALAR_STYLES = frozenset("|>")
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")


class ParseError(Exception):
    """The input is not well-formed; ``line``/``column`` are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with an input that still loaded (a duplicate key, say)."""

    message: str
    pos: Pos


@dataclass(slots=True)
class Document:
    root: Any
    problems: list[Problem] = field(default_factory=list)


def load_yaml(text: str) -> Document:
    """Load one YAML document into positioned containers. Raises ``ParseError``."""
    import yaml

    try:
        return _Builder(text).build()
    except ParseError as error:
        raise _within(error, text) from None
    except yaml.MarkedYAMLError as exc:
        raise _within(_parse_error(exc), text) from None
    except yaml.reader.ReaderError as exc:  # a control character, say
        raise _within(_reader_error(exc, text), text) from None
    except yaml.YAMLError as exc:
        raise ParseError(_one_line(str(exc))) from None
    except UnicodeEncodeError as exc:  # a lone surrogate in text from an editor
        line, column = _line_column(text, exc.start)
        raise ParseError("text contains a lone UTF-16 surrogate", line, column) from None


def load_json(text: str) -> Document:
    """Load a JSON document into positioned containers. Raises ``ParseError``."""
    # The json module (C-accelerated) judges validity: YAML would also accept comments,
    # unquoted strings and empty values that CloudFormation rejects in a JSON template.
    import json

    try:
        data = json.loads(text, object_pairs_hook=_pairs_to_map, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise _within(_json_error(exc), text) from None
    except RecursionError:
        raise ParseError(f"nesting deeper than {MAX_DEPTH} levels") from None
    # Positions come from libyaml. Tabs may only appear between tokens in JSON, surrogate
    # escapes and the unsafe characters only inside strings: every rewrite keeps offsets.
    import yaml

    patched = _SURROGATE_ESCAPE.sub(lambda m: m.group(1) + "\\ufffd", text)
    patched = _YAML_UNSAFE.sub(" ", patched)
    strings_rewritten = patched != text
    patched = patched.replace("\t", " ")
    try:
        document = _Builder(patched).build()
    except ParseError as error:  # too deeply nested: the same bound as YAML
        raise _within(error, text) from None
    except yaml.YAMLError:
        # Valid JSON that libyaml cannot read (a key over 1024 characters, say): keep
        # the values; positions fall back to the start of the file.
        return Document(_positionless(data))
    if strings_rewritten:
        document.root = _with_values_of(document.root, data)
    return document


def _json_error(exc: Any) -> ParseError:
    """The ``json`` module's message and position, with a trailing comma named as such.

    Python 3.13 says "Illegal trailing comma" at the comma; older versions say
    "Expecting value" (or "property name") at the bracket after it. Say what 3.13 says on
    every version: it is the clearer message, and tests and users see one wording.
    """
    document, offset = exc.doc, exc.pos
    closing = document[offset : offset + 1]
    before = document[:offset].rstrip()
    if closing in ("]", "}") and before.endswith(","):
        comma = len(before) - 1
        kind = "object" if closing == "}" else "array"
        line, column = _line_column(document, comma)
        return ParseError(
            f"invalid JSON: Illegal trailing comma before end of {kind}", line, column
        )
    return ParseError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno)


def _json_int(digits: str) -> int | str:
    """A JSON integer; past ``MAX_NUMBER_DIGITS`` the text it was written as (as YAML)."""
    return int(digits) if len(digits) <= MAX_NUMBER_DIGITS else digits


def _pairs_to_map(pairs: list[tuple[str, Any]]) -> Map:
    m = Map()
    for key, value in pairs:
        m[key] = value
    return m


def _positionless(value: Any) -> Any:
    if isinstance(value, list):
        seq = Seq()
        seq.extend(_positionless(v) for v in value)
        seq.item_pos = [NO_POS] * len(seq)
        return seq
    if isinstance(value, Map):
        for key in value:
            value[key] = _positionless(value[key])
    elif isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    return value


def _with_values_of(positioned: Any, data: Any) -> Any:
    """``positioned`` (same shape as ``data``) with the keys and scalars of ``data``.

    Lone surrogates, which no output encoding accepts, become U+FFFD.
    """
    if isinstance(positioned, Map) and isinstance(data, Map):
        restored = Map(positioned.pos)
        for (key, value), (data_key, data_value) in zip(
            positioned.items(), data.items(), strict=False
        ):
            data_key = _positionless(data_key)
            restored[data_key] = _with_values_of(value, data_value)
            restored.key_pos[data_key] = positioned.key_pos[key]
            restored.val_pos[data_key] = positioned.val_pos[key]
        return restored
    if isinstance(positioned, Seq) and isinstance(data, list):
        for index, (value, data_value) in enumerate(zip(positioned, data, strict=False)):
            positioned[index] = _with_values_of(value, data_value)
        return positioned
    return _positionless(data)


def _within(error: ParseError, text: str) -> ParseError:
    """Parsers place an unexpected end of file past the last line: keep it inside."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the newline ends the last line; it does not start another
    if error.line <= len(lines):
        return error
    last = lines[-1].rstrip("\r")
    return ParseError(error.message, len(lines), len(last) + 1)


def _reader_error(exc: yaml.reader.ReaderError, text: str) -> ParseError:
    """libyaml's reader error gives an offset; say which line and column instead."""
    offset = exc.position
    if _OFFSETS_IN_BYTES:
        offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
    line, column = _line_column(text, offset)
    return ParseError(f"unacceptable character #x{exc.character:04x}: {exc.reason}", line, column)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of the character at ``offset``."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _parse_error(exc: yaml.MarkedYAMLError) -> ParseError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        problem = f"{exc.problem} ({exc.context})"
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return ParseError(_one_line(problem), line, column)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _resolve_plain(value: str) -> Any:
    """Resolve an untagged plain scalar the way CloudFormation reads it (YAML 1.2 core).

    Only YAML 1.2's own number forms are numbers: YAML 1.1's ``0b1010``, ``1_000`` and
    sexagesimal ``190:20:30`` stay strings, and so does any number longer than
    ``MAX_NUMBER_DIGITS`` (CloudFormation reads scalars as strings; a huge int could not
    even be printed).
    """
    first = value[:1]
    if first and first in "0123456789-+.":
        if len(value) > MAX_NUMBER_DIGITS:
            return value
        if _INT.fullmatch(value):
            return int(value, 0) if value[:2] in ("0x", "0o") else int(value)
        lowered = value.lower()
        if lowered in _FLOAT_SPECIAL:
            return _FLOAT_SPECIAL[lowered]
        if _FLOAT.fullmatch(value):
            return float(value)
        return value
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if value in _NULL:
        return None
    return value


def _intrinsic_name(tag: str | None) -> str | None:
    """``!Ref`` -> ``Ref``, ``!GetAtt`` -> ``Fn::GetAtt``; ``None`` for other tags."""
    if not tag or tag[0] != "!" or tag.startswith("!!") or len(tag) < 2:
        return None
    return _SHORT_FORMS.get(tag, "Fn::" + tag[1:])


def _pos(event: Any) -> Pos:
    start, end = event.start_mark, event.end_mark
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class _Frame:
    """An open mapping or sequence while its events arrive."""

    __slots__ = (
        "anchor",
        "block",
        "container",
        "is_map",
        "key",
        "key_pos",
        "last",
        "tag",
        "weight",
    )

    def __init__(
        self, container: Map | Seq, is_map: bool, block: bool, tag: str | None, anchor: str | None
    ) -> None:
        self.container = container
        self.is_map = is_map
        self.block = block  # block style (indentation), not flow style ([...], {...})
        self.last: Pos | None = None  # where the latest key or value ends
        self.tag = tag
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_pos: Pos = NO_POS
        self.weight = 1


_NO_KEY = object()


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[Problem] = []
        # anchor -> (value, weight); an open collection is marked with weight -1
        self.anchors: dict[str, tuple[Any, int]] = {}

    def build(self) -> Document:
        parser = _parser_class()(self.text)
        try:
            root = self._run(parser)
        finally:
            parser.dispose()
        return Document(root, self.problems)

    def _run(self, parser: Any) -> Any:
        from yaml import events

        get_event = parser.get_event
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
        map_start, seq_start = events.MappingStartEvent, events.SequenceStartEvent
        map_end, seq_end = events.MappingEndEvent, events.SequenceEndEvent
        while True:
            event = get_event()
            if event is None:
                break
            kind = type(event)
            if kind is scalar_event:
                pos = _pos(event)
                value: Any = event.value
                tag = event.tag
                style = event.style
                if style and style in _BLOCK_SCALAR_STYLES:
                    pos = self._block_scalar_pos(event)
                if tag is None:
                    if not style:  # plain: '' from libyaml, None from pure Python
                        value = _resolve_plain(value)
                elif tag[0] == "!" and not tag.startswith("!!"):
                    value = self._intrinsic(tag, value, pos)
                elif tag in _STANDARD_TAGS:  # !!int "30" is the number 30
                    value = _resolve_plain(value)
                weight = 1
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
            elif kind is map_start or kind is seq_start:
                if len(stack) >= MAX_DEPTH:
                    line, column = _pos(event)[:2]
                    raise ParseError(f"nesting deeper than {MAX_DEPTH} levels", line, column)
                is_map = kind is map_start
                container: Map | Seq = Map(_pos(event)) if is_map else Seq(_pos(event))
                block = event.flow_style is False
                stack.append(_Frame(container, is_map, block, event.tag, event.anchor))
                if event.anchor is not None:
                    self.anchors[event.anchor] = (container, -1)
                continue
            elif kind is map_end or kind is seq_end:
                frame = stack.pop()
                value = frame.container
                start, last = value.pos, frame.last
                if frame.block and last is not None:  # libyaml ends it at the next token
                    value.pos = (start[0], start[1], last[2], last[3])
                else:
                    value.pos = (
                        start[0],
                        start[1],
                        event.end_mark.line + 1,
                        event.end_mark.column + 1,
                    )
                weight = frame.weight
                if frame.anchor is not None:
                    self.anchors[frame.anchor] = (value, weight)
                if frame.tag is not None and _intrinsic_name(frame.tag) is not None:
                    value = self._intrinsic(frame.tag, value, value.pos)
                pos = value.pos
            elif kind is alias_event:
                pos = _pos(event)
                anchored = self.anchors.get(event.anchor)
                if anchored is None:
                    raise ParseError(f"unknown alias '*{event.anchor}'", pos[0], pos[1])
                value, weight = anchored
                if weight < 0:
                    raise ParseError(f"alias '*{event.anchor}' refers to itself", pos[0], pos[1])
            elif kind is events.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    line, column = _pos(event)[:2]
                    raise ParseError("expected one YAML document, found several", line, column)
                continue
            else:
                continue

            if not stack:
                root = value
                continue
            frame = stack[-1]
            frame.weight += weight
            frame.last = pos
            if frame.weight > MAX_EXPANDED_NODES:
                raise ParseError(
                    f"more than {MAX_EXPANDED_NODES} values after expanding aliases",
                    pos[0],
                    pos[1],
                )
            if frame.is_map:
                if frame.key is _NO_KEY:
                    if isinstance(value, (Map, Seq)):
                        raise ParseError("a mapping key must be a scalar", pos[0], pos[1])
                    frame.key, frame.key_pos = value, pos
                    continue
                mapping: Map = frame.container  # type: ignore[assignment]
                key = frame.key
                if key in mapping:
                    first = mapping.key_pos[key]
                    self.problems.append(
                        Problem(
                            f"duplicate key '{key}' (first defined on line {first[0]}); "
                            "the later value wins",
                            frame.key_pos,
                        )
                    )
                mapping[key] = value
                mapping.key_pos[key] = frame.key_pos
                mapping.val_pos[key] = pos
                frame.key = _NO_KEY
            else:
                sequence: Seq = frame.container  # type: ignore[assignment]
                sequence.append(value)
                sequence.item_pos.append(pos)
        return root

    def _block_scalar_pos(self, event: Any) -> Pos:
        """A ``|`` or ``>`` scalar ends at its last character, not after trailing lines."""
        start, end = event.start_mark, event.end_mark
        text, index = self.text, end.index
        while index > start.index and text[index - 1] in " \t\r\n":
            index -= 1
        if index == end.index:
            return _pos(event)
        skipped = text[index : end.index]
        line = end.line + 1 - (skipped.count("\n") + skipped.count("\r") - skipped.count("\r\n"))
        line_start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
        return (start.line + 1, start.column + 1, line, index - line_start + 1)

    @staticmethod
    def _intrinsic(tag: str, value: Any, pos: Pos) -> Any:
        name = _intrinsic_name(tag)
        if name is None:
            return value
        if name == "Fn::GetAtt" and isinstance(value, str):
            resource, _, attribute = value.partition(".")
            parts = Seq(pos)
            parts.extend((resource, attribute))
            parts.item_pos = [pos, pos]
            value = parts
        wrapped = Map(pos)
        wrapped[name] = value
        wrapped.key_pos[name] = pos
        wrapped.val_pos[name] = pos
        return wrapped
