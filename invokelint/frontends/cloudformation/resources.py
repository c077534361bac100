"""Queues, topics, streams, buckets and event buses: what functions read from and write to."""

from __future__ import annotations

import json
from typing import Any

from invokelint.frontends.cloudformation.references import Resolver
from invokelint.frontends.cloudformation.template import (
    Template,
    as_bool,
    as_int,
    as_str,
    is_intrinsic,
)
from invokelint.frontends.positioned import Map
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
    if isinstance(policy, str):  # the JSON-string form
        try:
            policy = json.loads(policy)
        except ValueError:
            return UNKNOWN
        if not isinstance(policy, dict):
            return UNKNOWN
        count = as_int(policy.get("maxReceiveCount"))
        return Redrive(
            dead_letter=resolver.resolve(policy.get("deadLetterTargetArn")),
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
