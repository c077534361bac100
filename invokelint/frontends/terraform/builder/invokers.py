"""Everything else that may invoke a function: permissions, stray references, modules.

Rules such as IL101 ask "is every trigger of this function an event source mapping?".
Answering yes wrongly is a false alarm, so any reference to a function from a place the
model does not understand (an ``aws_pipes_pipe``, an ``aws_ssm_parameter`` another stack
reads, an ``aws_lambda_invocation``, a dynamic trigger block) marks the function as
possibly invoked some other way. So does an opaque module (a registry or git source not
on disk): what it is given cannot be seen, so any function may be handed to it.
"""

from __future__ import annotations

from invokelint.frontends.edges import URL_ACTION, mark_unexplained_permissions
from invokelint.frontends.terraform.builder.references import Resolver
from invokelint.frontends.terraform.builder.values import (
    as_bool,
    block_references,
    text,
)
from invokelint.frontends.terraform.configuration import Block, Configuration
from invokelint.model import UNKNOWN, InvocationModel, Permission

PERMISSION = "aws_lambda_permission"

# Resource types (or some of their attributes and nested blocks) whose references to a
# function never invoke it: "*" for the whole resource.
INERT_REFERENCES: dict[str, frozenset[str]] = {
    "aws_iam_role": frozenset({"*"}),
    "aws_iam_policy": frozenset({"*"}),
    "aws_iam_role_policy": frozenset({"*"}),
    "aws_iam_user_policy": frozenset({"*"}),
    "aws_iam_group_policy": frozenset({"*"}),
    "aws_cloudwatch_log_group": frozenset({"*"}),
    "aws_cloudwatch_log_metric_filter": frozenset({"*"}),
    "aws_cloudwatch_metric_alarm": frozenset({"*"}),
    "aws_cloudwatch_dashboard": frozenset({"*"}),
    "aws_lambda_alias": frozenset({"*"}),
    "aws_lambda_event_source_mapping": frozenset({"*"}),
    "aws_lambda_permission": frozenset({"*"}),
    "aws_lambda_function_event_invoke_config": frozenset({"function_name", "qualifier"}),
    "aws_lambda_provisioned_concurrency_config": frozenset({"*"}),
    "aws_lambda_function_recursion_config": frozenset({"*"}),
    "aws_appautoscaling_target": frozenset({"*"}),
    "aws_appautoscaling_policy": frozenset({"*"}),
    "aws_codedeploy_deployment_group": frozenset({"*"}),
    "aws_lambda_function": frozenset({"role"}),
}
# Attributes that never invoke, whatever the resource: permission documents (a queue or
# bucket policy naming the function in a condition) and tags.
INERT_ATTRIBUTES = frozenset({"policy", "assume_role_policy", "tags", "tags_all"})


def add_permissions(
    configuration: Configuration, model: InvocationModel, resolver: Resolver
) -> None:
    for block in configuration.resources(PERMISSION):
        principal = text(block, "principal")
        action = text(block, "action")
        if action is None:
            action = "lambda:InvokeFunction"
        if as_bool(_raw(block, "invoked_via_function_url")) is True:
            action = URL_ACTION  # usable only through the function URL: the URL's own
        source = block.get("source_arn")
        account = block.get("source_account")
        model.permissions.append(
            Permission(
                id=block.address,
                location=block.location,
                function=resolver.resolve_function(block.get("function_name")).function,
                principal=principal if isinstance(principal, str) else UNKNOWN,
                source_arn=resolver.resolve(source) if source is not None else None,
                action=action if isinstance(action, str) else UNKNOWN,
                source_account=text(block, "source_account") if account is not None else None,
            )
        )


def mark_unmodelled_invokers(
    configuration: Configuration, model: InvocationModel, resolver: Resolver
) -> None:
    """Record every way a function may be invoked that the model has no edge for."""
    mark_unexplained_permissions(model)
    edges = (*model.async_triggers, *model.sync_triggers, *model.mappings)
    # (resource, function) pairs a modelled edge explains: that resource's references
    # to that function are the trigger itself, not an unknown invoker.
    explained = {(e.resource, id(e.function)) for e in edges}
    explained |= {(e.id, id(e.function)) for e in edges}
    for block in configuration.resources():
        _scan_references(model, resolver, block, explained)
    for address in sorted(configuration.opaque_modules):
        location = configuration.module_calls.get(address)
        if location is None:
            continue
        for function in model.functions:
            model.unknown_invoker(function, location)


def _scan_references(
    model: InvocationModel,
    resolver: Resolver,
    block: Block,
    explained: set[tuple[str, int]],
) -> None:
    inert = INERT_REFERENCES.get(block.type, frozenset())
    if "*" in inert:
        return
    own = resolver.function_of(block.address)
    marked: set[int] = set()  # one place per function and resource is enough to tell
    for name, ref, location in block_references(block):
        if name in inert or name in INERT_ATTRIBUTES:
            continue
        function = resolver.function_of(ref.address)
        if function is None or function is own or id(function) in marked:
            continue
        if (block.address, id(function)) not in explained:
            marked.add(id(function))
            model.unknown_invoker(function, location)


def _raw(block: Block, name: str) -> object:
    value = block.get(name)
    return None if value is None else value.value
