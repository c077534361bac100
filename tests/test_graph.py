"""``invokelint graph``: the model drawn with its findings, in Mermaid, DOT, JSON and HTML.

The fixtures under ``fixtures/graph/`` hold every invocation type and failure path; their
JSON graphs are compared exactly with the committed ``graph.json`` (regenerate with
``python -m invokelint graph fixtures/graph/sam --no-code --format json --output
fixtures/graph/sam/graph.json`` from the repository root, then review the diff). Mermaid
and DOT output go through a real parser where one is installed (Mermaid's own grammar via
``npm install --prefix tests/mermaid``, Graphviz ``dot``) and a structural check always.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import REPO, lint, run_cli, write_project

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.graph import dot_graph, html_graph, json_graph, mermaid_graph
from invokelint.graph.build import FAILURE_KINDS, INVOCATION_KINDS, Edge, Graph, Node, build
from invokelint.graph.focus import findings_only
from invokelint.graph.layout import columns
from invokelint.model import Location

FIXTURES = REPO / "fixtures" / "graph"
MERMAID_CHECK = REPO / "tests" / "mermaid" / "check.mjs"
MERMAID_INSTALLED = all(
    (REPO / "tests" / "mermaid" / "node_modules" / package).is_dir()
    for package in ("mermaid", "jsdom")
)
DOT = shutil.which("dot")


def graph_of(path: Path, **settings: object) -> Graph:
    result = lint(path, cwd=REPO, analyse_code=False, **settings)
    return build(result.models, result.diagnostics)


def edge(graph: Graph, source: str, target: str, kind: str) -> Edge:
    (found,) = [
        e
        for e in graph.edges
        if e.source.label == source and e.target.label == target and e.kind == kind
    ]
    return found


def node(graph: Graph, label: str) -> Node:
    (found,) = [n for n in graph.nodes if n.label == label]
    return found


# ------------------------------------------------------------------------------ JSON


@pytest.mark.parametrize("name", ["sam", "cfn"])
def test_json_graph_of_fixture_is_exactly_the_committed_one(name):
    completed = run_cli(
        "graph", f"fixtures/graph/{name}", "--no-code", "--format", "json", cwd=REPO
    )
    assert completed.returncode == 0, completed.stderr
    expected = json.loads((FIXTURES / name / "graph.json").read_text(encoding="utf-8"))
    assert json.loads(completed.stdout) == expected


def test_fixtures_draw_every_edge_kind_and_unresolved_references():
    """The exact comparisons above cover every kind the JSON interface documents."""
    documents = [json.loads((FIXTURES / n / "graph.json").read_text()) for n in ("sam", "cfn")]
    edge_kinds = {e["kind"] for d in documents for e in d["edges"]}
    assert edge_kinds == set(INVOCATION_KINDS) | set(FAILURE_KINDS)
    node_kinds = {n["kind"] for d in documents for n in d["nodes"]}
    assert {"function", "queue", "topic", "stream", "bucket", "event-bus", "url"} <= node_kinds
    assert {"external", "unknown", "resource"} <= node_kinds
    for document in documents:
        ids = {n["id"] for n in document["nodes"]}
        assert all({e["source"], e["target"]} <= ids for e in document["edges"])


def test_failure_paths_start_where_the_failure_happens():
    sam = graph_of(FIXTURES / "sam")
    assert edge(sam, "Orders", "OrdersDeadLetters", "redrive").settings == {"max_receive_count": 5}
    assert edge(sam, "ClickCounter", "ClickFailures", "on-failure").id == "ClickCounter.Clicks"
    assert edge(sam, "Thumbnailer", "Failures", "dlq").settings == {"type": "SNS"}
    external = edge(sam, "Thumbnailer", "thumbnail-failures", "destination")
    assert external.settings["role"] == "on-failure" and external.target.kind == "external"
    unresolved = edge(sam, "Thumbnailer", "unknown on-success destination", "destination")
    assert unresolved.target.kind == "unknown" and unresolved.target.line == 88
    cfn = graph_of(FIXTURES / "cfn")
    assert edge(cfn, "Hourly", "Undelivered", "dlq").id == "Hourly.worker"  # the rule target's
    assert edge(cfn, "Undelivered", "unknown dead-letter queue", "redrive").path.endswith(
        "cfn/template.yaml"
    )


def test_settings_that_matter_are_on_the_edges_and_nodes():
    sam = graph_of(FIXTURES / "sam")
    poll = edge(sam, "Orders", "OrderWorker", "poll")
    assert poll.settings == {"source": "sqs", "batch_size": 20, "report_batch_item_failures": True}
    assert node(sam, "Orders").settings == {"visibility_timeout": 180, "fifo": False}
    assert node(sam, "ClickCounter").settings == {"runtime": "python3.12", "timeout": 60}
    stream = edge(sam, "Clicks", "ClickCounter", "poll").settings
    assert stream["maximum_retry_attempts"] == 3


def test_an_image_function_says_image_rather_than_an_unknown_runtime(tmp_path):
    template = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Resizer:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/resizer:1
      Timeout: 90
"""
    graph = graph_of(write_project(tmp_path, {"template.yaml": template}))
    resizer = node(graph, "Resizer")
    assert resizer.settings == {"runtime": None, "timeout": 90, "package_type": "Image"}
    assert "Resizer<br>image · 90 s" in mermaid_graph.render(graph)


