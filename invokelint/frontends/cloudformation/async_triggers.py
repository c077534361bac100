"""Asynchronous triggers: S3 notifications, SNS subscriptions, EventBridge targets, and more.

Each service that calls ``Invoke`` with ``InvocationType=Event`` becomes an
``AsyncTrigger`` (or one of its typed subclasses), whether it is written as a plain
CloudFormation resource or as a SAM event. A trigger is recorded when the construct
certainly invokes a function; its ``function`` or ``source`` may still be ``UNKNOWN``
(a parameter, an import). A reference that cannot be read as a trigger at all is left to
``invokers.mark_unmodelled_invokers``, which marks the function as invoked in an unknown way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from invokelint.frontends.cloudformation.functions import SAM_FUNCTION, function_properties
from invokelint.frontends.cloudformation.mappings import sam_trigger_events
from invokelint.frontends.cloudformation.references import FunctionRef, Resolver
from invokelint.frontends.cloudformation.template import (
    Template,
    as_bool,
    as_int,
    as_str,
    child,
    is_intrinsic,
)
from invokelint.frontends.edges import add_edges, is_function_target
from invokelint.frontends.positioned import Map, Seq
from invokelint.model import (
    UNKNOWN,
    AsyncTrigger,
    EventBridgeTrigger,
    EventSourceMapping,
    FailureTarget,
    Function,
    InvocationModel,
    Location,
    S3Trigger,
    Setting,
    SnsTrigger,
    SyncTrigger,
    Trigger,
    Unknown,
)

# SAM event type -> service name, for events that need nothing but the service.
_SAM_PLAIN_EVENTS = {"CloudWatchLogs": "logs", "IoTRule": "iot"}
_SAM_RULE_EVENTS = {
    "EventBridgeRule": "events",
    "CloudWatchEvent": "events",
    "Schedule": "events",
    "ScheduleV2": "scheduler",  # EventBridge Scheduler: also invokes asynchronously
}
_SAM_SCHEDULES = frozenset({"Schedule", "ScheduleV2"})

Reader = Callable[[Template, Resolver, str, Map], Iterator[Trigger]]


def add_async_triggers(template: Template, model: InvocationModel, resolver: Resolver) -> None:
    """Every asynchronous trigger the template declares (and the few synchronous ones
    that share a service with them: SES ``RequestResponse``, IoT authorizers, Alexa)."""
    for logical_id, kind, properties in template.iter_resources():
        if kind == SAM_FUNCTION:
            function = model.resources.get(logical_id)
            if isinstance(function, Function):
                effective = function_properties(template, logical_id, properties)
                add_edges(model, _sam_events(template, resolver, function, effective))
        elif kind in _READERS:
            add_edges(model, _READERS[kind](template, resolver, logical_id, properties))


# ------------------------------------------------------------------ plain CloudFormation


def _bucket(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    configs = child(properties, "NotificationConfiguration", "LambdaConfigurations")
    for index, item in _items(configs):
        ref = resolver.resolve_function(item.get("Function"))
        prefix, suffix = _key_filter(item.get("Filter"))
        event = as_str(item.get("Event"))
        yield S3Trigger(
            **_common(template, logical_id, f"LambdaConfigurations[{index}]"),
            location=template.location(configs.item_position(index)),
            function=ref.function,
            service="s3",
            source=resolver.model.resources.get(logical_id, UNKNOWN),
            events=(event,) if isinstance(event, str) else UNKNOWN,
            prefix=prefix,
            suffix=suffix,
        )


def _cdk_bucket_notifications(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """CDK's ``bucket.addEventNotification``: a custom resource that calls S3's
    ``PutBucketNotificationConfiguration`` with the bucket's notifications, in the API's
    shape (``LambdaFunctionConfigurations``, ``Events``, ``Filter.Key.FilterRules``)."""
    configs = child(properties, "NotificationConfiguration", "LambdaFunctionConfigurations")
    for index, item in _items(configs):
        events = item.get("Events")
        names = tuple(events) if _plain(events, Seq) else ()
        prefix, suffix = _key_filter(item.get("Filter"), ("Key", "FilterRules"))
        yield S3Trigger(
            **_common(template, logical_id, f"LambdaFunctionConfigurations[{index}]"),
            location=template.location(configs.item_position(index)),
            function=resolver.resolve_function(item.get("LambdaFunctionArn")).function,
            service="s3",
            source=resolver.resolve(properties.get("BucketName")),
            events=names if names and all(isinstance(e, str) for e in names) else UNKNOWN,
            prefix=prefix,
            suffix=suffix,
        )


def _subscription(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    ref = _lambda_endpoint(resolver, properties)
    if ref is None:
        return
    yield SnsTrigger(
        **_common(template, logical_id),
        location=template.resource_location(logical_id),
        function=ref.function,
        service="sns",
        source=resolver.resolve(properties.get("TopicArn")),
        redrive_policy=_present(
            template, properties, "RedrivePolicy", template.resource_location(logical_id)
        ),
    )


def _topic(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    subscriptions = properties.get("Subscription")
    for index, item in _items(subscriptions):
        ref = _lambda_endpoint(resolver, item)
        if ref is None:
            continue
        location = template.location(subscriptions.item_position(index))
        yield SnsTrigger(
            **_common(template, logical_id, f"Subscription[{index}]"),
            location=location,
            function=ref.function,
            service="sns",
            source=resolver.model.resources.get(logical_id, UNKNOWN),
            # an inline subscription has no RedrivePolicy property at all
            redrive_policy=Setting(False, location, explicit=False),
        )


def _rule(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    targets = properties.get("Targets")
    # a rule fires on a timetable or on matching events (AWS accepts one or the other)
    schedule = "ScheduleExpression" in properties and "EventPattern" not in properties
    for index, item in _items(targets):
        name = as_str(item.get("Id"))
        part = name if isinstance(name, str) else f"Targets[{index}]"
        location = template.location(targets.item_position(index))
        yield from _target(
            template, resolver, logical_id, item, part, location, "events", schedule=schedule
        )


def _schedule(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    target = properties.get("Target")
    if _plain(target, Map):
        location = template.entry_location(properties, "Target")
        yield from _target(
            template, resolver, logical_id, target, "Target", location, "scheduler", schedule=True
        )


def _target(
    template: Template,
    resolver: Resolver,
    logical_id: str,
    target: Map,
    part: str,
    location: Location,
    service: str,
    *,
    schedule: bool,
) -> Iterator[Trigger]:
    """A rule's or schedule's target, when its ``Arn`` is a function."""
    ref = resolver.resolve_function(target.get("Arn"))
    if is_function_target(ref.function):
        yield EventBridgeTrigger(
            **_common(template, logical_id, part),
            location=location,
            function=ref.function,
            service=service,
            source=resolver.model.resources.get(logical_id, UNKNOWN),
            dead_letter=_dead_letter(template, resolver, target),
            schedule=schedule,
        )


def _log_subscription(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    ref = resolver.resolve_function(properties.get("DestinationArn"))
    if is_function_target(ref.function):
        yield AsyncTrigger(
            **_common(template, logical_id),
            location=template.entry_location(properties, "DestinationArn"),
            function=ref.function,
            service="logs",
            source=resolver.resolve(properties.get("LogGroupName")),
        )


def _iot_rule(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    payload = properties.get("TopicRulePayload")
    if not _plain(payload, Map):
        return
    actions = [(f"Actions[{i}]", action) for i, action in _items(payload.get("Actions"))]
    if _plain(payload.get("ErrorAction"), Map):
        actions.append(("ErrorAction", payload["ErrorAction"]))
    for name, action in actions:
        if not _plain(action.get("Lambda"), Map):
            continue
        yield AsyncTrigger(
            **_common(template, logical_id, name),
            location=template.entry_location(action, "Lambda"),
            function=resolver.resolve_function(action["Lambda"].get("FunctionArn")).function,
            service="iot",
            source=resolver.model.resources.get(logical_id, UNKNOWN),
        )


def _receipt_rule(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """SES receipt rules call the function with ``Event`` unless told ``RequestResponse``."""
    for index, action in _items(child(properties, "Rule", "Actions")):
        lambda_action = action.get("LambdaAction")
        if not _plain(lambda_action, Map):
            continue
        invocation = as_str(lambda_action.get("InvocationType"))
        if invocation is UNKNOWN:
            continue  # neither kind is certain: left to the unknown-invoker scan
        kind = SyncTrigger if invocation == "RequestResponse" else AsyncTrigger
        yield kind(
            **_common(template, logical_id, f"Actions[{index}]"),
            location=template.entry_location(action, "LambdaAction"),
            function=resolver.resolve_function(lambda_action.get("FunctionArn")).function,
            service="ses",
        )


def _iot_authorizer(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """An IoT custom authorizer waits for the policy the function returns."""
    if "AuthorizerFunctionArn" in properties:
        yield SyncTrigger(
            **_common(template, logical_id),
            location=template.entry_location(properties, "AuthorizerFunctionArn"),
            function=resolver.resolve_function(properties["AuthorizerFunctionArn"]).function,
            service="iot",
        )


_READERS: dict[str, Reader] = {
    "AWS::S3::Bucket": _bucket,
    "Custom::S3BucketNotifications": _cdk_bucket_notifications,
    "AWS::SNS::Subscription": _subscription,
    "AWS::SNS::Topic": _topic,
    "AWS::Events::Rule": _rule,
    "AWS::Scheduler::Schedule": _schedule,
    "AWS::Logs::SubscriptionFilter": _log_subscription,
    "AWS::IoT::TopicRule": _iot_rule,
    "AWS::IoT::Authorizer": _iot_authorizer,
    "AWS::SES::ReceiptRule": _receipt_rule,
}


# ---------------------------------------------------------------------------- SAM events


def _sam_events(
    template: Template, resolver: Resolver, function: Function, properties: Map
) -> Iterator[Trigger | EventSourceMapping]:
    for event_type, props, common in sam_trigger_events(template, function, properties):
        if event_type == "S3":
            yield _sam_s3(template, resolver, props, common)
        elif event_type == "SNS":
            yield from _sam_sns(template, resolver, props, common)
        elif event_type in _SAM_RULE_EVENTS:
            yield EventBridgeTrigger(
                **common,
                service=_SAM_RULE_EVENTS[event_type],
                dead_letter=_dead_letter(template, resolver, props),
                schedule=event_type in _SAM_SCHEDULES,
            )
        elif event_type in _SAM_PLAIN_EVENTS:
            yield AsyncTrigger(**common, service=_SAM_PLAIN_EVENTS[event_type])
        elif event_type == "AlexaSkill":  # the skill waits for the answer
            yield SyncTrigger(**common, service="alexa-appkit")


def _sam_s3(
    template: Template, resolver: Resolver, props: Map, common: dict[str, Any]
) -> S3Trigger:
    events = props.get("Events")
    if isinstance(events, str):
        names: tuple[str, ...] | Unknown = (events,)
    elif isinstance(events, Seq) and all(isinstance(e, str) for e in events):
        names = tuple(events)
    else:
        names = UNKNOWN
    prefix, suffix = _key_filter(props.get("Filter"))
    return S3Trigger(
        **common,
        service="s3",
        source=resolver.resolve(props.get("Bucket")),
        events=names,
        prefix=prefix,
        suffix=suffix,
    )


def _sam_sns(
    template: Template, resolver: Resolver, props: Map, common: dict[str, Any]
) -> Iterator[Trigger | EventSourceMapping]:
    """SNS -> function, or with ``SqsSubscription`` SNS -> queue -> event source mapping."""
    via_queue = props.get("SqsSubscription")
    flag = True if _plain(via_queue, Map) else as_bool(via_queue)
    if via_queue is not None and flag is UNKNOWN:
        return  # either shape is possible: left to the unknown-invoker scan
    if not flag:
        yield SnsTrigger(
            **common,
            service="sns",
            source=resolver.resolve(props.get("Topic")),
            redrive_policy=_present(template, props, "RedrivePolicy", common["location"]),
        )
        return
    yield _sns_queue_mapping(template, resolver, via_queue, common)


def _sns_queue_mapping(
    template: Template, resolver: Resolver, via_queue: Any, common: dict[str, Any]
) -> EventSourceMapping:
    """SAM's queue between topic and function: the function is polled, not invoked."""
    location: Location = common["location"]
    settings = via_queue if _plain(via_queue, Map) else Map()
    # ``SqsSubscription: true`` makes SAM create the queue: nothing about it is known here.
    source = resolver.resolve(settings.get("QueueArn")) if "QueueArn" in settings else UNKNOWN
    batch = template.setting(settings, "BatchSize", as_int, 10, location)
    return EventSourceMapping(
        id=common["id"],
        resource=common["resource"],
        location=location,
        function=common["function"],
        source=source,
        source_kind="sqs",
        batch_size=batch,
        batching_window=Setting(None, location, explicit=False),
        maximum_retry_attempts=Setting(-1, location, explicit=False),
        maximum_record_age=Setting(-1, location, explicit=False),
        bisect_on_error=Setting(False, location, explicit=False),
        function_response_types=Setting((), location, explicit=False),
        maximum_concurrency=Setting(None, location, explicit=False),
        enabled=template.setting(settings, "Enabled", as_bool, True, location),
        settable=False,
        sam=True,
        ignores=common["ignores"],
    )


