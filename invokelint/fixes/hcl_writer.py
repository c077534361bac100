"""The writer for Terraform HCL: span edits on the syntax tree of the HCL reader.

A fix names CloudFormation properties; ``SCHEMA`` says how the AWS provider spells each
one and whether it is an attribute or a nested block. Only a literal written in a
``resource`` block is edited: a value that comes from a variable, a local, a module
argument or an expression is not this file's to change, so such a fix is skipped without
a warning and the finding stays. An attribute's value is replaced in place, a missing
attribute inserted after the block's last attribute at its indentation (nested blocks
before the closing brace), an entry of ``jsonencode({...})`` edited inside, a nested
block removed with its lines. Every edit is checked by parsing the result again: no
syntax error, the edited place holds the new value and the rest of the tree is
unchanged, or the fix is dropped with a warning. Another resource's ARN (a ``Reference``)
is written as its address, ``aws_sqs_queue.failed.arn``, only for a resource block of the
same file with no ``count``/``for_each``. ``.tf.json`` reads into the same tree:
its edits are located here and written, in Terraform's names, by the JSON writer.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from invokelint.fixes import Edit, Fix, Reference
from invokelint.fixes.apply import Outcome, Unfixable
from invokelint.frontends.terraform import hcl
from invokelint.frontends.terraform.terms import TERRAFORM_TERMS

HCL_SUFFIXES = (".tf", ".tofu")

# CloudFormation property -> the AWS provider's attribute, or (nested block, its schema).
# Names come from the terms messages use; only what no message names is spelled here.
Schema = dict[str, str | tuple[str, "Schema"]]


def _terms(*keys: str, **blocks: Schema) -> Schema:
    """Attributes named as in the terms, and nested blocks (by property) with their own."""
    schema: Schema = {key: TERRAFORM_TERMS[key] for key in keys}
    schema.update({key: (TERRAFORM_TERMS[key], inner) for key, inner in blocks.items()})
    return schema


SCHEMA: dict[str, Schema] = {
    "aws_sqs_queue": _terms(
        "VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy", "FifoQueue"
    ),
    "aws_lambda_event_source_mapping": {
        **_terms(
            "BatchSize",
            "MaximumBatchingWindowInSeconds",
            "MaximumRetryAttempts",
            "MaximumRecordAgeInSeconds",
            "BisectBatchOnFunctionError",
            "FunctionResponseTypes",
            DestinationConfig=_terms(OnFailure={"Destination": "destination_arn"}),
        ),
        "ScalingConfig": ("scaling_config", _terms("MaximumConcurrency")),
    },
    "aws_lambda_function_event_invoke_config": _terms(
        "MaximumRetryAttempts",
        "MaximumEventAgeInSeconds",
        DestinationConfig=_terms(
            OnFailure={"Destination": "destination"}, OnSuccess={"Destination": "destination"}
        ),
    ),
    "aws_lambda_function": _terms(
        "Timeout",
        "ReservedConcurrentExecutions",
        DeadLetterConfig={"TargetArn": "target_arn"},
    ),
    "aws_lambda_function_url": {
        "Cors": ("cors", {"AllowCredentials": "allow_credentials", "AllowOrigins": "allow_origins"})
    },
}

# Attributes that hold a ``jsonencode({...})`` document whose entries are CloudFormation's
# keys (a missing one is written whole, with the fix's entries).
ENCODED = frozenset({"redrive_policy"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")  # tree-sitter counts rows at "\n" only
_POSITIONS = frozenset({"pos", "line", "label_pos", "header", "end"})


class NoFix(Exception):
    """No fix belongs here (a variable, an expression, a module call): skipped silently."""


@dataclass(frozen=True, slots=True)
class _Document:
    """A new ``jsonencode({...})`` value: its entries in the fix's order."""

    entries: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Route:
    """A place in the tree that survives edits elsewhere: the resource by its labels,
    nested blocks by type and ordinal, then an attribute and entries of its
    ``jsonencode({...})`` object (none of them for the block itself)."""

    resource: tuple[str, ...]
    blocks: tuple[tuple[str, int], ...] = ()
    attribute: str | None = None
    keys: tuple[str, ...] = ()

    def child(self, kind: str) -> Route:
        return Route(self.resource, (*self.blocks, (kind, 0)))

    def at(self, attribute: str) -> Route:
        return Route(self.resource, self.blocks, attribute)


