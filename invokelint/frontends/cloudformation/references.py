"""Turning ``Ref``, ``Fn::GetAtt``, ``Fn::Sub`` and literal ARNs into model objects.

A reference resolves to a resource of the template, to an ``ExternalArn`` (a literal ARN
that names nothing here), or to ``UNKNOWN`` (a parameter, an import, a condition, a
resource SAM generates). Literal ARNs are matched to a template resource only when
exactly one resource has that literal name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from invokelint.frontends.cloudformation.template import Template, as_str, child, is_intrinsic
from invokelint.frontends.positioned import NO_POS, Map, Pos, Seq
from invokelint.frontends.targets import FunctionRef, NamedResources
from invokelint.model import (
    UNKNOWN,
    Function,
    InvocationModel,
    Resource,
    Target,
    Unknown,
)

_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")
_QUALIFIER = re.compile(r"[A-Za-z0-9$_-]+")
_VERSION_TYPES = ("AWS::Lambda::Version", "AWS::Lambda::Alias")
_CONTAINERS = (Map, Seq)


class Resolver:
    def __init__(self, template: Template, model: InvocationModel) -> None:
        self.template = template
        self.model = model
        self._qualified: dict[str, FunctionRef] | None = None
        self.names = NamedResources(model)

    # -- public
    def resolve(self, value: Any) -> Target:
        """What ``value`` (a literal or an intrinsic) refers to."""
        if isinstance(value, str):
            return self._literal(value)
        if not is_intrinsic(value):
            return UNKNOWN
        name, argument = next(iter(value.items()))
        if name == "Ref":
            return self._logical_id(argument, attribute=None)
        if name == "Fn::GetAtt":
            if isinstance(argument, str):  # long form "Resource.Attribute"
                argument = argument.split(".", 1)
            if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
                return self._logical_id(argument[0], attribute=argument[1])
            return UNKNOWN
        if name == "Fn::Sub":
            return self._sub(argument)
        return UNKNOWN

    def resolve_function(self, value: Any) -> FunctionRef:
        """A function reference, seeing through versions, aliases and ARN qualifiers."""
        if isinstance(value, str):
            return self._literal_function(value)
        if is_intrinsic(value):
            name, argument = next(iter(value.items()))
            if name in ("Fn::Sub", "Fn::Join"):
                return self._function_in_sub(value)
            logical_id = _referenced_id(name, argument)
            if logical_id is not None:
                qualified = self._qualified_ref(logical_id)
                if qualified is not None:
                    return qualified
        target = self.resolve(value)
        return FunctionRef(target if isinstance(target, Function) else UNKNOWN)

    def references(self, value: Any, pos: Pos) -> Iterator[tuple[str, Pos]]:
        """Every logical id that ``value`` mentions (Ref, GetAtt, Sub), with its position."""
        found: list[tuple[str, Pos]] = []
        _collect_references(value, pos, found)
        return iter(found)

    def function_of(self, logical_id: str) -> Function | None:
        """The function behind a function, version or alias logical id."""
        resource = self.model.resources.get(logical_id)
        if isinstance(resource, Function):
            return resource
        qualified = self._qualified_refs().get(logical_id)
        if qualified is not None and isinstance(qualified.function, Function):
            return qualified.function
        return None

    # -- internals
    def _literal_function(self, text: str) -> FunctionRef:
        """A function ARN (``arn:...:function:name[:qualifier]``) or a plain name."""
        return self.names.function(text)

    def _function_in_sub(self, value: Any) -> FunctionRef:
        """``!Sub "${Fn.Arn}:live"``, ``!Join [":", [!GetAtt Fn.Arn, !GetAtt V.Version]]``..."""
        from invokelint.frontends.cloudformation.substitution import (
            compose,
            has_references,
            unescape,
        )

        text = compose(value, NO_POS)
        if text is None:
            return FunctionRef(UNKNOWN)
        sub = text.sub()
        if not has_references(sub):  # only pseudo parameters: a literal ARN
            return self._literal_function(unescape(_SUB_VARIABLE.sub("*", sub)))
        target = self._sub(sub)
        if not isinstance(target, Function):
            return FunctionRef(UNKNOWN)
        for match in _SUB_VARIABLE.finditer(sub):
            reference = match.group(1)
            if self.function_of(reference.split(".")[0]) is not target:
                continue
            qualified = self._qualified_ref(reference)
            if qualified is not None and qualified.qualifier is not None:
                return qualified
            return FunctionRef(target, self._tail_qualifier(sub[match.end() :], target))
        return FunctionRef(target)

    def _tail_qualifier(self, tail: str, function: Function) -> str | Unknown | None:
        """The qualifier written after a function's ARN: ``:live``, ``:${Version.Version}``."""
        if not tail.startswith(":"):
            return None if not tail else UNKNOWN
        qualifier = tail[1:]
        match = _SUB_VARIABLE.fullmatch(qualifier)
        if match is not None:
            named = self._qualified_refs().get(match.group(1).split(".")[0])
            if named is not None and named.function is function:
                return named.qualifier
            return UNKNOWN
        return qualifier if _QUALIFIER.fullmatch(qualifier) else UNKNOWN

    def _qualified_ref(self, reference: str) -> FunctionRef | None:
        """A version, an alias, or SAM's ``Fn.Alias``/``Fn.Version``; None otherwise."""
        sam = self._sam_alias(reference)
        if sam is not None:
            return sam
        return self._qualified_refs().get(reference.split(".")[0])

    def _logical_id(self, logical_id: Any, attribute: Any) -> Target:
        if not isinstance(logical_id, str):
            return UNKNOWN
        resource = self.model.resources.get(logical_id)
        if resource is not None:
            qualified = self._qualified_refs().get(logical_id)
            if qualified is not None:
                return qualified.function
            return resource
        sam = self._sam_alias(logical_id)
        if sam is not None:
            return sam.function
        return UNKNOWN  # a parameter, a pseudo parameter, or a resource SAM generates

    def _sam_alias(self, reference: str) -> FunctionRef | None:
        """SAM's ``!Ref MyFunction.Alias`` / ``!Ref MyFunction.Version``."""
        base, _, suffix = reference.partition(".")
        if suffix not in ("Alias", "Version"):
            return None
        function = self.model.resources.get(base)
        if not isinstance(function, Function):
            return None
        if suffix == "Version":
            return FunctionRef(function, "version")
        # ``Properties:`` may be empty (None) or not a mapping at all
        alias = as_str(child(self.template.resources.get(base), "Properties", "AutoPublishAlias"))
        return FunctionRef(function, alias if isinstance(alias, str) else UNKNOWN)

    def _sub(self, argument: Any) -> Target:
        text, variables = argument, {}
        if isinstance(argument, list):
            if not argument or not isinstance(argument[0], str):
                return UNKNOWN
            text = argument[0]
            variables = argument[1] if len(argument) > 1 and isinstance(argument[1], dict) else {}
        if not isinstance(text, str):
            return UNKNOWN
        found: list[Resource] = []
        unknown = False
        for match in _SUB_VARIABLE.finditer(text):
            name = match.group(1).split(".")[0]
            if name.startswith("AWS::"):
                continue
            if name in variables:
                unknown = True
                continue
            target = self._logical_id(name, None)
            if isinstance(target, Resource):
                found.append(target)
            else:
                unknown = True
        if len({id(r) for r in found}) == 1:
            return found[0]
        if found or unknown:
            return UNKNOWN
        # Only pseudo parameters: an ARN whose account and region are filled in later.
        return self._literal(_SUB_VARIABLE.sub("*", text))

    def _literal(self, text: str) -> Target:
        return self.names.arn(text)

    def _qualified_refs(self) -> dict[str, FunctionRef]:
        """Logical ids of ``AWS::Lambda::Version``/``Alias`` resources -> their function."""
        if self._qualified is None:
            self._qualified = {}
            for logical_id, kind, properties in self.template.iter_resources():
                if kind not in _VERSION_TYPES:
                    continue
                target = self.resolve_function(properties.get("FunctionName")).function
                if kind == "AWS::Lambda::Alias":
                    name = as_str(properties.get("Name"))
                    qualifier: str | Unknown | None = name if isinstance(name, str) else UNKNOWN
                else:
                    qualifier = "version"
                self._qualified[logical_id] = FunctionRef(target, qualifier)
        return self._qualified


