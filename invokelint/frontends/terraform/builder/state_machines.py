"""``aws_sfn_state_machine``: the Task states that invoke a function.

The ``definition`` is ``jsonencode({...})`` (an object value whose references are kept)
or JSON text (a heredoc, ``file()``, a ``templatefile()`` without references). The
States Language walk is shared with CloudFormation (``frontends.step_functions``).

Step Functions waits for the function unless ``InvocationType`` is ``Event``. A task
whose function or invocation type is decided at run time (``FunctionName.$``, JSONata,
an unknown value) may invoke any function the definition mentions; a definition that
cannot be read at all (a template with a reference spliced into its text) may invoke
any function of the configuration. Those functions are marked as invoked in an unknown
way, so that no "only polled" or "only synchronous" rule speaks for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from invokelint.frontends.edges import is_function_target
from invokelint.frontends.step_functions import (
    INVOCATION_TYPES,
    LAMBDA_INVOKE,
    task_arguments,
    task_states,
)
from invokelint.frontends.terraform.builder.references import Resolver
from invokelint.frontends.terraform.builder.values import references, structure
from invokelint.frontends.terraform.configuration import Block, Ref, Value
from invokelint.model import UNKNOWN, AsyncTrigger, Location, SyncTrigger, Trigger

STATE_MACHINE = "aws_sfn_state_machine"
SERVICE = "states"


class _Located(dict):  # type: ignore[type-arg]
    """A definition object as a plain mapping, with the place each entry is written."""

    __slots__ = ("locations",)

    def __init__(self) -> None:
        super().__init__()
        self.locations: dict[str, Location] = {}


def state_machine_triggers(resolver: Resolver, block: Block) -> Iterator[Trigger]:
    definition = block.get("definition")
    if definition is None or definition.value is None:
        return
    document = structure(definition)
    if document is UNKNOWN:
        for function in resolver.model.functions:
            resolver.model.unknown_invoker(function, definition.location)
        return
    root = _unwrap(document)  # type: ignore[arg-type]
    unknown = False
    for label, state in task_states(root):
        found = _task(resolver, state)
        if found is None:
            continue
        if found is UNKNOWN:
            unknown = True
            continue
        ref, location, asynchronous = found  # type: ignore[misc]
        kind = AsyncTrigger if asynchronous else SyncTrigger
        yield kind(
            id=f"{block.address}.{label}",
            resource=block.address,
            location=location,
            function=ref.function,
            service=SERVICE,
            source=resolver.model.resources.get(block.address, UNKNOWN),
        )
    if unknown:
        for ref, location in references(definition):
            function = resolver.function_of(ref.address)
            if function is not None:
                resolver.model.unknown_invoker(function, location)


def _task(resolver: Resolver, state: _Located) -> Any:
    """``(function, location, asynchronous)``, None (no function), or UNKNOWN."""
    if "Resource" not in state:
        return None
    resource = state["Resource"]
    location = state.locations["Resource"]
    if isinstance(resource, str) and LAMBDA_INVOKE.fullmatch(resource):
        return _lambda_invoke(resolver, state)
    if isinstance(resource, Ref):
        found = resolver.function_ref(resource)
    elif isinstance(resource, str):
        found = resolver.names.function(resource) if resource.startswith("arn:") else None
    else:
        return UNKNOWN  # a variable: a function, an activity, ...
    if found is None or not is_function_target(found.function):
        return None
    return found, location, False


def _lambda_invoke(resolver: Resolver, state: _Located) -> Any:
    parameters = task_arguments(state)
    if not isinstance(parameters, _Located) or "FunctionName" not in parameters:
        return UNKNOWN  # "FunctionName.$", a JSONata expression, ...
    invocation = _invocation_type(parameters)
    name = parameters["FunctionName"]
    if invocation is UNKNOWN:
        return UNKNOWN
    if invocation == "DryRun":
        return None
    if isinstance(name, Ref):
        found = resolver.function_ref(name)
    elif isinstance(name, str) and not name.startswith("{%"):
        found = resolver.names.function(name)
    else:
        return UNKNOWN
    return found, parameters.locations["FunctionName"], invocation == "Event"


def _invocation_type(parameters: _Located) -> Any:
    if "InvocationType.$" in parameters:
        return UNKNOWN
    if "InvocationType" not in parameters:
        return "RequestResponse"
    value = parameters["InvocationType"]
    return value if isinstance(value, str) and value in INVOCATION_TYPES else UNKNOWN


def _unwrap(value: Value) -> Any:
    """Values as plain data (references and UNKNOWN kept), objects as ``_Located``."""
    inner = value.value
    if isinstance(inner, dict):
        located = _Located()
        for key, item in inner.items():
            located[key] = _unwrap(item)
            located.locations[key] = item.location
        return located
    if isinstance(inner, list):
        return [_unwrap(item) for item in inner]
    return inner
