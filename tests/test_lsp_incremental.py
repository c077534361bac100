"""An editor's re-lint rebuilds only what an edit can change, and finds what a full lint
finds: after every edit of a sequence over templates, handler modules, unsaved buffers
and files changed on disk, the incremental project (and the server) equals a fresh lint;
an edit of handler code parses no template and builds no model; an edit of one template
rebuilds neither another template's model nor its code facts."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import REPO, write_project
from lsprotocol import types
from lsprotocol.converters import get_converter
from pytest_lsp import ClientServerConfig
from samples import HANDLER, SAM_QUEUE, SAM_QUEUE_FIXED
from test_lsp import capabilities, open_file, recording_client, replace_all, start, until, uri
from test_lsp_quickfix import large_template

import invokelint.code.analyse
import invokelint.engine
import invokelint.frontends.cloudformation
import invokelint.frontends.reparse
from invokelint.reporters.lsp_report import to_lsp
from invokelint.workspace import ProjectLint, Projects

OTHER = (
    SAM_QUEUE.replace("Orders", "Invoices")
    .replace("CodeUri: src/", "CodeUri: ../src/")
    .replace("app.handler", "other.handler")
)
RENAMED = "def other(event, context):\n    return {}\n"
SWALLOWS = (
    "def handler(event, context):\n"
    "    for record in event['Records']:\n"
    "        try:\n"
    "            print(record)\n"
    "        except Exception:\n"
    "            pass\n"
)


# queues and consumers, findings on each, handler code in src/; a section after Resources
BIG = large_template(20) + "Outputs:\n  First:\n    Value: !Ref Orders0\n"


def fix_queue(text: str, queue: str) -> str:
    """A visibility timeout on ``queue``: one resource's lines change, lines are added."""
    return text.replace(
        f"  {queue}:\n    Type: AWS::SQS::Queue\n",
        f"  {queue}:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 360\n",
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "project",
        {
            "template.yaml": SAM_QUEUE,
            "stacks/other.yaml": OTHER,
            "big.yaml": BIG,
            "src/app.py": HANDLER,
            "src/other.py": HANDLER,
        },
    )


def fresh(root: Path, overlays: dict[Path, str]) -> ProjectLint:
    """What a server started now would find: nothing kept from earlier lints."""
    invokelint.engine.clear_cache()
    return Projects([root]).lint(root, overlays)


Step = Callable[[dict[Path, str]], object]


def edits(root: Path) -> list[tuple[str, Step]]:
    """Steps of an editing session; each changes the open buffers or the files."""

    def put(relative: str, text: str | Callable[[str], str]) -> Step:
        """Type into ``relative``'s buffer: ``text``, or what it makes of the current one."""
        path = root / relative

        def step(overlays: dict[Path, str]) -> None:
            current = overlays.get(path) or (path.read_text("utf-8") if path.exists() else "")
            overlays[path] = text(current) if callable(text) else text

        return step

    def replace(relative: str, old: str, new: str) -> Step:
        return put(relative, lambda text: text.replace(old, new, 1))

    def write(relative: str, text: str) -> Step:
        return lambda _: (root / relative).write_text(text, encoding="utf-8")

    def close(relative: str) -> Step:
        return lambda overlays: overlays.pop(root / relative)

    queue = "    Type: AWS::SQS::Queue\n"
    ignore = "# invokelint: ignore[IL102]"
    twin = f"  Orders6:\n{queue}  Orders5:\n"
    return [
        ("edit a template", put("template.yaml", SAM_QUEUE_FIXED)),
        ("edit inside one resource", put("big.yaml", fix_queue(BIG, "Orders3"))),
        ("and another", put("big.yaml", lambda text: fix_queue(text, "Orders17"))),
        ("add a resource", replace("big.yaml", "Outputs:", f"  Extra:\n{queue}Outputs:")),
        ("rename the handler", put("src/app.py", RENAMED)),
        ("follow it", replace("template.yaml", "app.handler", "app.other")),
        ("handler swallows errors", put("src/app.py", SWALLOWS)),
        ("name a module not written yet", replace("big.yaml", "app.handler", "extra.handler")),
        ("an unsaved new module", put("src/extra.py", HANDLER)),
        ("saved", write("src/extra.py", HANDLER)),
        ("edited unsaved", put("src/extra.py", RENAMED)),
        ("closed unsaved", close("src/extra.py")),
        ("a module changed on disk", write("src/other.py", RENAMED)),
        ("a suppression", replace("template.yaml", "  Orders:\n", f"  Orders:  {ignore}\n")),
        ("a duplicate resource", replace("big.yaml", "  Orders5:\n", twin)),
        ("a syntax error", replace("big.yaml", "  Worker2:\n", "  Worker2: [\n")),
        ("repaired", put("big.yaml", fix_queue(BIG, "Orders9"))),
        ("handler closed", close("src/app.py")),
        ("a template deleted", lambda _: (root / "stacks/other.yaml").unlink()),
        ("a template created", write("new.yaml", SAM_QUEUE.replace("Orders", "Refunds"))),
    ]  # fmt: skip