@dataclass(frozen=True, slots=True)
class _Step:
    """One edit resolved against the original text: where, and what to do there."""

    route: Route
    names: tuple[str, ...]  # Terraform names below ``route`` (blocks, then the attribute)
    edit: Edit


@dataclass(frozen=True, slots=True)
class _Change:
    """One splice of the text, and what the result must show for it."""

    start: int
    end: int
    text: str
    old: Any = None  # the node replaced or removed (None for an insertion)
    new: Route | None = None  # where the new node is (None for a removal)
    target: Route | None = None  # where the new value is read
    value: Any = None


def apply_hcl_fixes(text: str, path: str, fixes: Iterable[Fix]) -> Outcome:
    """``text`` with every fix that applies cleanly.

    Anchors name places in ``text``: they become routes once. All fixes are spliced in
    and checked together (one parse, however many fixes); when that check fails, they
    are applied one after the other so that only those that do not apply are dropped.
    """
    outcome = Outcome(text)
    parsed = hcl.parse(text)
    if parsed.body is None:
        why = parsed.problem.message if parsed.problem else "unknown"
        outcome.dropped.extend((fix, f"the file does not parse: {why}") for fix in fixes)
        return outcome
    writer = _Writer(text)
    planned: list[tuple[Fix, list[_Step], list[_Change]]] = []
    for fix in fixes:
        try:
            steps = _merged([_resolve_edit(parsed.body, edit) for edit in fix.edits])
            changes = [change for step in steps if (change := writer.change(step)) is not None]
        except NoFix as exc:
            outcome.skipped.append((fix, str(exc)))
        except Unfixable as exc:
            outcome.dropped.append((fix, str(exc)))
        else:
            planned.append((fix, steps, changes))
    try:
        together = writer.checked([c for _, _, changes in planned for c in changes])
    except Unfixable:
        pass
    else:
        for fix, _, changes in planned:
            if any(text[c.start : c.end] != c.text for c in changes):
                outcome.applied.append(fix)
        outcome.text = together
        return outcome
    for fix, steps, _ in planned:
        try:
            new = outcome.text
            for step in steps:
                one = _Writer(new)
                change = one.change(step)
                new = new if change is None else one.checked([change])
        except NoFix as exc:
            outcome.skipped.append((fix, str(exc)))
        except Unfixable as exc:
            outcome.dropped.append((fix, str(exc)))
        else:
            outcome.take(fix, new)
    return outcome


def apply_tf_json_fixes(text: str, path: str, fixes: Iterable[Fix]) -> Outcome:
    """``.tf.json``: each edit located as in HCL (the same tree), translated to
    Terraform's names, and written by the JSON writer (which checks the result's data).
    Only a JSON literal is replaced (a ``"${...}"`` string is an expression), and nothing
    is removed."""
    from invokelint.fixes.apply import apply_template_fixes
    from invokelint.frontends.terraform.tfjson import parse_json

    outcome = Outcome(text)
    parsed = parse_json(text)
    if parsed.body is None:
        why = parsed.problem.message if parsed.problem else "unknown"
        outcome.dropped.extend((fix, f"the file does not parse: {why}") for fix in fixes)
        return outcome
    pairs: list[tuple[Fix, Fix]] = []  # (the rule's fix, the same in Terraform's names)
    for fix in fixes:
        try:
            edits = tuple(_json_edit(parsed.body, edit) for edit in fix.edits)
        except NoFix as exc:
            outcome.skipped.append((fix, str(exc)))
        except Unfixable as exc:
            outcome.dropped.append((fix, str(exc)))
        else:
            pairs.append((fix, Fix(edits, fix.safety, fix.title)))
    written = apply_template_fixes(text, path, [named for _, named in pairs])
    rule_fix = {id(named): fix for fix, named in pairs}
    outcome.text = written.text
    outcome.applied = [rule_fix[id(named)] for named in written.applied]
    outcome.dropped += [(rule_fix[id(named)], why) for named, why in written.dropped]
    return outcome


