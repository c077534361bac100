"""Plan JSON (``terraform show -json plan``) into a ``Configuration``.

A plan gives exact instances and evaluated values; links come from its ``configuration``
(see ``plan_references``). What the builder receives, and why:

* **One Block per resource instance** of ``planned_values`` (root and child modules) plus
  the data sources read during planning (``prior_state``). ``Block.address`` is
  Terraform's instance address, keys kept (``aws_sqs_queue.q[0]``,
  ``module.w["a"].aws_sqs_queue.in``), so ids stay unique; ``Block.labels`` is (type,
  name) and ``Block.module`` the module path without keys (``module.w``), as in HCL.
  ``Ref.address`` drops keys (the contract), so a Ref stands for every instance whose
  ``instance_base(block.address)`` equals it: resolve it with ``instances_by_base``, and
  ``instances_for`` narrows it to the referrer's own module instance where that holds.
  ``expanded`` is ``"literal"`` for an instance of ``count``/``for_each`` (its own or a
  module's) and ``"single"`` otherwise.
* **Only written attributes.** A plan also lists what the provider fills in
  (``reserved_concurrent_executions = -1``, ``message_retention_seconds = 345600``,
  ``maximum_retry_attempts`` unknown). Those are left out, as HCL leaves them out, so
  "absent" means the AWS default in both and a plan and its HCL give the same findings.
  "Written" is what the resource's ``configuration.expressions`` lists; blocks from a
  ``dynamic`` block are not listed there, so nested blocks of the types in
  ``NESTED_BLOCK_TYPES`` are kept when present (a whole list unknown at plan time
  becomes one block with ``dynamic=True``). Without a configuration entry for a resource
  every non-null value is kept. Data sources keep every non-null value (they compute).
* **Three outcomes.** A value in ``values`` is known. One listed in
  ``resource_changes[].change.after_unknown`` is ``UNKNOWN``, unless its expression reads
  exactly one resource attribute and the attribute holds one link (``is_link_attribute``:
  ``event_source_arn``, ``function_name``, ``target_arn``, ...): then it is
  ``Ref(address, attribute)``. Why the name test: a plan does not say an expression's
  shape, and ``subnet_ids = [aws_subnet.a.id]`` reads one attribute too. A template
  around one reference (``"${x.arn}:live"``) still reads as that reference; HCL beside
  the plan knows better. A known string (also inside a map, a list or a JSON string)
  equal to a referenced attribute's known value is that ``Ref`` (``function_name =
  aws_lambda_function.f.function_name``; a redrive policy naming an existing queue's
  ARN becomes a dict holding the Ref, the shape HCL's ``jsonencode({...})`` gives).
* **JSON strings** (``redrive_policy``, ``definition``, ``policy``, filter ``pattern``)
  otherwise stay strings for the builder to parse. An unknown ``redrive_policy`` whose
  expression reads one queue ARN becomes ``{"deadLetterTargetArn": Ref(queue, "arn"),
  "maxReceiveCount": UNKNOWN}`` (SNS subscriptions: no ``maxReceiveCount``): the link is
  certain, the count is not in the plan (``attach_source_locations`` takes it from HCL).
  Other unknown JSON (a state machine ``definition`` naming a new function) stays
  ``UNKNOWN``; with HCL beside the plan, ``attach_source_locations`` takes HCL's value.
* **Blocks vs attributes** by shape: the configuration writes a block as a list of
  objects; without it, a list of objects under a name in ``NESTED_BLOCK_TYPES``.
  Nested blocks in a set (``filter``) come back in the provider's order, so they are
  paired with their expressions by equal constants first, then by order.
* **Positions** point into the plan: a resource at its ``"address"`` entry, a value at
  its ``"name": value`` entry, a nested block at its object, an unknown value at its
  expression in ``configuration`` (inside nested blocks: the block). They are found
  only for what is kept (``plan_positions``). ``attach_source_locations`` moves them
  to the ``.tf`` files when those are found beside the plan.

Malformed plans never raise: each wrong shape adds a one-line ``Problem`` naming where,
and the rest is read.
"""

