"""Asynchronous invocation settings: ``AWS::Lambda::EventInvokeConfig`` and SAM's property.

A destination that is a function is itself invoked asynchronously (Lambda sends it the
invocation record with ``InvocationType=Event``), so it gets an ``AsyncTrigger`` of
service ``"lambda"``.
"""

from __future__ import annotations

from typing import Any

from invokelint.frontends.cloudformation.functions import SAM_FUNCTION, function_properties
from invokelint.frontends.cloudformation.references import Resolver
from invokelint.frontends.cloudformation.template import Template, as_int, as_str, is_intrinsic
from invokelint.frontends.edges import destination_triggers
from invokelint.frontends.positioned import Map
from invokelint.model import (
    UNKNOWN,
    EventInvokeConfig,
    ExternalArn,
    FailureTarget,
    Function,
    InvocationModel,
    Location,
    Setting,
    Unknown,
)

EVENT_INVOKE_CONFIG = "AWS::Lambda::EventInvokeConfig"
DEFAULT_RETRY_ATTEMPTS = 2
DEFAULT_EVENT_AGE = 21_600


def add_event_invoke_configs(
    template: Template, model: InvocationModel, resolver: Resolver
) -> None:
    for logical_id, kind, properties in template.iter_resources():
        if kind == EVENT_INVOKE_CONFIG:
            config = _from_resource(template, resolver, logical_id, properties)
        elif kind == SAM_FUNCTION and isinstance(model.resources.get(logical_id), Function):
            config = _from_sam(template, resolver, model.resources[logical_id], properties)
        else:
            continue
        if config is None:
            continue
        model.event_invoke_configs.append(config)
        if isinstance(config.function, Function):
            config.function.event_invoke_configs.append(config)
        model.async_triggers.extend(destination_triggers(config))


def _from_resource(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> EventInvokeConfig:
    qualifier = as_str(properties.get("Qualifier"))
    return _config(
        template,
        resolver,
        properties,
        id=logical_id,
        location=template.resource_location(logical_id),
        function=resolver.resolve_function(properties.get("FunctionName")).function,
        qualifier=qualifier,
        ignores=template.ignores(logical_id),
    )


def _from_sam(
    template: Template, resolver: Resolver, function: Function, raw: Map
) -> EventInvokeConfig | None:
    """SAM's ``EventInvokeConfig`` (also from ``Globals``) on ``$LATEST`` or the alias."""
    properties = function_properties(template, function.id, raw)
    value = properties.get("EventInvokeConfig")
    if value is None:
        return None
    location = template.entry_location(properties, "EventInvokeConfig")
    alias = properties.get("AutoPublishAlias")
    qualifier = as_str(alias) if alias is not None else "$LATEST"
    if not isinstance(value, Map) or is_intrinsic(value):
        # a condition decides: settings unknown, and maybe an on-failure destination
        return EventInvokeConfig(
            id=function.id,
            location=location,
            function=function,
            maximum_retry_attempts=Setting(UNKNOWN, location),
            maximum_event_age=Setting(UNKNOWN, location),
            on_failure=FailureTarget(role="on-failure", target=UNKNOWN, location=location),
            qualifier=qualifier,
            ignores=function.ignores,
        )
    return _config(
        template,
        resolver,
        value,
        id=function.id,
        location=location,
        function=function,
        qualifier=qualifier,
        ignores=function.ignores,
    )


def _config(
    template: Template,
    resolver: Resolver,
    properties: Map,
    *,
    id: str,
    location: Location,
    function: Function | ExternalArn | Unknown,
    qualifier: str | Unknown | None,
    ignores: frozenset[str],
) -> EventInvokeConfig:
    destinations = properties.get("DestinationConfig")
    on_success = on_failure = None
    if isinstance(destinations, Map) and not is_intrinsic(destinations):
        on_success = _destination(template, resolver, destinations, "OnSuccess")
        on_failure = _destination(template, resolver, destinations, "OnFailure")
    elif destinations is not None:  # an intrinsic: an on-failure destination may exist
        on_failure = FailureTarget(
            role="on-failure",
            target=UNKNOWN,
            location=template.entry_location(properties, "DestinationConfig"),
        )
    return EventInvokeConfig(
        id=id,
        location=location,
        function=function,
        maximum_retry_attempts=template.setting(
            properties, "MaximumRetryAttempts", as_int, DEFAULT_RETRY_ATTEMPTS, location
        ),
        maximum_event_age=template.setting(
            properties, "MaximumEventAgeInSeconds", as_int, DEFAULT_EVENT_AGE, location
        ),
        on_success=on_success,
        on_failure=on_failure,
        qualifier=qualifier,
        ignores=ignores,
    )


def _destination(
    template: Template, resolver: Resolver, destinations: Map, key: str
) -> FailureTarget | None:
    value: Any = destinations.get(key)
    if value is None:
        return None
    role = "on-failure" if key == "OnFailure" else "on-success"
    location = template.entry_location(destinations, key)
    if not isinstance(value, Map) or is_intrinsic(value):
        return FailureTarget(role=role, target=UNKNOWN, location=location)
    declared = as_str(value.get("Type"))
    arn = value.get("Destination")
    # SAM creates a standard queue or topic when ``Type`` is SQS/SNS and no Destination.
    return FailureTarget(
        role=role,
        target=resolver.resolve(arn) if arn is not None else UNKNOWN,
        location=location,
        declared_type=declared if isinstance(declared, str) else None,
    )
