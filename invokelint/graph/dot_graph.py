"""Graphviz DOT, for ``dot -Tsvg`` (or ``-Tpng``) and any DOT viewer.

Every id and label is a double-quoted string with ``\\`` and ``"`` escaped and line breaks
as ``\\n``; a node's tooltip lists its findings' messages, so the SVG shows them on hover.
"""

from __future__ import annotations

from invokelint.diagnostics import Diagnostic
from invokelint.graph.build import FAILURE_KINDS, Graph, Node
from invokelint.graph.describe import (
    EDGE_MEANINGS,
    FAILURE_COLOUR,
    KIND_FILLS,
    PLAIN_COLOUR,
    SEVERITY_COLOURS,
    UNKNOWN_MEANING,
    colour,
    edge_colour,
    edge_text,
    finding_lines,
    legend_entries,
    node_lines,
)

_SHAPES = {
    "function": "box",
    "queue": "cylinder",
    "topic": "hexagon",
    "event-bus": "hexagon",
    "stream": "parallelogram",
    "bucket": "folder",
    "url": "cds",
    "external": "box",
    "unknown": "diamond",
}
_EDGE_STYLES = {"poll": "bold", "async": "dashed", "unknown": "dotted"}
_LEGEND_LINES = {"poll": "━━", "async": "╌╌", "unknown": "┄┄", "sync": "——"}


def render(graph: Graph) -> str:
    lines = [
        "digraph invokelint {",
        "  rankdir=LR;",
        '  graph [fontname="Helvetica", fontsize=10, nodesep=0.3, ranksep=0.8];',
        '  node [fontname="Helvetica", fontsize=10, style="filled"];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for node in graph.nodes:
        lines.append(f"  {quote(node.id)} [{_node_attributes(node)}];")
    for edge in graph.edges:
        attributes = {
            "label": edge_text(edge),
            "color": edge_colour(edge),
            "fontcolor": edge_colour(edge),
            "style": "dashed" if edge.is_failure_path else _EDGE_STYLES.get(edge.kind, "solid"),
            "penwidth": "2" if edge.findings else "1",
        }
        if edge.findings:
            attributes["tooltip"] = tooltip(edge.findings)
        lines.append(f"  {quote(edge.source.id)} -> {quote(edge.target.id)} [{_join(attributes)}];")
    lines.extend(_legend(graph))
    lines.append("}")
    return "\n".join(lines) + "\n"


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def tooltip(findings: list[Diagnostic]) -> str:
    return "\n".join(finding_lines(findings))


def _node_attributes(node: Node) -> str:
    styles = ["filled"]
    if node.kind == "function":
        styles.append("rounded")
    if node.kind in ("external", "unknown"):
        styles.append("dashed")
    attributes = {
        "label": "\n".join(node_lines(node)),
        "shape": _SHAPES.get(node.kind, "box"),
        "style": ",".join(styles),
        "fillcolor": KIND_FILLS[node.kind],
        "color": colour(node) or PLAIN_COLOUR,
        "penwidth": "2.5" if node.findings else "1",
    }
    if node.findings:
        attributes["tooltip"] = tooltip(node.findings)
    return _join(attributes)


def _join(attributes: dict[str, str]) -> str:
    return ", ".join(f"{name}={quote(value)}" for name, value in attributes.items())


def _legend(graph: Graph) -> list[str]:
    """One small table: a line per edge kind drawn, a box per severity found."""
    kinds, severities, unknown = legend_entries(graph)
    if not kinds and not severities and not unknown:
        return []
    rows = []
    for kind in kinds:
        hue = FAILURE_COLOUR if kind in FAILURE_KINDS else PLAIN_COLOUR
        rows.append(
            f'<tr><td><font color="{hue}">{_LEGEND_LINES.get(kind, "——")}  {kind}</font>'
            f"</td><td>{EDGE_MEANINGS[kind]}</td></tr>"
        )
    for severity in severities:
        hue = SEVERITY_COLOURS[severity]
        rows.append(
            f'<tr><td border="1" color="{hue}"><font color="{hue}">finding</font></td>'
            f"<td>{severity.value}</td></tr>"
        )
    if unknown:
        rows.append(f"<tr><td>◇ unknown</td><td>{UNKNOWN_MEANING}</td></tr>")
    table = '<table border="0" cellborder="0" cellspacing="2">'
    table += '<tr><td colspan="2"><b>Legend</b></td></tr>' + "".join(rows) + "</table>"
    return [f'  legend [shape=plaintext, style="", fontsize=9, label=<{table}>];']
