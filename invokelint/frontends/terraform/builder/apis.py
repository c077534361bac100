"""API Gateway: REST, HTTP and WebSocket integrations that invoke a function, quick-create
HTTP APIs, and Lambda authorizers.

API Gateway waits for the function, except when a non-proxy REST integration maps the
header ``X-Amz-Invocation-Type`` to ``'Event'``: that integration is asynchronous. An
integration is the trigger whatever routes or methods use it (a route's
``target = "integrations/${...id}"`` is text, not a reference).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from invokelint.frontends.edges import is_function_target
from invokelint.frontends.targets import FunctionRef
from invokelint.frontends.terraform.builder.references import Reader, Resolver
from invokelint.frontends.terraform.builder.values import (
    as_block,
    as_int,
    as_str,
    present,
    setting,
    structure,
    text,
)
from invokelint.frontends.terraform.configuration import Block, Ref, Value
from invokelint.model import (
    UNKNOWN,
    ApiTrigger,
    AsyncTrigger,
    Function,
    Setting,
    Trigger,
    Unknown,
)

SERVICE = "apigateway"
# How long API Gateway waits for an integration by default, in milliseconds.
DEFAULT_TIMEOUT_MS = {"rest": 29_000, "http": 30_000, "websocket": 29_000}
V2_API = "aws_apigatewayv2_api"
REST_API = "aws_api_gateway_rest_api"
_INVOCATION_HEADER = "integration.request.header.x-amz-invocation-type"
_NOT_LAMBDA_AUTHORIZERS = frozenset({"COGNITO_USER_POOLS", "JWT"})
_AUTHORIZER_CREDENTIALS = {True: "authorizer_credentials_arn", False: "authorizer_credentials"}


@dataclass(frozen=True)
class _Spelling:
    """How a resource (or an OpenAPI extension) names an integration's settings."""

    type: str
    uri: str
    timeout: str
    credentials: str
    parameters: str
    transfer_mode: str


_REST = _Spelling(
    "type",
    "uri",
    "timeout_milliseconds",
    "credentials",
    "request_parameters",
    "response_transfer_mode",
)
_V2 = _Spelling(
    "integration_type",
    "integration_uri",
    "timeout_milliseconds",
    "credentials_arn",
    "request_parameters",
    "response_transfer_mode",
)
_OPENAPI = _Spelling(
    "type", "uri", "timeoutInMillis", "credentials", "requestParameters", "responseTransferMode"
)


