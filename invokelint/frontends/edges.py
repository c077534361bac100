"""Edges every frontend derives from the model alone, after reading its own input.

Permissions, destinations and triggers mean the same thing whether a template or a
Terraform module declared them: an asynchronous destination that is a function is
invoked asynchronously; a permission for an asynchronous service that no trigger explains
stands for an invoker elsewhere; a permission a modelled trigger explains adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from invokelint.model import (
    UNKNOWN,
    AsyncTrigger,
    EventInvokeConfig,
    EventSourceMapping,
    ExternalArn,
    Function,
    InvocationModel,
    Permission,
    SyncTrigger,
    Trigger,
    Unknown,
)

# Service principals (``<service>.amazonaws.com``) that invoke functions asynchronously.
# Not SES: a receipt rule's Lambda action may be ``RequestResponse`` (to accept or reject
# mail), so a permission for SES alone leaves the invocation type unknown.
ASYNC_PRINCIPALS = frozenset({"s3", "sns", "events", "logs", "iot", "config", "codecommit"})
URL_SERVICE = "lambda-url"  # function URLs: invoked through lambda:InvokeFunctionUrl
URL_ACTION = "lambda:InvokeFunctionUrl"
_DESTINATION_KEYS = {"on-success": "OnSuccess", "on-failure": "OnFailure"}


def add_edges(model: InvocationModel, items: Iterable[Trigger | EventSourceMapping]) -> None:
    """Append triggers and mappings to the model's list of their kind."""
    for item in items:
        if isinstance(item, AsyncTrigger):
            model.async_triggers.append(item)
        elif isinstance(item, SyncTrigger):
            model.sync_triggers.append(item)
        elif isinstance(item, EventSourceMapping):
            model.mappings.append(item)


def is_function_target(target: Any) -> bool:
    return isinstance(target, Function) or (isinstance(target, ExternalArn) and target.is_function)


def async_service(principal: str | Unknown) -> str | None:
    """``"s3"`` for ``s3.amazonaws.com``; None for a principal that is not asynchronous."""
    if not isinstance(principal, str):
        return None
    service = principal.split(".")[0].lower()
    return service if service in ASYNC_PRINCIPALS else None


def destination_triggers(config: EventInvokeConfig) -> list[AsyncTrigger]:
    """A destination that is a function: Lambda sends it the invocation record with
    ``InvocationType=Event``, so it is invoked asynchronously (service ``"lambda"``)."""
    triggers = []
    for destination in (config.on_success, config.on_failure):
        if destination is None or not is_function_target(destination.target):
            continue
        triggers.append(
            AsyncTrigger(
                id=f"{config.id}.{_DESTINATION_KEYS[destination.role]}",
                resource=config.id,
                location=destination.location,
                function=destination.target,  # type: ignore[arg-type]
                service="lambda",
                source=config.function if isinstance(config.function, Function) else UNKNOWN,
                ignores=config.ignores,
            )
        )
    return triggers


def add_permission_triggers(model: InvocationModel) -> None:
    """Permissions for an async service that no trigger explains; run after every trigger.

    The invoker lives elsewhere (another stack, a custom resource, the console), but the
    principal says how it invokes: asynchronously.
    """
    triggers = (*model.async_triggers, *model.sync_triggers)
    modelled = {(id(t.function), t.service) for t in triggers}
    for permission in model.permissions:
        service = async_service(permission.principal)
        function = permission.function
        if service is None or not is_function_target(function):
            continue
        if (id(function), service) in modelled:
            continue
        modelled.add((id(function), service))
        model.async_triggers.append(
            AsyncTrigger(
                id=permission.id,
                resource=permission.id,
                location=permission.location,
                function=function,  # type: ignore[arg-type]
                service=service,
                source=permission.source_arn if permission.source_arn is not None else UNKNOWN,
                ignores=permission.ignores,
            )
        )


def mark_unexplained_permissions(model: InvocationModel) -> None:
    """A permission whose invoker is not a modelled trigger may invoke in any way."""
    for permission in model.permissions:
        if isinstance(permission.function, Function) and not _explained(model, permission):
            model.unknown_invoker(permission.function, permission.location)


def _explained(model: InvocationModel, permission: Permission) -> bool:
    """A permission whose invoker is already a modelled trigger adds nothing unknown."""
    principal = permission.principal
    if not isinstance(principal, str):
        return False
    # a function URL's permission names the action, and "*" or an account as principal
    action = permission.action
    url = isinstance(action, str) and action.lower() == URL_ACTION.lower()
    service = URL_SERVICE if url else principal.split(".")[0]
    triggers = (*model.async_triggers, *model.sync_triggers)
    return any(t.function is permission.function and t.service == service for t in triggers)
