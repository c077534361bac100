"""Synchronous triggers: API Gateway, load balancers, function URLs, CloudFront, Cognito,
Step Functions.

The caller of a synchronous invocation waits for the answer and Lambda never retries it,
so a dead-letter queue or an on-failure destination never sees these events. Each source
becomes a ``SyncTrigger`` (or a typed subclass carrying what rules read: the API kind and
integration timeout, the URL's auth and CORS, the Lambda@Edge event type and qualifier).
The few paths of these services that invoke asynchronously (an API Gateway integration
with ``X-Amz-Invocation-Type: 'Event'``, a Step Functions task with ``InvocationType:
Event``, Cognito's custom sender triggers) become ``AsyncTrigger``s instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from invokelint.frontends.cloudformation.apis import (
    API_TYPES,
    api_triggers,
    globals_authorizers,
    sam_api_event,
)
from invokelint.frontends.cloudformation.functions import SAM_FUNCTION, function_properties
from invokelint.frontends.cloudformation.mappings import sam_trigger_events
from invokelint.frontends.cloudformation.references import Resolver
from invokelint.frontends.cloudformation.state_machines import (
    STATE_MACHINE_TYPES,
    state_machine_triggers,
)
from invokelint.frontends.cloudformation.template import (
    Template,
    as_bool,
    as_str,
    as_str_list,
    items,
    plain,
)
from invokelint.frontends.edges import URL_SERVICE
from invokelint.frontends.positioned import Map, Seq
from invokelint.model import (
    UNKNOWN,
    AlbTrigger,
    AsyncTrigger,
    EdgeTrigger,
    Function,
    InvocationModel,
    Location,
    Setting,
    SyncTrigger,
    Trigger,
    UrlTrigger,
)

MULTI_VALUE_HEADERS = "lambda.multi_value_headers.enabled"
# Cognito waits for every user pool trigger except the custom senders ("Except for custom
# sender Lambda triggers, Amazon Cognito invokes Lambda functions synchronously").
COGNITO_ASYNC = frozenset({"CustomEmailSender", "CustomSMSSender"})
COGNITO_NOT_FUNCTIONS = frozenset({"KMSKeyID"})

Reader = Callable[[Template, Resolver, str, Map], Iterator[Trigger]]


def add_sync_triggers(template: Template, model: InvocationModel, resolver: Resolver) -> None:
    """Every synchronous trigger the template declares (and the asynchronous paths of the
    same services)."""
    found: list[Trigger] = list(globals_authorizers(template, resolver))
    for logical_id, kind, properties in template.iter_resources():
        if kind == SAM_FUNCTION:
            function = model.resources.get(logical_id)
            if isinstance(function, Function):
                effective = function_properties(template, logical_id, properties)
                found.extend(_sam_function(template, resolver, function, effective))
        elif kind in API_TYPES:
            found.extend(api_triggers(template, resolver, logical_id, kind, properties))
        elif kind in STATE_MACHINE_TYPES:
            found.extend(state_machine_triggers(template, resolver, logical_id, properties))
        elif kind in _READERS:
            found.extend(_READERS[kind](template, resolver, logical_id, properties))
    for trigger in found:
        if isinstance(trigger, AsyncTrigger):
            model.async_triggers.append(trigger)
        else:
            model.sync_triggers.append(trigger)


# ---------------------------------------------------------------------------- SAM function


def _sam_function(
    template: Template, resolver: Resolver, function: Function, properties: Map
) -> Iterator[Trigger]:
    for event_type, props, common in sam_trigger_events(template, function, properties):
        if event_type in ("Api", "HttpApi"):
            yield sam_api_event(template, resolver, event_type, props, common)
        elif event_type == "Cognito":
            yield from _sam_cognito(resolver, props, common)
    if "FunctionUrlConfig" in properties:
        location = template.entry_location(properties, "FunctionUrlConfig")
        yield _url(
            template,
            properties.get("FunctionUrlConfig"),
            id=f"{function.id}.FunctionUrlConfig",
            resource=function.id,
            location=location,
            function=function,
            sam=True,
            ignores=function.ignores,
        )


def _sam_cognito(resolver: Resolver, props: Map, common: dict[str, Any]) -> Iterator[Trigger]:
    """SAM adds the function to the user pool's ``LambdaConfig`` for each named trigger."""
    source = resolver.resolve(props.get("UserPool"))
    value = props.get("Trigger")
    if isinstance(value, list):
        names = as_str_list(value)
    else:
        single = as_str(value)
        names = (single,) if isinstance(single, str) else UNKNOWN
    if not isinstance(names, tuple):
        return  # a custom sender (asynchronous) or not: left to the unknown-invoker scan
    sync = [n for n in names if n not in COGNITO_ASYNC]
    if sync:
        yield SyncTrigger(**common, service="cognito-idp", source=source)
    if len(sync) < len(names):
        asynchronous = {**common, "id": common["id"] + ".CustomSender"} if sync else common
        yield AsyncTrigger(**asynchronous, service="cognito-idp", source=source)


# ------------------------------------------------------------------------ resource readers


