"""The words every picture uses for nodes and edges, and the colours of the findings.

Renderers differ in syntax only; what a node or an edge says, and which colour a severity
has, is decided here once so that Mermaid, DOT and HTML agree.
"""

from __future__ import annotations

from typing import Any

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.graph.build import Edge, Graph, Node, worst

SEVERITY_COLOURS = {
    Severity.ERROR: "#cf222e",
    Severity.WARNING: "#bf8700",
    Severity.INFO: "#0969da",
}
FAILURE_COLOUR = "#8250df"  # every failure path: DLQ, destination, on-failure, redrive
PLAIN_COLOUR = "#57606a"
KIND_FILLS = {
    "function": "#fff8c5",
    "queue": "#ddf4ff",
    "topic": "#fbefff",
    "stream": "#dafbe1",
    "bucket": "#fff1e5",
    "event-bus": "#fbefff",
    "url": "#f6f8fa",
    "resource": "#f6f8fa",
    "external": "#ffffff",
    "unknown": "#ffffff",
}
EDGE_MEANINGS = {
    "poll": "polled by an event source mapping",
    "async": "asynchronous invocation",
    "sync": "synchronous invocation",
    "unknown": "referenced; how it invokes is unknown",
    "dlq": "dead-letter queue",
    "destination": "async destination",
    "on-failure": "mapping on-failure destination",
    "redrive": "queue redrive",
}
_KIND_NAMES = {
    "queue": "SQS queue",
    "topic": "SNS topic",
    "bucket": "S3 bucket",
    "event-bus": "event bus",
    "url": "",
    "unknown": "",
}
_STREAMS = {"kinesis": "Kinesis stream", "dynamodb": "DynamoDB stream"}


def show(value: Any) -> str:
    """A setting for people: ``?`` when it cannot be known."""
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(show(v) for v in value)
    return str(value)


def node_lines(node: Node) -> list[str]:
    """The node's name, what it is, then the codes of its findings."""
    settings = node.settings
    if node.kind == "function":
        runtime = "image" if settings.get("package_type") == "Image" else settings["runtime"]
        detail = f"{show(runtime)} · {show(settings['timeout'])} s"
    elif node.kind == "queue":
        fifo = "FIFO " if settings["fifo"] else ""
        detail = f"{fifo}SQS queue · visibility {show(settings['visibility_timeout'])} s"
    elif node.kind == "stream":
        detail = _STREAMS.get(settings["type"], "stream")
    elif node.kind in ("resource",):
        detail = settings["type"]
    elif node.kind == "external":
        detail = f"external {settings['service']}"
    else:
        detail = _KIND_NAMES.get(node.kind, node.kind)
    lines = [node.label, detail] if detail else [node.label]
    return [*lines, *codes_line(node.findings)]


def edge_text(edge: Edge) -> str:
    """A short label: the kind and the settings that matter, then finding codes."""
    settings = edge.settings
    parts = [edge.kind]
    if edge.kind == "poll":
        parts.append(f"batch {show(settings['batch_size'])}")
        if "batching_window" in settings:
            parts.append(f"window {show(settings['batching_window'])} s")
        if settings.get("report_batch_item_failures"):
            parts.append("partial batch")
    elif edge.kind in ("async", "sync"):
        parts.append(settings["service"])
    elif edge.kind == "destination":
        parts = [settings["role"]]
    elif edge.kind == "redrive":
        parts.append(f"after {show(settings.get('max_receive_count'))}")
    text = " · ".join(parts)
    codes = codes_line(edge.findings)
    return f"{text} · {codes[0]}" if codes else text


def finding_lines(findings: list[Diagnostic]) -> list[str]:
    """One line per finding, for tooltips: ``IL103 error: message``."""
    return [f"{d.code} {d.severity.value}: {d.message}" for d in findings]


def codes_line(findings: list[Any]) -> list[str]:
    codes = sorted({d.code for d in findings})
    return [" ".join(codes)] if codes else []


def colour(element: Node | Edge) -> str | None:
    """The colour of the worst finding on ``element``; None when it has none."""
    severity = worst(element.findings)
    return SEVERITY_COLOURS[severity] if severity is not None else None


def edge_colour(edge: Edge) -> str:
    return colour(edge) or (FAILURE_COLOUR if edge.is_failure_path else PLAIN_COLOUR)


UNKNOWN_MEANING = "not resolved statically: a parameter, an import, another stack, ..."


def legend_entries(graph: Graph) -> tuple[list[str], list[Severity], bool]:
    """What a legend explains: the edge kinds drawn, the severities found (worst first),
    and whether any unresolved node is drawn."""
    kinds = [kind for kind in EDGE_MEANINGS if any(e.kind == kind for e in graph.edges)]
    found = {worst(element.findings) for element in (*graph.nodes, *graph.edges)}
    severities = [s for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if s in found]
    unknown = any(node.kind == "unknown" for node in graph.nodes)
    return kinds, severities, unknown
