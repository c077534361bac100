"""SAM connectors that let a service invoke a function.

For a source that reaches Lambda through the function's resource-based policy (a bucket,
a topic, a rule, an API), an ``AWS::Serverless::Connector`` or a resource's embedded
``Connectors`` entry with ``Write`` permission to a function becomes an
``AWS::Lambda::Permission`` when SAM transforms the template. The model records it as a
``Permission`` with the source's service principal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from invokelint.frontends.cloudformation.references import Resolver
from invokelint.frontends.cloudformation.template import Template, as_str, plain
from invokelint.frontends.positioned import Map, Pos, Seq
from invokelint.model import UNKNOWN, Function, Permission, Unknown

CONNECTOR_TYPE = "AWS::Serverless::Connector"
# Source types that invoke a function under its resource-based policy -> service.
_SERVICES = {
    "AWS::S3::Bucket": "s3",
    "AWS::SNS::Topic": "sns",
    "AWS::Events::Rule": "events",
    "AWS::ApiGateway::RestApi": "apigateway",
    "AWS::ApiGatewayV2::Api": "apigateway",
    "AWS::Serverless::Api": "apigateway",
    "AWS::Serverless::HttpApi": "apigateway",
}


def connector_permissions(template: Template, resolver: Resolver) -> Iterator[Permission]:
    for logical_id, kind, properties in template.iter_resources():
        if kind == CONNECTOR_TYPE:
            yield from _permissions(
                template, resolver, logical_id, properties, properties.get("Source"), logical_id
            )
        body = template.resources.get(logical_id)
        embedded = body.get("Connectors") if isinstance(body, Map) else None
        for name, connector in embedded.items() if plain(embedded, Map) else ():
            props = connector.get("Properties") if plain(connector, Map) else None
            if plain(props, Map):
                source = {"Id": logical_id}
                yield from _permissions(
                    template, resolver, f"{logical_id}{name}", props, source, logical_id
                )


def _permissions(
    template: Template,
    resolver: Resolver,
    permission_id: str,
    properties: Map,
    source: Any,
    owner: str,
) -> Iterator[Permission]:
    if not _may_write(properties.get("Permissions")):
        return
    principal = _principal(template, source)
    if principal is None:
        return  # a source that invokes through its role (a queue's mapping, a state machine)
    destinations = properties.get("Destination")
    items = destinations if plain(destinations, Seq) else [destinations]
    for destination in items:
        function = _function(template, resolver, destination)
        if function is None:
            continue
        yield Permission(
            id=permission_id,
            location=template.location(_position(template, owner, permission_id)),
            function=function,
            principal=principal,
            source_arn=UNKNOWN,  # SAM scopes it to the connector's source: its ARN is not here
            ignores=template.ignores(owner),
        )


def _may_write(permissions: Any) -> bool:
    if not plain(permissions, Seq):
        return True  # a condition decides: perhaps
    return any(as_str(item) in ("Write", UNKNOWN) for item in permissions)


def _principal(template: Template, source: Any) -> str | Unknown | None:
    """The source's service principal; None for a source that needs no permission."""
    if not plain(source, dict):
        return UNKNOWN
    kind = as_str(source.get("Type"))
    if kind is None and isinstance(source.get("Id"), str):
        kind = template.resource_type(source["Id"])
    if not isinstance(kind, str):
        return UNKNOWN
    service = _SERVICES.get(kind)
    return f"{service}.amazonaws.com" if service else None


def _function(template: Template, resolver: Resolver, destination: Any) -> Any:
    """The destination function (possibly UNKNOWN); None when it is not a function."""
    if not plain(destination, Map):
        return None
    if isinstance(destination.get("Id"), str):
        target = resolver.resolve_function({"Ref": destination["Id"]}).function
        return target if isinstance(target, Function) else None
    kind = as_str(destination.get("Type"))
    if kind in ("AWS::Lambda::Function", "AWS::Serverless::Function"):
        return resolver.resolve_function(destination.get("Arn")).function
    return None


def _position(template: Template, owner: str, permission_id: str) -> Pos:
    if owner == permission_id:
        return template.resources.key_position(owner)
    body = template.resources.get(owner)
    return body.key_position("Connectors") if isinstance(body, Map) else template.resources.pos
