"""Terraform (HCL, ``.tf.json`` and plan JSON) into the invocation model.

Readers turn each input into one evaluated ``Configuration`` (``configuration.py``):
``module_loader.load_module`` for a folder of ``.tf``/``.tofu``/``.tf.json`` files and the
modules it calls, ``plan.load_plan`` for ``terraform show -json`` output. One builder
(``builder.build_model``) turns any of them into the provider-neutral model, so every
rule reads Terraform exactly as it reads CloudFormation. tree-sitter is imported only
when an HCL file is parsed.
"""

from __future__ import annotations

import importlib
from typing import Any

# Imported on first use: a run that only meets a JSON file asking "is this a plan?"
# (``plan.looks_like_plan``) must not pay for the builder and the HCL reader.
_EXPORTS = {
    "attach_source_locations": "invokelint.frontends.terraform.plan_sources",
    "build_model": "invokelint.frontends.terraform.builder",
    "load_module": "invokelint.frontends.terraform.module_loader",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