def _json_edit(body: hcl.Body, edit: Edit) -> Edit:
    """``edit`` with Terraform's names, for the JSON writer."""
    step = _resolve_edit(body, edit)
    if edit.remove or step.route.keys or isinstance(step.edit.value, _Document):
        raise NoFix("Terraform JSON: removals and encoded documents are not edited")
    render(edit.value)  # a value Terraform can take
    if any("${" in v or "%{" in v for v in _strings(edit.value)):
        raise NoFix("the new value would read as a template in Terraform JSON")
    if isinstance(edit.value, Reference):  # JSON spells a reference as a template
        edit = replace(edit, value="${" + edit.value.terraform + "}")
    names = step.names
    route = step.route.at(names[0]) if len(names) == 1 else step.route
    node = find(body, route)
    if isinstance(node, hcl.Attribute):
        literal(node.expression)  # only a written literal is replaced
    if not names:
        return Edit(edit.anchor, (), edit.value, key=step.route.attribute)
    return Edit(edit.anchor, names, edit.value)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for v in value for item in _strings(v)] if isinstance(value, list | tuple) else []


# -- from an anchor and CloudFormation names to a route and Terraform names


def _resolve_edit(body: hcl.Body, edit: Edit) -> _Step:
    _referable(body, edit.value)
    for given in edit.given:  # what the fix relies on is written here, as a literal
        if given.path != edit.anchor.path:
            raise NoFix("a value the fix relies on is written in another file")
        node = find(body, _locate(body, given.line, given.column))
        literal(getattr(node, "expression", None) or getattr(node, "value", None))
    route = _locate(body, edit.anchor.line, edit.anchor.column)
    block_anchor = route.attribute is None and route.blocks and not edit.path
    schema = _schema_at(route.resource[0], route.blocks[:-1] if block_anchor else route.blocks)
    path = list(edit.path)
    if route.attribute is None and not route.blocks and path[:1] == ["Properties"]:
        path.pop(0)  # a resource's properties are its block's body
    if route.keys:  # an entry of jsonencode({...}): JSON keys are the same in both
        if path or (edit.key is not None and edit.key != route.keys[-1]):
            raise Unfixable(f"the anchor names '{route.keys[-1]}', not '{edit.key}'")
        return _Step(route, (), edit)
    if route.attribute is not None:
        if path:
            raise NoFix("the property is inside an attribute's value")
        if edit.key is not None and _name(schema, edit.key) != route.attribute:
            raise Unfixable(f"the anchor names '{route.attribute}', not '{edit.key}'")
        return _Step(route, (), edit)
    if not path:  # the anchor's own block (a nested block to remove)
        kind = route.blocks[-1][0] if route.blocks else None
        if not block_anchor or edit.key is None or _name(schema, edit.key, parent=True) != kind:
            raise Unfixable(f"the anchor names block '{kind}', not '{edit.key}'")
        return _Step(route, (), edit)
    names = []
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        entry = schema.get(key)
        if isinstance(entry, tuple) and not (last and not edit.remove):
            names.append(entry[0])
            schema = entry[1]
        elif isinstance(entry, str) and last:
            names.append(entry)
        elif entry in ENCODED and depth == len(path) - 2 and not edit.remove:
            names.append(entry)  # an entry of the document the attribute encodes
            edit = replace(edit, value=_Document(((path[-1], edit.value),)))
            break
        else:
            raise NoFix(f"no Terraform attribute for '{key}'")
    return _Step(route, tuple(names), edit)


def _merged(steps: list[_Step]) -> list[_Step]:
    """One fix's entries of the same new document, as one step that writes it whole."""
    merged: list[_Step] = []
    where: dict[tuple[Route, tuple[str, ...]], int] = {}
    for step in steps:
        document = step.edit.value
        if not isinstance(document, _Document):
            merged.append(step)
            continue
        at = where.setdefault((step.route, step.names), len(merged))
        if at == len(merged):
            merged.append(step)
            continue
        before = merged[at]
        entries = before.edit.value.entries + document.entries
        merged[at] = replace(before, edit=replace(before.edit, value=_Document(entries)))
    return merged


