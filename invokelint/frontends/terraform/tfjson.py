"""``*.tf.json`` into the same syntax tree as HCL, so one evaluator reads both.

Terraform's JSON syntax puts blocks and attributes in plain objects; Terraform tells them
apart with the provider schema, which a linter does not have. Here an object (or an
array of objects) inside a resource, data source or nested block is a nested block,
unless its name is one of the map-typed arguments in ``MAP_ARGUMENTS`` (``tags``,
``variables``, ...). Strings are templates (``"${aws_sqs_queue.q.arn}"``), parsed by
``hcl.parse_template``; a variable's ``default`` is a literal, as Terraform reads it;
``"//"`` keys are comments. Positions come from the positioned JSON loader: an
attribute spans ``"key": value``, a block starts at its key and ends at its ``}``.
"""

from __future__ import annotations

from typing import Any

from invokelint.frontends.loader import ParseError, load_json
from invokelint.frontends.positioned import Map, Pos, Seq
from invokelint.frontends.terraform import hcl

# Arguments of map type that hold an object in JSON without being a nested block.
MAP_ARGUMENTS = frozenset(
    {
        "tags",
        "tags_all",
        "variables",
        "request_parameters",
        "request_templates",
        "response_parameters",
        "response_templates",
        "stage_variables",
        "input_paths",
        "dimensions",
        "labels",
        "default_tags",
        "triggers",
        "environment_variables",
        "parameters",
    }
)
_BLOCK_KINDS = frozenset({"resource", "data", "nested"})
_SKIPPED = frozenset({"//", "lifecycle", "provisioner", "connection"})


class _Invalid(Exception):
    def __init__(self, problem: hcl.SyntaxProblem) -> None:
        self.problem = problem


def parse_json(text: str) -> hcl.HclFile:
    """Parse one ``.tf.json`` (or ``.tfvars.json``) file. Never raises for bad input."""
    try:
        document = load_json(text)
    except ParseError as error:
        pos = (error.line, error.column, error.line, error.column + 1)
        return hcl.HclFile(None, hcl.SyntaxProblem(error.message, pos))
    root = document.root
    if not isinstance(root, Map):
        return hcl.HclFile(None, hcl.SyntaxProblem("expected a JSON object", (1, 1, 1, 2)))
    try:
        return hcl.HclFile(_top_level(root))
    except _Invalid as invalid:
        return hcl.HclFile(None, invalid.problem)


def parse_json_values(text: str) -> hcl.HclFile:
    """A ``.tfvars.json`` file: every top-level key is an attribute with a literal value."""
    try:
        document = load_json(text)
    except ParseError as error:
        pos = (error.line, error.column, error.line, error.column + 1)
        return hcl.HclFile(None, hcl.SyntaxProblem(error.message, pos))
    root = document.root
    if not isinstance(root, Map):
        return hcl.HclFile(None, hcl.SyntaxProblem("expected a JSON object", (1, 1, 1, 2)))
    body = hcl.Body()
    for key in root:
        pos = root.entry_position(key)
        body.attributes[key] = hcl.Attribute(
            key, _literal(root[key], root.value_position(key)), pos
        )
    return hcl.HclFile(body)


def _entries(value: Any, pos: Pos) -> list[tuple[str, Any, Pos, Pos]]:
    """``(key, value, key position, value position)`` of an object or array of objects."""
    found: list[tuple[str, Any, Pos, Pos]] = []
    if isinstance(value, Map):
        containers: list[Any] = [value]
    elif isinstance(value, Seq):
        containers = list(value)
    else:
        return found
    for container in containers:
        if not isinstance(container, Map):
            continue
        for key in container:
            if key != "//":
                found.append(
                    (
                        key,
                        container[key],
                        container.key_position(key),
                        container.value_position(key),
                    )
                )
    return found


