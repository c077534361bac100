"""Where a plan's values point: the ``configuration`` half of ``terraform show -json``.

A plan knows values, not links: a queue created by the same apply has an unknown ARN, so
``event_source_arn`` is just "unknown after apply". The plan's ``configuration`` keeps,
for every written attribute, the references of its expression (``["aws_sqs_queue.q.arn",
"aws_sqs_queue.q"]``), per module (not per instance). This module indexes that tree and
turns a reference list into resource addresses of the flattened module tree: ``var.x``
inside a module is followed through the call's argument, ``module.m.out`` through the
child's output, and instance keys are dropped as ``Ref`` requires; a link reached
through a keyed module output (``module.w["a"].out``) keeps that instance as
``Ref.instance``, so the builder can tell which of the module's instances is meant.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from invokelint.frontends.terraform.configuration import Ref

# A reference can only lead so far: module nesting and output chains are bounded.
MAX_FOLLOW_DEPTH = 32

# One step of a reference or address: a name, or a bracketed key (quoted keys may hold "]").
_STEP = re.compile(r'\.?([A-Za-z_][\w-]*)|\[(?:"(?:[^"\\]|\\.)*"|[^\]"]*)\]')
_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]"]*)\]')
# ``module.w["a"].out``: the call name and the instance key of a keyed module output.
_KEYED_MODULE = re.compile(r'module\.([A-Za-z_][\w-]*)(\[(?:"(?:[^"\\]|\\.)*"|[^\]"]*)\])\.')

# References that name no resource and change nothing about a value a plan already knows.
_INERT_ROOTS = frozenset({"path", "terraform", "count", "each"})
# References to things a plan's configuration does not describe (locals are not in it).
_OPAQUE_ROOTS = frozenset({"local", "self"})


def strip_instance_keys(address: str) -> str:
    """``module.w["a"].aws_sqs_queue.q[0]`` -> ``module.w.aws_sqs_queue.q``."""
    return _INSTANCE_KEY.sub("", address) if "[" in address else address


def names_of(reference: str) -> list[str]:
    """The dotted names of a reference, instance keys left out."""
    return [match.group(1) for match in _STEP.finditer(reference) if match.group(1)]


def resource_part(names: list[str]) -> tuple[str, str | None] | None:
    """(``type.name`` or ``data.type.name``, first attribute) of a resource reference."""
    if names[0] == "data":
        if len(names) < 3:
            return None
        return f"data.{names[1]}.{names[2]}", names[3] if len(names) > 3 else None
    if len(names) < 2:
        return None
    return f"{names[0]}.{names[1]}", names[2] if len(names) > 2 else None


@dataclass(frozen=True, slots=True)
class Targets:
    """What an expression refers to: (address, attribute) pairs, attribute None for the
    object; ``opaque`` when part of it cannot be followed (a local, ``self``)."""

    links: frozenset[tuple[str, str | None]] = frozenset()
    opaque: bool = False
    # link -> the keyed module instance it was reached through (``Ref.instance``)
    instances: dict[tuple[str, str | None], str] = field(default_factory=dict, compare=False)

    def ref(self, link: tuple[str, str | None]) -> Ref:
        return Ref(link[0], link[1], self.instances.get(link))

    def single(self) -> tuple[str, str] | None:
        """The one resource attribute the expression reads, if it reads exactly one."""
        if self.opaque or len(self.links) != 1:
            return None
        address, attribute = next(iter(self.links))
        return (address, attribute) if attribute is not None else None


NO_TARGETS = Targets()


@dataclass(slots=True)
class ModuleConfig:
    """One module of the configuration tree, shared by all its instances."""

    prefix: str  # "" for the root, "module.a.module.b" otherwise (no instance keys)
    path: str  # folder relative to the root module (path.module), best effort
    resources: dict[str, dict] = field(default_factory=dict)  # "aws_sqs_queue.q" -> config
    calls: dict[str, dict] = field(default_factory=dict)  # call name -> module_call object
    outputs: dict[str, Any] = field(default_factory=dict)
    parent: ModuleConfig | None = None
    name: str = ""  # the call name in the parent


class ConfigurationIndex:
    """The plan's ``configuration`` by module prefix, and reference resolution over it."""

    def __init__(self, configuration: Any) -> None:
        self.modules: dict[str, ModuleConfig] = {}
        self.call_names: dict[str, str] = {}  # "module.a.module.b" -> "b"
        self._cache: dict[tuple[str, tuple[str, ...]], Targets] = {}
        root = configuration.get("root_module") if isinstance(configuration, dict) else None
        if isinstance(root, dict):
            self._add(root, "", ".", None, "", 0)

    def _add(
        self,
        module: dict,
        prefix: str,
        path: str,
        parent: ModuleConfig | None,
        name: str,
        depth: int,
    ) -> None:
        config = ModuleConfig(prefix, path, parent=parent, name=name)
        self.modules[prefix] = config
        resources = module.get("resources")
        for resource in resources if isinstance(resources, list) else ():
            address = resource.get("address") if isinstance(resource, dict) else None
            if isinstance(address, str):
                config.resources[address] = resource
        outputs = module.get("outputs")
        if isinstance(outputs, dict):
            config.outputs = outputs
        calls = module.get("module_calls")
        if not isinstance(calls, dict) or depth >= MAX_FOLLOW_DEPTH:
            return
        for call_name, call in calls.items():
            if not isinstance(call, dict) or not isinstance(call_name, str):
                continue
            config.calls[call_name] = call
            child_prefix = f"{prefix}.module.{call_name}" if prefix else f"module.{call_name}"
            self.call_names[child_prefix] = call_name
            child = call.get("module")
            if isinstance(child, dict):
                child_path = _module_path(path, call.get("source"), child_prefix)
                self._add(child, child_prefix, child_path, config, call_name, depth + 1)

    def resource(self, prefix: str, local_address: str) -> dict | None:
        module = self.modules.get(prefix)
        return module.resources.get(local_address) if module is not None else None

    def path(self, prefix: str) -> str:
        module = self.modules.get(prefix)
        return module.path if module is not None else "."

    def targets(self, prefix: str, expression: Any) -> Targets:
        """What an attribute expression (``{"references": [...]}``) refers to."""
        references = expression.get("references") if isinstance(expression, dict) else None
        if not isinstance(references, list) or not references:
            return NO_TARGETS
        key = (prefix, tuple(r for r in references if isinstance(r, str)))
        found = self._cache.get(key)
        if found is None:
            links: set[tuple[str, str | None]] = set()
            pins: dict[tuple[str, str | None], str | None] = {}
            opaque = self._follow(prefix, key[1], links, pins, 0)
            # "aws_sqs_queue.q" only repeats the "aws_sqs_queue.q.arn" beside it
            named = {address for address, attribute in links if attribute is not None}
            links = {(a, attr) for a, attr in links if attr is not None or a not in named}
            instances = {link: pin for link, pin in pins.items() if pin and link in links}
            found = self._cache[key] = Targets(frozenset(links), opaque, instances)
        return found

    def _follow(
        self,
        prefix: str,
        references: tuple[str, ...],
        links: set[tuple[str, str | None]],
        pins: dict[tuple[str, str | None], str | None],
        depth: int,
    ) -> bool:
        """Add what ``references`` (read in module ``prefix``) name; True if any is opaque.

        ``pins`` gains the keyed module instance of links reached through one
        (``module.w["a"].out``); None where two references reach a link differently.
        """
        if depth > MAX_FOLLOW_DEPTH:
            return True
        module = self.modules.get(prefix)
        opaque = False
        for reference in references:
            names = names_of(reference)
            if not names or names[0] in _INERT_ROOTS:
                continue
            root = names[0]
            if root in _OPAQUE_ROOTS:
                opaque = True
            elif root == "var":
                opaque |= self._follow_variable(module, names, links, pins, depth)
            elif root == "module":
                opaque |= self._follow_output(prefix, reference, names, links, pins, depth)
            else:
                part = resource_part(names)
                if part is None:
                    opaque = True
                    continue
                address, attribute = part
                link = (f"{prefix}.{address}" if prefix else address, attribute)
                links.add(link)
                pins[link] = None
        return opaque

    def _follow_variable(
        self,
        module: ModuleConfig | None,
        names: list[str],
        links: set[tuple[str, str | None]],
        pins: dict[tuple[str, str | None], str | None],
        depth: int,
    ) -> bool:
        # A root variable's value is in the plan; a module's comes from its call.
        if module is None or module.parent is None or len(names) < 2:
            return False
        call = module.parent.calls.get(module.name)
        expressions = call.get("expressions") if call is not None else None
        argument = expressions.get(names[1]) if isinstance(expressions, dict) else None
        references = argument.get("references") if isinstance(argument, dict) else None
        if not isinstance(references, list):
            return False  # a constant or the variable's default: no link
        strings = tuple(r for r in references if isinstance(r, str))
        return self._follow(module.parent.prefix, strings, links, pins, depth + 1)

    def _follow_output(
        self,
        prefix: str,
        reference: str,
        names: list[str],
        links: set[tuple[str, str | None]],
        pins: dict[tuple[str, str | None], str | None],
        depth: int,
    ) -> bool:
        if len(names) < 3:
            return False  # the module object itself: listed beside its outputs
        child_prefix = f"{prefix}.module.{names[1]}" if prefix else f"module.{names[1]}"
        child = self.modules.get(child_prefix)
        output = child.outputs.get(names[2]) if child is not None else None
        expression = output.get("expression") if isinstance(output, dict) else None
        references = expression.get("references") if isinstance(expression, dict) else None
        if child is None:
            return True  # a module the configuration does not describe
        if not isinstance(references, list):
            return False
        strings = tuple(r for r in references if isinstance(r, str))
        keyed = _KEYED_MODULE.match(reference)
        if keyed is None:
            return self._follow(child_prefix, strings, links, pins, depth + 1)
        found: set[tuple[str, str | None]] = set()
        inner: dict[tuple[str, str | None], str | None] = {}
        opaque = self._follow(child_prefix, strings, found, inner, depth + 1)
        pin = f"{child_prefix}{keyed.group(2)}"
        for link in found:
            # the instance's own resources; a link that leads back out is not keyed by it
            here = inner.get(link) or (pin if link[0].startswith(child_prefix + ".") else None)
            pins[link] = here if link not in pins or pins[link] == here else None
            links.add(link)
        return opaque


def _module_path(parent: str, source: Any, prefix: str) -> str:
    """A local source joined to its caller's folder; others where ``init`` puts them."""
    if isinstance(source, str) and source.startswith(("./", "../")):
        return posixpath.normpath(posixpath.join(parent, source))
    key = prefix.replace("module.", "")  # .terraform/modules/modules.json names "a.b"
    return f".terraform/modules/{key}"