from __future__ import annotations

import json
from typing import Any

from invokelint.frontends.positioned import Map, Pos, Seq
from invokelint.frontends.terraform.configuration import (
    Block,
    Configuration,
    Problem,
    Ref,
    Value,
)
from invokelint.frontends.terraform.plan_positions import PlanText
from invokelint.frontends.terraform.plan_references import (
    MAX_FOLLOW_DEPTH,
    NO_TARGETS,
    ConfigurationIndex,
    Targets,
    strip_instance_keys,
)
from invokelint.frontends.terraform.plan_sources import attach_source_locations
from invokelint.limits import MAX_NESTING
from invokelint.model import UNKNOWN, Location

__all__ = [
    "NESTED_BLOCK_TYPES",
    "attach_source_locations",
    "instance_base",
    "instances_by_base",
    "instances_for",
    "is_link_attribute",
    "is_plan",
    "load_plan",
    "looks_like_plan",
    "module_instance",
]

# Nested block types the builder reads, recognised by shape when the configuration does
# not say (a dynamic block, or no configuration entry): a list of objects under the name.
NESTED_BLOCK_TYPES = frozenset(
    {
        "cors",  # aws_lambda_function_url
        "dead_letter_config",  # aws_lambda_function, aws_cloudwatch_event_target
        "default_cache_behavior",  # aws_cloudfront_distribution
        "destination_config",  # aws_lambda_event_source_mapping, event invoke config
        "environment",  # aws_lambda_function
        "filter",  # aws_lambda_event_source_mapping.filter_criteria
        "filter_criteria",  # aws_lambda_event_source_mapping
        "lambda_config",  # aws_cognito_user_pool
        "lambda_function",  # aws_s3_bucket_notification
        "lambda_function_association",  # aws_cloudfront_distribution behaviours
        "on_failure",  # destination_config
        "on_success",  # destination_config
        "ordered_cache_behavior",  # aws_cloudfront_distribution
        "queue",  # aws_s3_bucket_notification
        "retry_policy",  # aws_cloudwatch_event_target
        "scaling_config",  # aws_lambda_event_source_mapping
        "self_managed_event_source",  # aws_lambda_event_source_mapping (Kafka)
        "source_access_configuration",  # aws_lambda_event_source_mapping
        "target",  # aws_scheduler_schedule
        "topic",  # aws_s3_bucket_notification
        "vpc_config",  # aws_lambda_function
    }
)

# An unknown ``redrive_policy`` keeps its DLQ link under this key (SQS and SNS alike).
_REDRIVE_KEY = "deadLetterTargetArn"
_SQS_REDRIVE = frozenset({"aws_sqs_queue", "aws_sqs_queue_redrive_policy"})
_MAX_PROBLEMS = 10


# Attributes that hold one link (an ARN, id, name or URL of another resource); plural
# names (``subnet_ids``) and maps (``variables``) never do.
_LINK_SUFFIXES = ("_arn", "_id", "_identifier", "_name", "_url", "_uri", "_version")
_LINK_NAMES = frozenset(
    {"arn", "bucket", "endpoint", "id", "qualifier", "role", "rule", "target", "uri", "lambda_arn"}
    # aws_cognito_user_pool lambda_config triggers
    | {
        "create_auth_challenge",
        "custom_message",
        "define_auth_challenge",
        "post_authentication",
        "post_confirmation",
        "pre_authentication",
        "pre_sign_up",
        "pre_token_generation",
        "user_migration",
        "verify_auth_challenge_response",
    }
)


def is_link_attribute(name: str) -> bool:
    """Does attribute ``name`` hold a single reference-like string (an ARN, id, name)?"""
    return name in _LINK_NAMES or name.endswith(_LINK_SUFFIXES)


def looks_like_plan(text: str) -> bool:
    """Cheap pre-check for discovery: a JSON object naming both plan keys."""
    start = text[:256].lstrip()[:1]  # no copy of a large file
    return start == "{" and '"planned_values"' in text and '"format_version"' in text


def is_plan(root: Any) -> bool:
    """A loaded JSON document is a plan: an object with format_version and planned_values."""
    return isinstance(root, dict) and "format_version" in root and "planned_values" in root