def _referable(body: hcl.Body, value: Any) -> None:
    """A reference must name one resource block of this file: not a called module's,
    nor one of ``count``/``for_each`` instances (which instance is a human's call)."""
    if not isinstance(value, Reference):
        return
    labels = tuple(value.resource.split("."))
    block = next(
        (b for b in body.blocks if b.type == "resource" and b.labels == labels),
        None,
    )
    if block is None:
        raise NoFix(f"'{value.resource}' is not a resource written in this file")
    if "count" in block.body.attributes or "for_each" in block.body.attributes:
        raise NoFix(f"'{value.resource}' has count or for_each instances")


def _schema_at(resource: str, blocks: tuple[tuple[str, int], ...]) -> Schema:
    """The names inside a resource's block or one of its nested blocks."""
    schema = SCHEMA.get(resource)
    if schema is None:
        raise NoFix(f"no table of Terraform names for {resource}")
    for kind, _ in blocks:
        inner = next((e[1] for e in schema.values() if isinstance(e, tuple) and e[0] == kind), None)
        if inner is None:
            raise NoFix(f"no table of Terraform names inside {kind}")
        schema = inner
    return schema


def _name(schema: Schema, key: str, *, parent: bool = False) -> str | None:
    entry = schema.get(key)
    if isinstance(entry, tuple):
        return entry[0] if parent else None
    return None if parent else entry


def _within(at: tuple[int, int], start: tuple[int, ...], end: tuple[int, ...]) -> bool:
    return (start[0], start[1]) <= at < (end[0], end[1])


def _locate(body: hcl.Body, line: int, column: int) -> Route:
    at = (line, column)
    for block in body.blocks:
        if not _within(at, block.header, block.end[2:]):
            continue
        if block.type != "resource" or len(block.labels) != 2:
            raise NoFix(f"the value is written in a {block.type} block, not in a resource")
        return _locate_in(block, at, Route(block.labels), ())
    if any(_within(at, a.pos, a.pos[2:]) for a in body.attributes.values()):
        raise NoFix("the value is written outside any block")
    raise Unfixable("the fix's anchor names nothing in the file")


def _locate_in(block: hcl.Block, at: tuple[int, int], root: Route, steps: tuple) -> Route:
    if block.header[:2] == at:
        return Route(root.resource, steps)
    for attribute in block.body.attributes.values():
        if attribute.pos[:2] == at:
            return Route(root.resource, steps, attribute.name)
        if _within(at, attribute.pos, attribute.pos[2:]):
            keys = _entry_keys(_encoded(attribute.expression), at)
            if keys is None:
                raise NoFix("the value is written inside an expression the writer does not edit")
            return Route(root.resource, steps, attribute.name, keys)
    seen: Counter[str] = Counter()
    for nested in block.body.blocks:
        ordinal = seen[nested.type]
        seen[nested.type] += 1
        if _within(at, nested.header, nested.end[2:]):
            if nested.type == "dynamic":
                raise NoFix("the value is written in a dynamic block")
            return _locate_in(nested, at, root, (*steps, (nested.type, ordinal)))
    raise Unfixable("the fix's anchor names nothing in the block")


def _encoded(expression: hcl.Expression) -> hcl.ObjectExpr | None:
    """The object of ``jsonencode({...})``."""
    if (
        isinstance(expression, hcl.Call)
        and expression.name == "jsonencode"
        and len(expression.args) == 1
        and isinstance(expression.args[0], hcl.ObjectExpr)
    ):
        return expression.args[0]
    return None


def _entry_keys(node: hcl.ObjectExpr | None, at: tuple[int, int]) -> tuple[str, ...] | None:
    for item in node.items if node is not None else ():
        key = item.key
        if not isinstance(key, hcl.Literal) or not isinstance(key.value, str):
            continue
        if item.pos[:2] == at:
            return (key.value,)
        if _within(at, item.pos, item.pos[2:]) and isinstance(item.value, hcl.ObjectExpr):
            inner = _entry_keys(item.value, at)
            return None if inner is None else (key.value, *inner)
    return None


