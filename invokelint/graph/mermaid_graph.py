"""Mermaid ``flowchart LR``: renders in GitHub Markdown (pull requests, job summaries).

Node ids are made of ``[A-Za-z0-9_]`` only and start with ``n_`` (so no id is a keyword
such as ``end``); every label is a quoted string with ``"``, ``#``, ``<`` and ``>``
written as Mermaid entity codes. Edges are drawn by kind (``==>`` poll, ``-.->`` async
and unknown, ``-->`` sync and failure paths) and coloured by their worst finding, failure
paths in purple; nodes with findings get a border of their severity's colour.
"""

from __future__ import annotations

import re

from invokelint.diagnostics import Severity
from invokelint.graph.build import FAILURE_KINDS, Graph, Node, worst
from invokelint.graph.describe import (
    EDGE_MEANINGS,
    FAILURE_COLOUR,
    KIND_FILLS,
    PLAIN_COLOUR,
    SEVERITY_COLOURS,
    UNKNOWN_MEANING,
    edge_colour,
    edge_text,
    legend_entries,
    node_lines,
)

_SHAPES = {
    "function": ('("', '")'),
    "queue": ('[("', '")]'),
    "topic": ('{{"', '"}}'),
    "event-bus": ('{{"', '"}}'),
    "stream": ('[/"', '"/]'),
    "bucket": ('[["', '"]]'),
    "url": ('>"', '"]'),
    "unknown": ('{"', '"}'),
}
_ARROWS = {"poll": "==>", "async": "-.->", "unknown": "-.->"}
_NOT_ID = re.compile(r"[^A-Za-z0-9_]+")
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"}
_ENTITY = re.compile('[#"<>]')


def render(graph: Graph) -> str:
    ids = mermaid_ids(graph.nodes)
    lines = ["flowchart LR"]
    if not graph.nodes:
        lines.append('  n_empty["no functions to draw"]')
    for node in graph.nodes:
        opening, closing = _SHAPES.get(node.kind, ('["', '"]'))
        label = "<br>".join(escape(line) for line in node_lines(node))
        lines.append(f"  {ids[node]}{opening}{label}{closing}")
    links: list[str] = []  # one style per link, in the order links are written
    for edge in graph.edges:
        arrow = _ARROWS.get(edge.kind, "-->")
        label = escape(edge_text(edge))
        lines.append(f'  {ids[edge.source]} {arrow}|"{label}"| {ids[edge.target]}')
        links.append(_link_style(edge_colour(edge), edge.is_failure_path, bool(edge.findings)))
    lines.extend(_legend(graph, links))
    lines.extend(_node_styles(graph, ids))
    by_style: dict[str, list[str]] = {}
    for number, style in enumerate(links):
        by_style.setdefault(style, []).append(str(number))
    lines.extend(f"  linkStyle {','.join(numbers)} {style}" for style, numbers in by_style.items())
    return "\n".join(lines) + "\n"


def mermaid_ids(nodes: list[Node]) -> dict[Node, str]:
    """Readable, unique ids: ``n_`` and the label with anything else made ``_``."""
    ids: dict[Node, str] = {}
    taken: set[str] = set()
    for node in nodes:
        base = "n_" + _NOT_ID.sub("_", node.label).strip("_")
        candidate, counter = base, 1
        while candidate in taken:
            counter += 1
            candidate = f"{base}_{counter}"
        taken.add(candidate)
        ids[node] = candidate
    return ids


def escape(text: str) -> str:
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], text)


def _link_style(colour: str, failure: bool, findings: bool) -> str:
    width = "3px" if findings else "1.5px"
    dashed = ",stroke-dasharray:6 4" if failure else ""
    return f"stroke:{colour},stroke-width:{width}{dashed}"


def _legend(graph: Graph, links: list[str]) -> list[str]:
    """One sample edge per kind drawn, one sample node per severity found."""
    kinds, severities, unknown = legend_entries(graph)
    if not kinds and not severities and not unknown:
        return []
    lines = ['  subgraph legend["Legend"]', "    direction LR"]
    for number, kind in enumerate(kinds):
        arrow = _ARROWS.get(kind, "-->")
        meaning = escape(EDGE_MEANINGS[kind])
        lines.append(f'    lg_{number}a[" "] {arrow}|"{kind}: {meaning}"| lg_{number}b[" "]')
        failure = kind in FAILURE_KINDS
        links.append(_link_style(FAILURE_COLOUR if failure else PLAIN_COLOUR, failure, False))
    for severity in severities:
        name = _severity_class(severity)
        lines.append(f'    lg_{severity.value}["finding: {severity.value}"]:::{name}')
    if unknown:
        lines.append(f'    lg_unknown{{"unknown: {escape(UNKNOWN_MEANING)}"}}:::k_unknown')
    lines.append("  end")
    return lines


def _node_styles(graph: Graph, ids: dict[Node, str]) -> list[str]:
    """Fill by kind (dashed border for what is outside or unresolved), border by severity."""
    lines = []
    for kind in sorted({node.kind for node in graph.nodes}):
        dashed = ",stroke-dasharray:4 3" if kind in ("external", "unknown") else ""
        name = "k_" + kind.replace("-", "_")
        lines.append(f"  classDef {name} fill:{KIND_FILLS[kind]},stroke:{PLAIN_COLOUR}{dashed}")
        lines.append(f"  class {','.join(ids[n] for n in graph.nodes if n.kind == kind)} {name}")
    for severity, colour in SEVERITY_COLOURS.items():
        name = _severity_class(severity)
        lines.append(f"  classDef {name} stroke:{colour},stroke-width:3px")
        members = ",".join(ids[n] for n in graph.nodes if worst(n.findings) is severity)
        if members:
            lines.append(f"  class {members} {name}")
    return lines


def _severity_class(severity: Severity) -> str:
    return f"sev_{severity.value}"
