"""``aws_lambda_event_source_mapping``: Lambda polls a queue or stream and invokes the
function synchronously with batches."""

from __future__ import annotations

from typing import Any

from invokelint.frontends.targets import POLL_SERVICES
from invokelint.frontends.terraform.builder.references import Resolver
from invokelint.frontends.terraform.builder.values import (
    as_bool,
    as_int,
    as_str_list,
    child,
    children,
    is_set,
    json_text,
    setting,
    where,
)
from invokelint.frontends.terraform.configuration import Block, Configuration
from invokelint.model import (
    UNKNOWN,
    EventSourceMapping,
    ExternalArn,
    FailureTarget,
    FilterPattern,
    InvocationModel,
    Location,
    PollSource,
    Queue,
    Resource,
    Setting,
    Stream,
    Target,
    Unknown,
)

MAPPING = "aws_lambda_event_source_mapping"
SQS_DEFAULT_BATCH_SIZE = 10
OTHER_DEFAULT_BATCH_SIZE = 100  # Kinesis, DynamoDB, MQ, Kafka, DocumentDB

# Resource types a mapping reads that the model does not type -> poll source kind
KINESIS_CONSUMER = "aws_kinesis_stream_consumer"
_RESOURCE_TYPES: dict[str, PollSource] = {
    KINESIS_CONSUMER: "kinesis",  # enhanced fan-out
    "aws_mq_broker": "mq",
    "aws_msk_cluster": "kafka",
    "aws_msk_serverless_cluster": "kafka",
    "aws_docdb_cluster": "documentdb",
}
# Attributes or nested blocks that only a mapping of that kind has
_KIND_MARKERS: tuple[tuple[str, PollSource], ...] = (
    ("self_managed_event_source", "kafka"),
    ("amazon_managed_kafka_event_source_config", "kafka"),
    ("self_managed_kafka_event_source_config", "kafka"),
    ("topics", "kafka"),
    ("queues", "mq"),
    ("document_db_event_source_config", "documentdb"),
)


def add_mappings(configuration: Configuration, model: InvocationModel, resolver: Resolver) -> None:
    for block in configuration.resources(MAPPING):
        model.mappings.append(_mapping(resolver, block))


def _mapping(resolver: Resolver, block: Block) -> EventSourceMapping:
    location = block.location
    source = resolver.resolve(block.get("event_source_arn"))
    kind = _source_kind(source, block)

    def read(name: str, convert: Any, default: Any) -> Setting[Any]:
        return setting(block, name, convert, default)

    if kind is UNKNOWN:
        default_batch: int | Unknown = UNKNOWN
    else:
        default_batch = SQS_DEFAULT_BATCH_SIZE if kind == "sqs" else OTHER_DEFAULT_BATCH_SIZE
    destination = child(block, "destination_config")
    filters, filters_location = _filters(block)
    return EventSourceMapping(
        id=block.address,
        resource=block.address,
        location=location,
        function=resolver.resolve_function(block.get("function_name")).function,
        source=source,
        source_kind=kind,
        batch_size=read("batch_size", as_int, default_batch),
        batching_window=read("maximum_batching_window_in_seconds", as_int, None),
        maximum_retry_attempts=read("maximum_retry_attempts", as_int, -1),
        maximum_record_age=read("maximum_record_age_in_seconds", as_int, -1),
        bisect_on_error=read("bisect_batch_on_function_error", as_bool, False),
        function_response_types=read("function_response_types", as_str_list, ()),
        maximum_concurrency=_maximum_concurrency(block),
        enabled=read("enabled", as_bool, True),
        destination_config=where(block, "destination_config") if destination else None,
        on_failure=_on_failure(resolver, destination),
        filters=filters,
        filters_location=filters_location,
        fan_out=_fan_out(source) if kind == "kinesis" else False,
    )


def _source_kind(source: Target, block: Block) -> PollSource | Unknown:
    if isinstance(source, Queue):
        return "sqs"
    if isinstance(source, Stream):
        return source.kind
    if isinstance(source, ExternalArn) and source.service in POLL_SERVICES:
        return POLL_SERVICES[source.service]
    if isinstance(source, Resource) and source.type in _RESOURCE_TYPES:
        return _RESOURCE_TYPES[source.type]
    for name, kind in _KIND_MARKERS:
        # ``topics = try(each.value.topics, null)`` in a generic module marks nothing
        if is_set(block.get(name)) is True or block.nested(name):
            return kind
    return UNKNOWN


def _fan_out(source: Target) -> bool | Unknown:
    """Whether a Kinesis mapping reads through an enhanced fan-out consumer."""
    if isinstance(source, Resource):
        return source.type == KINESIS_CONSUMER
    if isinstance(source, ExternalArn):  # ...:stream/orders/consumer/lambda:1700000000
        return "/consumer/" in source.resource
    return UNKNOWN


def _on_failure(resolver: Resolver, destination: Block | Unknown | None) -> FailureTarget | None:
    """``destination_config { on_failure { destination_arn } }``; None when unreadable (a
    dynamic block may hold one or none: rules treat ``destination_config`` as unknown)."""
    if not isinstance(destination, Block):
        return None
    on_failure = child(destination, "on_failure")
    if not isinstance(on_failure, Block):
        return None
    return FailureTarget(
        role="on-failure",
        target=resolver.resolve(on_failure.get("destination_arn")),
        location=on_failure.location,
    )


def _filters(block: Block) -> tuple[tuple[FilterPattern, ...] | Unknown, Location | None]:
    criteria = child(block, "filter_criteria")
    if criteria is None:
        return (), None
    location = where(block, "filter_criteria")
    if criteria is UNKNOWN:
        return UNKNOWN, location
    filters = children(criteria, "filter")  # type: ignore[arg-type]
    if filters is UNKNOWN:
        return UNKNOWN, location
    patterns = []
    for item in filters:  # type: ignore[union-attr]
        pattern = item.get("pattern")
        if pattern is None or pattern.value is None:
            patterns.append(FilterPattern(pattern=UNKNOWN, location=item.location))
            continue
        patterns.append(FilterPattern(pattern=json_text(pattern), location=pattern.location))
    return tuple(patterns), location


def _maximum_concurrency(block: Block) -> Setting[int | None]:
    scaling = child(block, "scaling_config")
    if scaling is None:
        return Setting(None, block.location, explicit=False)
    if scaling is UNKNOWN:
        return Setting(UNKNOWN, where(block, "scaling_config"))
    return setting(scaling, "maximum_concurrency", as_int, None, block.location)  # type: ignore[arg-type]
