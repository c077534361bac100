"""``--findings-only``: the functions with findings and their neighbourhood.

A function is kept when a finding sits on it, on an edge that touches it, or on a node next
to it (its queue's visibility timeout is the function's problem too). Around it stay its
neighbours, and the redrive chain of any queue kept, so every failure path still ends
where it ends. Every finding of the full graph stays visible: an element with findings far
from any function is kept as well.
"""

from __future__ import annotations

from invokelint.graph.build import Edge, Graph, Node


def findings_only(graph: Graph) -> Graph:
    neighbours: dict[Node, list[Node]] = {node: [] for node in graph.nodes}
    for edge in graph.edges:
        neighbours[edge.source].append(edge.target)
        neighbours[edge.target].append(edge.source)
    flagged = {node for node in graph.nodes if node.findings}
    for edge in graph.edges:
        if edge.findings:
            flagged.update((edge.source, edge.target))
    seeds = {
        node
        for node in graph.nodes
        if node.kind == "function" and (node in flagged or flagged.intersection(neighbours[node]))
    }
    kept = flagged | seeds
    for node in seeds:
        kept.update(neighbours[node])
    _follow_redrives(graph.edges, kept)
    nodes = [node for node in graph.nodes if node in kept]
    edges = [edge for edge in graph.edges if edge.source in kept and edge.target in kept]
    return Graph(nodes, edges, graph.findings)


def _follow_redrives(edges: list[Edge], kept: set[Node]) -> None:
    redrives: dict[Node, list[Node]] = {}
    for edge in edges:
        if edge.kind == "redrive":
            redrives.setdefault(edge.source, []).append(edge.target)
    pending = [node for node in kept if node in redrives]
    while pending:
        for target in redrives.get(pending.pop(), ()):
            if target not in kept:
                kept.add(target)
                pending.append(target)
