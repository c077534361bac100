"""HCL text into a small, parser-neutral syntax tree with positions: the only tree-sitter user.

Why tree-sitter (``tree-sitter-hcl``): measured on 575 real ``.tf`` files it parsed every
one with a position on every node, about 17x faster than python-hcl2, which loses
positions. The tree never leaves this module: callers see ``Body``/``Block``/``Attribute``
and the expression classes below, so another parser could replace it.

Positions are ``(line, column, end_line, end_column)``: 1-based, columns in characters
(tree-sitter counts bytes; lines holding non-ASCII text are converted), the end just past
the last character, as ``frontends.positioned.Pos``.

Templates are rebuilt from the source text between interpolations, because the grammar
drops whitespace from template literals: escapes are decoded (``\\n``, ``\\"``,
``\\uNNNN``, ``$${`` and ``%%{``), ``<<-`` heredocs lose their common indentation and the
``~`` strip markers trim neighbouring whitespace. ``%{ if }``/``%{ for }`` directives are
kept as ``Directive`` (evaluated as unknown).

Bounds: the text is limited by ``MAX_FILE_BYTES`` before parsing, and nesting (blocks,
brackets, operators) by ``MAX_HCL_NESTING``: converting walks the tree recursively, one
Python frame per syntax level, so deeper input is reported as a problem instead of
exhausting the stack. A syntax error (the first ERROR or MISSING node) is reported with
terraform's wording where one applies, and the file then yields no body.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from hashlib import sha1
from typing import Any

from invokelint.frontends.positioned import Pos
from invokelint.limits import MAX_FILE_BYTES, MAX_HCL_NESTING

# -- the syntax tree


@dataclass(slots=True, unsafe_hash=True)
class Literal:
    """``null``, ``true``, a number or a string without interpolation."""

    value: bool | int | float | str | None
    pos: Pos


@dataclass(slots=True, unsafe_hash=True)
class Directive:
    """A ``%{ if }`` or ``%{ for }`` template directive: never evaluated."""

    pos: Pos


@dataclass(slots=True, unsafe_hash=True)
class Template:
    """A string with interpolations: literal text and expressions in order.

    For a heredoc, ``line`` is the source line its text starts on and ``indent`` the
    columns ``<<-`` removed from each line (0 and 0 for a quoted string), so a position
    inside the text maps back to the file.
    """

    parts: tuple[str | Expression | Directive, ...]
    pos: Pos
    line: int = 0
    indent: int = 0


@dataclass(slots=True, unsafe_hash=True)
class TupleExpr:
    items: tuple[Expression, ...]
    pos: Pos


@dataclass(slots=True, unsafe_hash=True)
class ObjectItem:
    """``key = value`` inside ``{...}``; a bare identifier key is a ``Literal`` string."""

    key: Expression
    value: Expression
    pos: Pos  # from the key to the end of the value


@dataclass(slots=True, unsafe_hash=True)
class ObjectExpr:
    items: tuple[ObjectItem, ...]
    pos: Pos


@dataclass(slots=True, unsafe_hash=True)
class Variable:
    """A bare name starting a traversal: ``var``, ``local``, ``aws_sqs_queue``, ``each``."""

    name: str
    pos: Pos


@dataclass(slots=True, unsafe_hash=True)
class GetAttr:
    """Steps carry no position: nothing reads one (the traversal has its own)."""

    name: str


@dataclass(slots=True, unsafe_hash=True)
class Index:
    key: Expression


@dataclass(slots=True, unsafe_hash=True)
class Splat:
    """``[*]`` or ``.*`` and every step after it."""


Step = GetAttr | Index | Splat
_SPLAT = Splat()


@dataclass(slots=True, unsafe_hash=True)
class Traversal:
    """``source`` followed by attribute, index and splat steps: ``aws_sqs_queue.q[0].arn``."""

    source: Expression
    steps: tuple[Step, ...]
    pos: Pos


@dataclass(slots=True, unsafe_hash=True)
class Call:
    name: str
    args: tuple[Expression, ...]
    pos: Pos
    expand_final: bool = False  # ``f(list...)``


@dataclass(slots=True, unsafe_hash=True)
class Conditional:
    condition: Expression
    then: Expression
    otherwise: Expression
    pos: Pos


@dataclass(slots=True, unsafe_hash=True)
class Binary:
    operator: str  # "+", "==", "&&", ...
    left: Expression
    right: Expression
    pos: Pos


@dataclass(slots=True, unsafe_hash=True)
class Unary:
    operator: str  # "-" or "!"
    operand: Expression
    pos: Pos


@dataclass(slots=True, unsafe_hash=True)
class ForExpr:
    """``[for k, v in coll : value if cond]`` or ``{for ... : key => value...}``."""

    key_var: str | None
    value_var: str
    collection: Expression
    key: Expression | None  # set for the object form
    value: Expression
    condition: Expression | None
    grouping: bool
    pos: Pos


Expression = (
    Literal
    | Template
    | TupleExpr
    | ObjectExpr
    | Variable
    | Traversal
    | Call
    | Conditional
    | Binary
    | Unary
    | ForExpr
)


@dataclass(slots=True, unsafe_hash=True)
class Attribute:
    name: str
    expression: Expression
    pos: Pos  # the whole ``name = expr``


@dataclass(slots=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    type: str
    labels: tuple[str, ...]
    label_pos: tuple[Pos, ...]
    header: Pos  # from the type to the opening ``{``
    end: Pos  # the closing ``}``
    body: Body


@dataclass(slots=True, unsafe_hash=True)
class SyntaxProblem:
    message: str
    pos: Pos


@dataclass(slots=True)
class HclFile:
    """A parsed file: ``body`` is None when ``problem`` says why it could not be read."""

    body: Body | None
    problem: SyntaxProblem | None = None


# -- parsing

_CACHE_SIZE = 512
_cache: OrderedDict[str, HclFile] = OrderedDict()
_parser: Any = None


def parse(text: str) -> HclFile:
    """Parse one ``.tf``/``.tofu``/``.tfvars`` file. Never raises for bad input.

    Results are cached by content, so an editor re-linting a module re-parses only the
    file that changed. The returned tree must not be modified.
    """
    key = sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached
    result = _parse(text)
    _cache[key] = result
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return result


def parse_template(text: str, pos: Pos) -> Expression | SyntaxProblem:
    """A ``.tf.json`` string as the template it is; every node gets ``pos``.

    A string without ``${`` or ``%{`` is returned as a ``Literal`` without parsing.
    """
    if "${" not in text and "%{" not in text:
        return Literal(text, pos)
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return _parse_one_expression(f'"{escaped}"', pos)


def parse_expression(text: str, pos: Pos) -> Expression | SyntaxProblem:
    """One expression (a ``--var`` value of a complex type); every node gets ``pos``."""
    return _parse_one_expression(text, pos)


def _parse_one_expression(source: str, pos: Pos) -> Expression | SyntaxProblem:
    parsed = _parse("value = " + source + "\n", fixed_pos=pos)
    if parsed.problem is not None:
        return SyntaxProblem(parsed.problem.message, pos)
    assert parsed.body is not None
    attribute = parsed.body.attributes.get("value")
    if attribute is None or len(parsed.body.attributes) != 1 or parsed.body.blocks:
        return SyntaxProblem("not a single expression", pos)
    return attribute.expression


def _get_parser() -> Any:
    """tree-sitter is imported here, on first use: a CloudFormation-only run never pays."""
    global _parser
    if _parser is None:
        import tree_sitter
        import tree_sitter_hcl

        _parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    return _parser


def _parse(text: str, fixed_pos: Pos | None = None) -> HclFile:
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_FILE_BYTES:
        return HclFile(
            None,
            SyntaxProblem(
                f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", (1, 1, 1, 2)
            ),
        )
    tree = _get_parser().parse(data)
    converter = _Converter(data, text, fixed_pos)
    root = tree.root_node
    if root.has_error:
        return HclFile(None, converter.syntax_problem(root))
    try:
        body_node = next((c for c in root.named_children if c.type == "body"), None)
        body = converter.body(body_node, 0) if body_node is not None else Body()
    except _Unsupported as unsupported:
        return HclFile(
            None, SyntaxProblem("Invalid expression: unsupported syntax", unsupported.pos)
        )
    except _TooDeep as deep:
        return HclFile(
            None, SyntaxProblem(f"nesting deeper than {MAX_HCL_NESTING} levels", deep.pos)
        )
    return HclFile(body)


class _TooDeep(Exception):
    def __init__(self, pos: Pos) -> None:
        self.pos = pos


class _Unsupported(_TooDeep):
    """A node the grammar allows that this tree has no class for."""


_QUOTED_ESCAPE = re.compile(r'\\(?:[nrt"\\]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})|\$\$\{|%%\{')
_HEREDOC_ESCAPE = re.compile(r"\$\$\{|%%\{")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_POSTFIX = frozenset({"get_attr", "index", "splat"})
_WRAPPERS = frozenset(
    {"expression", "operation", "literal_value", "collection_value", "template_expr", "for_expr"}
)


def _kids(node: Any) -> list[Any]:
    """Children without comments, which tree-sitter places anywhere."""
    return [child for child in node.children if child.type != "comment"]


def _named(node: Any) -> list[Any]:
    return [child for child in node.named_children if child.type != "comment"]


def _unescape(match: re.Match[str]) -> str:
    token = match.group(0)
    if token in ("$${", "%%{"):
        return token[1:]
    letter = token[1]
    if letter in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[letter]
    try:
        return chr(int(token[2:], 16))
    except (ValueError, OverflowError):
        return "\ufffd"


class _Converter:
    """tree-sitter nodes -> the syntax tree above, with character columns."""

    def __init__(self, data: bytes, text: str, fixed_pos: Pos | None) -> None:
        self.data = data
        self.fixed_pos = fixed_pos
        self.ascii = text.isascii()
        self.line_starts: list[int] | None = None

    # -- positions
    def _column(self, row: int, byte_column: int) -> int:
        if self.ascii or byte_column == 0:
            return byte_column + 1
        if self.line_starts is None:
            starts = [0]
            find = self.data.find
            index = find(b"\n")
            while index >= 0:
                starts.append(index + 1)
                index = find(b"\n", index + 1)
            self.line_starts = starts
        start = self.line_starts[row] if row < len(self.line_starts) else len(self.data)
        chunk = self.data[start : start + byte_column]
        if chunk.isascii():
            return byte_column + 1
        return len(chunk.decode("utf-8", "replace")) + 1

    def pos(self, node: Any) -> Pos:
        if self.fixed_pos is not None:
            return self.fixed_pos
        start, end = node.start_point, node.end_point
        if self.ascii:
            return (start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1)
        return (
            start[0] + 1,
            self._column(start[0], start[1]),
            end[0] + 1,
            self._column(end[0], end[1]),
        )

    def span(self, first: Any, last: Any) -> Pos:
        if self.fixed_pos is not None:
            return self.fixed_pos
        return self.pos(first)[:2] + self.pos(last)[2:]  # type: ignore[return-value]

    def text(self, node: Any) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")

    # -- syntax errors
    def syntax_problem(self, root: Any) -> SyntaxProblem:
        """The first ERROR or MISSING node, found walking down (never recursing) from the root.

        Inside an ERROR node the position is the first text no well-formed child explains,
        which is where a reader sees the mistake (the stray ``2`` in ``x = 1 2``).
        """
        node = root
        while True:
            if node.is_missing:
                return self._missing(node)
            erroneous = next((c for c in node.children if c.has_error or c.is_missing), None)
            if node.type != "ERROR":
                if erroneous is None:
                    return self._unexpected(node, node.start_byte)
                node = erroneous
                continue
            cursor = node.start_byte
            for child in node.children:
                if self.data[cursor : child.start_byte].strip():
                    return self._unexpected(node, cursor)
                if child.has_error or child.is_missing:
                    break
                cursor = max(cursor, child.end_byte)
            else:
                if self.data[cursor : node.end_byte].strip():
                    return self._unexpected(node, cursor)
                if not self.data[node.end_byte :].strip():  # everything fine, then the end
                    return self._unclosed(node)
                return self._unexpected(node, node.start_byte)
            node = child

    def _missing(self, node: Any) -> SyntaxProblem:
        parent = node.parent
        expected = node.type
        if expected == "}" and parent is not None and parent.type == "block_end":
            block = parent.parent
            opening = next((c for c in block.children if c.type == "block_start"), block)
            return SyntaxProblem(
                "Unclosed configuration block: there is no closing brace for this block "
                "before the end of the file",
                self._point(opening.start_byte),
            )
        if expected in ("quoted_template_end", "heredoc_identifier", '"'):
            return SyntaxProblem(
                "Unterminated template string: no closing marker was found for the string",
                self._point((parent or node).start_byte),
            )
        if expected in ("identifier", "expression"):
            return SyntaxProblem(
                "Invalid expression: expected the start of an expression",
                self._point(node.start_byte),
            )
        return SyntaxProblem(f"Invalid syntax: expected '{expected}'", self._point(node.start_byte))

    def _unclosed(self, node: Any) -> SyntaxProblem:
        start = node.start_byte
        token = self.data[start : start + 40].split(b"\n")[0].decode("utf-8", "replace").strip()
        return SyntaxProblem(
            f"Unexpected end of file: '{token[:30]}' is not complete", self._point(start)
        )

    def _unexpected(self, node: Any, at: int) -> SyntaxProblem:
        data = self.data
        while at < len(data) and data[at : at + 1] in (b" ", b"\t", b"\r", b"\n"):
            at += 1
        token = data[at : at + 40].split(b"\n")[0].decode("utf-8", "replace").strip()[:30]
        line_start = data.rfind(b"\n", 0, at) + 1
        starts_line = not data[line_start:at].strip()
        parent = node.parent
        if starts_line and (parent is None or parent.type in ("body", "config_file")):
            message = f"Argument or block definition required: unexpected '{token}'"
        elif token:
            message = f"Invalid expression: unexpected '{token}'"
        else:
            message = "Invalid expression: unexpected end of file"
        return SyntaxProblem(message, self._point(at))

    def _point(self, offset: int) -> Pos:
        """A one-character span at a byte offset."""
        if self.fixed_pos is not None:
            return self.fixed_pos
        offset = min(offset, len(self.data))
        row = self.data.count(b"\n", 0, offset)
        column = self._column(row, offset - (self.data.rfind(b"\n", 0, offset) + 1))
        return (row + 1, column, row + 1, column + 1)

    # -- bodies and blocks
    def body(self, node: Any, depth: int) -> Body:
        if depth > MAX_HCL_NESTING:
            raise _TooDeep(self.pos(node))
        body = Body()
        for child in node.named_children:
            kind = child.type
            if kind == "attribute":
                attribute = self.attribute(child, depth)
                body.attributes[attribute.name] = attribute
            elif kind == "block":
                body.blocks.append(self.block(child, depth))
        return body

    def attribute(self, node: Any, depth: int) -> Attribute:
        children = node.children
        name = self.text(children[0])
        value = children[-1]
        if value.type == "comment":
            value = _named(node)[-1]
        return Attribute(name, self.expression(value, depth + 1), self.pos(node))

    def block(self, node: Any, depth: int) -> Block:
        labels: list[str] = []
        label_pos: list[Pos] = []
        kind = ""
        opening = end = inner = None
        for child in node.children:
            child_type = child.type
            if child_type == "identifier":
                if not kind:
                    kind = self.text(child)
                else:
                    labels.append(self.text(child))
                    label_pos.append(self.pos(child))
            elif child_type == "string_lit":
                labels.append(self._quoted(child))
                label_pos.append(self.pos(child))
            elif child_type == "block_start":
                opening = child
            elif child_type == "block_end":
                end = child
            elif child_type == "body":
                inner = child
        header = self.span(node, opening if opening is not None else node)
        body = self.body(inner, depth + 1) if inner is not None else Body()
        return Block(
            kind,
            tuple(labels),
            tuple(label_pos),
            header,
            self.pos(end if end is not None else node),
            body,
        )

    # -- expressions
    def expression(self, node: Any, depth: int) -> Expression:
        """Any expression node; wrappers are unwrapped in a loop, not by recursion."""
        if depth > MAX_HCL_NESTING:
            raise _TooDeep(self.pos(node))
        while True:
            kind = node.type
            if kind in _WRAPPERS:
                children = node.children
                if len(children) == 1:
                    node = children[0]
                    continue
                if kind == "expression" or kind == "operation":
                    return self._sequence(node, children, depth)
                children = _kids(node)
                if len(children) == 1:
                    node = children[0]
                    continue
                node = _named(node)[0]
                continue
            break
        return self._term(node, depth)

    def _sequence(self, whole: Any, children: list[Any], depth: int) -> Expression:
        """A term (or parenthesised expression) followed by attribute/index/splat steps."""
        steps: list[Step] = []
        source: Expression | None = None
        index = 0
        count = len(children)
        while index < count:
            child = children[index]
            kind = child.type
            if kind == "comment":
                index += 1
                continue
            if kind == "(":  # ( expression ): comments may sit on either side
                index += 1
                while children[index].type == "comment":
                    index += 1
                source = self.expression(children[index], depth + 1)
                while children[index].type != ")":
                    index += 1
                index += 1
                continue
            if kind in _POSTFIX:
                if source is None:
                    break
                self._steps(child, steps, depth)
            elif child.is_named and source is None:
                source = self.expression(child, depth + 1)
            index += 1
        if source is None:
            raise _Unsupported(self.pos(whole))
        if not steps:
            return source
        return Traversal(source, tuple(steps), self.pos(whole))

    def _steps(self, node: Any, steps: list[Step], depth: int) -> None:
        kind = node.type
        if kind == "get_attr":
            name = node.children[-1]
            if name.type != "identifier":
                name = next(c for c in node.named_children if c.type == "identifier")
            steps.append(GetAttr(self.text(name)))
        elif kind == "index":
            inner = _kids(node)[0]
            if inner.type == "legacy_index":  # a.0
                key_text = self.text(inner)[1:].strip()
                key: Expression = Literal(
                    int(key_text) if key_text.isdigit() else key_text, self.pos(inner)
                )
            else:
                key = self.expression(_named(inner)[0], depth + 1)
            steps.append(Index(key))
        else:  # splat
            steps.append(_SPLAT)

    def _term(self, node: Any, depth: int) -> Expression:
        kind = node.type
        pos = self.pos(node)
        if kind == "variable_expr":
            return Variable(self.text(node), pos)
        if kind == "numeric_lit":
            text = self.text(node)
            try:
                return Literal(int(text), pos)
            except ValueError:
                return Literal(float(text), pos)
        if kind == "bool_lit":
            return Literal(self.text(node) == "true", pos)
        if kind == "null_lit":
            return Literal(None, pos)
        if kind == "string_lit":
            return Literal(self._quoted(node), pos)
        if kind in ("quoted_template", "heredoc_template"):
            return self._template(node, depth)
        if kind == "tuple":
            items = tuple(
                self.expression(child, depth + 1)
                for child in _named(node)
                if child.type not in ("tuple_start", "tuple_end")
            )
            return TupleExpr(items, pos)
        if kind == "object":
            return ObjectExpr(
                tuple(
                    self._object_item(child, depth)
                    for child in _named(node)
                    if child.type == "object_elem"
                ),
                pos,
            )
        if kind == "function_call":
            return self._call(node, depth)
        if kind == "conditional":
            return self._conditional(node, depth)
        if kind == "binary_operation":
            return self._binary(node, depth)
        if kind == "unary_operation":
            children = _kids(node)
            return Unary(children[0].type, self._sequence(node, children[1:], depth + 1), pos)
        if kind in ("for_tuple_expr", "for_object_expr"):
            return self._for(node, depth)
        raise _Unsupported(pos)

    def _object_item(self, node: Any, depth: int) -> ObjectItem:
        key_node = node.child_by_field_name("key")
        value_node = node.child_by_field_name("val")
        key = self.expression(key_node, depth + 1)
        bare = self.data[key_node.start_byte : key_node.start_byte + 1] != b"("
        if isinstance(key, Variable) and bare:  # {name = 1}: the string "name"; (name) = 1 not
            key = Literal(key.name, key.pos)
        return ObjectItem(
            key, self.expression(value_node, depth + 1), self.span(key_node, value_node)
        )

    def _call(self, node: Any, depth: int) -> Call:
        name = ""
        args: list[Expression] = []
        expand = False
        for child in _named(node):
            if child.type == "identifier":
                name = self.text(child)
            elif child.type == "function_arguments":
                for argument in _named(child):
                    if argument.type == "ellipsis":
                        expand = True
                    else:
                        args.append(self.expression(argument, depth + 1))
        return Call(name, tuple(args), self.pos(node), expand)

    def _conditional(self, node: Any, depth: int) -> Expression:
        """``a ? b : c ? d : e``, nested to the right as HCL reads it.

        The grammar nests such chains to the left (``(a ? b : c) ? d : e``): collect the
        chain of unparenthesised conditionals in conditions and results, then rebuild it.
        """
        chain = [node]
        while True:
            condition = _named(chain[-1])[0]
            inner = _named(condition)[0] if len(_kids(condition)) == 1 else None
            if inner is None or inner.type != "conditional":
                break
            chain.append(inner)
        innermost = _named(chain[-1])
        conditions = [innermost[0]]
        results = [innermost[1]]
        for level in range(len(chain) - 2, -1, -1):
            conditions.append(_named(chain[level + 1])[2])
            results.append(_named(chain[level])[1])
        otherwise_node = _named(node)[2]
        result: Expression = self.expression(otherwise_node, depth + len(chain))
        for index in range(len(conditions) - 1, -1, -1):
            condition_node, then_node = conditions[index], results[index]
            result = Conditional(
                self.expression(condition_node, depth + index + 1),
                self.expression(then_node, depth + index + 1),
                result,
                self.span(condition_node, otherwise_node),
            )
        return result

    def _binary(self, node: Any, depth: int) -> Binary:
        children = _kids(node)
        nesting = 0
        split = -1
        for index, child in enumerate(children):
            kind = child.type
            if kind == "(":
                nesting += 1
            elif kind == ")":
                nesting -= 1
            elif not child.is_named and nesting == 0 and index > 0:
                split = index
                break
        left = self._operand(node, children[:split], depth)
        right = self._operand(node, children[split + 1 :], depth)
        return Binary(children[split].type, left, right, self.pos(node))

    def _operand(self, whole: Any, children: list[Any], depth: int) -> Expression:
        if len(children) == 1:
            return self.expression(children[0], depth + 1)
        if children[0].type == "(" and len(children) == 3:
            return self.expression(children[1], depth + 1)
        return self._sequence(whole, children, depth + 1)

    def _for(self, node: Any, depth: int) -> ForExpr:
        names: list[str] = []
        collection: Expression | None = None
        expressions: list[Expression] = []
        condition: Expression | None = None
        grouping = False
        for child in _named(node):
            kind = child.type
            if kind == "for_intro":
                for part in _named(child):
                    if part.type == "identifier":
                        names.append(self.text(part))
                    else:
                        collection = self.expression(part, depth + 1)
            elif kind == "for_cond":
                condition = self.expression(_named(child)[0], depth + 1)
            elif kind == "ellipsis":
                grouping = True
            elif kind not in ("tuple_start", "tuple_end", "object_start", "object_end"):
                expressions.append(self.expression(child, depth + 1))
        assert collection is not None
        key_var = names[0] if len(names) == 2 else None
        key = expressions[0] if len(expressions) == 2 else None
        return ForExpr(
            key_var,
            names[-1],
            collection,
            key,
            expressions[-1],
            condition,
            grouping,
            self.pos(node),
        )

    # -- strings and templates
    def _quoted(self, node: Any) -> str:
        """A ``string_lit``: the text between its quotes, escapes decoded."""
        children = node.children
        raw = self.data[children[0].end_byte : children[-1].start_byte].decode(
            "utf-8", "surrogatepass"
        )
        return _QUOTED_ESCAPE.sub(_unescape, raw) if ("\\" in raw or "{" in raw) else raw

    def _template(self, node: Any, depth: int) -> Expression:
        children = _kids(node)
        heredoc = node.type == "heredoc_template"
        if heredoc:
            identifiers = [c for c in children if c.type == "heredoc_identifier"]
            opening, closing = identifiers[0], identifiers[-1]
            newline = self.data.find(b"\n", opening.end_byte)
            start = newline + 1 if newline >= 0 else opening.end_byte
            end = closing.start_byte - closing.start_point[1]
            flush = any(c.type == "heredoc_start" and self.text(c) == "<<-" for c in children)
        else:
            start, end = children[0].end_byte, children[-1].start_byte
            flush = False
        inner = [
            c
            for c in children
            if c.type in ("template_interpolation", "template_directive")
            and start <= c.start_byte < end
        ]
        indent = self._indent(start, end) if flush else 0
        parts: list[str | Expression | Directive] = []
        cursor = start
        strip_next = False
        for child in inner:
            literal = self._literal(cursor, child.start_byte, heredoc, indent, start)
            if strip_next:
                literal = literal.lstrip()
            strip_before, strip_next = self._strip_markers(child)
            if strip_before:
                literal = literal.rstrip()
            if literal:
                parts.append(literal)
            if child.type == "template_interpolation":
                expression = next((c for c in _named(child) if c.type == "expression"), None)
                if expression is not None:
                    parts.append(self.expression(expression, depth + 1))
            else:
                parts.append(Directive(self.pos(child)))
            cursor = child.end_byte
        literal = self._literal(cursor, end, heredoc, indent, start)
        if strip_next:
            literal = literal.lstrip()
        if literal:
            parts.append(literal)
        pos = self.pos(node)
        if not parts:
            return Literal("", pos)
        if len(parts) == 1 and isinstance(parts[0], str):
            return Literal(parts[0], pos)
        line = self._line_of(start) if heredoc else 0
        return Template(tuple(parts), pos, line, indent)

    @staticmethod
    def _strip_markers(node: Any) -> tuple[bool, bool]:
        if node.type != "template_interpolation":
            return False, False
        markers = [c for c in node.children if c.type == "strip_marker"]
        if not markers:
            return False, False
        first = node.children[1].type == "strip_marker" if node.child_count > 1 else False
        last = node.children[-2].type == "strip_marker" if node.child_count > 2 else False
        return first, last

    def _line_of(self, offset: int) -> int:
        if self.fixed_pos is not None:
            return 0
        return self.data.count(b"\n", 0, offset) + 1

    def _indent(self, start: int, end: int) -> int:
        """The smallest indentation of a non-blank line of a ``<<-`` heredoc."""
        smallest: int | None = None
        for line in self.data[start:end].split(b"\n"):
            stripped = line.lstrip(b" \t")
            if not stripped.strip():
                continue
            width = len(line) - len(stripped)
            smallest = width if smallest is None else min(smallest, width)
        return smallest or 0

    def _literal(self, start: int, end: int, heredoc: bool, indent: int, content: int) -> str:
        if start >= end:
            return ""
        raw = self.data[start:end]
        if indent:
            lines = raw.split(b"\n")
            at_line_start = start == content or self.data[start - 1 : start] == b"\n"
            for number, line in enumerate(lines):
                if number or at_line_start:
                    width = len(line) - len(line.lstrip(b" \t"))
                    lines[number] = line[min(width, indent) :]
            raw = b"\n".join(lines)
        text = raw.decode("utf-8", "surrogatepass")
        if heredoc:
            return _HEREDOC_ESCAPE.sub(_unescape, text) if "{" in text else text
        return _QUOTED_ESCAPE.sub(_unescape, text) if ("\\" in text or "{" in text) else text