def _top_level(root: Map) -> hcl.Body:
    body = hcl.Body()
    for key in root:
        value, value_pos = root[key], root.value_position(key)
        if key in ("resource", "data"):
            for kind, names, kind_pos, names_pos in _entries(value, value_pos):
                for name, inner, name_pos, inner_pos in _entries(names, names_pos):
                    body.blocks.extend(
                        _blocks(
                            key, (kind, name), (kind_pos, name_pos), inner, name_pos, inner_pos, key
                        )
                    )
        elif key in ("variable", "output", "module"):
            for name, inner, name_pos, inner_pos in _entries(value, value_pos):
                body.blocks.extend(
                    _blocks(key, (name,), (name_pos,), inner, name_pos, inner_pos, key)
                )
        elif key == "locals":
            for name, inner, name_pos, inner_pos in _entries(value, value_pos):
                attribute = hcl.Attribute(
                    name, _expression(inner, inner_pos), name_pos[:2] + inner_pos[2:]
                )
                body.blocks.append(
                    hcl.Block("locals", (), (), name_pos, name_pos, hcl.Body({name: attribute}))
                )
    return body


def _blocks(
    kind: str,
    labels: tuple[str, ...],
    label_pos: tuple[Pos, ...],
    value: Any,
    key_pos: Pos,
    value_pos: Pos,
    schema: str,
) -> list[hcl.Block]:
    """One block per object (a block may be written as an array of objects)."""
    if isinstance(value, Seq):
        items = list(zip(value, value.item_pos, strict=False))
    else:
        items = [(value, value_pos)]
    blocks = []
    for item, item_pos in items:
        if not isinstance(item, Map):
            continue
        header = (key_pos[0], key_pos[1], item_pos[0], item_pos[1] + 1)
        end = (item_pos[2], max(1, item_pos[3] - 1), item_pos[2], item_pos[3])
        blocks.append(hcl.Block(kind, labels, label_pos, header, end, _body(item, schema)))
    return blocks


def _body(mapping: Map, schema: str) -> hcl.Body:
    body = hcl.Body()
    for key in mapping:
        if key in _SKIPPED:
            continue
        value, key_pos, value_pos = (
            mapping[key],
            mapping.key_position(key),
            mapping.value_position(key),
        )
        if schema == "variable" and key == "default":
            expression: hcl.Expression = _literal(value, value_pos)
        elif schema == "variable" and key == "type":
            if not isinstance(value, str) or not value.isidentifier():
                continue
            expression = hcl.Variable(value, value_pos)
        elif key == "dynamic" and schema in _BLOCK_KINDS:
            for label, inner, label_pos, inner_pos in _entries(value, value_pos):
                body.blocks.extend(
                    _blocks(
                        "dynamic", (label,), (label_pos,), inner, label_pos, inner_pos, "dynamic"
                    )
                )
            continue
        elif (schema == "dynamic" and key == "content") or (
            schema in _BLOCK_KINDS and key not in MAP_ARGUMENTS and _is_block(value)
        ):
            body.blocks.extend(_blocks(key, (), (), value, key_pos, value_pos, "nested"))
            continue
        elif schema == "dynamic" and key == "iterator" and isinstance(value, str):
            expression = hcl.Variable(value, value_pos)
        else:
            expression = _expression(value, value_pos)
        body.attributes[key] = hcl.Attribute(key, expression, mapping.entry_position(key))
    return body


def _is_block(value: Any) -> bool:
    if isinstance(value, Map):
        return True
    return isinstance(value, Seq) and bool(value) and all(isinstance(item, Map) for item in value)


def _expression(value: Any, pos: Pos, *, templates: bool = True) -> hcl.Expression:
    """A JSON value as an expression: strings are templates (``${...}``) and ``//`` keys
    comments, unless ``templates`` is False (a variable's default, taken as it is)."""
    if isinstance(value, str) and templates:
        parsed = hcl.parse_template(value, pos)
        if isinstance(parsed, hcl.SyntaxProblem):
            raise _Invalid(parsed)
        return parsed
    if isinstance(value, Seq):
        return hcl.TupleExpr(
            tuple(
                _expression(item, item_pos, templates=templates)
                for item, item_pos in zip(value, value.item_pos, strict=False)
            ),
            pos,
        )
    if isinstance(value, Map):
        items = tuple(
            hcl.ObjectItem(
                hcl.Literal(key, value.key_position(key)),
                _expression(value[key], value.value_position(key), templates=templates),
                value.entry_position(key),
            )
            for key in value
            if not (templates and key == "//")
        )
        return hcl.ObjectExpr(items, pos)
    return hcl.Literal(value, pos)


def _literal(value: Any, pos: Pos) -> hcl.Expression:
    """A JSON value taken as it is (a variable's default): strings are not templates."""
    return _expression(value, pos, templates=False)
