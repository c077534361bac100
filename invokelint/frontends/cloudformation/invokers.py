"""Everything else that may invoke a function: permissions, SAM events, stray references.

Rules such as IL101 ask "is every trigger of this function an event source mapping?".
Answering yes wrongly is a false alarm, so any reference to a function from a place the
model does not understand marks the function as possibly invoked some other way.
"""

from __future__ import annotations

from invokelint.frontends.cloudformation.connectors import connector_permissions
from invokelint.frontends.cloudformation.functions import SAM_FUNCTION, function_properties
from invokelint.frontends.cloudformation.mappings import SAM_POLL_EVENTS, function_events
from invokelint.frontends.cloudformation.references import Resolver
from invokelint.frontends.cloudformation.template import Template, as_bool, as_str, is_intrinsic
from invokelint.frontends.edges import URL_ACTION, mark_unexplained_permissions
from invokelint.frontends.positioned import Map, Seq
from invokelint.model import UNKNOWN, Function, InvocationModel, Permission

PERMISSION_TYPE = "AWS::Lambda::Permission"

# Resource types (or some of their properties) whose references to a function never
# invoke it: "*" for the whole resource, else the top-level property names.
INERT_REFERENCES: dict[str, frozenset[str]] = {
    "AWS::IAM::Role": frozenset({"*"}),
    "AWS::IAM::Policy": frozenset({"*"}),
    "AWS::IAM::ManagedPolicy": frozenset({"*"}),
    "AWS::Logs::LogGroup": frozenset({"*"}),
    "AWS::Logs::MetricFilter": frozenset({"*"}),
    "AWS::CloudWatch::Alarm": frozenset({"*"}),
    "AWS::CloudWatch::Dashboard": frozenset({"*"}),
    "AWS::Lambda::Version": frozenset({"*"}),
    "AWS::Lambda::Alias": frozenset({"*"}),
    "AWS::Lambda::EventSourceMapping": frozenset({"*"}),
    "AWS::Lambda::Permission": frozenset({"*"}),
    "AWS::Lambda::EventInvokeConfig": frozenset({"FunctionName", "Qualifier"}),
    "AWS::Lambda::ProvisionedConcurrencyConfig": frozenset({"*"}),
    "AWS::ApplicationAutoScaling::ScalableTarget": frozenset({"*"}),
    "AWS::ApplicationAutoScaling::ScalingPolicy": frozenset({"*"}),
    "AWS::CodeDeploy::DeploymentGroup": frozenset({"*"}),
    "AWS::Serverless::Connector": frozenset({"*"}),
    SAM_FUNCTION: frozenset({"Events", "Role", "AutoPublishAlias"}),
    "AWS::Lambda::Function": frozenset({"Role"}),
}


def add_permissions(template: Template, model: InvocationModel, resolver: Resolver) -> None:
    """``AWS::Lambda::Permission``s, and those SAM connectors become."""
    model.permissions.extend(connector_permissions(template, resolver))
    for logical_id, kind, properties in template.iter_resources():
        if kind != PERMISSION_TYPE:
            continue
        principal = as_str(properties.get("Principal"))
        action = as_str(properties.get("Action"))
        if as_bool(properties.get("InvokedViaFunctionUrl")) is True:
            action = URL_ACTION  # usable only through the function URL: the URL's own
        source = properties.get("SourceArn")
        account = properties.get("SourceAccount")
        model.permissions.append(
            Permission(
                id=logical_id,
                location=template.resource_location(logical_id),
                function=resolver.resolve_function(properties.get("FunctionName")).function,
                principal=principal if isinstance(principal, str) else UNKNOWN,
                source_arn=resolver.resolve(source) if source is not None else None,
                source_account=as_str(account) if account is not None else None,
                action=action if isinstance(action, str) else UNKNOWN,
                ignores=template.ignores(logical_id),
            )
        )


def mark_unmodelled_invokers(
    template: Template, model: InvocationModel, resolver: Resolver
) -> None:
    """Record every way a function may be invoked that the model has no edge for."""
    edges = (*model.async_triggers, *model.sync_triggers, *model.mappings)
    modelled = {(id(e.function), e.id) for e in edges}
    # (resource, function) pairs a modelled edge explains: that resource's references
    # to that function are the trigger itself, not an unknown invoker.
    explained = {(e.resource, id(e.function)) for e in edges}
    mark_unexplained_permissions(model)
    for logical_id, kind, properties in template.iter_resources():
        if kind == SAM_FUNCTION:
            function = model.resources.get(logical_id)
            effective = function_properties(template, logical_id, properties)
            events = effective.get("Events")
            if isinstance(function, Function) and is_intrinsic(events):  # a condition decides
                model.unknown_invoker(function, template.entry_location(effective, "Events"))
            for name, event_type, _body, _props in function_events(template, effective):
                trigger_id = f"{logical_id}.{name}"
                if event_type in SAM_POLL_EVENTS or (id(function), trigger_id) in modelled:
                    continue
                if isinstance(function, Function) and isinstance(events, Map):
                    model.unknown_invoker(function, template.location(events.key_position(name)))
        _scan_references(template, model, resolver, logical_id, kind, properties, explained)
    _scan_exports(template, model, resolver)


def _scan_references(
    template: Template,
    model: InvocationModel,
    resolver: Resolver,
    logical_id: str,
    kind: str,
    properties: Map,
    explained: set[tuple[str, int]],
) -> None:
    inert = INERT_REFERENCES.get(kind, frozenset())
    if "*" in inert:
        return
    self_function = resolver.function_of(logical_id)
    for key, value in properties.items():
        if key in inert or not isinstance(value, (Map, Seq)):  # a scalar names nothing
            continue
        for referenced, pos in resolver.references(value, properties.value_position(key)):
            function = resolver.function_of(referenced)
            if function is None or function is self_function:
                continue
            if (logical_id, id(function)) not in explained:
                model.unknown_invoker(function, template.location(pos))


def _scan_exports(template: Template, model: InvocationModel, resolver: Resolver) -> None:
    """An exported function ARN may be wired to a trigger in another stack."""
    outputs = template.root.get("Outputs")
    if not isinstance(outputs, Map):
        return
    for name, output in outputs.items():
        if not isinstance(output, Map) or "Export" not in output:
            continue
        for referenced, pos in resolver.references(
            output.get("Value"), outputs.value_position(name)
        ):
            function = resolver.function_of(referenced)
            if function is not None:
                model.unknown_invoker(function, template.location(pos))
