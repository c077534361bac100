"""Models and diagnostics -> one neutral ``Graph`` that every format draws.

Nodes are functions, the resources that invoke them, and where their failures go; edges
are invocations (``poll``, ``async``, ``sync``, or ``unknown`` when the model only knows
that something references the function) and failure paths (``dlq``, ``destination``,
``on-failure``, ``redrive``). A reference the model could not resolve becomes a node of
kind ``unknown`` at the place it is written: the graph never drops what it cannot name.

Each diagnostic lands on exactly one place: the edge whose element (or explicit setting)
it points at, else the node of the resource it names, else the graph's own list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import (
    UNKNOWN,
    AlbTrigger,
    ApiTrigger,
    Bucket,
    EdgeTrigger,
    EventBridgeTrigger,
    EventBus,
    EventInvokeConfig,
    EventSourceMapping,
    ExternalArn,
    FailureTarget,
    Function,
    InvocationModel,
    Location,
    Queue,
    Redrive,
    Resource,
    S3Trigger,
    Setting,
    SnsTrigger,
    Stream,
    Target,
    Topic,
    Trigger,
    Unknown,
    UrlTrigger,
)

EdgeKind = Literal[
    "poll", "async", "sync", "unknown", "dlq", "destination", "on-failure", "redrive"
]
INVOCATION_KINDS: tuple[EdgeKind, ...] = ("poll", "async", "sync", "unknown")
FAILURE_KINDS: tuple[EdgeKind, ...] = ("dlq", "destination", "on-failure", "redrive")
NODE_KINDS = (
    "function",
    "queue",
    "topic",
    "stream",
    "bucket",
    "event-bus",
    "url",
    "resource",
    "external",
    "unknown",
)


@dataclass(eq=False, slots=True)
class Node:
    id: str
    kind: str  # one of NODE_KINDS
    label: str
    path: str | None
    line: int | None
    settings: dict[str, Any] = field(default_factory=dict)
    findings: list[Diagnostic] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class Edge:
    source: Node
    target: Node
    kind: EdgeKind
    id: str  # the model element: a mapping, a trigger, a failure target's owner
    path: str
    line: int
    settings: dict[str, Any] = field(default_factory=dict)
    findings: list[Diagnostic] = field(default_factory=list)
    resource: str | None = None  # what a diagnostic about this edge names (not in JSON)

    @property
    def is_failure_path(self) -> bool:
        return self.kind in FAILURE_KINDS


@dataclass(eq=False, slots=True)
class Graph:
    nodes: list[Node]
    edges: list[Edge]
    findings: list[Diagnostic]  # about nothing drawn: an unreadable file, a stray resource


def worst(findings: Iterable[Diagnostic]) -> Severity | None:
    return max((d.severity for d in findings), key=lambda s: s.rank, default=None)


def build(models: Iterable[InvocationModel], diagnostics: Iterable[Diagnostic]) -> Graph:
    builder = _Builder()
    for model in models:
        builder.add_model(model)
    unattached = [d for d in diagnostics if not builder.attach(d)]
    nodes = sorted(builder.nodes.values(), key=lambda n: n.id)
    edges = sorted(builder.edges, key=lambda e: (e.source.id, e.target.id, e.kind, e.id))
    return Graph(nodes, edges, unattached)


Element = Node | Edge
_Key = tuple[str, int, int]


def _key(location: Location) -> _Key:
    return (location.path, location.line, location.column)


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.at: dict[_Key, list[Element]] = {}  # what a diagnostic's location points at
        self.models_by_path: dict[str, _ModelIndex] = {}
        self.current = _ModelIndex(InvocationModel())

    # -- nodes
    def resource_node(self, resource: Resource) -> Node:
        node_id = f"{resource.location.path}#{resource.id}"
        node = self.nodes.get(node_id)
        if node is None:
            kind, settings = _describe(resource)
            loc = resource.location
            node = Node(node_id, kind, resource.id, loc.path, loc.line, settings)
            self.nodes[node_id] = node
            self.index(loc, node)
        return node

    def node(self, target: Target | Function, where: Location, role: str) -> Node:
        """The node of a reference: a resource, a foreign ARN, or an unknown at ``where``."""
        if isinstance(target, Resource):
            return self.resource_node(target)
        if isinstance(target, ExternalArn):
            node = self.nodes.get(target.arn)
            if node is None:
                settings = {"arn": target.arn, "service": target.service}
                node = Node(
                    target.arn, "external", target.resource, where.path, where.line, settings
                )
                self.nodes[target.arn] = node
            return node
        node_id = f"?{where.path}:{where.line}:{where.column}:{role.replace(' ', '-')}"
        node = self.nodes.get(node_id)
        if node is None:
            node = Node(node_id, "unknown", f"unknown {role}", where.path, where.line)
            self.nodes[node_id] = node
        return node

    # -- edges
    def edge(
        self,
        source: Node,
        target: Node,
        kind: EdgeKind,
        element_id: str,
        location: Location,
        settings: dict[str, Any],
        owned: Iterable[Location] = (),
        *,
        resource: str | None = None,
        own_location: bool = True,
    ) -> Edge:
        """An edge written at ``location``; a diagnostic pointing there or at an ``owned``
        setting is about it. ``own_location=False`` when ``location`` is only a stand-in
        (the resource of an unknown dead-letter target), which other findings point at too."""
        edge = Edge(source, target, kind, element_id, location.path, location.line, settings)
        edge.resource = resource or element_id
        self.edges.append(edge)
        for where in (location, *owned) if own_location else owned:
            self.index(where, edge)
        return edge

    def index(self, location: Location, element: Element) -> None:
        self.at.setdefault(_key(location), []).append(element)

    # -- one model
    def add_model(self, model: InvocationModel) -> None:
        index = _ModelIndex(model)
        for path in model.paths:
            self.models_by_path[path] = index
        self.current = index
        for function in model.functions:
            self.resource_node(function)
        for mapping in model.mappings:
            self.add_mapping(mapping)
        for trigger in (*model.async_triggers, *model.sync_triggers):
            self.add_trigger(trigger)
        for function in model.functions:
            self.add_function_failures(model, function)
        for config in model.event_invoke_configs:
            self.add_invoke_config(config)
        self.add_redrives(model)

    def add_mapping(self, mapping: EventSourceMapping) -> None:
        role = _POLL_SOURCES.get(mapping.source_kind, "event source")  # type: ignore[arg-type]
        source = self.node(mapping.source, mapping.location, role)
        function = self.node(mapping.function, mapping.location, "function")
        settings = _mapping_settings(mapping)
        owned = [s.location for s in _mapping_setting_objects(mapping) if s.explicit]
        owned += [loc for loc in (mapping.destination_config, mapping.filters_location) if loc]
        if isinstance(mapping.filters, tuple):
            owned += [p.location for p in mapping.filters]
        edge = self.edge(
            source,
            function,
            "poll",
            mapping.id,
            mapping.location,
            settings,
            owned,
            resource=mapping.resource,
        )
        self.current.alias(mapping.resource, edge)
        if mapping.on_failure is not None:
            self.failure(
                function, mapping.on_failure, "on-failure", mapping.id, resource=mapping.resource
            )

    def add_trigger(self, trigger: Trigger) -> None:
        if isinstance(trigger, UrlTrigger) and not isinstance(trigger.source, Resource):
            loc = trigger.location
            source = self.nodes.setdefault(
                f"{loc.path}#{trigger.id}",
                Node(f"{loc.path}#{trigger.id}", "url", "function URL", loc.path, loc.line),
            )
        else:
            source = self.node(trigger.source, trigger.location, _invoker_name(trigger))
        function = self.node(trigger.function, trigger.location, "function")
        kind: EdgeKind = "sync" if trigger in self.current.sync else "async"
        settings, owned = _trigger_settings(trigger)
        edge = self.edge(
            source,
            function,
            kind,
            trigger.id,
            trigger.location,
            settings,
            owned,
            resource=trigger.resource,
        )
        self.current.alias(trigger.resource, edge)
        if isinstance(trigger, EventBridgeTrigger) and isinstance(
            trigger.dead_letter, FailureTarget
        ):
            self.failure(source, trigger.dead_letter, "dlq", trigger.id, resource=trigger.resource)

    def add_function_failures(self, model: InvocationModel, function: Function) -> None:
        node = self.resource_node(function)
        for where in model.invocations(function).unknown:
            invoker = self.node(UNKNOWN, where, "invoker")
            self.edge(invoker, node, "unknown", function.id, where, {})
        dead_letter = function.dead_letter
        if isinstance(dead_letter, FailureTarget):
            self.failure(node, dead_letter, "dlq", function.id)
        elif dead_letter is UNKNOWN:
            target = self.node(UNKNOWN, function.location, "dead-letter queue")
            self.edge(node, target, "dlq", function.id, function.location, {}, own_location=False)

    def add_invoke_config(self, config: EventInvokeConfig) -> None:
        function = self.node(config.function, config.location, "function")
        self.current.alias(config.id, function)
        for setting in (config.maximum_retry_attempts, config.maximum_event_age):
            if setting.explicit:
                self.index(setting.location, function)
        self.index(config.location, function)
        for target in (config.on_failure, config.on_success):
            if target is not None:
                self.failure(function, target, "destination", config.id, qualifier=config.qualifier)

    def add_redrives(self, model: InvocationModel) -> None:
        """Redrive edges of the queues already drawn, and of their dead-letter queues."""
        pending = [q for q in model.queues if f"{q.location.path}#{q.id}" in self.nodes]
        seen: set[Queue] = set()
        while pending:
            queue = pending.pop()
            if queue in seen:
                continue
            seen.add(queue)
            source = self.resource_node(queue)
            redrive = queue.redrive
            if isinstance(redrive, Redrive):
                target = self.node(redrive.dead_letter, redrive.location, "dead-letter queue")
                count = _value(redrive.max_receive_count)
                owned = [redrive.max_receive_count.location]
                settings = {"max_receive_count": count}
                self.edge(source, target, "redrive", queue.id, redrive.location, settings, owned)
                if isinstance(redrive.dead_letter, Queue):
                    pending.append(redrive.dead_letter)
            elif redrive is UNKNOWN:
                target = self.node(UNKNOWN, queue.location, "dead-letter queue")
                location = queue.location
                self.edge(source, target, "redrive", queue.id, location, {}, own_location=False)

    def failure(
        self,
        source: Node,
        failure: FailureTarget,
        kind: EdgeKind,
        owner: str,
        resource: str | None = None,
        **extra: object,
    ) -> None:
        role = "dead-letter queue" if failure.role == "dlq" else f"{failure.role} destination"
        target = self.node(failure.target, failure.location, role)
        settings: dict[str, Any] = {}
        if kind == "destination":
            settings["role"] = failure.role
        if failure.declared_type is not None:
            settings["type"] = failure.declared_type
        for name, value in extra.items():
            if value is not None:
                settings[name] = _plain(value)
        self.edge(source, target, kind, owner, failure.location, settings, resource=resource)

    # -- findings
    def attach(self, diagnostic: Diagnostic) -> bool:
        """Put ``diagnostic`` on the elements it concerns; False when nothing drawn is."""
        elements = _closest(self.at.get(_key(diagnostic.location), []), diagnostic.resource)
        if not elements and diagnostic.resource is not None:
            where = diagnostic.resource_location or diagnostic.location
            index = self.models_by_path.get(where.path)
            if index is not None:
                elements = self.named(index, diagnostic.resource)
        if not elements:
            return False
        for element in dict.fromkeys(elements):
            element.findings.append(diagnostic)
        return True

    def named(self, index: _ModelIndex, name: str) -> list[Element]:
        """What a diagnostic's ``resource`` names: drawn elements, else the resource itself."""
        resource = index.model.resources.get(name)
        if resource is not None:
            node_id = f"{resource.location.path}#{resource.id}"
            if node_id in self.nodes:
                return [self.nodes[node_id]]
        if name in index.names:
            return index.names[name]
        return [self.resource_node(resource)] if resource is not None else []


