"""The graph as JSON: a stable interface, documented in the README ("Graph JSON").

``version`` changes only when a key changes meaning or disappears; new keys may appear.
"""

from __future__ import annotations

import json

from invokelint.graph.build import Graph
from invokelint.reporters.json_report import diagnostic as finding

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