def instance_base(address: str) -> str:
    """A block address without instance keys: what a ``Ref.address`` names."""
    return strip_instance_keys(address)


def instances_by_base(configuration: Configuration) -> dict[str, list[Block]]:
    """Every block under its key-less address: how a ``Ref`` finds all its instances."""
    index: dict[str, list[Block]] = {}
    for block in configuration.blocks:
        index.setdefault(strip_instance_keys(block.address), []).append(block)
    return index


def instances_for(ref: Ref, referrer: Block, index: dict[str, list[Block]]) -> list[Block]:
    """The instances a ``Ref`` written in ``referrer`` can mean (``index``: ``instances_by_base``).

    Inside a module instance (``module.w["a"]``), a reference to a resource of the same
    module means that instance's resource; otherwise the keys are not in the plan's
    configuration, and every instance is a candidate.
    """
    candidates = index.get(ref.address, [])
    if (
        len(candidates) < 2
        or not referrer.module
        or not ref.address.startswith(referrer.module + ".")
    ):
        return candidates
    own = module_instance(referrer)
    same = [block for block in candidates if module_instance(block) == own]
    return same or candidates


def module_instance(block: Block) -> str:
    """``module.w["a"].aws_sqs_queue.q[0]`` -> ``module.w["a"]``: the part before the labels."""
    address, local = block.address, ".".join(block.labels)
    if block.mode == "data":
        local = "data." + local
    at = address.rfind("." + local)
    return address[:at] if at >= 0 else ""


def load_plan(text: str, display_path: str, directory: str) -> Configuration:
    """Read plan JSON; a file that is not a plan gives one ``Problem`` and no block."""
    configuration = Configuration(directory=directory, files=[display_path])
    configuration.sources[display_path] = text
    try:
        root = json.loads(text)
    except (ValueError, RecursionError):
        configuration.problems.append(_syntax_problem(text, display_path))
        return configuration
    if not is_plan(root):
        configuration.problems.append(
            Problem(
                Location(display_path, 1, 1, 1, 2),
                "not a Terraform plan: expected a JSON object with format_version and "
                "planned_values (terraform show -json PLAN)",
            )
        )
        return configuration
    try:
        _PlanReader(root, PlanText(text), display_path, configuration).read()
    except RecursionError:  # json nests deeper than Python recurses: say so, never raise
        location = Location(display_path, 1, 1, 1, 2)
        message = f"plan nests values deeper than {MAX_NESTING} levels"
        configuration.problems.append(Problem(location, message))
    return configuration


def _syntax_problem(text: str, display_path: str) -> Problem:
    """The positioned loader's message and position for text ``json`` rejected."""
    from invokelint.frontends.loader import ParseError, load_json

    try:
        load_json(text)
    except ParseError as error:
        line, column = error.line, error.column
        return Problem(Location(display_path, line, column, line, column + 1), error.message)
    return Problem(Location(display_path, 1, 1, 1, 2), "invalid JSON")


Path = tuple[Any, ...]  # keys and indexes from the document root