def _target_group(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """``AWS::ElasticLoadBalancingV2::TargetGroup`` of ``TargetType: lambda``."""
    target_type = as_str(properties.get("TargetType"))
    if target_type is None or (isinstance(target_type, str) and target_type.lower() != "lambda"):
        return  # the default type is "instance"
    headers = _multi_value_headers(template, properties, template.resource_location(logical_id))
    targets = properties.get("Targets")
    for index, target in items(targets):
        ref = resolver.resolve_function(target.get("Id"))
        if target_type is UNKNOWN and ref.function is UNKNOWN:
            continue  # maybe an instance or an IP address
        yield AlbTrigger(
            id=f"{logical_id}.Targets[{index}]",
            resource=logical_id,
            location=template.location(targets.item_position(index)),
            function=ref.function,
            service="elasticloadbalancing",
            source=resolver.model.resources.get(logical_id, UNKNOWN),
            ignores=template.ignores(logical_id),
            multi_value_headers=headers,
        )


def _multi_value_headers(template: Template, properties: Map, absent: Location) -> Setting[bool]:
    attributes = properties.get("TargetGroupAttributes")
    if attributes is None:
        return Setting(False, absent, explicit=False)
    if not plain(attributes, Seq):
        return Setting(UNKNOWN, template.entry_location(properties, "TargetGroupAttributes"))
    for index, attribute in enumerate(attributes):
        key = as_str(attribute.get("Key")) if plain(attribute, Map) else UNKNOWN
        if key is UNKNOWN:
            return Setting(UNKNOWN, template.location(attributes.item_position(index)))
        if key == MULTI_VALUE_HEADERS:
            return template.setting(attribute, "Value", as_bool, False, absent)
    return Setting(False, absent, explicit=False)


def _function_url(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """``AWS::Lambda::Url``."""
    yield _url(
        template,
        properties,
        id=logical_id,
        resource=logical_id,
        location=template.resource_location(logical_id),
        function=resolver.resolve_function(properties.get("TargetFunctionArn")).function,
        sam=False,
        ignores=template.ignores(logical_id),
    )


def _url(template: Template, config: Any, **common: Any) -> UrlTrigger:
    """A function URL from SAM's ``FunctionUrlConfig`` or ``AWS::Lambda::Url`` properties."""
    location: Location = common["location"]
    if not plain(config, Map):  # a condition decides
        unknown = Setting(UNKNOWN, location)
        return UrlTrigger(
            **common,
            service=URL_SERVICE,
            auth_type=unknown,
            cors_allow_credentials=unknown,
            cors_allow_origins=unknown,
        )
    auth = template.setting(config, "AuthType", as_str, UNKNOWN, location)
    cors = config.get("Cors")
    if cors is None:
        credentials = Setting(False, location, explicit=False)
        origins: Setting[Any] = Setting((), location, explicit=False)
    elif not plain(cors, Map):
        credentials = origins = Setting(UNKNOWN, template.entry_location(config, "Cors"))
    else:
        credentials = template.setting(cors, "AllowCredentials", as_bool, False, location)
        origins = template.setting(cors, "AllowOrigins", as_str_list, (), location)
    return UrlTrigger(
        **common,
        service=URL_SERVICE,
        auth_type=auth,
        cors_allow_credentials=credentials,
        cors_allow_origins=origins,
    )


def _distribution(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """``AWS::CloudFront::Distribution``: Lambda@Edge ``LambdaFunctionAssociations``."""
    config = properties.get("DistributionConfig")
    if not plain(config, Map):
        return
    behaviors: list[tuple[str, Any]] = [
        ("DefaultCacheBehavior", config.get("DefaultCacheBehavior"))
    ]
    behaviors += [(f"CacheBehaviors[{i}]", b) for i, b in items(config.get("CacheBehaviors"))]
    for name, behavior in behaviors:
        associations = behavior.get("LambdaFunctionAssociations") if plain(behavior, Map) else None
        for index, association in items(associations):
            if "LambdaFunctionARN" not in association:
                continue
            ref = resolver.resolve_function(association["LambdaFunctionARN"])
            event_type = as_str(association.get("EventType"))
            yield EdgeTrigger(
                id=f"{logical_id}.{name}.LambdaFunctionAssociations[{index}]",
                resource=logical_id,
                location=template.entry_location(association, "LambdaFunctionARN"),
                function=ref.function,
                service="cloudfront",
                source=resolver.model.resources.get(logical_id, UNKNOWN),
                ignores=template.ignores(logical_id),
                event_type=event_type if isinstance(event_type, str) else UNKNOWN,
                qualifier=ref.qualifier,
            )


def _user_pool(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """``AWS::Cognito::UserPool`` ``LambdaConfig``: one trigger per configured key."""
    config = properties.get("LambdaConfig")
    if not plain(config, Map):
        return
    for key, value in config.items():
        if key in COGNITO_NOT_FUNCTIONS or value is None:
            continue
        arn = value.get("LambdaArn") if plain(value, Map) else value
        if arn is None:
            continue
        kind = AsyncTrigger if key in COGNITO_ASYNC else SyncTrigger
        yield kind(
            id=f"{logical_id}.LambdaConfig.{key}",
            resource=logical_id,
            location=template.entry_location(config, key),
            function=resolver.resolve_function(arn).function,
            service="cognito-idp",
            source=resolver.model.resources.get(logical_id, UNKNOWN),
            ignores=template.ignores(logical_id),
        )


_READERS: dict[str, Reader] = {
    "AWS::ElasticLoadBalancingV2::TargetGroup": _target_group,
    "AWS::Lambda::Url": _function_url,
    "AWS::CloudFront::Distribution": _distribution,
    "AWS::Cognito::UserPool": _user_pool,
}
