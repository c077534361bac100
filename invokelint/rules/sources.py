"""Facts about what event source mappings read, shared by the IL1xx rules.

Not a rule module (the registry loads ``ilNNN_*`` only): small questions several rules
ask of the model, answered once so that their wording and their caution stay the same.
"""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.fixes import Edit, property_edit
from invokelint.model import (
    UNKNOWN,
    EventSourceMapping,
    ExternalArn,
    Function,
    InvocationModel,
    Queue,
    Resource,
    Target,
    Unknown,
)

SQS_MAX_RETENTION = 1_209_600  # 14 days: the longest MessageRetentionPeriod SQS accepts


def full_retention(target: Resource) -> list[Edit]:
    """For a fix that starts sending failures to ``target``: keep them 14 days when the
    queue keeps less (what IL210 asks of every failure queue), so the fix adds no finding."""
    if not isinstance(target, Queue):
        return []
    retention = target.retention_period
    if not retention.known or retention.value >= SQS_MAX_RETENTION:  # type: ignore[operator]
        return []
    return [property_edit(retention, target.location, "MessageRetentionPeriod", SQS_MAX_RETENTION)]


def is_fifo(target: Target) -> bool | Unknown:
    """Whether a queue (or topic) is FIFO: from ``FifoQueue``, or from an ARN's name."""
    if isinstance(target, Queue):
        return target.fifo.value
    if isinstance(target, ExternalArn):
        return target.fifo
    return UNKNOWN


def polled_queues(model: InvocationModel) -> Iterator[tuple[Queue, list[EventSourceMapping]]]:
    """Every queue of the project that a Lambda event source mapping reads, with its readers."""
    for queue in model.queues:
        mappings = model.mappings_from(queue)
        if mappings:
            yield queue, mappings


def label(target: Target | Function) -> str | None:
    """How a message names a resource: its logical id, or an ARN's name; None if unknown."""
    if isinstance(target, Resource):
        return f"'{target.id}'"
    if isinstance(target, ExternalArn):
        parts = target.resource.split(":")  # "function:name:alias" names the function
        return f"'{parts[1] if target.is_function and len(parts) > 1 else parts[-1]}'"
    return None


def consumers(mappings: list[EventSourceMapping]) -> str:
    """``function 'A'`` / ``functions 'A' and 'B'`` / ``a Lambda function``."""
    names = sorted({name for m in mappings if (name := label(m.function)) is not None})
    if not names:
        return "a Lambda function"
    if len(names) == 1:
        return f"function {names[0]}"
    return "functions " + ", ".join(names[:-1]) + f" and {names[-1]}"


def duration(seconds: int) -> str:
    """``4 days (345600 s)``: what a number means, and the number a user types."""
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ({seconds} s)"
    return f"{seconds} s"
