"""``.serverless/cloudformation-template-update-stack.json``: the template the framework
packaged, linted as CloudFormation, with findings moved to the ``serverless.yml`` beside
its folder when there is one.

The generated template names resources by the framework's conventions
(``WorkerLambdaFunction``, ``WorkerEventSourceMappingSQSOrders``, ``WorkerLambdaPermission
...``, raw resources under their own ids), so a logical id leads back to the function or
resource the user wrote: the generated JSON line stays as a related location.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from invokelint.frontends.positioned import Map
from invokelint.frontends.serverless import SERVICE_NAMES, naming
from invokelint.model import Location

PACKAGE_FOLDER = ".serverless"


def is_packaged(template: Path) -> bool:
    """Whether ``template`` is the framework's generated output (``.serverless/*.json``):
    the next ``serverless package`` rewrites it, so no fix is written there."""
    return template.parent.name == PACKAGE_FOLDER and template.suffix == ".json"


def service_beside(template: Path) -> Path | None:
    """The ``serverless.yml`` whose packaged output ``template`` is, if it is there."""
    folder = template.parent
    if not is_packaged(template):
        return None
    for name in SERVICE_NAMES:
        candidate = folder.parent / name
        if candidate.is_file():
            return candidate
    return None


class SourceIndex:
    """Generated logical id -> where the user wrote it in ``serverless.yml``."""

    def __init__(self, root: Map, display: str) -> None:
        self.display = display
        self.exact: dict[str, Location] = {}
        self.prefixes: list[tuple[str, Location]] = []  # by function, longest first
        self.names: dict[str, str] = {}  # function logical id -> its name in serverless.yml
        self.by_prefix: dict[str, str] = {}  # ``Worker`` -> ``worker``
        functions = root.get("functions")
        for group in functions if isinstance(functions, list) else [functions]:
            if not isinstance(group, Map):
                continue
            for name in group:
                where = self._location(group.key_position(name))
                self.exact[naming.function_id(str(name))] = where
                self.names[naming.function_id(str(name))] = str(name)
                self.prefixes.append((naming.alphanumeric(str(name)), where))
                self.by_prefix[naming.alphanumeric(str(name))] = str(name)
        self.prefixes.sort(key=lambda item: -len(item[0]))
        resources = root.get("resources")
        for part in resources if isinstance(resources, list) else [resources]:
            raw = part.get("Resources") if isinstance(part, Map) else None
            if isinstance(raw, Map):
                for logical_id in raw:
                    self.exact[str(logical_id)] = self._location(raw.key_position(logical_id))

    def terms(self, generated: Iterable[str | None] = ()) -> dict[str, str]:
        """How findings moved to ``serverless.yml`` name its functions and properties, and
        the event source mappings among the ``generated`` ids they are about."""
        from invokelint.diagnostics import PhraseTerms
        from invokelint.frontends.serverless.terms import EVENT_BRIDGE_DLQ, service_terms
        from invokelint.frontends.serverless.translate import Names

        terms = dict(service_terms(Names(functions=dict(self.names))))
        # the framework's rules, from eventBridge and schedule events
        terms["set DeadLetterConfig.Arn to a standard SQS queue"] = EVENT_BRIDGE_DLQ
        for logical_id in filter(None, generated):
            event = self._mapping_event(logical_id)
            if event is not None:
                terms[f"event source mapping '{logical_id}'"] = event
        return PhraseTerms(terms)

    def _mapping_event(self, logical_id: str) -> str | None:
        """``WorkerEventSourceMappingSQSOrders`` -> ``the sqs event of function 'worker'``
        (the framework's ``<Function>EventSourceMapping<Kind><Source>`` naming)."""
        for prefix, _where in self.prefixes:
            rest = logical_id[len(prefix) :] if logical_id.startswith(prefix) else ""
            if rest.startswith("EventSourceMapping"):
                kind = rest[len("EventSourceMapping") :]
                label = "sqs" if kind.startswith("SQS") else "stream"
                if not kind.startswith(("SQS", "Kinesis", "Dynamodb")):
                    label = "poll"
                return f"the {label} event of function '{self.by_prefix[prefix]}'"
        return None

    def _location(self, pos: tuple[int, int, int, int]) -> Location:
        return Location(self.display, *pos)

    def find(self, logical_id: str | None) -> Location | None:
        """The function or resource behind a generated id; None for the framework's own
        resources (the deployment bucket, the execution role)."""
        if not logical_id:
            return None
        base = logical_id.split(".")[0]
        if base in self.exact:
            return self.exact[base]
        for prefix, where in self.prefixes:
            if base.startswith(prefix) and base[len(prefix) : len(prefix) + 1].isupper():
                return where
        return None
