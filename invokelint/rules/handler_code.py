"""Helpers shared by the rules that read handler code (IL002, IL003, IL206, IL4xx).

Rules see code only as ``invokelint.code.facts`` objects, attached to the model by the
engine; nothing here parses Python.
"""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.code.facts import CallTarget, Effect, FromEvent, HandlerFacts
from invokelint.model import (
    UNKNOWN,
    EventSourceMapping,
    ExternalArn,
    Function,
    InvocationModel,
    Resource,
    Trigger,
)


def analysed(model: InvocationModel) -> Iterator[tuple[Function, HandlerFacts]]:
    """Every function whose handler code was read."""
    for function in model.functions:
        facts = model.handler(function)
        if isinstance(facts, HandlerFacts):
            yield function, facts


def in_function(effect: Effect) -> str:
    """`` in save()`` when the call is not in the handler itself."""
    return f" in {effect.function}()"


def target_name(target: CallTarget) -> str | None:
    """How a message names where a call goes: ``'Orders'``, ``'my-bucket'``."""
    if isinstance(target, Resource):
        return f"'{target.id}'"
    if isinstance(target, ExternalArn):
        return f"'{target.arn}'"
    if isinstance(target, str):
        return f"'{target}'"
    if isinstance(target, FromEvent):
        return "named in the event"
    return None


def source_phrase(source: object) -> str:
    """``queue 'Orders'`` for a mapping's or trigger's source."""
    if isinstance(source, Resource):
        # AWS::SQS::Queue -> queue; aws_sqs_queue -> queue
        kind = source.type.rsplit("::", 1)[-1] if "::" in source.type else source.type
        return f"{kind.rsplit('_', 1)[-1].lower()} '{source.id}'"
    if isinstance(source, ExternalArn):
        return f"'{source.arn}'"
    return "an unknown source"


def mapping_phrase(mapping: EventSourceMapping) -> str:
    if mapping.source is UNKNOWN:
        return f"event source mapping '{mapping.id}'"
    return f"{source_phrase(mapping.source)} (mapping '{mapping.id}')"


def trigger_phrase(trigger: Trigger) -> str:
    """``topic 'Signups'``, or ``EventBridge trigger 'Nightly.Schedule'``."""
    if isinstance(trigger.source, (Resource, ExternalArn)):
        return source_phrase(trigger.source)
    service = _SERVICES.get(trigger.service, trigger.service)
    return f"{service} trigger '{trigger.id}'"


_SERVICES = {
    "events": "EventBridge",
    "scheduler": "EventBridge Scheduler",
    "sns": "SNS",
    "s3": "S3",
    "logs": "CloudWatch Logs",
    "iot": "IoT",
    "ses": "SES",
    "config": "Config",
    "codecommit": "CodeCommit",
    "apigateway": "API Gateway",
    "elasticloadbalancing": "load balancer",
}
