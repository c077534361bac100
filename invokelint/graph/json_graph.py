"""The graph as JSON: a stable interface, documented in the README ("Graph JSON").

``version`` changes only when a key changes meaning or disappears; new keys may appear.
"""

from __future__ import annotations

import json
from typing import Any

from invokelint.diagnostics import Diagnostic
from invokelint.graph.build import Graph

VERSION = 1


def render(graph: Graph) -> str:
    document = {
        "version": VERSION,
        "nodes": [
            {
                "id": node.id,
                "kind": node.kind,
                "label": node.label,
                "path": node.path,
                "line": node.line,
                "settings": node.settings,
                "findings": [finding(d) for d in node.findings],
            }
            for node in graph.nodes
        ],
        "edges": [
            {
                "source": edge.source.id,
                "target": edge.target.id,
                "kind": edge.kind,
                "id": edge.id,
                "path": edge.path,
                "line": edge.line,
                "settings": edge.settings,
                "findings": [finding(d) for d in edge.findings],
            }
            for edge in graph.edges
        ],
        "findings": [finding(d) for d in graph.findings],
    }
    return json.dumps(document, indent=2) + "\n"


def finding(d: Diagnostic) -> dict[str, Any]:
    """The keys of ``invokelint check --format json``, minus the end of the span."""
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "path": d.location.path,
        "line": d.location.line,
        "column": d.location.column,
        "resource": d.resource,
    }