def _closest(elements: list[Element], resource: str | None) -> list[Element]:
    """Of the elements written at one place (Globals shared by functions, a resource that
    is also a trigger), those the diagnostic names, and edges before nodes."""
    named = [e for e in elements if _names(e) == resource]
    elements = named or elements
    edges = [e for e in elements if isinstance(e, Edge)]
    return edges or elements


def _names(element: Element) -> str | None:
    if isinstance(element, Edge):
        return element.resource
    return element.label if element.kind not in ("unknown", "external", "url") else None


class _ModelIndex:
    """Per model: what a diagnostic's ``resource`` (a logical id or address) refers to."""

    def __init__(self, model: InvocationModel) -> None:
        self.model = model
        self.sync = set(model.sync_triggers)
        self.names: dict[str, list[Element]] = {}

    def alias(self, name: str, element: Element) -> None:
        self.names.setdefault(name, []).append(element)


# ------------------------------------------------------------------------- names

_POLL_SOURCES = {
    "sqs": "SQS queue",
    "kinesis": "Kinesis stream",
    "dynamodb": "DynamoDB stream",
    "kafka": "Kafka topic",
    "mq": "MQ broker",
    "documentdb": "DocumentDB stream",
}
_SERVICES = {
    "apigateway": "API",
    "events": "EventBridge rule",
    "scheduler": "EventBridge schedule",
    "sns": "SNS topic",
    "s3": "S3 bucket",
    "elasticloadbalancing": "load balancer",
    "cloudfront": "CloudFront distribution",
    "states": "state machine",
    "lambda": "function",
}