# ----------------------------------------------------------------------------- helpers


def _common(template: Template, logical_id: str, part: str | None = None) -> dict[str, Any]:
    return {
        "id": f"{logical_id}.{part}" if part else logical_id,
        "resource": logical_id,
        "ignores": template.ignores(logical_id),
    }


def _plain(value: Any, kind: type) -> bool:
    return isinstance(value, kind) and not is_intrinsic(value)


def _items(value: Any) -> Iterator[tuple[int, Map]]:
    """``(index, item)`` of a literal list's literal mappings."""
    if isinstance(value, Seq):
        for index, item in enumerate(value):
            if _plain(item, Map):
                yield index, item


def _lambda_endpoint(resolver: Resolver, subscription: Map) -> FunctionRef | None:
    """The function an SNS subscription delivers to; None when it is not a function."""
    ref = resolver.resolve_function(subscription.get("Endpoint"))
    protocol = as_str(subscription.get("Protocol"))
    if isinstance(protocol, str):
        return ref if protocol.lower() == "lambda" else None
    return ref if is_function_target(ref.function) else None


def _present(template: Template, properties: Map, key: str, absent: Location) -> Setting[bool]:
    """Whether ``key`` is set: UNKNOWN when a condition may remove it."""
    value = properties.get(key)
    if value is None:
        return Setting(False, absent, explicit=False)
    location = template.entry_location(properties, key)
    if isinstance(value, Map) and "Fn::If" in value:
        return Setting(UNKNOWN, location)
    return Setting(True, location)