def _referenced_id(name: str, argument: Any) -> str | None:
    """The logical id (``Fn.Alias`` kept whole) that a ``Ref`` or ``Fn::GetAtt`` names."""
    if name == "Ref" and isinstance(argument, str):
        return argument
    if name == "Fn::GetAtt":
        if isinstance(argument, str):
            return argument.split(".")[0]
        if isinstance(argument, list) and argument and isinstance(argument[0], str):
            return argument[0]
    return None


def _collect_references(value: Any, pos: Pos, found: list[tuple[str, Pos]]) -> None:
    """``Resolver.references`` into ``found``, in document order. Every property of every
    resource passes here, so it appends rather than nests generators, and skips scalars."""
    if isinstance(value, Map):
        if len(value) == 1:
            name, argument = next(iter(value.items()))
            if name == "Ref" and isinstance(argument, str):
                found.append((argument.split(".")[0], value.pos))
                return
            if name == "Fn::GetAtt":
                if isinstance(argument, list) and argument and isinstance(argument[0], str):
                    found.append((argument[0], value.pos))
                elif isinstance(argument, str):
                    found.append((argument.split(".")[0], value.pos))
                return
            if name == "Fn::Sub":
                text = argument[0] if isinstance(argument, list) and argument else argument
                if isinstance(text, str):
                    for match in _SUB_VARIABLE.finditer(text):
                        found.append((match.group(1).split(".")[0], value.pos))
                if isinstance(argument, list) and len(argument) > 1:
                    _collect_references(argument[1], value.pos, found)
                return
        positions = value.val_pos
        for key, item in value.items():
            if isinstance(item, _CONTAINERS):  # a scalar mentions nothing
                _collect_references(item, positions.get(key, value.pos), found)
    elif isinstance(value, Seq):
        for index, item in enumerate(value):
            if isinstance(item, _CONTAINERS):
                _collect_references(item, value.item_position(index), found)
