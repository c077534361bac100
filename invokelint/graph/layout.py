"""A deterministic layered layout: sources, then functions, then where failures go.

No Graphviz needed. Columns by role: what invokes in 0, functions in 1, a failure target
one column right of where the failure happens (a function's DLQ in 2, a polled queue's
dead-letter queue in 1, and on along redrive chains). Rows are ordered by the mean row of
each node's neighbours in the columns already placed (the barycentre heuristic, one sweep
each way), then each node moves down level with its neighbours where there is room, so a
queue sits beside its consumer and a dead-letter queue beside its function. Linear in the
graph's size apart from sorting.
"""

from __future__ import annotations

from dataclasses import dataclass

from invokelint.graph.build import INVOCATION_KINDS, Graph, Node

NODE_WIDTH = 230
LINE_HEIGHT = 15
PADDING = 8
COLUMN_GAP = 150
ROW_GAP = 18
MARGIN = 20


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


def columns(graph: Graph) -> dict[Node, int]:
    column: dict[Node, int] = {node: 1 for node in graph.nodes if node.kind == "function"}
    invocations = [e for e in graph.edges if e.kind in INVOCATION_KINDS]
    for edge in invocations:  # what is invoked is a function, even one known by ARN only
        column[edge.target] = 1
    for edge in invocations:
        column.setdefault(edge.source, 0)
    fixed = set(column)  # what invokes and what is invoked stay in their columns
    failures = [e for e in graph.edges if e.is_failure_path and e.target not in fixed]
    for _ in range(len(graph.nodes)):  # a redrive chain moves one column per pass
        moved = False
        for edge in failures:
            target = edge.target
            wanted = column.get(edge.source, 0) + 1
            if column.get(target, 0) < wanted and wanted <= len(graph.nodes) + 1:
                column[target] = wanted
                moved = True
        if not moved:
            break
    for node in graph.nodes:
        column.setdefault(node, 0)
    return column


def layout(graph: Graph, lines: dict[Node, int]) -> dict[Node, Box]:
    """Boxes for every node; ``lines`` is how many text lines each node shows."""
    column = columns(graph)
    neighbours: dict[Node, list[Node]] = {node: [] for node in graph.nodes}
    for edge in graph.edges:
        neighbours[edge.source].append(edge.target)
        neighbours[edge.target].append(edge.source)
    count = max(column.values(), default=0) + 1
    groups: list[list[Node]] = [[] for _ in range(count)]
    for node in graph.nodes:  # graph.nodes is sorted by id: the starting order
        groups[column[node]].append(node)
    rank: dict[Node, float] = {}
    for order in (_with_functions_first(count), list(range(count))):
        for number in order:
            groups[number] = _by_barycentre(groups[number], neighbours, rank)
            rank.update((node, float(i)) for i, node in enumerate(groups[number]))
    boxes: dict[Node, Box] = {}
    for number in _with_functions_first(count):  # functions stacked; others beside them
        y = MARGIN
        x = MARGIN + number * (NODE_WIDTH + COLUMN_GAP)
        for node in groups[number]:
            height = lines[node] * LINE_HEIGHT + 2 * PADDING
            placed = [boxes[n].middle for n in neighbours[node] if n in boxes and n is not node]
            if placed:  # level with its neighbours when there is room
                y = max(y, sum(placed) / len(placed) - height / 2)
            boxes[node] = Box(x, y, NODE_WIDTH, height)
            y += height + ROW_GAP
    return boxes


def _with_functions_first(count: int) -> list[int]:
    return [1, 0, *range(2, count)] if count > 1 else [0]


def _by_barycentre(
    group: list[Node], neighbours: dict[Node, list[Node]], rank: dict[Node, float]
) -> list[Node]:
    def key(item: tuple[int, Node]) -> tuple[float, int]:
        index, node = item
        placed = [rank[n] for n in neighbours[node] if n in rank and n is not node]
        return (sum(placed) / len(placed) if placed else float(index), index)

    return [node for _, node in sorted(enumerate(group), key=key)]
