"""``invokelint graph``: the invocation topology of a project, with its findings on it.

A consumer of the lint result beside the reporters: ``build`` turns the models and the
diagnostics into a neutral ``Graph`` (nodes, edges, findings), and one module per format
draws it (``<format>_graph.py`` with ``render(graph) -> str``), imported only when asked.
Nothing here reads a frontend: Terraform, SAM and CloudFormation all arrive as
``invokelint.model`` objects.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invokelint.engine import LintResult

FORMATS = ("mermaid", "dot", "json", "html")


def render(result: LintResult, output: str, *, findings_only: bool = False) -> str:
    """The graph of ``result`` in ``output`` format (one of ``FORMATS``)."""
    from invokelint.graph.build import build
    from invokelint.graph.focus import findings_only as focus

    if output not in FORMATS:
        raise ValueError(f"unknown graph format {output!r}")
    graph = build(result.models, result.diagnostics)
    if findings_only:
        graph = focus(graph)
    module = importlib.import_module(f"{__name__}.{output}_graph")
    return module.render(graph)
