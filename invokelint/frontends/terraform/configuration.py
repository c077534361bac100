"""What a Terraform configuration says, evaluated, before it becomes the invocation model.

Three readers produce a ``Configuration``: HCL (``*.tf``, ``*.tofu``, through tree-sitter),
``*.tf.json`` and plan JSON (``terraform show -json``). One builder turns it into the
provider-neutral model. Nothing here knows a parser, so the builder serves all three.

Values follow the model's discipline, with three outcomes: a known Python value, an
absent attribute (the AWS default applies: the attribute is simply not in the block), or
``UNKNOWN`` (a variable without a value, a function the evaluator does not know, an
attribute only known after apply). A reference to another resource is a ``Ref`` by
address, never ARN text: a plan shows a new queue's ARN as unknown, but its address is
always known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from invokelint.limits import MAX_EVALUATION_DEPTH
from invokelint.model import UNKNOWN, Location


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a resource or data source, or one of its attributes.

    ``address`` is the resource address inside the flattened module tree with instance
    keys dropped: ``aws_sqs_queue.q`` for ``aws_sqs_queue.q[0].arn``,
    ``module.jobs.aws_sqs_queue.q`` for a resource of a local module, and
    ``data.archive_file.code`` for a data source. ``attribute`` is the first attribute
    name after the address (``arn``, ``id``, ``url``, ``name``, ``invoke_arn``,
    ``stream_arn``, ``qualified_arn``, ``output_path``, ...), or None for the object.
    ``instance`` (plans only) is the keyed module instance the reference reached the
    resource through (``module.w["a"]`` for ``module.w["a"].queue_arn``): which of the
    address's instances it means. It does not take part in equality.
    """

    address: str
    attribute: str | None = None
    instance: str | None = field(default=None, compare=False)


@dataclass(slots=True)
class Value:
    """An evaluated expression and where a user would edit it.

    ``value`` is None (HCL ``null``), ``bool``, ``int``, ``float``, ``str``,
    ``list[Value]``, ``dict[str, Value]``, a ``Ref``, or ``UNKNOWN``. A string that is
    exactly one interpolation of a reference (``"${aws_sqs_queue.q.arn}"``) is that
    ``Ref``; a string mixing a reference with other text is ``UNKNOWN``.

    ``location`` is where the value is written: the whole ``name = expr`` attribute for
    a value written in the block, an object entry (``key = value``) inside
    ``jsonencode({...})``, or, for a value that came through a variable, the caller's
    module argument, the ``.tfvars`` line or the variable's ``default``. ``related`` then
    holds the places it passed through (the attribute in the module that reads it).

    JSON held in a string (``redrive_policy``, filter ``pattern``, ``event_pattern``,
    state machine ``definition``): read it with ``json()``, never by parsing ``value``.
    ``jsonencode({...})`` is a ``str`` when everything inside is known, else ``UNKNOWN``
    (a ``Ref`` has no text yet); either way ``document`` keeps the encoded structure with
    its ``Ref``s and each entry's ``key = value`` location. A template whose text is JSON
    around interpolations (a heredoc or quoted string with ``"${aws_sqs_queue.dlq.arn}"``)
    is ``UNKNOWN`` with ``document`` set the same way: an interpolation that is a whole
    JSON string becomes that ``Ref`` (or ``UNKNOWN``); every entry is located at the string.

    ``mentions`` names the resources interpolated into a string that is therefore
    ``UNKNOWN`` (``"${aws_api_gateway_rest_api.api.execution_arn}/*/*"``), in order: which
    resource an ARN is built from, without knowing the ARN.
    """

    value: Any
    location: Location
    related: tuple[Location, ...] = ()
    document: Value | None = None  # the JSON structure a string encodes, when known (above)
    mentions: tuple[Ref, ...] = ()  # Refs interpolated into an unknown string (above)

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN

    def json(self) -> Value | None:
        """The JSON this string holds, as ``Value``s; None when it is not JSON or unknown.

        ``document`` when set; otherwise a known ``str`` is decoded (every entry then
        located at this value).
        """
        if self.document is not None:
            return self.document
        if not isinstance(self.value, str):
            return None
        import json

        try:
            data = json.loads(self.value)
        except (ValueError, RecursionError):
            return None
        return from_json(data, self.location)

    def plain(self) -> Any:
        """The value with every nested ``Value`` unwrapped (``Ref`` and ``UNKNOWN`` kept)."""
        inner = self.value
        if isinstance(inner, list):
            return [item.plain() for item in inner]
        if isinstance(inner, dict):
            return {key: item.plain() for key, item in inner.items()}
        return inner