class _PlanReader:
    """Walks the parsed plan (plain ``json`` values); positions come from ``PlanText``."""

    def __init__(self, root: dict, text: PlanText, path: str, out: Configuration) -> None:
        self.root = root
        self.text = text
        self.path = path
        self.out = out
        self.config = ConfigurationIndex(root.get("configuration"))
        self.changes: dict[str, dict] = {}  # instance address -> resource_changes[].change
        self.values: dict[str, list[dict]] = {}  # key-less address -> instances' values
        self.modules: set[str] = set()
        self.positioned_config: dict[int, Map | None] = {}
        # id(expressions) -> (expressions, its resource's configuration)
        self.config_of: dict[int, tuple[dict, dict]] = {}

    # -- shapes and positions

    def location(self, pos: Pos) -> Location:
        return Location(self.path, *pos)

    def expect(self, value: Any, kind: type, path: Path, required: bool = False) -> bool:
        """Is ``value`` of ``kind``? If not, say so once, where it is (null is absent)."""
        if isinstance(value, kind) and not isinstance(value, bool):
            return True
        if (value is not None or required) and len(self.out.problems) < _MAX_PROBLEMS:
            wanted = {dict: "an object", list: "an array", str: "a string"}[kind]
            where = _dotted(path)
            self.out.problems.append(
                Problem(
                    self.location(self.text.at_path(path)[1]),
                    f"malformed plan: {where} should be {wanted}, found {_json_type(value)}",
                )
            )
        return False

    def positioned(self, plain: dict, path: Path) -> Map:
        """The object at ``path`` with positions: found by address, else the slow way."""
        found = self.text.locate(plain)
        if found is None:
            found, _ = self.text.at_path(path)
        if isinstance(found, Map):
            return found
        unplaced = Map()  # the loader could not place it either: values without positions
        unplaced.update(plain)
        return unplaced

    # -- reading

    def read(self) -> None:
        self._index_changes()
        instances: list[tuple[dict, Path]] = []  # (resource object, where in the plan)
        planned = self.root.get("planned_values")
        if self.expect(planned, dict, ("planned_values",), required=True):
            root_module = planned.get("root_module")
            at = ("planned_values", "root_module")
            if self.expect(root_module, dict, at, required=True):
                self._collect(root_module, at, instances, 0, False)
        self._collect_read_data(instances)
        instances = self._unique(instances)
        for resource, _ in instances:
            values = resource.get("values")
            if isinstance(values, dict):
                self.values.setdefault(strip_instance_keys(resource["address"]), []).append(values)
        for resource, at in instances:
            self.out.blocks.append(self._resource_block(self.positioned(resource, at), resource))
        for prefix, name in self.config.call_names.items():
            self.out.module_calls[prefix] = self.location(self.text.call_position(name))
        self.out.statistics.update(
            {"plan files": 1, "resources": len(self.out.blocks), "modules": len(self.modules)}
        )

    def _unique(self, instances: list[tuple[dict, Path]]) -> list[tuple[dict, Path]]:
        """One block per address: a repeated address is malformed; the first one counts."""
        seen: set[str] = set()
        unique = []
        for resource, at in instances:
            if resource["address"] not in seen:
                seen.add(resource["address"])
                unique.append((resource, at))
            elif len(self.out.problems) < _MAX_PROBLEMS:
                pos = self.text.at_path((*at, "address"))[1]
                message = f"malformed plan: address {resource['address']} appears twice"
                self.out.problems.append(Problem(self.location(pos), message))
        return unique

    def _index_changes(self) -> None:
        changes = self.root.get("resource_changes")
        if not self.expect(changes, list, ("resource_changes",)):
            return
        for i, change in enumerate(changes):
            at = ("resource_changes", i)
            if not self.expect(change, dict, at):
                continue
            address, body = change.get("address"), change.get("change")
            if self.expect(address, str, (*at, "address")) and self.expect(
                body, dict, (*at, "change")
            ):
                self.changes[address] = body

    def _collect(
        self, module: dict, at: Path, out: list[tuple[dict, Path]], depth: int, data_only: bool
    ) -> None:
        """Resources of a module and its child modules, depth first, in plan order."""
        resources = module.get("resources")
        if resources is not None and self.expect(resources, list, (*at, "resources")):
            for i, resource in enumerate(resources):
                where = (*at, "resources", i)
                if not self.expect(resource, dict, where):
                    continue
                if data_only and resource.get("mode") != "data":
                    continue  # prior state: only data sources read during planning
                if self._well_formed(resource, where):
                    out.append((resource, where))
        children = module.get("child_modules")
        if children is None or not self.expect(children, list, (*at, "child_modules")):
            return
        for i, child in enumerate(children):
            where = (*at, "child_modules", i)
            if self.expect(child, dict, where) and depth < MAX_FOLLOW_DEPTH:
                address = child.get("address")
                if not data_only and isinstance(address, str):
                    self.modules.add(address)
                self._collect(child, where, out, depth + 1, data_only)

    def _collect_read_data(self, instances: list[tuple[dict, Path]]) -> None:
        """Data sources read while planning are in ``prior_state``, not ``planned_values``."""
        prior = self.root.get("prior_state")
        values = prior.get("values") if isinstance(prior, dict) else None
        root_module = values.get("root_module") if isinstance(values, dict) else None
        if not isinstance(root_module, dict):
            return
        seen = {resource["address"] for resource, _ in instances}
        found: list[tuple[dict, Path]] = []
        self._collect(root_module, ("prior_state", "values", "root_module"), found, 0, True)
        instances.extend(item for item in found if item[0]["address"] not in seen)

    def _well_formed(self, resource: dict, at: Path) -> bool:
        for key in ("address", "type", "name"):
            if resource.get(key) is None:
                if len(self.out.problems) < _MAX_PROBLEMS:
                    pos = self.text.at_path(at)[1]
                    message = f"malformed plan: {_dotted(at)} has no {key}"
                    self.out.problems.append(Problem(self.location(pos), message))
                return False
            if not self.expect(resource.get(key), str, (*at, key)):
                return False
        values = resource.get("values")
        return values is None or self.expect(values, dict, (*at, "values"))

    def _resource_block(self, resource: Map, plain: dict) -> Block:
        address: str = plain["address"]
        kind: str = plain["type"]
        name: str = plain["name"]
        mode = "data" if plain.get("mode") == "data" else "managed"
        base = strip_instance_keys(address)
        local = f"data.{kind}.{name}" if mode == "data" else f"{kind}.{name}"
        prefix = base[: -len(local) - 1] if base.endswith("." + local) else ""
        expressions: dict | None = None
        config = self.config.resource(prefix, local)
        if config is not None and mode == "managed":
            written = config.get("expressions")
            expressions = written if isinstance(written, dict) else {}
            self.config_of[id(expressions)] = (expressions, config)
        change = self.changes.get(address)
        unknown = change.get("after_unknown") if change is not None else None
        values = resource.get("values")
        end = resource.pos
        block = Block(
            type=kind,
            labels=(kind, name),
            location=self.location(
                resource.entry_position("address") if "address" in resource.key_pos else end
            ),
            address=address,
            mode=mode,
            module=prefix,
            module_path=self.config.path(prefix),
            end=self.location((end[2], max(end[3] - 1, 1), end[2], end[3])),
            expanded="literal" if base != address else "single",
        )
        self._fill(
            block,
            values if isinstance(values, dict) else {},
            expressions,
            unknown if isinstance(unknown, dict) else None,
            prefix,
        )
        return block

    def _expression_position(self, expressions: dict, name: str, default: Pos) -> Pos:
        """Where a resource's configuration writes ``name`` (found only when asked)."""
        written = self.config_of.get(id(expressions))
        if written is None:
            return default
        config = written[1]
        key = id(config)
        if key not in self.positioned_config:
            self.positioned_config[key] = self.text.locate(config)
        positioned = self.positioned_config[key]
        return _entry(positioned.get("expressions") if positioned else None, name, default)

    # -- attributes and nested blocks

    def _fill(
        self,
        block: Block,
        values: dict,
        expressions: dict | None,
        unknown: dict | None,
        prefix: str,
    ) -> None:
        """Attributes and nested blocks of ``block`` from one object of ``values``."""
        for name in values:
            plain = dict.get(values, name)  # positions are found only for what is kept
            expression = dict.get(expressions, name) if expressions is not None else None
            marker = unknown.get(name) if unknown is not None else None
            if marker is True:
                continue  # unknown after apply, whatever ``values`` says: read below
            if self._is_block(name, plain, expression):
                if plain:
                    self._nested(block, name, values[name], values, expression, marker, prefix)
                continue
            if expressions is not None and name not in expressions:
                continue  # filled in by the provider, not written
            if plain is None and expressions is None:
                continue
            pos = _entry(values, name, _pos(block.location))
            block.attributes[name] = self._known(values[name], pos, marker, expression, prefix)
        if unknown is None:
            return
        for name, marker in unknown.items():
            if marker is not True:
                continue
            expression = dict.get(expressions, name) if expressions is not None else None
            if isinstance(expression, list) or (expression is None and name in NESTED_BLOCK_TYPES):
                block.blocks.append(self._dynamic(block, name))
            elif expression is not None:
                block.attributes[name] = self._unknown(block, name, expressions, prefix)
            elif expressions is None and block.mode == "nested":
                # a block from a dynamic block: nothing says what is written, keep it all
                block.attributes[name] = Value(UNKNOWN, block.location)

    @staticmethod
    def _is_block(name: str, raw: Any, expression: Any) -> bool:
        if not isinstance(raw, list):
            return False
        if isinstance(expression, list):
            return True
        if expression is not None:
            return False
        return name in NESTED_BLOCK_TYPES and all(isinstance(item, dict) for item in raw)

    def _nested(
        self,
        parent: Block,
        name: str,
        raw: list,
        values: dict,
        expression: Any,
        marker: Any,
        prefix: str,
    ) -> None:
        items = [item for item in raw if isinstance(item, dict)]
        written = expression if isinstance(expression, list) else None
        markers = marker if isinstance(marker, list) else []
        pairs = _pair(items, written or [])
        key = _entry(values, name, _pos(parent.location))
        for index, item in enumerate(raw):
            if not isinstance(item, dict):
                continue
            pos = raw.item_position(index) if isinstance(raw, Seq) else key
            first = key if index == 0 else pos
            nested = Block(
                type=name,
                labels=(),
                location=self.location((first[0], first[1], pos[0], pos[1] + 1)),
                mode="nested",
                module=parent.module,
                module_path=parent.module_path,
                end=self.location((pos[2], max(pos[3] - 1, 1), pos[2], pos[3])),
                expanded=parent.expanded,
            )
            # unpaired (a dynamic block beside written ones): keep all it holds
            item_expression = pairs.get(id(item))
            item_marker = markers[index] if index < len(markers) else None
            self._fill(
                nested,
                item,
                item_expression,
                item_marker if isinstance(item_marker, dict) else None,
                prefix,
            )
            parent.blocks.append(nested)

    def _dynamic(self, parent: Block, name: str) -> Block:
        """A nested block list unknown at plan time: one block, presence uncertain."""
        return Block(
            type=name,
            labels=(),
            location=parent.location,
            mode="nested",
            module=parent.module,
            module_path=parent.module_path,
            expanded="unknown",
            dynamic=True,
        )

    def _known(self, raw: Any, pos: Pos, marker: Any, expression: Any, prefix: str) -> Value:
        """A known value; strings equal to a referenced attribute's known value are Refs."""
        targets = self.config.targets(prefix, expression) if expression is not None else NO_TARGETS
        known = self._known_targets(targets) if targets.links else {}
        if known and isinstance(raw, str) and raw not in known:
            linked = self._linked_json(raw, pos, known)
            if linked is not None:
                return linked
        return self._plain(raw, pos, marker, 0, known)

    def _plain(self, raw: Any, pos: Pos, marker: Any, depth: int, known: dict[str, Ref]) -> Value:
        """A JSON value as ``Value``s, with unknown parts where ``after_unknown`` says."""
        if marker is True or depth > MAX_NESTING:  # deeper than any real value: unknown
            return Value(UNKNOWN, self.location(pos))
        if isinstance(raw, dict):
            markers = marker if isinstance(marker, dict) else {}
            entries = {
                str(key): self._plain(
                    item, _entry(raw, key, pos), markers.get(key), depth + 1, known
                )
                for key, item in raw.items()
            }
            for key, item_marker in markers.items():
                if item_marker is True and key not in raw:
                    entries[str(key)] = Value(UNKNOWN, self.location(pos))
            return Value(entries, self.location(pos))
        if isinstance(raw, list):
            markers = marker if isinstance(marker, list) else []
            items = [
                self._plain(
                    item,
                    raw.item_position(i) if isinstance(raw, Seq) else pos,
                    markers[i] if i < len(markers) else None,
                    depth + 1,
                    known,
                )
                for i, item in enumerate(raw)
            ]
            return Value(items, self.location(pos))
        if isinstance(raw, str) and raw in known:
            return Value(known[raw], self.location(pos))
        return Value(raw, self.location(pos))

    def _linked_json(self, raw: str, pos: Pos, known: dict[str, Ref]) -> Value | None:
        """A JSON string holding a referenced attribute's known value, as linked ``Value``s."""
        if raw.lstrip()[:1] not in ("{", "["):
            return None
        try:
            document = json.loads(raw)
        except (ValueError, RecursionError):
            return None
        linked = self._plain(document, pos, None, 0, known)
        return linked if _holds_ref(linked, 0) else None

    def _known_targets(self, targets: Targets) -> dict[str, Ref]:
        """Known string values of the referenced attributes -> their ``Ref``."""
        known: dict[str, Ref] = {}
        for address, attribute in targets.links:
            if attribute is None:
                continue
            for values in self.values.get(address, ()):
                value = values.get(attribute)
                if isinstance(value, str) and value:
                    known.setdefault(value, targets.ref((address, attribute)))
        return known

    def _unknown(self, block: Block, name: str, expressions: dict, prefix: str) -> Value:
        """An attribute known only after apply: a Ref when its expression reads one attribute."""
        location = self.location(self._expression_position(expressions, name, _pos(block.location)))
        expression = dict.get(expressions, name)
        targets = self.config.targets(prefix, expression) if expression is not None else NO_TARGETS
        if name == "redrive_policy":
            return self._redrive_stub(block, targets, location)
        single = targets.single() if is_link_attribute(name) else None
        return Value(targets.ref(single) if single else UNKNOWN, location)

    def _redrive_stub(self, block: Block, targets: Targets, location: Location) -> Value:
        queues = {
            (address, attribute)
            for address, attribute in targets.links
            if attribute is not None and address.rsplit(".", 2)[-2] == "aws_sqs_queue"
        }
        if targets.opaque or len(queues) != 1 or next(iter(queues))[1] != "arn":
            return Value(UNKNOWN, location)
        policy = {_REDRIVE_KEY: Value(targets.ref(next(iter(queues))), location)}
        if block.type in _SQS_REDRIVE:
            policy["maxReceiveCount"] = Value(UNKNOWN, location)
        return Value(policy, location)


