"""Following Terraform references by address to model objects.

A ``Ref`` names a resource by address (``aws_sqs_queue.q``), never by ARN text: a plan
shows a new queue's ARN as unknown, but its address is always known. A reference
resolves to a resource of the configuration, to an ``ExternalArn`` (a literal ARN, or a
data source that looks up an existing resource by name), or to ``UNKNOWN`` (a variable
without a value, an opaque module's output, a data source looked up by tags).

References to an ``aws_lambda_alias`` are references to its function, qualified by the
alias name; ``qualified_arn`` of a function is ``$LATEST`` unless it publishes versions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from invokelint.frontends.edges import is_function_target
from invokelint.frontends.targets import FunctionRef, NamedResources
from invokelint.frontends.terraform.builder.values import as_bool, as_str
from invokelint.frontends.terraform.configuration import Block, Configuration, Ref, Value
from invokelint.model import UNKNOWN, Function, InvocationModel, Target, Trigger, Unknown

FUNCTION = "aws_lambda_function"
ALIAS = "aws_lambda_alias"
T = TypeVar("T")
# Reads the triggers one resource type declares.
Reader = Callable[["Resolver", Block], Iterator[Trigger]]
# Attributes of aws_lambda_function that carry a version qualifier.
_QUALIFIED = frozenset({"qualified_arn", "qualified_invoke_arn", "version"})

# Data sources that look up one existing resource by name: (ARN pattern, name attribute).
_DATA_LOOKUPS: dict[str, tuple[str, str]] = {
    "aws_sqs_queue": ("arn:aws:sqs:*:*:{}", "name"),
    "aws_sns_topic": ("arn:aws:sns:*:*:{}", "name"),
    "aws_lambda_function": ("arn:aws:lambda:*:*:function:{}", "function_name"),
    "aws_kinesis_stream": ("arn:aws:kinesis:*:*:stream/{}", "name"),
    "aws_dynamodb_table": ("arn:aws:dynamodb:*:*:table/{}", "name"),
    "aws_s3_bucket": ("arn:aws:s3:::{}", "bucket"),
    "aws_cloudwatch_event_bus": ("arn:aws:events:*:*:event-bus/{}", "name"),
}


class Resolver:
    def __init__(self, configuration: Configuration, model: InvocationModel) -> None:
        self.configuration = configuration
        self.model = model
        self.blocks: dict[str, Block] = configuration.by_address()
        self.names = NamedResources(model)
        self.instances = _Instances(configuration)
        self._visiting: set[str] = set()  # guards data sources and aliases naming each other

    # -- public
    def resolve(self, value: Value | None) -> Target:
        """What an attribute (a reference or a literal ARN) refers to."""
        if value is None:
            return UNKNOWN
        inner = value.value
        if isinstance(inner, Ref):
            return self.target(inner)
        if isinstance(inner, str):
            return self.names.arn(inner)
        return UNKNOWN

    def resolve_named(self, value: Value | None, service: str) -> Target:
        """An attribute that takes a name or an ARN (a bucket, a rule, a topic)."""
        if value is not None and isinstance(value.value, str):
            if value.value.startswith("arn:"):
                return self.names.arn(value.value)
            return self.names.match(service, value.value) or UNKNOWN
        return self.resolve(value)

    def block(self, ref: Ref) -> Block | None:
        """The block a reference names: by address, or the plan instance it means."""
        return self.blocks.get(ref.address) or self.instances.find(ref)

    def target(self, ref: Ref) -> Target:
        block = self.block(ref)
        if block is None:
            return UNKNOWN  # an opaque module's output, a resource of no module read
        if block.mode == "data":
            return self._guarded(block, lambda: self._lookup(block), UNKNOWN)
        if block.type == ALIAS:
            return self._guarded(block, lambda: self._alias(block).function, UNKNOWN)
        return self.model.resources.get(block.address, UNKNOWN)

    def resolve_function(self, value: Value | None) -> FunctionRef:
        """A function by reference (function, alias, data source), ARN or name."""
        if value is None:
            return FunctionRef(UNKNOWN)
        inner = value.value
        if isinstance(inner, Ref):
            return self.function_ref(inner)
        if isinstance(inner, str):
            return self.names.function(inner)
        return FunctionRef(UNKNOWN)

    def function_ref(self, ref: Ref) -> FunctionRef:
        block = self.block(ref)
        if block is None:
            return FunctionRef(UNKNOWN)
        if block.mode == "managed" and block.type == FUNCTION:
            function = self.model.resources.get(block.address, UNKNOWN)
            qualifier = _published(block) if ref.attribute in _QUALIFIED else None
            return FunctionRef(function, qualifier)  # type: ignore[arg-type]
        if block.type == ALIAS:
            return self._guarded(block, lambda: self._alias(block), FunctionRef(UNKNOWN))
        if block.mode == "data" and block.type == FUNCTION:
            return self._guarded(block, lambda: self._data_function(block), FunctionRef(UNKNOWN))
        return FunctionRef(UNKNOWN)

    def qualifier(self, value: Value | None) -> str | Unknown | None:
        """A ``qualifier`` attribute: a literal, a function's ``version``, an alias' name."""
        if value is None or value.value is None:
            return None
        inner = value.value
        if isinstance(inner, Ref):
            block = self.block(inner)
            if block is not None and block.type == FUNCTION and inner.attribute == "version":
                return _published(block)
            if block is not None and block.type == ALIAS and inner.attribute == "name":
                name = as_str(_value(block.get("name")))
                return name if isinstance(name, str) else UNKNOWN
            return UNKNOWN
        text = as_str(inner)
        return text if isinstance(text, str) else UNKNOWN

    def function_of(self, address: str) -> Function | None:
        """The function behind a function or alias address."""
        block = self.blocks.get(address)
        if block is None or block.mode != "managed":
            return None
        if block.type == FUNCTION:
            found = self.model.resources.get(address)
            return found if isinstance(found, Function) else None
        if block.type == ALIAS:
            found = self._guarded(block, lambda: self._alias(block).function, UNKNOWN)
            return found if isinstance(found, Function) else None
        return None

    # -- internals
    def _alias(self, block: Block) -> FunctionRef:
        function = self.resolve_function(block.get("function_name")).function
        name = as_str(_value(block.get("name")))
        return FunctionRef(function, name if isinstance(name, str) else UNKNOWN)

    def _lookup(self, block: Block) -> Target:
        """A data source reading one existing resource: by reference, ARN or name."""
        lookup = _DATA_LOOKUPS.get(block.type)
        if lookup is None:
            return UNKNOWN  # found by tags, filters, ...: anything
        pattern, attribute = lookup
        value = block.get(attribute)
        if value is not None and isinstance(value.value, Ref):
            return self.target(value.value)
        name = as_str(_value(value))
        if not isinstance(name, str) or not name:
            return UNKNOWN
        return self.names.arn(name if name.startswith("arn:") else pattern.format(name))

    def _data_function(self, block: Block) -> FunctionRef:
        """``data "aws_lambda_function"``, with its ``qualifier``."""
        function = self._lookup(block)
        qualifier = self.qualifier(block.get("qualifier"))
        return FunctionRef(function if is_function_target(function) else UNKNOWN, qualifier)  # type: ignore[arg-type]

    def _guarded(self, block: Block, find: Callable[[], T], cycle: T) -> T:
        """``find()``, or ``cycle`` when ``block`` is already being resolved."""
        if block.address in self._visiting:
            return cycle
        self._visiting.add(block.address)
        try:
            return find()
        finally:
            self._visiting.discard(block.address)


class _Instances:
    """Plan instances (``module.w["a"].aws_sqs_queue.q``) for the key-less ``Ref``s.

    A plan has one block per instance, while a ``Ref`` drops instance keys. A reference
    means the only instance there is, or the one in the referrer's own module instance
    (``plan.instances_for``); otherwise which instance is meant is unknown. HCL addresses
    carry no keys, so this stays empty for HCL and ``.tf.json``.
    """

    def __init__(self, configuration: Configuration) -> None:
        from invokelint.frontends.terraform.plan import instances_by_base

        keyed = any("[" in block.address for block in configuration.blocks)
        self.index = instances_by_base(configuration) if keyed else {}
        self.owners: dict[int, Block] = {}  # id(Ref) -> the block it is written in
        if keyed:
            for block in configuration.blocks:
                for ref in _refs_in(block):
                    self.owners[id(ref)] = block

    def find(self, ref: Ref) -> Block | None:
        from invokelint.frontends.terraform.plan import instances_for, module_instance

        candidates = self.index.get(ref.address, [])
        owner = self.owners.get(id(ref))
        if len(candidates) > 1 and ref.instance is not None:  # module.w["a"].queue_arn
            pinned = [block for block in candidates if module_instance(block) == ref.instance]
            candidates = pinned or candidates
        if len(candidates) > 1 and owner is not None:
            candidates = instances_for(ref, owner, self.index)
        return candidates[0] if len(candidates) == 1 else None


def _refs_in(block: Block) -> Iterator[Ref]:
    """Every ``Ref`` written in a block, its nested blocks and the JSON its strings hold."""
    pending: list[object] = [block]
    while pending:
        item = pending.pop()
        if isinstance(item, Block):
            pending.extend(item.attributes.values())
            pending.extend(item.blocks)
        elif isinstance(item, Value):
            pending.append(item.value)
            if item.document is not None:
                pending.append(item.document)
        elif isinstance(item, Ref):
            yield item
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())


def _published(block: Block) -> str | Unknown:
    """The qualifier in a function's ``qualified_arn``: a new version when it publishes."""
    publish = as_bool(_value(block.get("publish")))
    if publish is None or publish is False:
        return "$LATEST"
    return "version" if publish is True else UNKNOWN


def _value(value: Value | None) -> object:
    return None if value is None else value.value