def find(body: hcl.Body, route: Route) -> Any:
    """The block, attribute or object entry a route names in ``body``; None if gone."""
    block = next(
        (b for b in body.blocks if b.type == "resource" and b.labels == route.resource), None
    )
    for kind, ordinal in route.blocks:
        if block is None:
            return None
        same = [b for b in block.body.blocks if b.type == kind]
        block = same[ordinal] if ordinal < len(same) else None
    if block is None or route.attribute is None:
        return block
    attribute = block.body.attributes.get(route.attribute)
    if attribute is None or not route.keys:
        return attribute
    node: Any = _encoded(attribute.expression)
    item = None
    for key in route.keys:
        if not isinstance(node, hcl.ObjectExpr):
            return None
        item = next(
            (i for i in node.items if isinstance(i.key, hcl.Literal) and i.key.value == key), None
        )
        if item is None:
            return None
        node = item.value
    return item


# -- literals


def literal(expression: hcl.Expression) -> Any:
    """The value of a written literal (``-1`` and lists of literals too); NoFix otherwise."""
    if isinstance(expression, hcl.Literal):
        return expression.value
    if (
        isinstance(expression, hcl.Unary)
        and expression.operator == "-"
        and isinstance(expression.operand, hcl.Literal)
        and type(expression.operand.value) in (int, float)
    ):
        return -expression.operand.value
    if isinstance(expression, hcl.TupleExpr):
        return [literal(item) for item in expression.items]
    raise NoFix("the value is a variable, a reference or an expression, not a literal")


