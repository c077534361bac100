"""An evaluated Terraform ``Configuration`` to the provider-neutral invocation model.

One module per concern, as in the CloudFormation frontend: functions, data resources
(queues, topics, streams, buckets, buses), event source mappings, invoke configs,
asynchronous and synchronous triggers, API Gateway, Step Functions, and the invokers the
model has no edge for. Resources are named by address (``aws_sqs_queue.orders``); an
absent attribute takes the AWS provider's default with ``explicit=False`` at the block.
"""

from __future__ import annotations

from invokelint.frontends.edges import add_edges, add_permission_triggers
from invokelint.frontends.terraform.builder.apis import API_READERS
from invokelint.frontends.terraform.builder.async_triggers import ASYNC_READERS
from invokelint.frontends.terraform.builder.functions import add_functions, link_functions
from invokelint.frontends.terraform.builder.invoke_configs import add_event_invoke_configs
from invokelint.frontends.terraform.builder.invokers import (
    add_permissions,
    mark_unmodelled_invokers,
)
from invokelint.frontends.terraform.builder.mappings import add_mappings
from invokelint.frontends.terraform.builder.references import Reader, Resolver
from invokelint.frontends.terraform.builder.resources import (
    add_data_resources,
    link_queues,
    mark_named_dead_letters,
)
from invokelint.frontends.terraform.builder.sync_triggers import SYNC_READERS
from invokelint.frontends.terraform.configuration import Configuration
from invokelint.model import InvocationModel

# Resource type -> what reads its triggers (asynchronous, synchronous, API Gateway).
TRIGGER_READERS: dict[str, Reader] = {**ASYNC_READERS, **SYNC_READERS, **API_READERS}


def build_model(configuration: Configuration) -> InvocationModel:
    """The invocation model of one root module (local modules flattened in)."""
    model = InvocationModel(paths=list(configuration.files))
    add_functions(configuration, model)
    add_data_resources(configuration, model)
    resolver = Resolver(configuration, model)
    link_queues(configuration, model, resolver)
    link_functions(configuration, model, resolver)
    add_mappings(configuration, model, resolver)
    add_permissions(configuration, model, resolver)
    add_event_invoke_configs(configuration, model, resolver)
    _add_triggers(configuration, model, resolver)
    add_permission_triggers(model)  # last: sees every trigger a permission may belong to
    mark_unmodelled_invokers(configuration, model, resolver)
    mark_named_dead_letters(configuration, model, resolver)
    return model.finalize()


def _add_triggers(configuration: Configuration, model: InvocationModel, resolver: Resolver) -> None:
    for block in configuration.resources():
        reader = TRIGGER_READERS.get(block.type)
        if reader is not None:
            add_edges(model, reader(resolver, block))