# --------------------------------------------------------------------------- findings


def test_findings_land_on_the_edge_or_node_they_concern():
    sam = graph_of(FIXTURES / "sam")
    poll = edge(sam, "Orders", "OrderWorker", "poll")
    assert [d.code for d in poll.findings] == ["IL107"]  # its BatchSize
    cfn = graph_of(FIXTURES / "cfn")
    subscription = edge(cfn, "Alerts", "Worker", "async")
    assert sorted(d.code for d in subscription.findings) == ["IL205", "IL207"]
    assert not node(cfn, "Worker").findings and not node(cfn, "Alerts").findings


def test_a_finding_in_shared_globals_lands_on_the_function_it_names():
    """SAM Globals write one FunctionUrlConfig for every function: the finding names one."""
    graph = graph_of(REPO / "fixtures" / "sam" / "IL302-globals-url-config.fail.yaml")
    flagged = {(e.target.label, d.code) for e in graph.edges for d in e.findings}
    names = {d.resource for e in graph.edges for d in e.findings}
    assert flagged == {(name, "IL302") for name in names} and len(names) >= 1
    assert not any(n.findings for n in graph.nodes if n.kind == "url")


def test_a_finding_on_a_resource_lands_on_its_node(tmp_path):
    from samples import CFN_BAD

    write_project(tmp_path, {"template.yaml": CFN_BAD})
    graph = graph_of(tmp_path)
    flagged = [n for n in graph.nodes if n.findings]
    assert [(n.kind, [d.code for d in n.findings]) for n in flagged] == [("queue", ["IL103"])]


def test_a_finding_about_nothing_drawn_is_kept_on_the_graph(tmp_path):
    write_project(tmp_path, {"template.yaml": "Resources:\n  Q: [unclosed\n"})
    graph = graph_of(tmp_path)
    assert [d.code for d in graph.findings] == ["IL001"]
    document = json.loads(json_graph.render(graph))
    assert document["findings"][0]["code"] == "IL001"


def test_findings_only_keeps_flagged_functions_and_their_neighbourhood():
    focused = findings_only(graph_of(FIXTURES / "sam"))
    # OrderWorker's poll edge has IL107: it stays with both its sources and the redrive
    # chain of its queue; functions without findings go.
    assert sorted(n.label for n in focused.nodes) == [
        "OrderWorker",
        "Orders",
        "OrdersDeadLetters",
        "unknown SQS queue",
    ]
    assert sorted(e.kind for e in focused.edges) == ["poll", "poll", "redrive"]


