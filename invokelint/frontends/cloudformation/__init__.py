"""CloudFormation and SAM templates (YAML or JSON) to the invocation model.

SAM is read natively: ``Globals`` and event sources are understood without running the
SAM transform, so positions point at what the user wrote.
"""

from __future__ import annotations

from typing import Any

from invokelint.frontends.cloudformation.async_triggers import add_async_triggers
from invokelint.frontends.cloudformation.functions import add_functions, link_functions
from invokelint.frontends.cloudformation.invoke_config import add_event_invoke_configs
from invokelint.frontends.cloudformation.invokers import add_permissions, mark_unmodelled_invokers
from invokelint.frontends.cloudformation.mappings import add_mappings
from invokelint.frontends.cloudformation.references import Resolver
from invokelint.frontends.cloudformation.resources import (
    add_data_resources,
    link_queues,
    mark_named_dead_letters,
)
from invokelint.frontends.cloudformation.sync_triggers import add_sync_triggers
from invokelint.frontends.cloudformation.template import Template
from invokelint.frontends.edges import add_permission_triggers
from invokelint.frontends.positioned import Map
from invokelint.model import InvocationModel


def is_template(root: Any) -> bool:
    """A mapping with ``AWSTemplateFormatVersion`` or ``Resources`` holding an ``AWS::`` type."""
    if not isinstance(root, dict):
        return False
    if "AWSTemplateFormatVersion" in root:
        return True
    resources = root.get("Resources")
    if not isinstance(resources, dict):
        return False
    for body in resources.values():
        if isinstance(body, dict):
            kind = body.get("Type")
            if isinstance(kind, str) and kind.startswith("AWS::"):
                return True
    return False


def build_model(root: Map, path: str, directory: str) -> InvocationModel:
    """The invocation model of one template.

    ``path`` is how diagnostics name the file; ``directory`` is where relative code
    locations (``CodeUri``) are resolved.
    """
    template = Template(root, path, directory)
    model = InvocationModel(paths=[path])
    add_functions(template, model)
    add_data_resources(template, model)
    resolver = Resolver(template, model)
    link_queues(template, model, resolver)
    link_functions(template, model, resolver)
    add_mappings(template, model, resolver)
    add_permissions(template, model, resolver)
    add_event_invoke_configs(template, model, resolver)
    add_async_triggers(template, model, resolver)
    add_sync_triggers(template, model, resolver)
    add_permission_triggers(model)  # last: sees every trigger a permission may belong to
    mark_unmodelled_invokers(template, model, resolver)
    mark_named_dead_letters(template, model, resolver)
    return model.finalize()