def _rest_integration(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """``aws_api_gateway_integration`` of ``type`` ``AWS_PROXY`` or ``AWS``."""
    yield from _integration(
        resolver,
        block,
        block.address,
        spelling=_REST,
        api="rest",
        source=resolver.resolve(block.get("rest_api_id")),
    )


def _v2_integration(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """``aws_apigatewayv2_integration`` of an HTTP or WebSocket API."""
    if block.get("integration_subtype") is not None:
        return  # an AWS service integration (SQS, EventBridge, ...), not Lambda
    api_id = block.get("api_id")
    yield from _integration(
        resolver,
        block,
        block.address,
        spelling=_V2,
        api=_protocol(resolver, api_id),
        source=resolver.resolve(api_id),
    )


def _integration(
    resolver: Resolver,
    integration: Block,
    trigger_id: str,
    *,
    spelling: _Spelling,
    api: Any,
    source: Any,
    resource: str | None = None,
) -> Iterator[Trigger]:
    """One integration, a resource or an OpenAPI operation's extension (``resource`` is
    then the API that holds it)."""
    kind = text(integration, spelling.type)
    if isinstance(kind, str) and kind.upper() not in ("AWS", "AWS_PROXY"):
        return  # HTTP, HTTP_PROXY, MOCK: no function behind it
    uri = integration.get(spelling.uri)
    found = _lambda_uri(resolver, uri)
    if found is None or uri is None:
        return
    invocation = _invocation_type(integration.get(spelling.parameters))
    if invocation is UNKNOWN:
        if isinstance(found.function, Function):
            resolver.model.unknown_invoker(found.function, uri.location)
        return
    common = {
        "id": trigger_id,
        "resource": resource or trigger_id,
        "location": uri.location,
        "function": found.function,
        "service": SERVICE,
        "source": source,
    }
    if invocation == "Event":
        yield AsyncTrigger(**common)
        return
    default = DEFAULT_TIMEOUT_MS.get(api, UNKNOWN) if isinstance(api, str) else UNKNOWN
    if _streams(integration, spelling):
        default = UNKNOWN  # a streaming response may be configured to last 15 minutes
    yield ApiTrigger(
        **common,
        api=api,
        proxy=kind.upper() == "AWS_PROXY" if isinstance(kind, str) else UNKNOWN,
        integration_timeout=setting(integration, spelling.timeout, as_int, default),  # type: ignore[arg-type]
        credentials=present(integration, spelling.credentials),
    )


def _openapi(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """The ``body`` of an ``aws_api_gateway_rest_api`` or ``aws_apigatewayv2_api``: every
    ``x-amazon-apigateway-integration`` and Lambda ``x-amazon-apigateway-authorizer``.

    A body from ``templatefile()`` with references spliced into it cannot be read; the
    functions it names then have only their permissions to tell (unknown invokers).
    """
    body = block.get("body")
    document = structure(body) if body is not None else UNKNOWN
    if document is UNKNOWN or not isinstance(document.value, dict):  # type: ignore[union-attr]
        return
    root = as_block(document, "body", block)  # type: ignore[arg-type]
    api = "rest" if block.type == REST_API else "http"
    source = resolver.model.resources.get(block.address, UNKNOWN)
    paths = _entries(root.get("paths"))
    for path, operations in paths.items():
        for method, operation in _entries(operations).items():
            integration = _entries(operation).get("x-amazon-apigateway-integration")
            if integration is None or not isinstance(integration.value, dict):
                continue
            yield from _integration(
                resolver,
                as_block(integration, "x-amazon-apigateway-integration", block),
                f"{block.address}.paths.{path}.{method}",
                spelling=_OPENAPI,
                api=api,
                source=source,
                resource=block.address,
            )
    components = _entries(root.get("components")).get("securitySchemes")
    schemes = _entries(root.get("securityDefinitions") or components)
    for name, scheme in schemes.items():
        authorizer = _entries(scheme).get("x-amazon-apigateway-authorizer")
        if authorizer is None or not isinstance(authorizer.value, dict):
            continue
        uri = authorizer.value.get("authorizerUri")
        found = _lambda_uri(resolver, uri)
        if found is None or uri is None:
            continue
        yield ApiTrigger(
            id=f"{block.address}.securitySchemes.{name}",
            resource=block.address,
            location=uri.location,
            function=found.function,
            service=SERVICE,
            source=source,
            api=api,  # type: ignore[arg-type]
            proxy=False,
            authorizer=True,
            credentials=present(as_block(authorizer, "authorizer", block), "authorizerCredentials"),
        )


def _entries(value: Value | None) -> dict[str, Value]:
    """The entries of an object value; none for anything else."""
    return value.value if value is not None and isinstance(value.value, dict) else {}


def _authorizer(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """``aws_api_gateway_authorizer`` / ``aws_apigatewayv2_authorizer`` of Lambda type."""
    v2 = block.type == "aws_apigatewayv2_authorizer"
    kind = text(block, "authorizer_type" if v2 else "type")
    if isinstance(kind, str) and kind.upper() in _NOT_LAMBDA_AUTHORIZERS:
        return
    uri = block.get("authorizer_uri")
    found = _lambda_uri(resolver, uri)
    if found is None or uri is None:
        return
    api_id = block.get("api_id" if v2 else "rest_api_id")
    yield ApiTrigger(
        id=block.address,
        resource=block.address,
        location=uri.location,
        function=found.function,
        service=SERVICE,
        source=resolver.resolve(api_id),
        api=_protocol(resolver, api_id) if v2 else "rest",
        proxy=False,
        authorizer=True,
        credentials=present(
            block, "authorizer_credentials_arn" if v2 else "authorizer_credentials"
        ),
    )


def _v2_api(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    """``aws_apigatewayv2_api``: quick create ``target``, and an OpenAPI ``body``."""
    yield from _openapi(resolver, block)
    target = block.get("target")
    if target is None:
        return
    found = resolver.resolve_function(target)
    if not is_function_target(found.function):
        return
    yield ApiTrigger(
        id=f"{block.address}.target",
        resource=block.address,
        location=target.location,
        function=found.function,
        service=SERVICE,
        source=resolver.model.resources.get(block.address, UNKNOWN),
        api="http",
        proxy=True,
        integration_timeout=Setting(DEFAULT_TIMEOUT_MS["http"], block.location, explicit=False),
        credentials=present(block, "credentials_arn"),
    )


def _lambda_uri(resolver: Resolver, uri: Value | None) -> FunctionRef | None:
    """The function an integration or authorizer URI invokes; None when it is not Lambda.

    A reference (``invoke_arn``, or for HTTP APIs the ``arn``) of a function or alias, or
    API Gateway's literal invoke ARN (``arn:aws:apigateway:<region>:lambda:path/
    2015-03-31/functions/<function ARN>/invocations``), or a literal function ARN.
    """
    if uri is None or uri.value is None:
        return None
    inner = uri.value
    if isinstance(inner, Ref):
        found = resolver.function_ref(inner)
        return found if is_function_target(found.function) else None
    if not isinstance(inner, str):
        return None
    if ":lambda:path/" in inner:
        start = inner.find("/functions/")
        end = inner.find("/", start + len("/functions/")) if start >= 0 else -1
        if end < 0:
            return FunctionRef(UNKNOWN)
        return resolver.names.function(inner[start + len("/functions/") : end])
    found = resolver.names.function(inner) if inner.startswith("arn:") else None
    return found if found is not None and is_function_target(found.function) else None


def _streams(integration: Block, spelling: _Spelling) -> bool:
    """Response streaming: a transfer mode other than ``BUFFERED``, or a streaming URI."""
    mode = integration.get(spelling.transfer_mode)
    if mode is not None and mode.value is not None:
        return as_str(mode.value) != "BUFFERED"
    uri = text(integration, spelling.uri)
    return isinstance(uri, str) and "response-streaming-invocations" in uri


def _invocation_type(parameters: Value | None) -> str | Unknown:
    """``"Event"`` or ``"RequestResponse"`` from the ``X-Amz-Invocation-Type`` header
    mapping; UNKNOWN when a request value or an unknown value decides."""
    if parameters is None or parameters.value is None:
        return "RequestResponse"
    if not isinstance(parameters.value, dict):
        return UNKNOWN
    for key, value in parameters.value.items():
        if key.lower() != _INVOCATION_HEADER:
            continue
        literal = as_str(value.value)
        if isinstance(literal, str) and literal.startswith("'") and literal.endswith("'"):
            return "Event" if literal.strip("'").lower() == "event" else "RequestResponse"
        return UNKNOWN
    return "RequestResponse"


def _protocol(resolver: Resolver, api_id: Value | None) -> str | Unknown:
    """``"http"`` or ``"websocket"``: the ``protocol_type`` of the API ``api_id`` names."""
    ref = api_id.value if api_id is not None else None
    block = resolver.block(ref) if isinstance(ref, Ref) else None
    if block is None or block.type != V2_API:
        return UNKNOWN
    protocol = text(block, "protocol_type")
    if isinstance(protocol, str) and protocol.upper() in ("HTTP", "WEBSOCKET"):
        return protocol.lower()
    return UNKNOWN


API_READERS: dict[str, Reader] = {
    "aws_api_gateway_integration": _rest_integration,
    "aws_apigatewayv2_integration": _v2_integration,
    "aws_api_gateway_authorizer": _authorizer,
    "aws_apigatewayv2_authorizer": _authorizer,
    V2_API: _v2_api,
    REST_API: _openapi,
}
