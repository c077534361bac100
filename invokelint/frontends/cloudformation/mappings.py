"""Event source mappings: ``AWS::Lambda::EventSourceMapping`` and SAM's poll events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from invokelint.frontends.cloudformation.functions import SAM_FUNCTION, function_properties
from invokelint.frontends.cloudformation.references import Resolver
from invokelint.frontends.cloudformation.template import (
    Template,
    as_bool,
    as_int,
    as_str,
    as_str_list,
    is_intrinsic,
)
from invokelint.frontends.positioned import Map, Seq
from invokelint.frontends.targets import POLL_SERVICES
from invokelint.model import (
    UNKNOWN,
    EventSourceMapping,
    ExternalArn,
    FailureTarget,
    FilterPattern,
    Function,
    InvocationModel,
    Location,
    OtherResource,
    PollSource,
    Queue,
    Resource,
    Setting,
    Stream,
    Target,
    Unknown,
)

ESM_TYPE = "AWS::Lambda::EventSourceMapping"
KINESIS_CONSUMER = "AWS::Kinesis::StreamConsumer"

# SAM event type -> (poll source kind, property naming the source)
SAM_POLL_EVENTS: dict[str, tuple[PollSource, str | None]] = {
    "SQS": ("sqs", "Queue"),
    "Kinesis": ("kinesis", "Stream"),
    "DynamoDB": ("dynamodb", "Stream"),
    "MQ": ("mq", "Broker"),
    "MSK": ("kafka", "Stream"),
    "SelfManagedKafka": ("kafka", None),
    "DocumentDB": ("documentdb", "Cluster"),
}

# Resource types read by a mapping -> poll source kind (queues and streams are typed)
_RESOURCE_TYPES: dict[str, PollSource] = {
    "AWS::Kinesis::StreamConsumer": "kinesis",  # enhanced fan-out
    "AWS::AmazonMQ::Broker": "mq",
    "AWS::MSK::Cluster": "kafka",
    "AWS::MSK::ServerlessCluster": "kafka",
    "AWS::DocDB::DBCluster": "documentdb",
}

DEFAULT_BATCH_SIZE: dict[str, int] = {"sqs": 10}
STREAM_DEFAULT_BATCH_SIZE = 100


def add_mappings(template: Template, model: InvocationModel, resolver: Resolver) -> None:
    for logical_id, kind, properties in template.iter_resources():
        if kind == ESM_TYPE:
            model.mappings.append(_from_resource(template, resolver, logical_id, properties))
        elif kind == SAM_FUNCTION:
            function = model.resources.get(logical_id)
            if isinstance(function, Function):
                effective = function_properties(template, logical_id, properties)
                model.mappings.extend(_from_sam_events(template, resolver, function, effective))


def sam_events(properties: Map) -> list[tuple[str, str, Map, Map]]:
    """``(name, type, event body, event properties)`` of each well-formed SAM event."""
    events = properties.get("Events")
    found = []
    if isinstance(events, Map) and not is_intrinsic(events):
        for name, body in events.items():
            if isinstance(body, Map) and isinstance(body.get("Type"), str):
                props = body.get("Properties")
                found.append(
                    (
                        str(name),
                        body["Type"],
                        body,
                        props if isinstance(props, Map) else Map(body.pos),
                    )
                )
    return found


def function_events(template: Template, properties: Map) -> list[tuple[str, str, Map, Map]]:
    """``sam_events`` of a function's properties, listed once per template: the mapping,
    trigger and invoker readers all ask for them."""
    listed = template.cache.setdefault("sam_events", {})
    kept = listed.get(id(properties))
    if kept is None or kept[0] is not properties:  # an id is unique only while alive
        kept = listed[id(properties)] = (properties, sam_events(properties))
    return kept[1]  # type: ignore[no-any-return]


def sam_trigger_events(
    template: Template, function: Function, properties: Map
) -> Iterator[tuple[str, Map, dict[str, Any]]]:
    """``(type, event properties, common trigger fields)`` of a SAM function's events: the
    id, resource, location (the event's name), function, ``sam`` and ``ignores`` that a
    trigger made from the event carries."""
    events = properties.get("Events")
    for name, event_type, _body, props in function_events(template, properties):
        yield (
            event_type,
            props,
            {
                "id": f"{function.id}.{name}",
                "resource": function.id,
                "location": template.location(events.key_position(name)),
                "function": function,
                "sam": True,
                "ignores": function.ignores,
            },
        )


def _from_resource(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> EventSourceMapping:
    source = (
        resolver.resolve(properties.get("EventSourceArn"))
        if "EventSourceArn" in properties
        else UNKNOWN
    )
    return _mapping(
        template,
        resolver,
        properties,
        id=logical_id,
        resource=logical_id,
        location=template.resource_location(logical_id),
        function=resolver.resolve_function(properties.get("FunctionName")).function,
        source=source,
        kind=_source_kind(source, properties),
        sam=False,
        ignores=template.ignores(logical_id),
    )


def _from_sam_events(
    template: Template, resolver: Resolver, function: Function, properties: Map
) -> list[EventSourceMapping]:
    events = properties.get("Events")
    mappings = []
    for name, event_type, _body, props in function_events(template, properties):
        if event_type not in SAM_POLL_EVENTS:
            continue
        kind, source_key = SAM_POLL_EVENTS[event_type]
        source = (
            resolver.resolve(props.get(source_key))
            if source_key and source_key in props
            else UNKNOWN
        )
        mappings.append(
            _mapping(
                template,
                resolver,
                props,
                id=f"{function.id}.{name}",
                resource=function.id,
                location=template.location(events.key_position(name)),
                function=function,
                source=source,
                kind=kind,
                sam=True,
                ignores=function.ignores,
            )
        )
    return mappings


def _mapping(
    template: Template,
    resolver: Resolver,
    properties: Map,
    *,
    id: str,
    resource: str,
    location: Location,
    function: Function | ExternalArn | Unknown,
    source: Target,
    kind: PollSource | Unknown,
    sam: bool,
    ignores: frozenset[str],
) -> EventSourceMapping:
    def setting(key: str, convert: Any, default: Any) -> Setting[Any]:
        return template.setting(properties, key, convert, default, location)

    if kind is UNKNOWN:
        default_batch: int | Unknown = UNKNOWN
    else:
        default_batch = DEFAULT_BATCH_SIZE.get(kind, STREAM_DEFAULT_BATCH_SIZE)  # type: ignore[arg-type]
    destination = properties.get("DestinationConfig")
    filters, filters_location = _filters(template, properties)
    return EventSourceMapping(
        id=id,
        resource=resource,
        location=location,
        function=function,
        source=source,
        source_kind=kind,
        batch_size=setting("BatchSize", as_int, default_batch),
        batching_window=template.floored(
            setting("MaximumBatchingWindowInSeconds", as_int, None),
            properties.get("MaximumBatchingWindowInSeconds"),
            least=0,
        ),
        maximum_retry_attempts=setting("MaximumRetryAttempts", as_int, -1),
        maximum_record_age=setting("MaximumRecordAgeInSeconds", as_int, -1),
        bisect_on_error=setting("BisectBatchOnFunctionError", as_bool, False),
        function_response_types=setting("FunctionResponseTypes", as_str_list, ()),
        maximum_concurrency=_maximum_concurrency(template, properties, location),
        enabled=setting("Enabled", as_bool, True),
        fan_out=_fan_out(source) if kind == "kinesis" else False,
        destination_config=template.entry_location(properties, "DestinationConfig")
        if destination is not None
        else None,
        on_failure=_on_failure(template, resolver, properties, destination),
        filters=filters,
        filters_location=filters_location,
        sam=sam,
        ignores=ignores,
    )


def _source_kind(source: Target, properties: Map) -> PollSource | Unknown:
    if isinstance(source, Queue):
        return "sqs"
    if isinstance(source, Stream):
        return source.kind
    if isinstance(source, OtherResource) and source.type == KINESIS_CONSUMER:
        return "kinesis"  # enhanced fan-out: the mapping reads the stream through a consumer
    if isinstance(source, ExternalArn) and source.service in POLL_SERVICES:
        return POLL_SERVICES[source.service]
    if isinstance(source, Resource) and source.type in _RESOURCE_TYPES:
        return _RESOURCE_TYPES[source.type]
    if (
        "SelfManagedEventSource" in properties
        or "AmazonManagedKafkaEventSourceConfig" in properties
    ):
        return "kafka"
    if "DocumentDBEventSourceConfig" in properties:
        return "documentdb"
    return UNKNOWN


def _fan_out(source: Target) -> bool | Unknown:
    """Whether a Kinesis mapping reads through an enhanced fan-out consumer."""
    if isinstance(source, Resource):
        return source.type == KINESIS_CONSUMER
    if isinstance(source, ExternalArn):  # ...:stream/orders/consumer/lambda:1700000000
        return "/consumer/" in source.resource
    return UNKNOWN


def _on_failure(
    template: Template, resolver: Resolver, properties: Map, destination: Any
) -> FailureTarget | None:
    if not isinstance(destination, Map) or is_intrinsic(destination):
        return None
    on_failure = destination.get("OnFailure")
    if not isinstance(on_failure, Map) or is_intrinsic(on_failure):
        return None
    declared = as_str(on_failure.get("Type"))
    return FailureTarget(
        role="on-failure",
        target=resolver.resolve(on_failure.get("Destination")),
        location=template.entry_location(destination, "OnFailure"),
        declared_type=declared if isinstance(declared, str) else None,
    )


def _filters(
    template: Template, properties: Map
) -> tuple[tuple[FilterPattern, ...] | Unknown, Location | None]:
    criteria = properties.get("FilterCriteria")
    if criteria is None:
        return (), None
    location = template.entry_location(properties, "FilterCriteria")
    filters = (
        criteria.get("Filters")
        if isinstance(criteria, Map) and not is_intrinsic(criteria)
        else UNKNOWN
    )
    if filters is None:
        return (), location
    if not isinstance(filters, Seq) or is_intrinsic(filters):
        return UNKNOWN, location
    patterns = []
    for index, item in enumerate(filters):
        if isinstance(item, Map) and not is_intrinsic(item) and "Pattern" in item:
            pattern = item["Pattern"]
            text = isinstance(pattern, str)
            patterns.append(
                FilterPattern(
                    pattern=pattern if text else UNKNOWN,
                    location=template.entry_location(item, "Pattern"),
                    text_location=template.location(item.value_position("Pattern"))
                    if text
                    else None,
                )
            )
        else:
            pos = filters.item_position(index)
            patterns.append(FilterPattern(pattern=UNKNOWN, location=template.location(pos)))
    return tuple(patterns), location


def _maximum_concurrency(
    template: Template, properties: Map, absent: Location
) -> Setting[int | None]:
    scaling = properties.get("ScalingConfig")
    if scaling is None:
        return Setting(None, absent, explicit=False)
    if not isinstance(scaling, Map) or is_intrinsic(scaling):
        return Setting(UNKNOWN, template.entry_location(properties, "ScalingConfig"))
    return template.setting(scaling, "MaximumConcurrency", as_int, None, absent)
