"""Synchronous triggers: function URLs, load balancer target groups, Lambda@Edge, Cognito
user pool triggers and Step Functions tasks (API Gateway has a module of its own).

The caller waits for the answer and Lambda never retries, so a dead-letter queue or an
on-failure destination never sees these events. Cognito's custom sender triggers are the
exception: Cognito invokes them asynchronously.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from invokelint.frontends.edges import URL_SERVICE, is_function_target
from invokelint.frontends.terraform.builder.references import Reader, Resolver
from invokelint.frontends.terraform.builder.state_machines import (
    STATE_MACHINE,
    state_machine_triggers,
)
from invokelint.frontends.terraform.builder.values import (
    as_bool,
    as_str,
    as_str_list,
    child,
    children,
    setting,
    text,
    where,
)
from invokelint.frontends.terraform.configuration import Block, Ref
from invokelint.model import (
    UNKNOWN,
    AlbTrigger,
    AsyncTrigger,
    EdgeTrigger,
    Setting,
    SyncTrigger,
    Trigger,
    UrlTrigger,
)

TARGET_GROUPS = ("aws_lb_target_group", "aws_alb_target_group")
# lambda_config keys naming functions Cognito invokes asynchronously (nested blocks
# ``{ lambda_arn, lambda_version }``); every other key but kms_key_id waits for the answer.
COGNITO_ASYNC = frozenset({"custom_email_sender", "custom_sms_sender"})
COGNITO_NOT_FUNCTIONS = frozenset({"kms_key_id"})


def _function_url(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """``aws_lambda_function_url``: ``authorization_type`` and ``cors``."""
    location = block.location
    cors = child(block, "cors")
    if cors is None:
        credentials = Setting(False, location, explicit=False)
        origins: Setting[Any] = Setting((), location, explicit=False)
    elif cors is UNKNOWN:
        credentials = origins = Setting(UNKNOWN, where(block, "cors"))
    else:
        credentials = setting(cors, "allow_credentials", as_bool, False, location)  # type: ignore[arg-type]
        origins = setting(cors, "allow_origins", as_str_list, (), location)  # type: ignore[arg-type]
    yield UrlTrigger(
        id=block.address,
        resource=block.address,
        location=location,
        function=resolver.resolve_function(block.get("function_name")).function,
        service=URL_SERVICE,
        auth_type=setting(block, "authorization_type", as_str, UNKNOWN),  # type: ignore[arg-type]
        cors_allow_credentials=credentials,
        cors_allow_origins=origins,
    )


def _target_group_attachment(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """``aws_lb_target_group_attachment`` of a function to a ``target_type = "lambda"``
    target group (the default type is ``instance``)."""
    group_value = block.get("target_group_arn")
    group_ref = group_value.value if group_value is not None else None
    group = resolver.block(group_ref) if isinstance(group_ref, Ref) else None
    target = block.get("target_id")
    found = resolver.resolve_function(target)
    if group is not None and group.type in TARGET_GROUPS:
        target_type = text(group, "target_type")
        if target_type is None or (isinstance(target_type, str) and target_type != "lambda"):
            return
        if target_type is UNKNOWN and not is_function_target(found.function):
            return  # maybe an instance or an IP address
        headers = setting(group, "lambda_multi_value_headers_enabled", as_bool, False)
        resource = group.address
    elif is_function_target(found.function):  # only a lambda target group takes a function
        headers = Setting(UNKNOWN, block.location)
        resource = block.address
    else:
        return
    yield AlbTrigger(
        id=block.address,
        resource=resource,
        location=target.location if target is not None else block.location,
        function=found.function,
        service="elasticloadbalancing",
        source=resolver.model.resources.get(resource, UNKNOWN),
        multi_value_headers=headers,
    )


def _distribution(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """``aws_cloudfront_distribution``: each cache behavior's ``lambda_function_association``."""
    behaviors: list[tuple[str, Block]] = []
    for name in ("default_cache_behavior", "ordered_cache_behavior"):
        found = children(block, name)
        if found is UNKNOWN:
            continue  # dynamic behaviors: left to the unknown-invoker scan
        several = name == "ordered_cache_behavior"
        behaviors += [(f"{name}[{i}]" if several else name, b) for i, b in enumerate(found)]  # type: ignore[arg-type]
    for name, behavior in behaviors:
        associations = children(behavior, "lambda_function_association")
        if associations is UNKNOWN:
            continue
        for index, association in enumerate(associations):  # type: ignore[arg-type]
            arn = association.get("lambda_arn")
            if arn is None:
                continue
            found = resolver.resolve_function(arn)
            event_type = text(association, "event_type")
            yield EdgeTrigger(
                id=f"{block.address}.{name}.lambda_function_association[{index}]",
                resource=block.address,
                location=arn.location,
                function=found.function,
                service="cloudfront",
                source=resolver.model.resources.get(block.address, UNKNOWN),
                event_type=event_type if isinstance(event_type, str) else UNKNOWN,
                qualifier=found.qualifier,
            )


def _user_pool(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """``aws_cognito_user_pool`` ``lambda_config``: one trigger per configured function."""
    config = child(block, "lambda_config")
    if not isinstance(config, Block):
        return
    entries = [(nested.type, nested.get("lambda_arn")) for nested in config.blocks]
    for name, value in config.attributes.items():
        if isinstance(value.value, dict | list):  # a sender block given as an object
            nested = children(config, name)
            value = nested[0].get("lambda_arn") if isinstance(nested, list) and nested else None
        entries.append((name, value))
    for name, value in entries:
        if name in COGNITO_NOT_FUNCTIONS or value is None or value.value is None:
            continue
        kind = AsyncTrigger if name in COGNITO_ASYNC else SyncTrigger
        yield kind(
            id=f"{block.address}.lambda_config.{name}",
            resource=block.address,
            location=value.location,
            function=resolver.resolve_function(value).function,
            service="cognito-idp",
            source=resolver.model.resources.get(block.address, UNKNOWN),
        )


SYNC_READERS: dict[str, Reader] = {
    "aws_lambda_function_url": _function_url,
    "aws_lb_target_group_attachment": _target_group_attachment,
    "aws_alb_target_group_attachment": _target_group_attachment,
    "aws_cloudfront_distribution": _distribution,
    "aws_cognito_user_pool": _user_pool,
    STATE_MACHINE: state_machine_triggers,
}
