"""Point a plan's findings at the ``.tf`` lines that wrote them.

A user fixes a ``.tf`` file, not plan JSON. When the HCL of the planned root module is
found beside the plan, every plan Block and Value takes the location of its HCL
counterpart: the resource with the same address (instance keys dropped), the attribute
with the same name, the nested block of the same type (paired by equal known values,
then by order: blocks in a set come back sorted; a ``dynamic`` block HCL could not
expand takes the rest), the entry with the same key or the item at the same index.
Where HCL has no counterpart the plan position stays; where HCL has the attribute but
not the part (a map entry the plan evaluated), the attribute's.

Values stay the plan's, which are exact, with one exception: a value the plan knows
only after apply (``UNKNOWN``) takes the HCL value when HCL knows it. Such a value
depends on a resource attribute, which HCL keeps as a ``Ref``, so what HCL knows is
what was written (``maxReceiveCount = 5`` beside an unknown DLQ ARN in
``jsonencode``); without it a plan would miss findings its HCL gives.
"""

from __future__ import annotations

from invokelint.frontends.terraform.configuration import Block, Configuration, Value
from invokelint.frontends.terraform.plan_references import strip_instance_keys
from invokelint.model import UNKNOWN


def attach_source_locations(plan: Configuration, hcl: Configuration) -> None:
    """Re-point ``plan``'s locations at ``hcl``'s; add the HCL files to ``plan``'s sources."""
    written = {block.address: block for block in hcl.blocks if block.address}
    for block in plan.blocks:
        source = written.get(strip_instance_keys(block.address))
        if source is not None and source.type == block.type:
            _attach_block(block, source)
    for address, location in hcl.module_calls.items():
        if address in plan.module_calls:
            plan.module_calls[address] = location
    for path in hcl.files:
        if path not in plan.sources and path in hcl.sources:
            plan.files.append(path)
            plan.sources[path] = hcl.sources[path]


def _attach_block(block: Block, source: Block) -> None:
    block.location = source.location
    block.end = source.end
    block.module_path = source.module_path
    for name, value in block.attributes.items():
        written = source.attributes.get(name)
        if written is not None:
            _attach_value(value, written)
    for block_type in dict.fromkeys(nested.type for nested in block.blocks):
        for nested, counterpart in _pair_blocks(
            block.nested(block_type), source.nested(block_type)
        ):
            _attach_block(nested, counterpart)


def _attach_value(value: Value, source: Value) -> None:
    value.location = source.location
    value.related = source.related
    inner, written = value.value, source.value
    if isinstance(inner, (dict, list)) and source.document is not None:
        # the plan decoded a JSON string that HCL wrote as jsonencode({...}) or a heredoc:
        # its entries pair with the entries of the document HCL encodes
        source, written = source.document, source.document.value
    if inner is UNKNOWN and written is not UNKNOWN:
        value.value = _copy(source).value
        return
    if isinstance(inner, dict):
        for key, item in inner.items():
            counterpart = written.get(key) if isinstance(written, dict) else None
            _attach_value(item, counterpart if counterpart is not None else source)
    elif isinstance(inner, list):
        for index, item in enumerate(inner):
            if isinstance(written, list) and index < len(written):
                _attach_value(item, written[index])
            else:
                _attach_value(item, source)


def _copy(source: Value) -> Value:
    """A copy of an HCL value, so the two configurations share no mutable part."""
    inner = source.value
    if isinstance(inner, dict):
        inner = {key: _copy(item) for key, item in inner.items()}
    elif isinstance(inner, list):
        inner = [_copy(item) for item in inner]
    return Value(inner, source.location, source.related)


def _pair_blocks(blocks: list[Block], sources: list[Block]) -> list[tuple[Block, Block]]:
    """Plan blocks with HCL blocks of one type: equal known values first, then order."""
    free = list(sources)
    pairs: list[tuple[Block, Block]] = []
    unpaired: list[Block] = []
    for block in blocks:
        match = next((source for source in free if _agree(block, source)), None)
        if match is None:
            unpaired.append(block)
        else:
            free.remove(match)
            pairs.append((block, match))
    pairs.extend(zip(unpaired, free, strict=False))
    # a dynamic block HCL could not expand stands for every block the plan made of it
    dynamic = next((source for source in sources if source.dynamic), None)
    if dynamic is not None:
        pairs.extend((block, dynamic) for block in unpaired[len(free) :])
    return pairs


def _agree(block: Block, source: Block) -> bool:
    """Both blocks write the same known values, and at least one."""
    agreed = False
    for name, written in source.attributes.items():
        planned = block.attributes.get(name)
        if planned is None or not written.known:
            continue
        if planned.plain() != written.plain():
            return False
        agreed = True
    return agreed
