"""``aws_lambda_function_event_invoke_config``: retries, event age and destinations of
asynchronous invocations."""

from __future__ import annotations

from invokelint.frontends.edges import destination_triggers
from invokelint.frontends.terraform.builder.references import Resolver
from invokelint.frontends.terraform.builder.values import as_int, child, setting, where
from invokelint.frontends.terraform.configuration import Block, Configuration
from invokelint.model import (
    UNKNOWN,
    EventInvokeConfig,
    FailureTarget,
    Function,
    InvocationModel,
)

EVENT_INVOKE_CONFIG = "aws_lambda_function_event_invoke_config"
DEFAULT_RETRY_ATTEMPTS = 2
DEFAULT_EVENT_AGE = 21_600
_ROLES = {"on_success": "on-success", "on_failure": "on-failure"}


def add_event_invoke_configs(
    configuration: Configuration, model: InvocationModel, resolver: Resolver
) -> None:
    for block in configuration.resources(EVENT_INVOKE_CONFIG):
        config = _config(resolver, block)
        model.event_invoke_configs.append(config)
        if isinstance(config.function, Function):
            config.function.event_invoke_configs.append(config)
        model.async_triggers.extend(destination_triggers(config))


def _config(resolver: Resolver, block: Block) -> EventInvokeConfig:
    found = resolver.resolve_function(block.get("function_name"))
    qualifier = resolver.qualifier(block.get("qualifier"))
    destinations = {"on_success": None, "on_failure": None}
    config = child(block, "destination_config")
    if config is UNKNOWN:  # a dynamic block: an on-failure destination may exist
        destinations["on_failure"] = FailureTarget(
            role="on-failure", target=UNKNOWN, location=where(block, "destination_config")
        )
    elif isinstance(config, Block):
        for key in destinations:
            destinations[key] = _destination(resolver, config, key)
    return EventInvokeConfig(
        id=block.address,
        location=block.location,
        function=found.function,
        maximum_retry_attempts=setting(
            block, "maximum_retry_attempts", as_int, DEFAULT_RETRY_ATTEMPTS
        ),
        maximum_event_age=setting(block, "maximum_event_age_in_seconds", as_int, DEFAULT_EVENT_AGE),
        on_success=destinations["on_success"],
        on_failure=destinations["on_failure"],
        qualifier=qualifier if qualifier is not None else found.qualifier,
    )


def _destination(resolver: Resolver, config: Block, key: str) -> FailureTarget | None:
    destination = child(config, key)
    if destination is None:
        return None
    role = _ROLES[key]
    if destination is UNKNOWN:
        return FailureTarget(role=role, target=UNKNOWN, location=where(config, key))  # type: ignore[arg-type]
    return FailureTarget(
        role=role,  # type: ignore[arg-type]
        target=resolver.resolve(destination.get("destination")),  # type: ignore[union-attr]
        location=destination.location,  # type: ignore[union-attr]
    )
