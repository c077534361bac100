"""What a literal ARN or name refers to, for every frontend.

A literal ARN resolves to a resource of the project when exactly one resource of that
service has that literal name, else to an ``ExternalArn``; a plain function name
resolves only to a function of the project. CloudFormation and Terraform both read
literal ARNs this way, and both describe a function reference with ``FunctionRef``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from invokelint.model import (
    UNKNOWN,
    Bucket,
    EventBus,
    ExternalArn,
    Function,
    InvocationModel,
    PollSource,
    Queue,
    Resource,
    Stream,
    Target,
    Topic,
    Unknown,
)

# ARN service -> the kind of source an event source mapping polls there
POLL_SERVICES: dict[str, PollSource] = {
    "sqs": "sqs",
    "kinesis": "kinesis",
    "dynamodb": "dynamodb",
    "mq": "mq",
    "kafka": "kafka",
    "rds": "documentdb",
    "docdb": "documentdb",
}


@dataclass(frozen=True, slots=True)
class FunctionRef:
    """A reference to a function, with the qualifier it carries.

    ``qualifier`` is None for an unqualified reference (``$LATEST`` when invoked),
    a version number or alias name, ``"version"`` for a version whose number is only
    known after deployment, or ``UNKNOWN``.
    """

    function: Function | ExternalArn | Unknown
    qualifier: str | Unknown | None = None


class NamedResources:
    """The project's resources by literal name, built on first use (after every
    resource was added to the model)."""

    def __init__(self, model: InvocationModel) -> None:
        self.model = model
        self._by_name: dict[tuple[str, str], list[Resource]] | None = None

    def match(self, service: str, name: str) -> Resource | None:
        """The one resource of ``service`` named ``name``; None when none or several."""
        if self._by_name is None:
            self._by_name = _index_names(self.model)
        candidates = self._by_name.get((service, name), [])
        return candidates[0] if len(candidates) == 1 else None

    def arn(self, text: str) -> Target:
        """A literal ARN: the project's resource it names, or an ``ExternalArn``."""
        if not text.startswith("arn:"):
            return UNKNOWN
        parts = text.split(":", 5)
        if len(parts) < 6:
            return UNKNOWN
        service, resource = parts[2], parts[5]
        name = resource_name(service, resource)
        if name is not None:
            match = self.match(service, name)
            if match is not None:
                return match
        return ExternalArn(arn=text, service=service, resource=resource)

    def function(self, text: str) -> FunctionRef:
        """A function ARN (``arn:...:function:name[:qualifier]``) or a plain name
        (``name`` or ``name:qualifier``), as ``FunctionName`` properties accept."""
        if text.startswith("arn:"):
            target = self.arn(text)
            if isinstance(target, Function) or (
                isinstance(target, ExternalArn) and target.is_function
            ):
                parts = text.split(":")
                return FunctionRef(target, parts[7] if len(parts) > 7 else None)
            return FunctionRef(UNKNOWN)
        name, _, qualifier = text.partition(":")
        return FunctionRef(self.match("lambda", name) or UNKNOWN, qualifier or None)


def resource_name(service: str, resource: str) -> str | None:
    """The name part of an ARN's resource, for the services the model knows."""
    if service in ("sqs", "sns"):
        return resource
    if service == "lambda" and resource.startswith("function:"):
        return resource.split(":")[1]
    if service == "s3":
        return resource.split("/")[0]
    if service == "kinesis" and resource.startswith("stream/"):
        return resource.split("/")[1]
    if service == "dynamodb" and resource.startswith("table/"):
        return resource.split("/")[1]
    if service == "events" and resource.startswith("event-bus/"):
        return resource.split("/")[1]
    return None


_SERVICE_OF = (
    (Queue, "sqs"),
    (Topic, "sns"),
    (Function, "lambda"),
    (Bucket, "s3"),
    (EventBus, "events"),
)


def _index_names(model: InvocationModel) -> dict[tuple[str, str], list[Resource]]:
    names: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for resource in model.resources.values():
        name = getattr(resource, "name", None)
        if not isinstance(name, str):
            continue
        if isinstance(resource, Stream):
            names[(resource.kind, name)].append(resource)
            continue
        for kind, service in _SERVICE_OF:
            if isinstance(resource, kind):
                names[(service, name)].append(resource)
    return names