def from_json(
    data: Any,
    location: Location,
    locate: Callable[[Any, Any], Location] | None = None,
) -> Value | None:
    """Decoded JSON (dicts, lists, scalars) as ``Value``s located at ``location``, or where
    ``locate(container, key or index)`` says each entry is written.

    Iterative, and None for a document nested deeper than ``MAX_EVALUATION_DEPTH``, so
    neither this nor ``Value.plain()`` can exhaust the stack.
    """
    root = Value(None, location)
    pending: list[tuple[Any, Value, int]] = [(data, root, 1)]
    while pending:
        item, target, depth = pending.pop()
        if depth > MAX_EVALUATION_DEPTH:
            return None
        if isinstance(item, dict):
            entries: dict[str, Value] = {}
            for key, inner in item.items():
                where = locate(item, key) if locate else location
                entries[str(key)] = child = Value(None, where)
                pending.append((inner, child, depth + 1))
            target.value = entries
        elif isinstance(item, list):
            items = [Value(None, locate(item, i) if locate else location) for i in range(len(item))]
            pending.extend(
                (inner, child, depth + 1) for inner, child in zip(item, items, strict=True)
            )
            target.value = items
        else:
            target.value = item
    return root


@dataclass(slots=True)
class Block:
    """A ``resource`` or ``data`` block, or a nested block such as ``dead_letter_config``.

    ``attributes`` holds only what is written (or, for a plan, what the plan knows):
    an absent attribute means the provider default. ``blocks`` keeps nested blocks in
    source order; a ``dynamic "x"`` block whose ``for_each`` cannot be expanded becomes
    one ``x`` block with ``dynamic=True`` and its ``each.*`` values unknown.

    ``expanded`` says how ``count``/``for_each`` were handled: ``"single"`` (neither is
    set), ``"literal"`` (a known collection: the block stands for each instance alike),
    ``"unknown"`` (the block is analysed once with ``count.index``/``each.*`` unknown).
    """

    type: str  # "aws_lambda_function"; for a nested block its block type
    labels: tuple[str, ...]  # ("aws_lambda_function", "worker") for a resource; () nested
    location: Location  # the block's first line: type and labels, up to the ``{``
    address: str = ""  # "aws_lambda_function.worker", "data.archive_file.code"; "" nested
    mode: Literal["managed", "data", "nested"] = "managed"
    attributes: dict[str, Value] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    module: str = ""  # "" for the root module, "module.jobs" (or nested) otherwise
    module_path: str = "."  # the module's folder relative to the root module (path.module)
    end: Location | None = None  # the block's closing ``}`` (where to insert an attribute)
    expanded: Literal["single", "literal", "unknown"] = "single"
    dynamic: bool = False

    @property
    def name(self) -> str:
        """The resource name (second label), or the block type for a nested block."""
        return self.labels[-1] if self.labels else self.type

    def get(self, name: str) -> Value | None:
        """The attribute ``name``, or None when it is not written (AWS default)."""
        return self.attributes.get(name)

    def nested(self, block_type: str) -> list[Block]:
        """Nested blocks of one type, in source order."""
        return [block for block in self.blocks if block.type == block_type]

    def first(self, block_type: str) -> Block | None:
        for block in self.blocks:
            if block.type == block_type:
                return block
        return None


@dataclass(slots=True)
class Problem:
    """A file that could not be read or parsed: reported as IL001 at ``location``."""

    location: Location
    message: str


@dataclass(slots=True)
class Configuration:
    """One root module, with its local (and initialised registry) modules flattened in.

    ``directory`` is the root module's folder: relative paths in values (``filename``,
    ``source_dir``, ``path.module`` results) are resolved against it, as Terraform does.
    ``files`` lists the display path of every file read; ``sources`` maps each to its
    text (suppression comments are read from it). A file with a syntax error adds a
    ``Problem`` and contributes no block.
    """

    directory: str
    files: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # module call address ("module.jobs") -> where the call is written; opaque modules
    # (registry/git sources not on disk) are listed here too, with no blocks inside
    module_calls: dict[str, Location] = field(default_factory=dict)
    opaque_modules: set[str] = field(default_factory=set)
    statistics: dict[str, int] = field(default_factory=dict)  # "modules", "tf files", ...
    # folders read as called modules (absolute): not linted again as root modules
    module_folders: list[str] = field(default_factory=list)

    def resources(self, resource_type: str | None = None) -> Iterator[Block]:
        """Managed resources, of one type or all."""
        for block in self.blocks:
            if block.mode == "managed" and (resource_type is None or block.type == resource_type):
                yield block

    def data(self, data_type: str) -> Iterator[Block]:
        for block in self.blocks:
            if block.mode == "data" and block.type == data_type:
                yield block

    def by_address(self) -> dict[str, Block]:
        return {block.address: block for block in self.blocks}
