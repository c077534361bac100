"""Serverless Framework services (``serverless.yml``, v3 and v4) to the invocation model.

Read natively, without running the framework: variables are resolved from the file
itself (``variables.py``), ``functions`` and their ``events`` are translated into
SAM-shaped resources positioned at the lines the user wrote (``translate.py``), raw
CloudFormation under ``resources.Resources`` joins them, and the CloudFormation frontend
builds the model, so every rule reads serverless services unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from invokelint.frontends.positioned import Map
from invokelint.model import InvocationModel

SERVICE_NAMES = ("serverless.yml", "serverless.yaml")
# Top-level ``service:`` and ``functions:``/``provider:`` keys: a cheap test before parsing.
_SERVICE_KEY = re.compile(r"^service[ \t]*:", re.MULTILINE)
_PROVIDER_KEY = re.compile(r"^(provider|functions)[ \t]*:", re.MULTILINE)


def may_be_service(name: str, text: str) -> bool:
    """A ``serverless.yml`` by name, or a YAML file with the framework's top-level keys."""
    if name in SERVICE_NAMES:
        return True
    return _SERVICE_KEY.search(text) is not None and _PROVIDER_KEY.search(text) is not None


def is_service(root: Any) -> bool:
    """A mapping with ``service`` and an AWS ``provider`` (or none named)."""
    if not isinstance(root, dict) or "service" not in root:
        return False
    provider = root.get("provider")
    if not isinstance(provider, dict):
        return "functions" in root
    return provider.get("name", "aws") == "aws"


def build_model(root: Map, path: str, directory: str) -> InvocationModel:
    """The invocation model of one service; ``directory`` is the service folder."""
    from invokelint.frontends.cloudformation import build_model as build_template
    from invokelint.frontends.serverless.terms import service_terms
    from invokelint.frontends.serverless.translate import Names, translate
    from invokelint.frontends.serverless.variables import Variables

    resolved = Variables(root).resolve(root)
    names = Names()
    model = build_template(translate(resolved, names), path, directory)
    model.terms = service_terms(names)
    model.fixable_lines = raw_resource_lines(root)
    return model


def raw_resource_lines(root: Map) -> tuple[int, int]:
    """The lines of ``resources.Resources``: raw CloudFormation, the one part of a service
    that fixes (which name CloudFormation properties) may edit. ``(0, 0)`` when absent:
    ``functions`` and their ``events`` are written in the framework's own keys."""
    resources = root.get("resources")
    raw = resources.get("Resources") if isinstance(resources, Map) else None
    if not isinstance(raw, Map) or not raw:
        return (0, 0)
    first = min(pos[0] for pos in raw.key_pos.values())
    last = max(pos[2] for pos in raw.val_pos.values())
    return (first, last)
