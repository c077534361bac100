"""One self-contained HTML page: the drawing as inline SVG and a table of the findings.

No script, no font, no stylesheet from elsewhere: the page opens offline, as a CI artifact.
"""

from __future__ import annotations

from html import escape

from invokelint.diagnostics import Diagnostic
from invokelint.graph.build import Edge, Graph, Node
from invokelint.graph.describe import EDGE_MEANINGS, SEVERITY_COLOURS
from invokelint.graph.svg import render_svg

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #1f2328; }
.drawing { overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; }
table { border-collapse: collapse; margin-top: 16px; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.legend { font-size: 12px; color: #57606a; }
"""


def render(graph: Graph) -> str:
    rows = _finding_rows(graph)
    functions = sum(1 for node in graph.nodes if node.kind == "function")
    summary = (
        f"{functions} function{'s' if functions != 1 else ''}, "
        f"{len(graph.edges)} edge{'s' if len(graph.edges) != 1 else ''}, "
        f"{len(rows)} finding{'s' if len(rows) != 1 else ''}"
    )
    kinds = [kind for kind in EDGE_MEANINGS if any(e.kind == kind for e in graph.edges)]
    legend = "; ".join(f"<b>{kind}</b>: {escape(EDGE_MEANINGS[kind])}" for kind in kinds)
    table = "".join(rows) or '<tr><td colspan="5">No findings.</td></tr>'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>invokelint graph</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>invokelint graph</h1>\n<p>{summary}</p>\n"
        f'<div class="drawing">\n{render_svg(graph)}</div>\n'
        f'<p class="legend">{legend}</p>\n'
        "<table>\n<thead><tr><th>severity</th><th>code</th><th>on</th><th>location</th>"
        f"<th>message</th></tr></thead>\n<tbody>\n{table}</tbody>\n</table>\n"
        "</body>\n</html>\n"
    )


def _finding_rows(graph: Graph) -> list[str]:
    found: list[tuple[Diagnostic, str]] = []
    for node in graph.nodes:
        found.extend((d, _node_name(node)) for d in node.findings)
    for edge in graph.edges:
        found.extend((d, _edge_name(edge)) for d in edge.findings)
    found.extend((d, "") for d in graph.findings)
    found.sort(key=lambda item: (-item[0].severity.rank, *item[0].sort_key()))
    rows = []
    for d, where in found:
        hue = SEVERITY_COLOURS[d.severity]
        rows.append(
            f'<tr><td style="color:{hue}">{d.severity.value}</td><td>{escape(d.code)}</td>'
            f"<td>{escape(where)}</td><td>{escape(str(d.location))}</td>"
            f"<td>{escape(d.message)}</td></tr>\n"
        )
    return rows


def _node_name(node: Node) -> str:
    return f"{node.label} ({node.kind})"


def _edge_name(edge: Edge) -> str:
    return f"{edge.source.label} → {edge.target.label} ({edge.kind})"