def _pair(items: list[dict], expressions: list[Any]) -> dict[int, dict]:
    """Nested block objects -> their written expressions: equal constants first, then order.

    Blocks in a set (``filter``) come back sorted by the provider, not as written.
    """
    free = [e for e in expressions if isinstance(e, dict)]
    pairs: dict[int, dict] = {}
    unpaired: list[dict] = []
    for item in items:
        match = next((e for e in free if _constants_agree(item, e)), None)
        if match is None:
            unpaired.append(item)
            continue
        free.remove(match)
        pairs[id(item)] = match
    for item, expression in zip(unpaired, free, strict=False):
        pairs[id(item)] = expression
    return pairs


def _constants_agree(item: dict, expression: dict) -> bool:
    """Every constant written in ``expression`` equals the planned value, and one exists."""
    agreed = False
    for name, written in expression.items():
        if not isinstance(written, dict) or "constant_value" not in written:
            continue
        if item.get(name) != written["constant_value"]:
            return False
        agreed = True
    return agreed


def _holds_ref(value: Value, depth: int) -> bool:
    inner = value.value
    if isinstance(inner, Ref):
        return True
    if depth > MAX_NESTING:
        return False
    items = inner.values() if isinstance(inner, dict) else inner if isinstance(inner, list) else ()
    return any(_holds_ref(item, depth + 1) for item in items)


def _entry(container: Any, key: Any, default: Pos) -> Pos:
    """Where ``"key": value`` is written, if ``container`` knows; else ``default``."""
    if isinstance(container, Map) and key in container.key_pos:
        return container.entry_position(key)
    return default


def _pos(location: Location) -> Pos:
    return (location.line, location.column, location.end_line, location.end_column)


def _dotted(path: Path) -> str:
    """A path as the plan would be read: ``planned_values.root_module.resources[3]``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}" if text else str(step)
    return text


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null"
