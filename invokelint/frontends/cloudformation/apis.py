"""API Gateway: REST, HTTP and WebSocket APIs that invoke a function, and Lambda authorizers.

Read from SAM ``Api``/``HttpApi`` events, ``Auth.Authorizers`` and
``AWS::Serverless::WebSocketApi`` routes (SAM creates the invoke permissions for those),
from ``AWS::ApiGateway::Method``/``Authorizer``, ``AWS::ApiGatewayV2::Integration``/
``Authorizer``/``Api`` (quick-create ``Target``), and from the
``x-amazon-apigateway-integration``/``-authorizer`` extensions of OpenAPI bodies.

API Gateway waits for the function, except when a non-proxy integration sets the header
``X-Amz-Invocation-Type: 'Event'``: that integration is an asynchronous trigger. When the
header comes from the request, the way of invoking is unknown and the function is marked
as invoked in an unknown way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from invokelint.frontends.cloudformation.references import FunctionRef, Resolver
from invokelint.frontends.cloudformation.substitution import compose, function_in
from invokelint.frontends.cloudformation.template import (
    Template,
    as_int,
    as_str,
    child,
    is_intrinsic,
    plain,
)
from invokelint.frontends.positioned import Map, Pos
from invokelint.model import (
    UNKNOWN,
    ApiTrigger,
    AsyncTrigger,
    ExternalArn,
    Function,
    Setting,
    Trigger,
    Unknown,
)

SERVICE = "apigateway"
SAM_API = "AWS::Serverless::Api"
SAM_HTTP_API = "AWS::Serverless::HttpApi"
SAM_WEBSOCKET_API = "AWS::Serverless::WebSocketApi"
# How long API Gateway waits for an integration by default (and at most, unless a
# quota increase lets a REST API wait longer), in milliseconds.
DEFAULT_TIMEOUT_MS = {"rest": 29_000, "http": 30_000, "websocket": 29_000}
_INVOCATION_HEADER = "integration.request.header.x-amz-invocation-type"


def sam_api_event(
    template: Template, resolver: Resolver, event_type: str, props: Map, common: dict[str, Any]
) -> ApiTrigger:
    """A SAM ``Api`` (REST) or ``HttpApi`` event: always a Lambda proxy integration."""
    api = "rest" if event_type == "Api" else "http"
    key = "RestApiId" if api == "rest" else "ApiId"
    source = resolver.resolve(props[key]) if key in props else UNKNOWN
    timeout: Setting[int] | None = template.setting(
        props, "TimeoutInMillis", as_int, DEFAULT_TIMEOUT_MS[api], common["location"]
    )
    proxy: bool | Unknown = True
    if _defined_in_body(template, source, props):
        timeout = None  # SAM refuses a second integration: the body's is the one to judge
        proxy = UNKNOWN
    elif _unreadable_definition(template, source):
        proxy = UNKNOWN  # an included or external OpenAPI file may integrate it otherwise
    return ApiTrigger(
        **common,
        service=SERVICE,
        source=source,
        api=api,
        proxy=proxy,
        integration_timeout=timeout,
    )


def _unreadable_definition(template: Template, api: Any) -> bool:
    """The API's OpenAPI definition is not in the template (``DefinitionUri``, or a
    ``DefinitionBody`` behind ``Fn::Transform: AWS::Include`` or another intrinsic)."""
    if api is UNKNOWN or isinstance(api, ExternalArn):
        return False
    properties = child(template.resources.get(api.id), "Properties")
    if not isinstance(properties, Map):
        return False
    body = properties.get("DefinitionBody")
    return properties.get("DefinitionUri") is not None or (
        body is not None and not plain(body, Map)
    )


def _defined_in_body(template: Template, api: Any, props: Map) -> bool:
    """The event's path and method already have an integration in the API's
    ``DefinitionBody`` (SAM rejects the event; the body's integration is modelled)."""
    if api is UNKNOWN or isinstance(api, ExternalArn):
        return False
    paths = child(template.resources.get(api.id), "Properties", "DefinitionBody", "paths")
    path, method = as_str(props.get("Path")), as_str(props.get("Method"))
    if not (plain(paths, Map) and isinstance(path, str) and isinstance(method, str)):
        return False
    operations = paths.get(path)
    if not plain(operations, Map):
        return False
    method = method.lower()
    name = "x-amazon-apigateway-any-method" if method == "any" else method
    operation = operations.get(name)
    return plain(operation, Map) and "x-amazon-apigateway-integration" in operation


def api_triggers(
    template: Template, resolver: Resolver, logical_id: str, kind: str, properties: Map
) -> Iterator[Trigger]:
    """Every trigger one API Gateway resource declares."""
    reader = _READERS.get(kind)
    if reader is not None:
        yield from reader(template, resolver, logical_id, properties)


def globals_authorizers(template: Template, resolver: Resolver) -> Iterator[Trigger]:
    """Lambda authorizers in ``Globals.Api``/``Globals.HttpApi``: shared by every SAM API."""
    for section, api in (("Api", "rest"), ("HttpApi", "http")):
        auth = child(template.root, "Globals", section, "Auth")
        if isinstance(auth, Map):
            yield from _sam_authorizers(
                template, resolver, "Globals", f"Globals.{section}", auth, api
            )


# ------------------------------------------------------------------------ resource readers


def _sam_api(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    api = "rest" if template.resource_type(logical_id) == SAM_API else "http"
    auth = properties.get("Auth")
    if plain(auth, Map):
        yield from _sam_authorizers(template, resolver, logical_id, logical_id, auth, api)
    body = properties.get("DefinitionBody")
    if plain(body, Map):
        yield from _openapi(template, resolver, logical_id, body, api)


def _sam_websocket_api(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """SAM's WebSocket API: a Lambda proxy integration per route, and a ``CUSTOM``
    authorizer (SAM creates the permissions)."""
    common = {
        "resource": logical_id,
        "service": SERVICE,
        "source": resolver.model.resources.get(logical_id, UNKNOWN),
        "sam": True,
        "ignores": template.ignores(logical_id),
        "api": "websocket",
    }
    routes = properties.get("Routes")
    for key, route in routes.items() if plain(routes, Map) else ():
        if not plain(route, Map) or "FunctionArn" not in route:
            continue
        location = template.entry_location(route, "FunctionArn")
        yield ApiTrigger(
            **common,
            id=f"{logical_id}.Routes.{key}",
            location=location,
            function=resolver.resolve_function(route["FunctionArn"]).function,
            routes=(str(key),),
            proxy=True,
            integration_timeout=template.setting(
                route, "IntegrationTimeout", as_int, DEFAULT_TIMEOUT_MS["websocket"], location
            ),
        )
    auth = properties.get("Auth")
    if plain(auth, Map) and "AuthArn" in auth:
        yield ApiTrigger(
            **common,
            id=f"{logical_id}.Auth",
            location=template.entry_location(auth, "AuthArn"),
            function=resolver.resolve_function(auth["AuthArn"]).function,
            proxy=False,
            authorizer=True,
            credentials=_present(auth.get("InvokeRole")),
        )


def _sam_authorizers(
    template: Template, resolver: Resolver, resource: str, prefix: str, auth: Map, api: str
) -> Iterator[Trigger]:
    authorizers = auth.get("Authorizers")
    if not plain(authorizers, Map):
        return
    for name, authorizer in authorizers.items():
        if not plain(authorizer, Map) or "FunctionArn" not in authorizer:
            continue  # a Cognito or JWT authorizer
        location = template.entry_location(authorizer, "FunctionArn")
        yield ApiTrigger(
            id=f"{prefix}.Auth.Authorizers.{name}",
            resource=resource,
            location=location,
            function=resolver.resolve_function(authorizer["FunctionArn"]).function,
            service=SERVICE,
            source=resolver.model.resources.get(resource, UNKNOWN),
            sam=True,
            ignores=template.ignores(resource),
            api=api,  # type: ignore[arg-type]
            proxy=False,
            authorizer=True,
            credentials=_present(authorizer.get("FunctionInvokeRole")),
        )


def _method(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """``AWS::ApiGateway::Method``: its ``Integration`` of type ``AWS_PROXY`` or ``AWS``."""
    integration = properties.get("Integration")
    if not plain(integration, Map):
        return
    yield from _integration(
        template,
        resolver,
        logical_id,
        f"{logical_id}.Integration",
        integration,
        keys=("Type", "Uri", "TimeoutInMillis", "Credentials", "RequestParameters"),
        api="rest",
        source=resolver.resolve(properties.get("RestApiId")),
    )


def _v2_integration(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """``AWS::ApiGatewayV2::Integration`` of an HTTP or WebSocket API."""
    if properties.get("IntegrationSubtype") is not None:
        return  # an AWS service integration (SQS, EventBridge, ...), not Lambda
    yield from _integration(
        template,
        resolver,
        logical_id,
        logical_id,
        properties,
        keys=(
            "IntegrationType",
            "IntegrationUri",
            "TimeoutInMillis",
            "CredentialsArn",
            "RequestParameters",
        ),
        api=_v2_protocol(template, resolver, properties.get("ApiId")),
        source=resolver.resolve(properties.get("ApiId")),
        routes=_routes_of(template, logical_id),
    )


def _routes_of(template: Template, integration: str) -> tuple[str, ...] | Unknown:
    keys = _route_keys(template)
    return keys.get(integration, ()) if isinstance(keys, dict) else UNKNOWN


def _route_keys(template: Template) -> dict[str, tuple[str, ...]] | Unknown:
    """Integration logical id -> the ``RouteKey``s of the routes whose ``Target`` names it
    (``integrations/${Integration}``); UNKNOWN when some route's target cannot be read,
    since that route may use any integration. Built once per template."""
    cache = template.cache
    if "route_keys" not in cache:
        found: dict[str, list[str]] = {}
        unreadable = False
        for _logical_id, kind, properties in template.iter_resources():
            if kind != "AWS::ApiGatewayV2::Route" or "Target" not in properties:
                continue
            integration = _integration_target(properties["Target"])
            key = as_str(properties.get("RouteKey"))
            if integration is None or not isinstance(key, str):
                unreadable = True
                continue
            found.setdefault(integration, []).append(key)
        cache["route_keys"] = UNKNOWN if unreadable else {k: tuple(v) for k, v in found.items()}
    return cache["route_keys"]


def _integration_target(target: Any) -> str | None:
    """``Integ`` of ``!Join [/, [integrations, !Ref Integ]]``, ``!Sub integrations/${Integ}``."""
    if plain(target, Map) or not isinstance(target, dict):
        return None
    if "Fn::Join" in target:
        parts = target["Fn::Join"]
        if isinstance(parts, list) and len(parts) == 2 and parts[0] == "/":
            items = parts[1]
            if isinstance(items, list) and len(items) == 2 and items[0] == "integrations":
                ref = items[1]
                if isinstance(ref, dict) and set(ref) == {"Ref"} and isinstance(ref["Ref"], str):
                    return ref["Ref"]
        return None
    text = target.get("Fn::Sub")
    if isinstance(text, str) and text.startswith("integrations/${") and text.endswith("}"):
        name = text[len("integrations/${") : -1]
        return name if name.isidentifier() or name.replace("-", "").isalnum() else None
    return None


def _authorizer(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """``AWS::ApiGateway::Authorizer`` or ``AWS::ApiGatewayV2::Authorizer`` of Lambda type."""
    v2 = template.resource_type(logical_id) == "AWS::ApiGatewayV2::Authorizer"
    api = _v2_protocol(template, resolver, properties.get("ApiId")) if v2 else "rest"
    credentials = "AuthorizerCredentialsArn" if v2 else "AuthorizerCredentials"
    uri = properties.get("AuthorizerUri")
    found = _lambda_uri(template, resolver, uri, properties.value_position("AuthorizerUri"))
    if found is None:
        return
    yield ApiTrigger(
        id=logical_id,
        resource=logical_id,
        location=template.entry_location(properties, "AuthorizerUri"),
        function=found.function,
        service=SERVICE,
        source=resolver.resolve(properties.get("RestApiId" if not v2 else "ApiId")),
        ignores=template.ignores(logical_id),
        api=api,
        proxy=False,
        authorizer=True,
        credentials=_present(properties.get(credentials)),
    )


def _v2_api(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    """``AWS::ApiGatewayV2::Api``: quick-create ``Target`` and an OpenAPI ``Body``."""
    target = properties.get("Target")
    if target is not None:
        ref = resolver.resolve_function(target)
        if _names_function(ref):
            location = template.entry_location(properties, "Target")
            yield ApiTrigger(
                id=f"{logical_id}.Target",
                resource=logical_id,
                location=location,
                function=ref.function,
                service=SERVICE,
                source=resolver.model.resources.get(logical_id, UNKNOWN),
                ignores=template.ignores(logical_id),
                api="http",
                proxy=True,
                integration_timeout=Setting(DEFAULT_TIMEOUT_MS["http"], location, explicit=False),
                credentials=_present(properties.get("CredentialsArn")),
            )
    body = properties.get("Body")
    if plain(body, Map):
        yield from _openapi(template, resolver, logical_id, body, "http")


def _rest_api(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    body = properties.get("Body")
    if plain(body, Map):
        yield from _openapi(template, resolver, logical_id, body, "rest")


# ------------------------------------------------------------------------------- OpenAPI


def _openapi(
    template: Template, resolver: Resolver, logical_id: str, body: Map, api: str
) -> Iterator[Trigger]:
    """``x-amazon-apigateway-integration`` of every operation and Lambda authorizers."""
    paths = body.get("paths")
    for path, operations in paths.items() if plain(paths, Map) else ():
        if not plain(operations, Map):
            continue
        for method, operation in operations.items():
            integration = (
                operation.get("x-amazon-apigateway-integration") if plain(operation, Map) else None
            )
            if plain(integration, Map):
                yield from _integration(
                    template,
                    resolver,
                    logical_id,
                    f"{logical_id}.paths.{path}.{method}",
                    integration,
                    keys=("type", "uri", "timeoutInMillis", "credentials", "requestParameters"),
                    api=api,
                    source=resolver.model.resources.get(logical_id, UNKNOWN),
                )
    schemes = body.get("securityDefinitions", child(body, "components", "securitySchemes"))
    for name, scheme in schemes.items() if plain(schemes, Map) else ():
        authorizer = scheme.get("x-amazon-apigateway-authorizer") if plain(scheme, Map) else None
        if not plain(authorizer, Map):
            continue
        uri = authorizer.get("authorizerUri")
        found = _lambda_uri(template, resolver, uri, authorizer.value_position("authorizerUri"))
        if found is None:
            continue
        yield ApiTrigger(
            id=f"{logical_id}.securitySchemes.{name}",
            resource=logical_id,
            location=template.entry_location(authorizer, "authorizerUri"),
            function=found.function,
            service=SERVICE,
            source=resolver.model.resources.get(logical_id, UNKNOWN),
            ignores=template.ignores(logical_id),
            api=api,  # type: ignore[arg-type]
            proxy=False,
            authorizer=True,
            credentials=_present(authorizer.get("authorizerCredentials")),
        )


# ----------------------------------------------------------------------------- integrations


def _integration(
    template: Template,
    resolver: Resolver,
    logical_id: str,
    trigger_id: str,
    integration: Map,
    *,
    keys: tuple[str, str, str, str, str],
    api: Any,
    source: Any,
    routes: tuple[str, ...] | Unknown = UNKNOWN,
) -> Iterator[Trigger]:
    """One integration, whatever the resource spells its keys as (type, uri, timeout,
    credentials, request parameters)."""
    type_key, uri_key, timeout_key, credentials_key, parameters_key = keys
    kind = as_str(integration.get(type_key))
    if isinstance(kind, str) and kind.upper() not in ("AWS", "AWS_PROXY"):
        return  # HTTP, HTTP_PROXY, MOCK: no function behind it
    uri = integration.get(uri_key)
    found = _lambda_uri(template, resolver, uri, integration.value_position(uri_key))
    if found is None:
        return
    location = template.entry_location(integration, uri_key)
    invocation = _invocation_type(integration.get(parameters_key))
    if invocation is UNKNOWN:
        if isinstance(found.function, Function):
            resolver.model.unknown_invoker(found.function, location)
        return
    common = {
        "id": trigger_id,
        "resource": logical_id,
        "location": location,
        "function": found.function,
        "service": SERVICE,
        "source": source if source is not None else UNKNOWN,
        "ignores": template.ignores(logical_id),
    }
    if invocation == "Event":
        yield AsyncTrigger(**common)
        return
    default = DEFAULT_TIMEOUT_MS.get(api, UNKNOWN) if isinstance(api, str) else UNKNOWN
    if _streams(integration, uri):
        default = UNKNOWN  # a streaming response may be configured to last 15 minutes
    yield ApiTrigger(
        **common,
        api=api,
        proxy=kind.upper() == "AWS_PROXY" if isinstance(kind, str) else UNKNOWN,
        integration_timeout=template.setting(integration, timeout_key, as_int, default, location),
        credentials=_present(integration.get(credentials_key)),
        routes=routes if api == "websocket" else UNKNOWN,
    )


def _streams(integration: Map, uri: Any) -> bool:
    """Response streaming (``ResponseTransferMode: STREAM``, a streaming invoke URI)."""
    for key, value in integration.items():
        if isinstance(key, str) and key.lower() == "responsetransfermode":
            return as_str(value) != "BUFFERED"
    text = compose(uri, integration.pos)
    return text is not None and "response-streaming-invocations" in text.skeleton()


def _lambda_uri(template: Template, resolver: Resolver, uri: Any, pos: Pos) -> FunctionRef | None:
    """The function an integration or authorizer URI invokes; None when it is not Lambda.

    Either API Gateway's invoke ARN (``arn:aws:apigateway:<region>:lambda:path/2015-03-31/
    functions/<function ARN>/invocations``) or, for HTTP APIs, the function ARN itself.
    """
    if uri is None:
        return None
    text = compose(uri, pos)
    if text is None:
        return None
    if ":lambda:path/" in text.skeleton():
        # .../functions/<function ARN>/invocations (or /response-streaming-invocations)
        start = text.text.find("/functions/")
        end = text.text.find("/", start + len("/functions/")) if start >= 0 else -1
        if end < 0:
            return FunctionRef(UNKNOWN)
        return function_in(resolver, text.part(start + len("/functions/"), end))[0]
    ref, _ = function_in(resolver, text)
    return ref if _names_function(ref) else None


def _names_function(ref: FunctionRef) -> bool:
    target = ref.function
    return isinstance(target, Function) or (isinstance(target, ExternalArn) and target.is_function)


def _invocation_type(parameters: Any) -> str | Unknown:
    """``"Event"`` or ``"RequestResponse"`` from the ``X-Amz-Invocation-Type`` header
    mapping; UNKNOWN when a request value or an intrinsic decides."""
    if parameters is None:
        return "RequestResponse"
    if not plain(parameters, Map):
        return UNKNOWN
    for key, value in parameters.items():
        if not isinstance(key, str) or key.lower() != _INVOCATION_HEADER:
            continue
        literal = as_str(value)
        if isinstance(literal, str) and literal.startswith("'") and literal.endswith("'"):
            return "Event" if literal.strip("'").lower() == "event" else "RequestResponse"
        return UNKNOWN
    return "RequestResponse"


def _v2_protocol(template: Template, resolver: Resolver, api_id: Any) -> str | Unknown:
    """``"http"`` or ``"websocket"``: the ``ProtocolType`` of the API an ``ApiId`` names."""
    target = resolver.resolve(api_id)
    if target is UNKNOWN or isinstance(target, ExternalArn):
        return UNKNOWN
    kind = template.resource_type(target.id)
    if kind == SAM_HTTP_API:
        return "http"
    if kind == SAM_WEBSOCKET_API:
        return "websocket"
    body = template.resources.get(target.id)
    protocol = as_str(child(body, "Properties", "ProtocolType"))
    if isinstance(protocol, str) and protocol.upper() in ("HTTP", "WEBSOCKET"):
        return protocol.lower()
    return UNKNOWN


def _present(value: Any) -> bool | Unknown:
    """Whether an optional setting is given: UNKNOWN when a condition may remove it."""
    if value is None:
        return False
    if is_intrinsic(value) and "Fn::If" in value:
        return UNKNOWN
    return True


_READERS = {
    SAM_API: _sam_api,
    SAM_HTTP_API: _sam_api,
    SAM_WEBSOCKET_API: _sam_websocket_api,
    "AWS::ApiGateway::Method": _method,
    "AWS::ApiGateway::Authorizer": _authorizer,
    "AWS::ApiGateway::RestApi": _rest_api,
    "AWS::ApiGatewayV2::Integration": _v2_integration,
    "AWS::ApiGatewayV2::Authorizer": _authorizer,
    "AWS::ApiGatewayV2::Api": _v2_api,
}
API_TYPES = frozenset(_READERS)