def _dead_letter(
    template: Template, resolver: Resolver, target: Map
) -> FailureTarget | Unknown | None:
    """A rule target's (or SAM event's) ``DeadLetterConfig``: ``Arn``, or SAM's ``Type``."""
    config = target.get("DeadLetterConfig")
    if config is None:
        return None
    if not _plain(config, Map):
        return UNKNOWN
    location = template.entry_location(target, "DeadLetterConfig")
    declared = as_str(config.get("Type"))
    if "Arn" in config:
        destination = resolver.resolve(config["Arn"])
    elif declared is not None:
        destination = UNKNOWN  # SAM creates the queue
    else:
        return None
    return FailureTarget(
        role="dlq",
        target=destination,
        location=location,
        declared_type=declared if isinstance(declared, str) else None,
    )


def _key_filter(value: Any, steps: tuple[str, str] = ("S3Key", "Rules")) -> tuple[Any, Any]:
    """``(prefix, suffix)`` of an S3 ``Filter.S3Key.Rules`` (the S3 API's
    ``Filter.Key.FilterRules`` with ``steps``): None where not filtered."""
    for step in steps:
        if value is None:
            return None, None
        if not _plain(value, Map):
            return UNKNOWN, UNKNOWN
        value = value.get(step)
    rules = value
    if rules is None:
        return None, None
    if not _plain(rules, Seq):
        return UNKNOWN, UNKNOWN
    found: dict[str, Any] = {}
    for rule in rules:
        name = as_str(rule.get("Name")) if _plain(rule, Map) else UNKNOWN
        if not isinstance(name, str):
            return UNKNOWN, UNKNOWN
        text = as_str(rule.get("Value"))
        found[name.lower()] = text if isinstance(text, str) else UNKNOWN
    return found.get("prefix"), found.get("suffix")