def test_every_re_lint_equals_a_fresh_full_lint(project: Path):
    projects = Projects([project])
    overlays: dict[Path, str] = {}
    assert projects.lint(project, overlays).files == fresh(project, overlays).files
    seen = set()
    for name, step in edits(project):
        step(overlays)
        incremental = projects.lint(project, dict(overlays))
        full = fresh(project, dict(overlays))
        assert incremental.files == full.files, name
        seen.add(frozenset((p, d.code) for p, found in full.files.items() for d in found))
    assert len(seen) >= 12  # the steps changed the findings, or this proves little


# ---------------------------------------------------------------------- what is rebuilt


class Counts:
    """Full template parses, entries re-parsed, models built and code analyses (by the
    template whose model was analysed), counted from the functions the engine calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parsed: list[str] = []
        self.entries: list[str] = []
        self.models: list[str] = []
        self.analysed: list[str] = []
        self._wrap(monkeypatch, invokelint.engine, "load_yaml", self.parsed, lambda t: t)
        reparse = invokelint.frontends.reparse
        self._wrap(monkeypatch, reparse, "load_yaml", self.entries, lambda t: t)
        cloudformation = invokelint.frontends.cloudformation
        self._wrap(monkeypatch, cloudformation, "build_model", self.models, lambda r, d, f: d)
        analyse = invokelint.code.analyse
        self._wrap(monkeypatch, analyse, "analyse_model", self.analysed, lambda m, *_: m.paths[0])

    @staticmethod
    def _wrap(monkeypatch, module, name: str, into: list[str], what: Callable) -> None:
        real = getattr(module, name)

        def counting(*args, **kwargs):
            into.append(what(*args, **kwargs))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)

    def reset(self) -> None:
        for counted in (self.parsed, self.entries, self.models, self.analysed):
            counted.clear()


def test_a_handler_edit_parses_no_template_and_analyses_only_its_templates(
    project: Path, monkeypatch
):
    projects = Projects([project])
    projects.lint(project, {})
    counts = Counts(monkeypatch)
    found = projects.lint(project, {project / "src/other.py": RENAMED})
    assert "IL002" in {d.code for d in found.files[project / "stacks/other.yaml"]}
    assert counts.parsed == counts.entries == counts.models == []
    assert counts.analysed == ["stacks/other.yaml"]  # not template.yaml nor big.yaml


def test_a_template_edit_rebuilds_that_template_alone(project: Path, monkeypatch):
    projects = Projects([project])
    projects.lint(project, {})
    counts = Counts(monkeypatch)
    edited = fix_queue(BIG, "Orders7")
    projects.lint(project, {project / "big.yaml": edited})
    assert counts.models == counts.analysed == ["big.yaml"]
    assert counts.parsed == []  # only the edited resource was parsed again
    [entry] = counts.entries
    assert entry.lstrip("\n").startswith("  Orders7:\n") and "Worker7" not in entry

    counts.reset()
    projects.lint(project, {project / "big.yaml": edited})  # nothing changed since
    assert counts.parsed == counts.entries == counts.models == counts.analysed == []


def test_an_unchanged_file_is_not_read_again(project: Path, monkeypatch):
    projects = Projects([project])
    projects.lint(project, {})
    read: list[Path] = []
    real = invokelint.engine._read
    monkeypatch.setattr(
        invokelint.engine, "_read", lambda path, overlays: read.append(path) or real(path, overlays)
    )
    projects.lint(project, {project / "template.yaml": SAM_QUEUE_FIXED})
    assert [path.name for path in read] == ["template.yaml"]


# ----------------------------------------------------------------------------- server

CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "invokelint", "lsp"],
    server_env={**os.environ, "PYTHONPATH": str(REPO)},
    client_factory=recording_client,
)
_converter = get_converter()


def expected(root: Path, overlays: dict[Path, str]) -> dict[str, list[types.Diagnostic]]:
    """What a fresh full lint finds, as the server would publish it (ASCII texts: no
    position encoding to convert)."""
    found = fresh(root, overlays)
    return {
        path.as_uri(): [_converter.structure(to_lsp(d, root), types.Diagnostic) for d in items]
        for path, items in found.files.items()
    }


@pytest.mark.asyncio
async def test_the_server_publishes_what_a_full_lint_finds_after_each_edit(project: Path):
    client = await CONFIG.start()
    try:
        await start(client, project, capabilities("visual-studio-code@v1.65.2"), {"debounce": 0})
        buffers = {project / "template.yaml": SAM_QUEUE, project / "big.yaml": BIG}
        buffers[project / "src/app.py"] = HANDLER
        for path in buffers:
            open_file(client, project, str(path.relative_to(project)))
        steps = [
            ("big.yaml", fix_queue(BIG, "Orders4")),
            ("src/app.py", RENAMED),
            ("template.yaml", SAM_QUEUE_FIXED.replace("app.handler", "app.other")),
            ("big.yaml", fix_queue(fix_queue(BIG, "Orders4"), "Orders11")),
            ("src/app.py", SWALLOWS),
        ]
        for version, (relative, text) in enumerate([(None, None), *steps], start=1):
            if relative is not None:
                buffers[project / relative] = text
                replace_all(client, uri(project, relative), version, text)
            wanted = expected(project, buffers)
            await until(
                lambda w=wanted: all(
                    list(client.diagnostics.get(u, [])) == d for u, d in w.items()
                ),
                f"the findings of a full lint after editing {relative}",
            )
    finally:
        await client.shutdown_session()
        await client.stop()


# The server, counting the findings it converts to LSP diagnostics into a file.
COUNTING_SERVER = """\
import os
from invokelint import lsp
convert = lsp.to_lsp
def counting(diagnostic, root):
    with open(os.environ["INVOKELINT_CONVERSIONS"], "a") as count:
        count.write(diagnostic.location.path + "\\n")
    return convert(diagnostic, root)
