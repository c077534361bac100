"""Terraform (HCL, ``.tf.json`` and plan JSON) into the invocation model.

Readers turn each input into one evaluated ``Configuration`` (``configuration.py``):
``module_loader.load_module`` for a folder of ``.tf``/``.tofu``/``.tf.json`` files and the
modules it calls, ``plan.load_plan`` for ``terraform show -json`` output. One builder
(``builder.build_model``) turns any of them into the provider-neutral model, so every
rule reads Terraform exactly as it reads CloudFormation. tree-sitter is imported only
when an HCL file is parsed.
"""

from __future__ import annotations

from invokelint.frontends.terraform.builder import build_model
from invokelint.frontends.terraform.module_loader import load_module
from invokelint.frontends.terraform.plan_sources import attach_source_locations

__all__ = ["attach_source_locations", "build_model", "load_module"]
