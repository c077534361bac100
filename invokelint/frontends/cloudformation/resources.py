"""Queues, topics, streams, buckets and event buses: what functions read from and write to."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from invokelint.frontends.cloudformation.references import Resolver
from invokelint.frontends.cloudformation.template import (
    Template,
    as_bool,
    as_int,
    as_str,
    is_intrinsic,
)
from invokelint.frontends.positioned import NO_POS, Map, Seq
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
)

SQS_VISIBILITY_TIMEOUT = 30
SQS_RETENTION_PERIOD = 345_600


def add_data_resources(template: Template, model: InvocationModel) -> None:
    """Every resource that is not a function: typed where the model cares, else generic."""
    for logical_id, kind, properties in template.iter_resources():
        if logical_id in model.resources:
            continue
        common = {
            "id": logical_id,
            "type": kind,
            "location": template.resource_location(logical_id),
            "ignores": template.ignores(logical_id),
        }
        absent = common["location"]
        resource: Resource
        if kind == "AWS::SQS::Queue":
            resource = Queue(
                **common,
                name=as_str(properties.get("QueueName")),
                fifo=template.setting(properties, "FifoQueue", as_bool, False, absent),
                visibility_timeout=template.setting(
                    properties, "VisibilityTimeout", as_int, SQS_VISIBILITY_TIMEOUT, absent
                ),
                retention_period=template.setting(
                    properties, "MessageRetentionPeriod", as_int, SQS_RETENTION_PERIOD, absent
                ),
            )
        elif kind == "AWS::SNS::Topic":
            resource = Topic(
                **common,
                name=as_str(properties.get("TopicName")),
                fifo=template.setting(properties, "FifoTopic", as_bool, False, absent),
            )
        elif kind == "AWS::Kinesis::Stream":
            resource = Stream(**common, kind="kinesis", name=as_str(properties.get("Name")))
        elif kind == "AWS::DynamoDB::Table" or kind == "AWS::DynamoDB::GlobalTable":
            resource = Stream(**common, kind="dynamodb", name=as_str(properties.get("TableName")))
        elif kind == "AWS::S3::Bucket":
            resource = Bucket(**common, name=as_str(properties.get("BucketName")))
        elif kind == "AWS::Events::EventBus":
            resource = EventBus(**common, name=as_str(properties.get("Name")))
        else:
            resource = OtherResource(**common)
        model.add(resource)


def link_queues(template: Template, model: InvocationModel, resolver: Resolver) -> None:
    """Resolve redrive policies once every queue exists."""
    for queue in model.queues:
        body = template.resources.get(queue.id)
        properties = body.get("Properties") if isinstance(body, Map) else None
        if isinstance(properties, Map) and properties.get("RedrivePolicy") is not None:
            queue.redrive = _redrive(template, resolver, properties)


def _redrive(template: Template, resolver: Resolver, properties: Map) -> Redrive | Any:
    policy = properties["RedrivePolicy"]
    location = template.entry_location(properties, "RedrivePolicy")
    variables: Any = None
    if is_intrinsic(policy) and "Fn::Sub" in policy:  # a JSON string with ${...} in it
        policy, variables = _sub_text(policy["Fn::Sub"])
    if isinstance(policy, str):  # the JSON-string form
        try:
            policy = json.loads(policy)
        except ValueError:  # e.g. an unquoted ${Count}
            return UNKNOWN
        if not isinstance(policy, dict):
            return UNKNOWN
        count = as_int(policy.get("maxReceiveCount"))
        target = policy.get("deadLetterTargetArn")
        if isinstance(target, str) and "${" in target:
            target = _sub_of(target, variables)
        return Redrive(
            dead_letter=resolver.resolve(target),
            max_receive_count=Setting(UNKNOWN if count is None else count, location),
            location=location,
        )
    if not isinstance(policy, Map) or is_intrinsic(policy):
        return UNKNOWN
    count_key = "maxReceiveCount"
    count = as_int(policy.get(count_key))
    count_location = template.entry_location(policy, count_key) if count_key in policy else location
    return Redrive(
        dead_letter=resolver.resolve(policy.get("deadLetterTargetArn")),
        max_receive_count=Setting(UNKNOWN if count is None else count, count_location),
        location=location,
    )


def _sub_text(argument: Any) -> tuple[Any, Any]:
    """``!Sub text`` or ``!Sub [text, variables]`` -> (text, variables or None)."""
    if isinstance(argument, list) and argument:
        return argument[0], argument[1] if len(argument) > 1 else None
    return argument, None


def _sub_of(text: str, variables: Any) -> Map:
    """A ``Fn::Sub`` of one value taken out of a substituted JSON string."""
    substitution = Map()
    substitution["Fn::Sub"] = text if variables is None else [text, variables]
    return substitution


# Where templates name a dead-letter queue or failure destination, by property name:
# SQS and SNS redrive policies; Lambda, EventBridge, Pipes, Scheduler and SAM event
# ``DeadLetterConfig``; SAM ``DeadLetterQueue``; ``DestinationConfig.OnFailure``.
_FAILURE_KEYS: dict[str, tuple[str, ...]] = {
    "RedrivePolicy": ("deadLetterTargetArn",),
    "DeadLetterConfig": ("TargetArn", "Arn", "QueueLogicalId"),
    "DeadLetterQueue": ("TargetArn",),
    "OnFailure": ("Destination",),
}


def mark_named_dead_letters(template: Template, model: InvocationModel, resolver: Resolver) -> None:
    """Tell the model about every resource a template names as a dead-letter target.

    The model has edges only for the forms it understands; this catches the rest (a
    policy under ``Fn::If``, an SNS subscription's or a rule target's DLQ), so that a
    dead-letter queue is never mistaken for a queue that lacks one.
    """
    scopes = [properties for _, _, properties in template.iter_resources()]
    scopes.append(template.root.get("Globals"))
    for scope in scopes:
        for value in _failure_values(scope, []):
            for resource in _mentioned(model, resolver, value):
                model.named_as_dead_letter(resource)


def _mentioned(model: InvocationModel, resolver: Resolver, value: Any) -> Iterator[Resource]:
    """The template resources a failure-target value names, however it names them."""
    if isinstance(value, str):
        if value in model.resources:  # SAM's QueueLogicalId
            yield model.resources[value]
            return
        if "${" not in value:  # a literal ARN
            target = resolver.resolve(value)
            if isinstance(target, Resource):
                yield target
            return
        value = _sub_of(value, None)  # "${Dlq.Arn}" from a JSON string inside !Sub
    for logical_id, _ in resolver.references(value, NO_POS):
        resource = model.resources.get(logical_id)
        if resource is not None:
            yield resource


def _failure_values(value: Any, found: list[Any]) -> list[Any]:
    """Every value written under a failure-target key, at any depth (``Fn::If`` included),
    appended to ``found`` (in no particular order: they mark a set). Every property of
    every resource passes here: keys are matched as a set, scalars not descended into."""
    if isinstance(value, Map):
        if not _FAILURE_KEYS.keys().isdisjoint(value):
            for key in _FAILURE_KEYS.keys() & value.keys():
                found.extend(_named(value[key], _FAILURE_KEYS[key]))
        for item in value.values():
            if isinstance(item, _CONTAINERS):
                _failure_values(item, found)
    elif isinstance(value, Seq):
        for item in value:
            if isinstance(item, _CONTAINERS):
                _failure_values(item, found)
    return found


_CONTAINERS = (Map, Seq)


def _named(config: Any, names: tuple[str, ...]) -> Iterator[Any]:
    """The target values of one failure configuration, through ``Fn::If`` branches."""
    if isinstance(config, str) and config.lstrip().startswith("{"):  # a JSON-string policy
        try:
            config = json.loads(config)
        except ValueError:
            return
    if isinstance(config, list):
        for item in config:
            yield from _named(item, names)
    elif is_intrinsic(config):
        yield from _named(next(iter(config.values())), names)
    elif isinstance(config, dict):
        yield from (config[name] for name in names if config.get(name) is not None)