lsp.to_lsp = counting
lsp.serve()
"""


@pytest.mark.asyncio
async def test_an_edit_converts_only_the_edited_files_findings(project: Path, tmp_path: Path):
    conversions = tmp_path / "conversions.txt"
    config = ClientServerConfig(
        server_command=[sys.executable, "-c", COUNTING_SERVER],
        server_env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "INVOKELINT_CONVERSIONS": str(conversions),
        },
        client_factory=recording_client,
    )
    client = await config.start()
    try:
        await start(client, project, capabilities("visual-studio-code@v1.65.2"), {"debounce": 0})
        template = uri(project, "template.yaml")
        open_file(client, project, "template.yaml")
        await until(lambda: any(p.uri == template for p in client.published), "the first publish")
        assert len(client.diagnostics[uri(project, "big.yaml")]) >= 40  # converted once
        conversions.write_text("")
        replace_all(client, template, 2, SAM_QUEUE_FIXED)
        await until(lambda: any(p.version == 2 for p in client.published), "the edit's publish")
        converted = conversions.read_text().splitlines()
        assert converted == ["template.yaml"] * len(client.diagnostics[template])
    finally:
        await client.shutdown_session()
        await client.stop()


def test_replaced_templates_wait_for_a_pause_but_never_pile_up(project: Path):
    """A replaced model is freed by ``release`` (the server's, once the diagnostics are
    sent), not during the lint that replaced it; no more than ``MAX_RETIRED`` wait."""
    from invokelint.incremental import MAX_RETIRED

    projects = Projects([project])
    projects.lint(project, {})
    [(_, linter, _)] = projects._linters.values()
    edits = [BIG.replace("Orders0:", f"Orders0:  # edit {n}") for n in range(MAX_RETIRED + 5)]
    projects.lint(project, {project / "big.yaml": edits[0]})
    [replaced] = linter.memo.retired
    assert replaced.text == BIG
    for text in edits[1:]:
        projects.lint(project, {project / "big.yaml": text})
    assert len(linter.memo.retired) == MAX_RETIRED
    projects.release()
    assert not linter.memo.retired
