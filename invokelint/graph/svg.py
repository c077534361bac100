"""The graph as an SVG drawing on the layered layout (``layout.py``): no Graphviz needed.

Text is escaped for XML; a line too long for its box is cut with an ellipsis and the whole
text, with every finding's message, is the element's ``<title>`` (a tooltip).
"""

from __future__ import annotations

from html import escape

from invokelint.graph.build import Edge, Graph, Node
from invokelint.graph.describe import (
    KIND_FILLS,
    PLAIN_COLOUR,
    colour,
    edge_colour,
    edge_text,
    finding_lines,
    node_lines,
)
from invokelint.graph.layout import (
    COLUMN_GAP,
    LINE_HEIGHT,
    MARGIN,
    NODE_WIDTH,
    PADDING,
    Box,
    layout,
)

_MAX_CHARACTERS = 34
_COLUMN = NODE_WIDTH + COLUMN_GAP
_DASHES = {"async": "6 4", "unknown": "2 3"}


def render_svg(graph: Graph) -> str:
    texts = {node: node_lines(node) for node in graph.nodes}
    boxes = layout(graph, {node: len(lines) for node, lines in texts.items()})
    width = max((b.x + b.width for b in boxes.values()), default=0) + MARGIN + COLUMN_GAP / 2
    height = max((b.y + b.height for b in boxes.values()), default=0) + MARGIN
    colours = sorted({edge_colour(edge) for edge in graph.edges})
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" '
        'font-size="12">',
        "<defs>",
        *(_marker(hue) for hue in colours),
        "</defs>",
    ]
    # an edge that skips a column would pass behind the boxes there: draw it on top
    skips = [e for e in graph.edges if boxes[e.target].x - boxes[e.source].x > _COLUMN]
    parts.extend(_edge(edge, boxes) for edge in graph.edges if edge not in skips)
    parts.extend(_node(node, boxes[node], texts[node]) for node in graph.nodes)
    parts.extend(_edge(edge, boxes) for edge in skips)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _marker(hue: str) -> str:
    return (
        f'<marker id="arrow-{hue[1:]}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{hue}"/></marker>'
    )


def _node(node: Node, box: Box, lines: list[str]) -> str:
    stroke = colour(node) or PLAIN_COLOUR
    dashed = ' stroke-dasharray="4 3"' if node.kind in ("external", "unknown") else ""
    radius = 12 if node.kind == "function" else 3
    width = 3 if node.findings else 1
    title = "\n".join([*lines, *finding_lines(node.findings)])
    shapes = [
        f'<g class="node {node.kind}"><title>{escape(title)}</title>',
        f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.width:.0f}" '
        f'height="{box.height:.0f}" rx="{radius}" fill="{KIND_FILLS[node.kind]}" '
        f'stroke="{stroke}" stroke-width="{width}"{dashed}/>',
    ]
    for number, line in enumerate(lines):
        y = box.y + PADDING + LINE_HEIGHT * (number + 0.8)
        weight = ' font-weight="bold"' if number == 0 else ""
        fill = f' fill="{stroke}"' if node.findings and number == len(lines) - 1 else ""
        shapes.append(
            f'<text x="{box.x + box.width / 2:.0f}" y="{y:.0f}" text-anchor="middle"'
            f"{weight}{fill}>{escape(_cut(line))}</text>"
        )
    shapes.append("</g>")
    return "".join(shapes)


def _edge(edge: Edge, boxes: dict[Node, Box]) -> str:
    start, end = boxes[edge.source], boxes[edge.target]
    x0, y0 = start.x + start.width, start.middle
    if end.x > start.x:  # forwards: right side to left side
        x3, y3 = end.x, end.middle
        bend = (x3 - x0) / 2
        x1, x2 = x0 + bend, x3 - bend
    else:  # same column or backwards: loop out of the right side and back in
        x3, y3 = end.x + end.width, end.middle
        x1 = x2 = max(x0, x3) + COLUMN_GAP / 2
    hue = edge_colour(edge)
    dash = "6 4" if edge.is_failure_path else _DASHES.get(edge.kind)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    width = 2.5 if edge.findings or edge.kind == "poll" else 1.3
    label = edge_text(edge)
    title = "\n".join([label, *finding_lines(edge.findings)])
    # the curve's middle: B(1/2) = (P0 + 3 P1 + 3 P2 + P3) / 8
    mx, my = (x0 + 3 * x1 + 3 * x2 + x3) / 8, (y0 + 3 * y0 + 3 * y3 + y3) / 8
    return (
        f'<g class="edge {edge.kind}"><title>{escape(title)}</title>'
        f'<path d="M{x0:.0f},{y0:.0f} C{x1:.0f},{y0:.0f} {x2:.0f},{y3:.0f} {x3:.0f},{y3:.0f}" '
        f'fill="none" stroke="{hue}" stroke-width="{width}"{dashed} '
        f'marker-end="url(#arrow-{hue[1:]})"/>'
        f'<text x="{mx:.0f}" y="{my - 3:.0f}" text-anchor="middle" font-size="10" fill="{hue}" '
        f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(_cut(label))}</text></g>'
    )


def _cut(line: str) -> str:
    return line if len(line) <= _MAX_CHARACTERS else line[: _MAX_CHARACTERS - 1] + "…"
