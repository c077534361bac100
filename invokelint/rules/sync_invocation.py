"""Wording shared by the synchronous-invocation rules (IL3xx) and IL203/IL205: how to name
a trigger of any kind, and which resource a diagnostic about it belongs to."""

from __future__ import annotations

from invokelint.model import (
    AlbTrigger,
    ApiTrigger,
    EdgeTrigger,
    InvocationModel,
    Resource,
    Trigger,
    UrlTrigger,
)
from invokelint.rules.async_invocation import describe_trigger

API_KINDS = {"rest": "REST API", "http": "HTTP API", "websocket": "WebSocket API"}


def describe(model: InvocationModel, trigger: Trigger) -> str:
    """``API Gateway REST API event 'Api.Get'``, ``ALB target group 'Targets'``, ..."""
    if isinstance(trigger, ApiTrigger):
        api = API_KINDS.get(trigger.api, "API") if isinstance(trigger.api, str) else "API"
        role = "authorizer" if trigger.authorizer else "event" if trigger.sam else "integration"
        return f"API Gateway {api} {role} '{trigger.id}'"
    if isinstance(trigger, AlbTrigger):
        return f"ALB target group '{trigger.resource}'"
    if isinstance(trigger, UrlTrigger):
        return f"function URL '{trigger.id}'"
    if isinstance(trigger, EdgeTrigger):
        return f"CloudFront distribution '{trigger.resource}'"
    return describe_trigger(model, trigger)


def resource_of(model: InvocationModel, trigger: Trigger) -> Resource | str:
    """The resource a user edits to change ``trigger`` (for suppressions and messages)."""
    return model.resources.get(trigger.resource) or trigger.resource
