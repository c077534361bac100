"""Queues, topics, streams, buckets and event buses: what functions read from and write to.

Every other managed resource becomes an ``OtherResource``, so that diagnostics about a
trigger it declares can name it and a suppression on its first line applies.
"""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.frontends.terraform.builder.references import FUNCTION, Resolver
from invokelint.frontends.terraform.builder.values import (
    as_bool,
    as_int,
    is_set,
    references,
    setting,
    structure,
    text,
)
from invokelint.frontends.terraform.configuration import Block, Configuration, Value
from invokelint.model import (
    UNKNOWN,
    Bucket,
    EventBus,
    InvocationModel,
    OtherResource,
    Queue,
    Redrive,
    Resource,
    Setting,
    Stream,
    Topic,
    Unknown,
)

SQS_VISIBILITY_TIMEOUT = 30
SQS_RETENTION_PERIOD = 345_600
QUEUE = "aws_sqs_queue"
REDRIVE_POLICY = "aws_sqs_queue_redrive_policy"


def add_data_resources(configuration: Configuration, model: InvocationModel) -> None:
    """Every managed resource that is not a function: typed where the model cares."""
    for block in configuration.resources():
        if block.type == FUNCTION:
            continue
        common = {"id": block.address, "type": block.type, "location": block.location}
        resource: Resource
        if block.type == QUEUE:
            resource = Queue(
                **common,
                name=text(block, "name"),
                fifo=setting(block, "fifo_queue", as_bool, False),
                visibility_timeout=setting(
                    block, "visibility_timeout_seconds", as_int, SQS_VISIBILITY_TIMEOUT
                ),
                retention_period=setting(
                    block, "message_retention_seconds", as_int, SQS_RETENTION_PERIOD
                ),
            )
        elif block.type == "aws_sns_topic":
            resource = Topic(
                **common,
                name=text(block, "name"),
                fifo=setting(block, "fifo_topic", as_bool, False),
            )
        elif block.type == "aws_kinesis_stream":
            resource = Stream(**common, kind="kinesis", name=text(block, "name"))
        elif block.type == "aws_dynamodb_table":
            resource = Stream(**common, kind="dynamodb", name=text(block, "name"))
        elif block.type == "aws_s3_bucket":
            resource = Bucket(**common, name=text(block, "bucket"))
        elif block.type == "aws_cloudwatch_event_bus":
            resource = EventBus(**common, name=text(block, "name"))
        else:
            resource = OtherResource(**common)
        model.add(resource)


def link_queues(configuration: Configuration, model: InvocationModel, resolver: Resolver) -> None:
    """Redrive policies, written on the queue or as ``aws_sqs_queue_redrive_policy``."""
    for block in configuration.resources(QUEUE):
        queue = model.resources.get(block.address)
        policy = block.get("redrive_policy")
        if isinstance(queue, Queue) and policy is not None:
            queue.redrive = redrive(resolver, policy)
    for block in configuration.resources(REDRIVE_POLICY):
        queue = resolver.resolve(block.get("queue_url"))
        policy = block.get("redrive_policy")
        if isinstance(queue, Queue) and policy is not None:
            queue.redrive = redrive(resolver, policy)
        # a queue we cannot name keeps no edge: its DLQ is marked by mark_named_dead_letters


def redrive(resolver: Resolver, policy: Value) -> Redrive | Unknown | None:
    """``jsonencode({deadLetterTargetArn = ..., maxReceiveCount = ...})`` or JSON text;
    None for ``null`` or ``""`` (no policy)."""
    if is_set(policy) is False:
        return None
    document = structure(policy)
    if document is UNKNOWN or not isinstance(document.value, dict):  # type: ignore[union-attr]
        return UNKNOWN
    entries: dict[str, Value] = document.value  # type: ignore[union-attr]
    count_value = entries.get("maxReceiveCount")
    count = as_int(count_value.value) if count_value is not None else None
    return Redrive(
        dead_letter=resolver.resolve(entries.get("deadLetterTargetArn")),
        max_receive_count=Setting(
            UNKNOWN if count is None else count,
            count_value.location if count_value is not None else policy.location,
        ),
        location=policy.location,
    )


# Where Terraform names a dead-letter queue or failure destination: attribute (or nested
# block) name -> the keys that hold the target. SQS and SNS redrive policies; Lambda,
# EventBridge, Scheduler and Pipes ``dead_letter_config``; ``on_failure`` destinations.
_FAILURE_KEYS: dict[str, tuple[str, ...]] = {
    "redrive_policy": ("deadLetterTargetArn",),
    "dead_letter_config": ("target_arn", "arn"),
    "on_failure": ("destination_arn", "destination"),
}


def mark_named_dead_letters(
    configuration: Configuration, model: InvocationModel, resolver: Resolver
) -> None:
    """Tell the model about every resource the configuration names as a dead-letter
    target, so that a dead-letter queue is never mistaken for a queue that lacks one:
    an SNS subscription's DLQ, a policy of a queue we cannot name, a rule target's DLQ.
    A queue whose ``redrive_allow_policy`` lets other queues use it is one too."""
    for block in configuration.resources():
        for value in _failure_values(block):
            for ref, _ in references(value):
                target = resolver.target(ref)
                if isinstance(target, Resource):
                    model.named_as_dead_letter(target)
            if isinstance(value.value, str) and value.value.startswith("arn:"):
                target = resolver.resolve(value)
                if isinstance(target, Resource):
                    model.named_as_dead_letter(target)
        if block.type == QUEUE and _allows_redrive(block):
            queue = model.resources.get(block.address)
            if queue is not None:
                model.named_as_dead_letter(queue)


def _failure_values(block: Block) -> Iterator[Value]:
    """Every value written under a failure-target key, in a block and its nested blocks."""
    for name, value in block.attributes.items():
        keys = _FAILURE_KEYS.get(name)
        if keys is None:
            continue
        document = structure(value) if name == "redrive_policy" else value
        if document is UNKNOWN:
            continue
        inner = document.value  # type: ignore[union-attr]
        for key in keys:
            if isinstance(inner, dict) and key in inner:
                yield inner[key]
    for nested in block.blocks:
        keys = _FAILURE_KEYS.get(nested.type)
        for key in keys or ():
            value = nested.get(key)
            if value is not None:
                yield value
        yield from _failure_values(nested)


def _allows_redrive(block: Block) -> bool:
    policy = block.get("redrive_allow_policy")
    if is_set(policy) is False:
        return False
    document = structure(policy)
    if document is UNKNOWN or not isinstance(document.value, dict):  # type: ignore[union-attr]
        return True  # unreadable: it still says other queues may send here
    permission = document.value.get("redrivePermission")  # type: ignore[union-attr]
    return permission is None or permission.value != "denyAll"