def _invoker_name(trigger: Trigger) -> str:
    """What an unresolved trigger source is, as far as the trigger tells."""
    if isinstance(trigger, ApiTrigger) and isinstance(trigger.api, str):
        return {"rest": "REST API", "http": "HTTP API", "websocket": "WebSocket API"}[trigger.api]
    return _SERVICES.get(trigger.service, f"{trigger.service} source")


# ------------------------------------------------------------------------- settings


def _value(value: object) -> Any:
    return _plain(value.value if isinstance(value, Setting) else value)


def _plain(value: object) -> Any:
    """A JSON value: UNKNOWN is ``None`` (null), tuples are lists."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, tuple):
        return list(value)
    return value


def _describe(resource: Resource) -> tuple[str, dict[str, Any]]:
    if isinstance(resource, Function):
        settings = {"runtime": _value(resource.runtime), "timeout": _value(resource.timeout)}
        if isinstance(resource.name, str) and resource.name != resource.id:
            settings["name"] = resource.name
        if resource.package_type == "Image":  # no runtime: null would say "unknown"
            settings["package_type"] = "Image"
        return "function", settings
    if isinstance(resource, Queue):
        return "queue", {
            "visibility_timeout": _value(resource.visibility_timeout),
            "fifo": _value(resource.fifo),
        }
    if isinstance(resource, Topic):
        return "topic", {"fifo": _value(resource.fifo)}
    if isinstance(resource, Stream):
        return "stream", {"type": resource.kind}
    if isinstance(resource, Bucket):
        return "bucket", {}
    if isinstance(resource, EventBus):
        return "event-bus", {}
    return "resource", {"type": resource.type}


def _mapping_setting_objects(mapping: EventSourceMapping) -> Iterator[Setting[Any]]:
    yield from (
        mapping.batch_size,
        mapping.batching_window,
        mapping.maximum_retry_attempts,
        mapping.maximum_record_age,
        mapping.bisect_on_error,
        mapping.function_response_types,
        mapping.maximum_concurrency,
        mapping.enabled,
    )


def _mapping_settings(mapping: EventSourceMapping) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "source": _plain(mapping.source_kind),
        "batch_size": _value(mapping.batch_size),
    }
    if mapping.batching_window.value is not None:
        settings["batching_window"] = _value(mapping.batching_window)
    settings["report_batch_item_failures"] = _plain(mapping.reports_batch_item_failures)
    if mapping.source_kind in ("kinesis", "dynamodb"):
        settings["maximum_retry_attempts"] = _value(mapping.maximum_retry_attempts)
    if mapping.maximum_concurrency.value is not None:
        settings["maximum_concurrency"] = _value(mapping.maximum_concurrency)
    if mapping.enabled.value is not True:
        settings["enabled"] = _value(mapping.enabled)
    return settings


def _trigger_settings(trigger: Trigger) -> tuple[dict[str, Any], list[Location]]:
    """What matters about one trigger, and where its explicit settings are written."""
    settings: dict[str, Any] = {"service": trigger.service}
    extra: list[Setting[Any]] = []
    if isinstance(trigger, S3Trigger):
        settings["events"] = _plain(trigger.events)
        for name in ("prefix", "suffix"):
            if getattr(trigger, name) is not None:
                settings[name] = _plain(getattr(trigger, name))
    elif isinstance(trigger, SnsTrigger):
        settings["redrive_policy"] = _value(trigger.redrive_policy)
        extra.append(trigger.redrive_policy)
    elif isinstance(trigger, ApiTrigger):
        settings["api"] = _plain(trigger.api)
        if trigger.authorizer:
            settings["authorizer"] = True
        if trigger.integration_timeout is not None:
            settings["integration_timeout_ms"] = _value(trigger.integration_timeout)
            extra.append(trigger.integration_timeout)
    elif isinstance(trigger, AlbTrigger):
        settings["multi_value_headers"] = _value(trigger.multi_value_headers)
        extra.append(trigger.multi_value_headers)
    elif isinstance(trigger, UrlTrigger):
        settings["auth_type"] = _value(trigger.auth_type)
        extra += [trigger.auth_type, trigger.cors_allow_credentials, trigger.cors_allow_origins]
    elif isinstance(trigger, EdgeTrigger):
        settings["event_type"] = _plain(trigger.event_type)
    return settings, [s.location for s in extra if s.explicit]