def test_findings_only_keeps_a_flagged_node_far_from_any_function():
    lonely = Node("q", "queue", "Lonely", "t.yaml", 1, {"visibility_timeout": 30, "fifo": False})
    lonely.findings.append(_diagnostic("IL102"))
    quiet = Node("f", "function", "Quiet", "t.yaml", 5, {"runtime": None, "timeout": 3})
    focused = findings_only(Graph([lonely, quiet], [], []))
    assert focused.nodes == [lonely]


# ----------------------------------------------------------------------------- layout


def test_layout_puts_sources_functions_and_failure_targets_in_columns():
    graph = graph_of(FIXTURES / "sam")
    column = {n.label: c for n, c in columns(graph).items()}
    assert column["Orders"] == column["Clicks"] == column["unknown SQS queue"] == 0
    assert column["OrderWorker"] == column["Thumbnailer"] == 1
    assert column["ClickFailures"] == column["Failures"] == 2
    assert column["OrdersDeadLetters"] == 1  # one right of its queue, below the consumer
    cfn = {n.label: c for n, c in columns(graph_of(FIXTURES / "cfn")).items()}
    # Undelivered is Worker's DLQ (column 2) as well as the rule's (1): the further wins;
    # its own redrive target is one further on
    assert cfn["Undelivered"] == 2 and cfn["unknown dead-letter queue"] == 3
    assert cfn["function:legacy"] == 1  # invoked, though known by its ARN only


# ---------------------------------------------------------------------------- Mermaid

# Labels that would break a naive writer: quotes, '#', brackets, a keyword, markup.
HOSTILE = ['aws_sqs_queue.q["a#b"]', "end", "x <y> & `z`", 'say "hi"; {ok}']


def hostile_graph() -> Graph:
    nodes = [
        Node(f"id {i} {label}", kind, label, "main.tf", i + 1)
        for i, (label, kind) in enumerate(
            zip(HOSTILE, ("queue", "function", "unknown", "url"), strict=True)
        )
    ]
    nodes[0].settings = {"visibility_timeout": None, "fifo": True}
    nodes[1].settings = {"runtime": 'py"3', "timeout": None}
    nodes[1].findings.append(_diagnostic("IL103", 'queue "q" hides <messages> #1'))
    edges = [
        Edge(nodes[0], nodes[1], "poll", 'm["x"]', "main.tf", 3, {"batch_size": None}),
        Edge(nodes[2], nodes[1], "unknown", "f", "main.tf", 4, {}),
        Edge(nodes[3], nodes[1], "sync", "u", "main.tf", 5, {"service": 'a"b'}),
        Edge(nodes[1], nodes[0], "destination", "c", "main.tf", 6, {"role": "on-failure"}),
    ]
    edges[0].findings.append(_diagnostic("IL107", "batch > 10 'x'"))
    return Graph(nodes, edges, [])


_MERMAID_NODE = re.compile(
    r'^  (?P<id>\w+)(?P<open>\(|\[\(|\{\{|\[/|\[\[|>|\{|\[)"(?P<label>[^"]*)"'
    r"(?P<close>\)|\)\]|\}\}|/\]|\]\]|\]|\})$"
)
_MERMAID_EDGE = re.compile(
    r'^  (?P<source>\w+) (==>|-\.->|-->)\|"(?P<label>[^"]*)"\| (?P<target>\w+)$'
)


