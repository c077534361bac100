"""How poll-based rules name an event source mapping and where its resource starts.

A mapping is either an ``AWS::Lambda::EventSourceMapping`` or an event of a SAM function;
messages name it the way the user wrote it, and suppressions on the resource's first
line (the ESM, or the SAM function) must cover diagnostics about it.
"""

from __future__ import annotations

from typing import Any

from invokelint.model import EventSourceMapping, Function, Location

SOURCE_LABELS = {
    "sqs": "SQS",
    "kinesis": "Kinesis",
    "dynamodb": "DynamoDB stream",
    "mq": "Amazon MQ",
    "kafka": "Kafka",
    "documentdb": "DocumentDB",
}
STREAM_KINDS = ("kinesis", "dynamodb")
# Sources whose mappings take DestinationConfig.OnFailure.
KINDS_WITH_DESTINATIONS = (*STREAM_KINDS, "kafka")


def describe(mapping: EventSourceMapping) -> str:
    """``SAM event 'Orders' of function 'Worker'`` or ``event source mapping 'M'``."""
    if mapping.sam:
        function, _, event = mapping.id.partition(".")
        return f"SAM event '{event}' of function '{function}'"
    return f"event source mapping '{mapping.id}'"


def about(mapping: EventSourceMapping) -> dict[str, Any]:
    """``Rule.report`` keywords that tie a diagnostic to the resource holding ``mapping``."""
    return {"resource": mapping.resource, "resource_location": resource_location(mapping)}


def resource_location(mapping: EventSourceMapping) -> Location:
    """The first line of the resource a user edits: the SAM function or the ESM."""
    if mapping.sam and isinstance(mapping.function, Function):
        return mapping.function.location
    return mapping.location


def source_label(mapping: EventSourceMapping) -> str:
    kind = mapping.source_kind
    return SOURCE_LABELS.get(kind, "event source") if isinstance(kind, str) else "event source"
