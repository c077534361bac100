"""Asynchronous triggers: S3 notifications, SNS subscriptions, EventBridge rule targets and
schedules, CloudWatch Logs subscription filters, IoT rules, SES receipt rules (and the
synchronous ones of the same services: SES ``RequestResponse``, IoT authorizers).

A trigger is recorded when the resource certainly invokes a function; its ``function``
or ``source`` may still be ``UNKNOWN``. A ``dynamic`` trigger block may stand for none,
so it makes no trigger: ``invokers.mark_unmodelled_invokers`` marks the functions it
names as invoked in an unknown way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from invokelint.frontends.edges import is_function_target
from invokelint.frontends.terraform.builder.functions import dead_letter_config
from invokelint.frontends.terraform.builder.references import Reader, Resolver
from invokelint.frontends.terraform.builder.values import (
    as_str_list,
    child,
    children,
    is_set,
    text,
)
from invokelint.frontends.terraform.configuration import Block, Ref
from invokelint.model import (
    UNKNOWN,
    AsyncTrigger,
    EventBridgeTrigger,
    Function,
    S3Trigger,
    Setting,
    SnsTrigger,
    SyncTrigger,
    Trigger,
    Unknown,
)


def _bucket_notification(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    items = children(block, "lambda_function")
    if items is UNKNOWN:
        return
    bucket = resolver.resolve_named(block.get("bucket"), "s3")
    for index, item in enumerate(items):  # type: ignore[arg-type]
        events = item.get("events")
        yield S3Trigger(
            id=f"{block.address}.lambda_function[{index}]",
            resource=block.address,
            location=item.location,
            function=resolver.resolve_function(item.get("lambda_function_arn")).function,
            service="s3",
            source=bucket,
            events=(as_str_list(events.value) or UNKNOWN) if events is not None else UNKNOWN,
            prefix=text(item, "filter_prefix"),
            suffix=text(item, "filter_suffix"),
        )


def _subscription(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    found = resolver.resolve_function(block.get("endpoint"))
    protocol = text(block, "protocol")
    if isinstance(protocol, str) and protocol.lower() != "lambda":
        return
    if not isinstance(protocol, str) and not is_function_target(found.function):
        return  # maybe a queue or an HTTP endpoint
    yield SnsTrigger(
        id=block.address,
        resource=block.address,
        location=block.location,
        function=found.function,
        service="sns",
        source=resolver.resolve_named(block.get("topic_arn"), "sns"),
        redrive_policy=_redrive_policy(block),
    )


def _redrive_policy(block: Block) -> Setting[bool]:
    value = block.get("redrive_policy")
    if value is None or value.value is None:
        return Setting(False, block.location, explicit=False)
    return Setting(is_set(value), value.location)


def _event_target(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    found = resolver.resolve_function(block.get("arn"))
    if not is_function_target(found.function):
        return
    rule = block.get("rule")
    yield EventBridgeTrigger(
        id=block.address,
        resource=block.address,
        location=block.location,
        function=found.function,
        service="events",
        source=resolver.resolve(rule),
        dead_letter=dead_letter_config(resolver, block, "arn"),
        schedule=_is_scheduled_rule(resolver, rule.value if rule is not None else None),
    )


def _is_scheduled_rule(resolver: Resolver, rule: Any) -> bool:
    """The target's rule fires on a timetable (``schedule_expression``), not on events."""
    block = resolver.block(rule) if isinstance(rule, Ref) else None
    return (
        block is not None
        and block.get("schedule_expression") is not None
        and block.get("event_pattern") is None
    )


def _scheduler_schedule(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    target = child(block, "target")
    if not isinstance(target, Block):
        return
    found = resolver.resolve_function(target.get("arn"))
    if not is_function_target(found.function):
        return
    yield EventBridgeTrigger(
        id=f"{block.address}.target",
        resource=block.address,
        location=target.location,
        function=found.function,
        service="scheduler",
        source=resolver.model.resources.get(block.address, UNKNOWN),
        dead_letter=dead_letter_config(resolver, target, "arn"),
        schedule=True,
    )


def _log_subscription(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    destination = block.get("destination_arn")
    found = resolver.resolve_function(destination)
    if destination is None or not is_function_target(found.function):
        return
    yield AsyncTrigger(
        id=block.address,
        resource=block.address,
        location=destination.location,
        function=found.function,
        service="logs",
        source=resolver.resolve(block.get("log_group_name")),
    )


def _iot_rule(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """``aws_iot_topic_rule``: ``lambda { function_arn }``, also inside ``error_action``."""
    actions = [(f"lambda[{i}]", b) for i, b in enumerate(_known(children(block, "lambda")))]
    for error in _known(children(block, "error_action")):
        actions += [("error_action.lambda", b) for b in _known(children(error, "lambda"))]
    for name, action in actions:
        yield AsyncTrigger(
            id=f"{block.address}.{name}",
            resource=block.address,
            location=action.location,
            function=resolver.resolve_function(action.get("function_arn")).function,
            service="iot",
            source=resolver.model.resources.get(block.address, UNKNOWN),
        )


def _iot_authorizer(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """An IoT custom authorizer waits for the policy the function returns."""
    arn = block.get("authorizer_function_arn")
    if arn is not None:
        yield SyncTrigger(
            id=block.address,
            resource=block.address,
            location=arn.location,
            function=resolver.resolve_function(arn).function,
            service="iot",
        )


def _receipt_rule(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """SES receipt rules call the function with ``Event`` unless told ``RequestResponse``."""
    for index, action in enumerate(_known(children(block, "lambda_action"))):
        function = resolver.resolve_function(action.get("function_arn")).function
        invocation = text(action, "invocation_type")
        if invocation is UNKNOWN:  # neither kind is certain
            if isinstance(function, Function):
                resolver.model.unknown_invoker(function, action.location)
            continue
        kind = SyncTrigger if invocation == "RequestResponse" else AsyncTrigger
        yield kind(
            id=f"{block.address}.lambda_action[{index}]",
            resource=block.address,
            location=action.location,
            function=function,
            service="ses",
        )


def _known(found: list[Block] | Unknown) -> list[Block]:
    """Nested blocks that certainly exist (dynamic ones are left to the unknown scan)."""
    return found if isinstance(found, list) else []


ASYNC_READERS: dict[str, Reader] = {
    "aws_s3_bucket_notification": _bucket_notification,
    "aws_sns_topic_subscription": _subscription,
    "aws_cloudwatch_event_target": _event_target,
    "aws_scheduler_schedule": _scheduler_schedule,
    "aws_cloudwatch_log_subscription_filter": _log_subscription,
    "aws_iot_topic_rule": _iot_rule,
    "aws_iot_authorizer": _iot_authorizer,
    "aws_ses_receipt_rule": _receipt_rule,
}