def mermaid_structure(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Node ids and edges of the graph part; asserts every line is of a known form."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    declared, edges, links, in_legend = [], [], set(), False
    for line in lines[1:]:
        if line.startswith("  subgraph legend"):
            in_legend = True
        elif line == "  end":
            in_legend = False
        elif in_legend:
            continue
        elif match := _MERMAID_NODE.match(line):
            declared.append(match["id"])
        elif match := _MERMAID_EDGE.match(line):
            edges.append((match["source"], match["target"]))
        elif line.startswith("  linkStyle "):
            links.update(int(n) for n in line.split()[1].split(","))
        else:
            assert re.match(r"^  (classDef \w+ [^\n]+|class [\w,]+ \w+)$", line), line
    assert len(declared) == len(set(declared)), "ids must be unique"
    for node_id in declared:
        assert re.fullmatch(r"n_\w+", node_id), node_id
    assert {n for pair in edges for n in pair} <= set(declared), "undeclared edge endpoint"
    assert set(range(len(edges))) <= links, "every edge is styled"
    return declared, edges


def test_mermaid_escapes_ids_and_quotes_labels():
    text = mermaid_graph.render(hostile_graph())
    declared, edges = mermaid_structure(text)
    assert len(declared) == 4 and len(edges) == 4
    assert "#quot;a#35;b#quot;" in text and "#lt;y#gt;" in text
    assert 'n_end"' not in text and "n_end(" in text  # 'end' is a keyword; n_end is not


@pytest.mark.parametrize("name", ["sam", "cfn"])
def test_mermaid_of_fixtures_is_well_formed(name):
    text = mermaid_graph.render(graph_of(FIXTURES / name))
    declared, edges = mermaid_structure(text)
    graph = graph_of(FIXTURES / name)
    assert len(declared) == len(graph.nodes) and len(edges) == len(graph.edges)
    assert "subgraph legend" in text


@pytest.mark.skipif(
    not (shutil.which("node") and MERMAID_INSTALLED),
    reason="Mermaid's parser: npm install --prefix tests/mermaid",
)
def test_mermaid_parses_with_mermaids_own_grammar(tmp_path):
    files = []
    graphs = {
        "hostile": hostile_graph(),
        "empty": Graph([], [], []),
        **{name: graph_of(FIXTURES / name) for name in ("sam", "cfn")},
    }
    for name, graph in graphs.items():
        files.append(tmp_path / f"{name}.mmd")
        files[-1].write_text(mermaid_graph.render(graph), encoding="utf-8")
    broken = tmp_path / "broken.mmd"
    broken.write_text('flowchart LR\n  n_a["say"hi"] --> end\n', encoding="utf-8")
    completed = subprocess.run(
        ["node", str(MERMAID_CHECK), *map(str, files), str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    results = completed.stdout.splitlines()
    assert results[:-1] == [f"ok {f}" for f in files], completed.stdout + completed.stderr
    assert results[-1].startswith("FAIL"), "the parser must reject a broken label"


# -------------------------------------------------------------------------------- DOT

_QUOTED = r'"(?:[^"\\]|\\.)*"'
_DOT_NODE = re.compile(rf"^  (?P<id>{_QUOTED}) \[(?P<attributes>.*)\];$")
_DOT_EDGE = re.compile(
    rf"^  (?P<source>{_QUOTED}) -> (?P<target>{_QUOTED}) \[(?P<attributes>.*)\];$"
)
_DOT_ATTRIBUTES = re.compile(rf"^(\w+={_QUOTED}(, )?)+$")


def dot_structure(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    lines = text.splitlines()
    assert lines[0] == "digraph invokelint {" and lines[-1] == "}"
    declared, edges = [], []
    for line in lines[1:-1]:
        if match := _DOT_NODE.match(line):
            assert _DOT_ATTRIBUTES.match(match["attributes"]), line
            declared.append(match["id"])
        elif match := _DOT_EDGE.match(line):
            assert _DOT_ATTRIBUTES.match(match["attributes"]), line
            edges.append((match["source"], match["target"]))
        else:
            assert re.match(r"^  (rankdir=LR;|(graph|node|edge) \[.*\];|legend \[.*\];)$", line)
    assert {n for pair in edges for n in pair} <= set(declared), "undeclared edge endpoint"
    return declared, edges


def test_dot_quotes_every_id_and_label():
    declared, edges = dot_structure(dot_graph.render(hostile_graph()))
    assert declared[0] == r'"id 0 aws_sqs_queue.q[\"a#b\"]"' and len(edges) == 4


@pytest.mark.parametrize("name", ["sam", "cfn"])
def test_dot_of_fixtures_is_well_formed(name):
    graph = graph_of(FIXTURES / name)
    declared, edges = dot_structure(dot_graph.render(graph))
    assert len(declared) == len(graph.nodes) and len(edges) == len(graph.edges)


@pytest.mark.skipif(DOT is None, reason="Graphviz dot is not installed (apt-get install graphviz)")
@pytest.mark.parametrize("name", ["hostile", "sam", "cfn"])
def test_dot_renders_with_graphviz(name):
    graph = hostile_graph() if name == "hostile" else graph_of(FIXTURES / name)
    completed = subprocess.run(
        [DOT, "-Tsvg"], input=dot_graph.render(graph), capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0 and not completed.stderr, completed.stderr
    svg = ElementTree.fromstring(completed.stdout)
    titles = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")}
    assert {n.id for n in graph.nodes} <= titles


# ------------------------------------------------------------------------------- HTML


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [v or "" for k, v in attrs if k in ("src", "href")]


def test_html_is_one_offline_page_with_the_drawing_and_every_finding():
    graph = graph_of(FIXTURES / "cfn")
    page = html_graph.render(graph)
    parser = _Page()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and not parser.links
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"]
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    drawing = ElementTree.fromstring(svg)  # well-formed XML
    rectangles = drawing.findall(".//{http://www.w3.org/2000/svg}rect")
    assert len(rectangles) == len(graph.nodes)
    assert len(drawing.findall(".//{http://www.w3.org/2000/svg}path")) >= len(graph.edges)
    findings = sum(len(e.findings) for e in (*graph.nodes, *graph.edges))
    assert page.count("<tr><td style=") == findings == 3


def test_html_escapes_labels_and_messages():
    page = html_graph.render(hostile_graph())
    ElementTree.fromstring(page[page.index("<svg") : page.index("</svg>") + len("</svg>")])
    assert "hides &lt;messages&gt;" in page and "<messages>" not in page


# -------------------------------------------------------------------------------- CLI


def test_cli_honours_select_ignore_and_config(tmp_path):
    write_project(tmp_path, {"template.yaml": (FIXTURES / "sam" / "template.yaml").read_text()})

    def codes(*args: str) -> set[str]:
        completed = run_cli("graph", ".", "--no-code", "--format", "json", *args, cwd=tmp_path)
        assert completed.returncode == 0, completed.stderr
        document = json.loads(completed.stdout)
        elements = (*document["nodes"], *document["edges"])
        return {f["code"] for e in elements for f in e["findings"]}

    assert codes() == {"IL107"}
    assert codes("--ignore", "IL107") == set()
    assert codes("--select", "IL2") == set()
    (tmp_path / ".invokelint.toml").write_text('ignore = ["IL1"]\n', encoding="utf-8")
    assert codes() == set()


def test_cli_writes_output_and_reports_errors_in_one_line(tmp_path):
    output = tmp_path / "graph.html"
    completed = run_cli(
        "graph",
        "fixtures/graph/cfn",
        "--no-code",
        "--format",
        "html",
        "--output",
        str(output),
        cwd=REPO,
    )
    assert completed.returncode == 0 and completed.stdout == "", completed.stderr
    assert output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    missing = run_cli("graph", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr == "invokelint: error: nowhere: no such file or directory\n"
    bad = run_cli("graph", ".", "--select", "XX9", cwd=tmp_path)
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1
    assert "Traceback" not in bad.stderr


def test_cli_draws_a_broken_project_but_exits_2(tmp_path):
    write_project(tmp_path, {"template.yaml": "Resources:\n  Q: [unclosed\n"})
    completed = run_cli("graph", ".", "--format", "json", cwd=tmp_path)
    assert completed.returncode == 2
    assert [f["code"] for f in json.loads(completed.stdout)["findings"]] == ["IL001"]


def test_default_format_is_mermaid_and_findings_only_narrows_it():
    full = run_cli("graph", "fixtures/graph/sam", "--no-code", cwd=REPO)
    focused = run_cli("graph", "fixtures/graph/sam", "--no-code", "--findings-only", cwd=REPO)
    assert full.stdout.startswith("flowchart LR\n") and focused.stdout.startswith("flowchart LR")
    assert "n_Thumbnailer(" in full.stdout and "n_Thumbnailer" not in focused.stdout
    assert "n_OrderWorker(" in focused.stdout


def _diagnostic(code: str, message: str = "message") -> Diagnostic:
    location = Location("main.tf", 1, 1, 1, 2)
    return Diagnostic(code, "name", Severity.ERROR, message, location)


# ------------------------------------------------------------------ GitHub Action summary


def run_summary_step(tmp_path: Path, monkeypatch, files: dict[str, str], **inputs: str) -> str:
    """The action's graph step as a runner runs it; returns what it wrote to the summary."""
    from test_github_action import Runner

    workspace = write_project(tmp_path / "workspace", files)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    action = Runner(workspace, temp, inputs)
    action.use_this_checkout()
    completed = action.run("graph-summary")
    assert completed.returncode == 0, completed.stderr
    return action.summary.read_text(encoding="utf-8")


def test_action_writes_the_graph_of_functions_with_findings_to_the_job_summary(
    tmp_path, monkeypatch
):
    template = (FIXTURES / "sam" / "template.yaml").read_text()
    text = run_summary_step(
        tmp_path,
        monkeypatch,
        {"template.yaml": template},
        args="--no-code --fail-on error --exit-zero",  # check-only options are left out
    )
    block = re.search(r"```mermaid\n(.*?)```\n", text, re.DOTALL)
    assert block, text
    declared, _ = mermaid_structure(block.group(1))
    assert "n_OrderWorker" in declared and "n_Thumbnailer" not in declared
    # the options graph shares with check reach it: without IL107 nothing is left to show
    quiet = run_summary_step(
        tmp_path / "again", monkeypatch, {"template.yaml": template}, args="--ignore IL107"
    )
    assert "No function has findings." in quiet and "```mermaid" not in quiet


def test_action_graph_step_is_separate_and_never_fails_the_job():
    from test_github_action import STEPS

    step = next(s for s in STEPS if s.get("id") == "graph-summary")
    assert step["if"].startswith("always()") and "inputs.graph-summary == 'true'" in step["if"]
    assert "--format mermaid --findings-only" in step["run"] and "|| true" in step["run"]


# ------------------------------------------------------------- the README's picture

REGENERATE = (
    "python -m invokelint graph examples/ --format dot --output docs/examples-graph.dot "
    "&& dot -Tsvg docs/examples-graph.dot -o docs/examples-graph.svg"
)


def test_readme_picture_of_examples_is_current():
    completed = run_cli("graph", "examples/", "--format", "dot", cwd=REPO)
    assert completed.returncode == 0, completed.stderr
    committed = (REPO / "docs" / "examples-graph.dot").read_text(encoding="utf-8")
    assert completed.stdout == committed, f"stale: run {REGENERATE}"
    assert REGENERATE in (REPO / "README.md").read_text(encoding="utf-8")
    assert "(docs/examples-graph.svg)" in (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_picture_is_drawn_from_the_committed_dot():
    """Graphviz titles every node by id and every edge ``source->target``."""
    declared, edges = dot_structure((REPO / "docs" / "examples-graph.dot").read_text())
    unquote = lambda text: json.loads(text)  # noqa: E731  DOT and JSON quote alike here
    expected = {unquote(n) for n in declared} | {f"{unquote(a)}->{unquote(b)}" for a, b in edges}
    svg = ElementTree.parse(REPO / "docs" / "examples-graph.svg").getroot()
    titles = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")}
    assert titles - {"invokelint", "legend"} == expected, f"stale: run {REGENERATE}"


# ------------------------------------------------------- any frontend: the model only


def test_a_model_from_another_frontend_draws_alike():
    """A Terraform-shaped model (addresses as ids, resources in several files) needs
    nothing but ``invokelint.model``: nodes by file and address, findings by the file of
    the resource they name."""
    from invokelint.model import (
        CodeSource,
        EventSourceMapping,
        Function,
        InvocationModel,
        Queue,
        Redrive,
        Setting,
    )

    def at(path: str, line: int) -> Location:
        return Location(path, line, 1, line, 10)

    queue_file, function_file = "queues.tf", "functions.tf"
    dead = Queue(
        id='aws_sqs_queue.dlq["orders"]',
        type="aws_sqs_queue",
        location=at(queue_file, 9),
        fifo=Setting(False, at(queue_file, 9)),
        visibility_timeout=Setting(30, at(queue_file, 9)),
        retention_period=Setting(1209600, at(queue_file, 9)),
    )
    queue = Queue(
        id="aws_sqs_queue.orders",
        type="aws_sqs_queue",
        location=at(queue_file, 1),
        fifo=Setting(False, at(queue_file, 1)),
        visibility_timeout=Setting(30, at(queue_file, 3)),
        retention_period=Setting(345600, at(queue_file, 1)),
        redrive=Redrive(
            dead_letter=dead,
            max_receive_count=Setting(5, at(queue_file, 5)),
            location=at(queue_file, 4),
        ),
    )
    function = Function(
        id="aws_lambda_function.worker",
        type="aws_lambda_function",
        location=at(function_file, 1),
        runtime=Setting("python3.12", at(function_file, 2)),
        handler=Setting("app.handler", at(function_file, 3)),
        timeout=Setting(60, at(function_file, 4)),
        memory_size=Setting(128, at(function_file, 1)),
        reserved_concurrency=Setting(None, at(function_file, 1)),
        code=CodeSource(kind="unknown", location=at(function_file, 1)),
    )
    model = InvocationModel(paths=[queue_file, function_file])
    for resource in (queue, dead, function):
        model.add(resource)
    mapping_at = at(function_file, 20)
    model.mappings.append(
        EventSourceMapping(
            id="aws_lambda_event_source_mapping.orders",
            resource="aws_lambda_event_source_mapping.orders",
            location=mapping_at,
            function=function,
            source=queue,
            source_kind="sqs",
            batch_size=Setting(10, mapping_at, explicit=False),
            batching_window=Setting(None, mapping_at, explicit=False),
            maximum_retry_attempts=Setting(-1, mapping_at, explicit=False),
            maximum_record_age=Setting(-1, mapping_at, explicit=False),
            bisect_on_error=Setting(False, mapping_at, explicit=False),
            function_response_types=Setting((), mapping_at, explicit=False),
            maximum_concurrency=Setting(None, mapping_at, explicit=False),
            enabled=Setting(True, mapping_at, explicit=False),
        )
    )
    model.finalize()
    # reported at the function's timeout (functions.tf) about the queue (queues.tf)
    finding = Diagnostic(
        "IL103",
        "sqs-visibility-timeout",
        Severity.ERROR,
        "too short",
        at(function_file, 4),
        resource="aws_sqs_queue.orders",
        resource_location=at(queue_file, 1),
    )
    graph = build([model], [finding])
    assert [n.id for n in graph.nodes] == [
        "functions.tf#aws_lambda_function.worker",
        'queues.tf#aws_sqs_queue.dlq["orders"]',
        "queues.tf#aws_sqs_queue.orders",
    ]
    assert [(e.kind, e.source.label, e.target.label) for e in graph.edges] == [
        ("poll", "aws_sqs_queue.orders", "aws_lambda_function.worker"),
        ("redrive", "aws_sqs_queue.orders", 'aws_sqs_queue.dlq["orders"]'),
    ]
    assert node(graph, "aws_sqs_queue.orders").findings == [finding]
    mermaid_structure(mermaid_graph.render(graph))
    dot_structure(dot_graph.render(graph))
