"""Step Functions: the Task states of a state machine that invoke a function.

The definition is read from ``Definition`` (an object that may hold intrinsics),
``DefinitionString`` (JSON text, often built with ``Fn::Sub`` or ``Fn::Join``), or SAM's
``DefinitionUri`` when it names a local file next to the template, with
``DefinitionSubstitutions`` applied. A Task invokes a function when its ``Resource`` is a
function ARN, or ``arn:aws:states:::lambda:invoke`` (also ``.waitForTaskToken``, and the
SDK integration ``aws-sdk:lambda:invoke``) with ``FunctionName`` in ``Parameters``
(JSONPath) or ``Arguments`` (JSONata).

Step Functions waits for the function unless ``InvocationType`` is ``Event``: such a task
is an asynchronous trigger. A task whose function or invocation type is only known at run
time (``FunctionName.$``, a JSONata expression) may invoke any function the state machine
mentions, so each of them is marked as invoked in an unknown way.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from invokelint.frontends.cloudformation.references import Resolver
from invokelint.frontends.cloudformation.substitution import Text, compose, function_in
from invokelint.frontends.cloudformation.template import Template, plain
from invokelint.frontends.positioned import Map, Pos
from invokelint.frontends.step_functions import (
    INVOCATION_TYPES,
    LAMBDA_INVOKE,
    task_arguments,
    task_states,
)
from invokelint.limits import MAX_DEFINITION_BYTES
from invokelint.model import (
    UNKNOWN,
    AsyncTrigger,
    ExternalArn,
    Function,
    Location,
    SyncTrigger,
    Trigger,
)
from invokelint.regular_files import Refused, read_regular, within

STATE_MACHINE_TYPES = frozenset(
    {"AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"}
)
SERVICE = "states"
_PSEUDO = re.compile(r"\$\{AWS::[^}]*\}")


@dataclass
class _Definition:
    """A parsed definition and how to turn its values into text and locations."""

    root: Any
    template_path: str  # where slots (substitutions, intrinsics) are written
    path: str  # display path of the file the definition's own positions belong to
    fallback: Pos  # where to point when a value has no position of its own
    substitutions: Mapping[str, Any]
    slots: Text | None = None  # DefinitionString: placeholders shared by every string
    unknown: bool = False  # a task whose function or invocation type is decided at run time
    triggers: list[Trigger] = field(default_factory=list)

    def text(self, container: Any, key: Any) -> Text | None:
        value = container[key]
        if self.slots is not None:
            return Text(value, self.slots.slots) if isinstance(value, str) else None
        return compose(value, self.pos(container, key), self.substitutions)

    def pos(self, container: Any, key: Any) -> Pos:
        if isinstance(container, Map) and key in container.val_pos:
            return container.value_position(key)
        return self.fallback

    def location(self, slot_pos: Pos | None, container: Any, key: Any) -> Location:
        """Where a function is named: the reference in the template that a slot stands
        for, else the value in the definition."""
        if slot_pos is not None:
            return Location(self.template_path, *slot_pos)
        return Location(self.path, *self.pos(container, key))


def state_machine_triggers(
    template: Template, resolver: Resolver, logical_id: str, properties: Map
) -> Iterator[Trigger]:
    definition = _definition(template, properties)
    if definition is None:
        return
    for label, state in task_states(definition.root):
        _task(resolver, logical_id, definition, state, label)
    if definition.unknown:
        for referenced, pos in resolver.references(properties, properties.pos):
            function = resolver.function_of(referenced)
            if function is not None:
                resolver.model.unknown_invoker(function, template.location(pos))
    source = resolver.model.resources.get(logical_id, UNKNOWN)
    for trigger in definition.triggers:
        trigger.resource, trigger.source = logical_id, source
        trigger.ignores = template.ignores(logical_id)
        yield trigger


def _definition(template: Template, properties: Map) -> _Definition | None:
    substitutions = properties.get("DefinitionSubstitutions")
    if substitutions is None:
        substitutions = {}
    elif not plain(substitutions, Map):
        return None  # every ${...} may name anything: left to the unknown-invoker scan
    definition = properties.get("Definition")
    if plain(definition, Map):
        fallback = properties.value_position("Definition")
        return _Definition(definition, template.path, template.path, fallback, substitutions)
    if "DefinitionString" in properties:
        pos = properties.value_position("DefinitionString")
        text = compose(properties["DefinitionString"], pos, substitutions)
        root = _parse_json(text.text) if text is not None else None
        if root is None:
            return None
        fallback = properties.entry_position("DefinitionString")
        return _Definition(root, template.path, template.path, fallback, substitutions, slots=text)
    uri = properties.get("DefinitionUri")
    if isinstance(uri, str):
        return _local_file(template, uri, substitutions)
    return None


def _local_file(
    template: Template, uri: str, substitutions: Mapping[str, Any]
) -> _Definition | None:
    """SAM's ``DefinitionUri`` naming a JSON or YAML file inside the template's folder.

    Symbolic links are resolved before the check, so a link to a file elsewhere on the
    machine is not read; neither is a FIFO or a device.
    """
    from invokelint.frontends.loader import ParseError, load_json, load_yaml

    if "://" in uri:
        return None  # in S3
    folder = os.path.abspath(template.directory)
    path = os.path.abspath(os.path.join(folder, uri))
    if not within(path, folder):
        return None
    try:
        data = read_regular(path, MAX_DEFINITION_BYTES)
        if data is None:
            return None
        text = data.decode("utf-8")
        document = load_json(text) if path.endswith(".json") else load_yaml(text)
    except (OSError, ValueError, Refused, ParseError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(document.root, Map):
        return None
    display = os.path.normpath(os.path.join(os.path.dirname(template.path), uri))
    display = display.replace(os.sep, "/")
    return _Definition(document.root, template.path, display, (1, 1, 1, 1), substitutions)


def _task(
    resolver: Resolver, machine: str, definition: _Definition, state: dict, label: str
) -> None:
    if "Resource" not in state:
        return
    resource = definition.text(state, "Resource")
    if resource is None:
        return
    literal = _PSEUDO.sub("aws", resource.sub())
    if LAMBDA_INVOKE.fullmatch(literal):
        _lambda_invoke(resolver, machine, definition, state, label)
        return
    ref, pos = function_in(resolver, resource)
    target = ref.function
    if isinstance(target, Function) or (isinstance(target, ExternalArn) and target.is_function):
        _add(definition, machine, label, target, definition.location(pos, state, "Resource"))
    elif resolver.resolve({"Fn::Sub": resource.sub()}) is UNKNOWN:
        definition.unknown = True  # a parameter: a function, or an activity, or ...


def _lambda_invoke(
    resolver: Resolver, machine: str, definition: _Definition, state: dict, label: str
) -> None:
    parameters = task_arguments(state)
    if not isinstance(parameters, dict) or "FunctionName" not in parameters:
        definition.unknown = True  # "FunctionName.$", a JSONata expression, ...
        return
    invocation = _invocation_type(definition, parameters)
    name = definition.text(parameters, "FunctionName")
    if name is None or name.text.startswith("{%") or invocation is UNKNOWN:
        definition.unknown = True
        return
    if invocation == "DryRun":
        return
    ref, pos = function_in(resolver, name)
    location = definition.location(pos, parameters, "FunctionName")
    _add(definition, machine, label, ref.function, location, invocation == "Event")


def _invocation_type(definition: _Definition, parameters: dict) -> Any:
    if "InvocationType.$" in parameters:
        return UNKNOWN
    if "InvocationType" not in parameters:
        return "RequestResponse"
    text = definition.text(parameters, "InvocationType")
    if text is None or text.only_slot() is not None or "${" in text.text or "{%" in text.text:
        return UNKNOWN
    return text.text if text.text in INVOCATION_TYPES else UNKNOWN


def _add(
    definition: _Definition,
    machine: str,
    label: str,
    function: Any,
    location: Location,
    asynchronous: bool = False,
) -> None:
    kind = AsyncTrigger if asynchronous else SyncTrigger
    definition.triggers.append(
        kind(
            id=f"{machine}.{label}",
            resource=machine,
            location=location,
            function=function,
            service=SERVICE,
        )
    )


def _parse_json(text: str) -> Any:
    """A ``DefinitionString``: JSON whose placeholders may stand outside quotes."""
    try:
        root = json.loads(_quote_bare_placeholders(text))
    except (ValueError, RecursionError):
        return None
    return root if isinstance(root, dict) else None


def _quote_bare_placeholders(text: str) -> str:
    """``"TimeoutSeconds": ${Timeout}`` becomes ``"TimeoutSeconds": "${Timeout}"``."""
    out: list[str] = []
    index, in_string = 0, False
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                out.append(text[index : index + 2])
                index += 2
                continue
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif text.startswith("${", index) and text.find("}", index) > 0:
            end = text.find("}", index) + 1
            out.append('"' + text[index:end] + '"')
            index = end
            continue
        out.append(char)
        index += 1
    return "".join(out)