def render(value: Any) -> str:
    """A value as HCL writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        quoted = json.dumps(value, ensure_ascii=False)
        return quoted.replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render(item) for item in value) + "]"
    if isinstance(value, Reference):
        return value.terraform
    if isinstance(value, _Document):
        entries = ", ".join(
            f"{key if _IDENTIFIER.fullmatch(key) else json.dumps(key)} = {render(item)}"
            for key, item in value.entries
        )
        return f"jsonencode({{ {entries} }})"
    raise NoFix("the new value has no Terraform spelling")


def holds(expression: Any, wanted: Any) -> bool:
    """Whether ``expression`` is what ``render(wanted)`` writes."""
    if isinstance(wanted, Reference):
        return _dotted(expression) == wanted.terraform
    if isinstance(wanted, _Document):
        document = _encoded(expression)
        if document is None or len(document.items) != len(wanted.entries):
            return False
        written = {
            item.key.value: item.value
            for item in document.items
            if isinstance(item.key, hcl.Literal)
        }
        return all(key in written and holds(written[key], v) for key, v in wanted.entries)
    try:
        return _same(literal(expression), wanted)
    except NoFix:
        return False


def _dotted(expression: Any) -> str | None:
    """``aws_sqs_queue.q.arn`` for a traversal of names only."""
    if not isinstance(expression, hcl.Traversal) or not isinstance(expression.source, hcl.Variable):
        return None
    steps = [step.name for step in expression.steps if isinstance(step, hcl.GetAttr)]
    if len(steps) != len(expression.steps):
        return None
    return ".".join([expression.source.name, *steps])


def _same(found: Any, wanted: Any) -> bool:
    def plain(value: Any) -> Any:
        return [plain(v) for v in value] if isinstance(value, list | tuple) else value

    return json.dumps(plain(found)) == json.dumps(plain(wanted))


def shape(node: Any, skip: frozenset[int] = frozenset()) -> Any:
    """``node`` without positions, leaving out the nodes whose ``id`` is in ``skip``."""
    if isinstance(node, list | tuple):
        return [shape(item, skip) for item in node if id(item) not in skip]
    if isinstance(node, dict):
        return {key: shape(item, skip) for key, item in node.items() if id(item) not in skip}
    if is_dataclass(node):
        return [
            type(node).__name__,
            {
                f.name: shape(getattr(node, f.name), skip)
                for f in fields(node)
                if f.name not in _POSITIONS
            },
        ]
    return node


# -- text


class _Writer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _LINE.findall(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.newline = "\r\n" if "\r\n" in text else "\n"
        parsed = hcl.parse(text)
        if parsed.body is None:
            raise Unfixable("an earlier edit left the file unreadable")
        self.body = parsed.body

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def line(self, number: int) -> str:
        return self.lines[number - 1] if number <= len(self.lines) else ""

    def indent(self, pos: tuple[int, ...]) -> str:
        before = self.line(pos[0])[: pos[1] - 1]
        if before.strip():
            raise Unfixable("the block shares its line with other text")
        return before

    # -- one edit
    def change(self, step: _Step) -> _Change | None:
        """The splice that makes ``step``; None when there is nothing to remove."""
        node = find(self.body, step.route)
        if node is None:
            raise Unfixable("an earlier edit removed the place this fix edits")
        edit = step.edit
        names = list(step.names)
        route = step.route
        while names:  # down through the nested blocks that exist
            block: hcl.Block = node
            name = names[0]
            if any(b.type == "dynamic" and b.labels[:1] == (name,) for b in block.body.blocks):
                raise NoFix(f"'{name}' is written as a dynamic block")
            same = [b for b in block.body.blocks if b.type == name]
            if len(names) == 1 and not same and name in block.body.attributes:
                if isinstance(edit.value, _Document):
                    raise NoFix(f"'{name}' is written: only its entries are edited")
                node, route = block.body.attributes[name], route.at(name)
                break
            if name in block.body.attributes or len(same) > 1:
                raise NoFix(f"'{name}' is not one nested block")
            if not same:
                return None if edit.remove else self._insert(block, route, names, edit)
            node, route = same[0], route.child(name)
            names.pop(0)
        if edit.remove:
            return self._remove(node)
        return self._set(node, route, edit)

    def _set(self, node: Any, route: Route, edit: Edit) -> _Change:
        if isinstance(node, hcl.Block):
            raise NoFix("a nested block cannot take a value")
        expression = node.expression if isinstance(node, hcl.Attribute) else node.value
        literal(expression)  # only a written literal is replaced
        start = self.offset(*expression.pos[:2])
        end = self.offset(*expression.pos[2:])
        if self.text[start : start + 2] == "<<":
            raise NoFix("the value is a heredoc")
        return _Change(start, end, render(edit.value), node, route, route, edit.value)

    def _insert(self, block: hcl.Block, route: Route, names: list[str], edit: Edit) -> _Change:
        """Add ``names`` (nested blocks, then the attribute) to ``block``."""
        value = render(edit.value)
        nl = self.newline
        members = sorted(
            [a.pos for a in block.body.attributes.values()] + [b.header for b in block.body.blocks]
        )
        one_line = block.header[0] == block.end[0]
        if one_line and members:
            raise Unfixable("the block is written on one line")
        inner = self.indent(members[0]) if members else None
        step = self._step(block, inner)
        if inner is None:
            inner = self.indent(block.header) + step
        lines = [f"{inner}{step * depth}{name} {{" for depth, name in enumerate(names[:-1])]
        lines.append(f"{inner}{step * (len(names) - 1)}{names[-1]} = {value}")
        lines += [f"{inner}{step * depth}}}" for depth in range(len(names) - 2, -1, -1)]
        text = nl.join(lines) + nl
        end = None
        if one_line:  # ``{}``: opened onto lines of its own
            at, end = self.offset(*block.header[2:]) - 1, self.offset(*block.end[2:])
            text = "{" + nl + text + self.indent(block.header) + "}"
        elif len(names) == 1:
            at, text = self._attribute_entry(block, names[0], value, inner)
        else:
            self.indent(block.end)  # the closing brace must start its line
            at = self.offset(block.end[0], 1)
            if members and self.line(block.end[0] - 1).strip():
                text = nl + text  # a blank line before a new nested block
        target = route
        for name in names[:-1]:
            target = target.child(name)
        added = route.child(names[0]) if len(names) > 1 else route.at(names[0])
        return _Change(
            at, at if end is None else end, text, None, added, target.at(names[-1]), edit.value
        )

    def _attribute_entry(
        self, block: hcl.Block, name: str, value: str, inner: str
    ) -> tuple[int, str]:
        """Where a new attribute goes and its line: after the last attribute before the
        nested blocks, its ``=`` aligned as that attribute's; else before the first block."""
        nl = self.newline
        attributes = sorted(block.body.attributes.values(), key=lambda a: a.pos)
        first_block = min((b.header for b in block.body.blocks), default=None)
        before = [a for a in attributes if first_block is None or a.pos < first_block]
        after = before[-1] if before else (attributes[-1] if attributes else None)
        if after is not None:
            indent = self.indent(after.pos)
            written = self.line(after.pos[0])[after.pos[1] - 1 :]
            gap = re.match(r"[^\s=]+([ \t]*)=([ \t]*)", written)
            spaces, behind = (gap.group(1), gap.group(2)) if gap else (" ", " ")
            width = len(after.name) + len(spaces)
            pad = " " * max(width - len(name), 1 if spaces else 0)
            entry = f"{indent}{name}{pad}={behind or ' '}{value}{nl}"
            return self.starts[after.pos[2]], entry
        if first_block is not None:
            number = first_block[0]
            while number > 1 and self.line(number - 1).lstrip().startswith(("#", "//")):
                number -= 1  # a comment above the block stays with it
            indent = self.indent(first_block)
            return self.starts[number - 1], f"{indent}{name} = {value}{nl}{nl}"
        header_line = self.line(block.header[0])
        rest = header_line[block.header[3] - 1 :].strip()
        if rest and not rest.startswith(("#", "//")):
            raise Unfixable("the block's opening line holds more than its brace")
        return self.starts[block.header[0]], f"{inner}{name} = {value}{nl}"

    def _step(self, block: hcl.Block, inner: str | None) -> str:
        """One level of indentation as the file writes it."""
        outer = self.indent(block.header)
        if inner is not None and inner.startswith(outer) and len(inner) > len(outer):
            return inner[len(outer) :]
        for line in self.lines:  # the file's first indented line
            if line[:1] in (" ", "\t") and line.strip():
                return line[: len(line) - len(line.lstrip(" \t"))]
        return "  "

    def _remove(self, node: Any) -> _Change:
        if isinstance(node, hcl.Block):
            start, end = node.header, node.end
        elif isinstance(node, hcl.Attribute):
            start, end = node.pos, node.pos
        else:
            raise NoFix("removing an entry of a JSON document is not supported")
        self.indent(start)
        rest = self.line(end[2])[end[3] - 1 :].strip()
        if rest and not rest.startswith(("#", "//")):
            raise Unfixable("the removed lines hold other text")
        first, last = start[0], end[2]  # whole lines, 1-based, inclusive
        after = self.line(last + 1).strip()
        if first > 1 and not self.line(first - 1).strip() and (not after or after[0] == "}"):
            first -= 1  # do not leave two blank lines, or one before a closing brace
        return _Change(self.starts[first - 1], self.starts[min(last, len(self.lines))], "", node)

    # -- the check
    def checked(self, changes: list[_Change]) -> str:
        """The text with ``changes`` spliced in, if it parses, every target holds its
        value, and nothing but the changed nodes differs; else ``Unfixable``."""
        pieces, cursor, seen = [], 0, set()
        for change in sorted(changes, key=lambda c: (c.start, c.end)):
            key = (change.start, change.end, change.text)
            if key in seen:  # the same edit from two findings
                continue
            seen.add(key)
            if change.start < cursor:
                raise Unfixable("two edits overlap")
            pieces += [self.text[cursor : change.start], change.text]
            cursor = change.end
        new = "".join([*pieces, self.text[cursor:]])
        parsed = hcl.parse(new)
        if parsed.body is None:
            raise Unfixable(f"the result would not parse: {parsed.problem.message}")  # type: ignore[union-attr]
        for change in changes:
            if change.target is None:
                continue
            written = find(parsed.body, change.target)
            expression = getattr(written, "expression", None) or getattr(written, "value", None)
            if expression is None or not holds(expression, change.value):
                raise Unfixable("the result would not hold the new value")
        old = frozenset(id(c.old) for c in changes if c.old is not None)
        added = (find(parsed.body, c.new) for c in changes if c.new is not None)
        if shape(self.body, old) != shape(parsed.body, frozenset(id(n) for n in added)):
            raise Unfixable("the result would change more than the fix's edits")
        return new
