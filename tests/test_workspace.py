"""What the language server builds on: projects, cached re-lints and the ignore quick fix."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import write_project
from samples import HANDLER, SAM_QUEUE, SAM_QUEUE_FIXED

import invokelint.engine
from invokelint.cli import main
from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import Location
from invokelint.quickfix import LineEdit, ignore_edit
from invokelint.workspace import Projects, Settings


def codes_of(project, path: Path) -> set[str]:
    return {d.code for d in project.files.get(path, [])}


# --------------------------------------------------------------------------- projects


def test_a_re_lint_parses_only_the_edited_file(tmp_path: Path, monkeypatch):
    root = write_project(
        tmp_path,
        {
            "a/template.yaml": SAM_QUEUE,
            "b/template.yaml": SAM_QUEUE.replace("Orders", "Invoices"),
            "a/src/app.py": HANDLER,
        },
    )
    projects = Projects([root])
    first = projects.lint(root, {})
    assert codes_of(first, root / "a/template.yaml") >= {"IL103"}

    parsed: list[str] = []
    real = invokelint.engine.load_yaml
    monkeypatch.setattr(
        invokelint.engine, "load_yaml", lambda text: parsed.append(text) or real(text)
    )
    code_parses: list[str] = []
    libcst = pytest.importorskip("libcst")
    real_parse = libcst.parse_module
    monkeypatch.setattr(
        libcst,
        "parse_module",
        lambda text, *a, **k: code_parses.append(text) or real_parse(text, *a, **k),
    )

    second = projects.lint(root, {root / "a/template.yaml": SAM_QUEUE_FIXED})
    # the other template came from the cache, and the edited one was re-parsed only in
    # the resource the edit touched (tests/test_lsp_incremental.py pins how much)
    assert parsed == []
    assert code_parses == []  # so did the handler module
    assert "IL103" not in codes_of(second, root / "a/template.yaml")
    assert "IL103" in codes_of(second, root / "b/template.yaml")


def test_clean_files_are_listed_so_an_editor_can_clear_them(tmp_path: Path):
    root = write_project(tmp_path, {"template.yaml": SAM_QUEUE_FIXED})
    project = Projects([root]).lint(root, {})
    assert list(project.files) == [root / "template.yaml"]
    assert "IL103" not in codes_of(project, root / "template.yaml")


def test_a_project_is_its_config_folder_then_its_workspace_folder(tmp_path: Path):
    write_project(
        tmp_path,
        {
            "ws/svc/.invokelint.toml": "",
            "ws/svc/template.yaml": SAM_QUEUE,
            "ws/svc/src/app.py": "",
            "ws/other/src/app.py": "",
            "loose/stack/template.yaml": SAM_QUEUE,
            "loose/stack/src/handlers/app.py": "",
        },
    )
    projects = Projects([tmp_path / "ws"])
    assert projects.root_of(tmp_path / "ws/svc/src/app.py") == tmp_path / "ws/svc"
    assert projects.root_of(tmp_path / "ws/other/src/app.py") == tmp_path / "ws"
    outside = tmp_path / "loose/stack/src/handlers/app.py"
    assert projects.root_of(outside) == outside  # outside every workspace folder: alone


def test_editor_settings_apply_on_top_of_the_config_file(tmp_path: Path):
    root = write_project(
        tmp_path, {".invokelint.toml": 'select = ["IL103"]\n', "t.yaml": SAM_QUEUE}
    )
    projects = Projects([root])
    assert codes_of(projects.lint(root, {}), root / "t.yaml") == {"IL103"}
    projects.settings, problems = Settings.parse({"invokelint": {"select": "IL102"}})
    assert problems == []
    assert codes_of(projects.lint(root, {}), root / "t.yaml") == {"IL102"}  # select replaces
    projects.settings, _ = Settings.parse({"select": ["IL1"], "ignore": ["il103"]})
    assert codes_of(projects.lint(root, {}), root / "t.yaml") == {"IL102"}  # ignore adds


def test_a_broken_config_is_reported_and_the_defaults_apply(tmp_path: Path):
    root = write_project(tmp_path, {".invokelint.toml": "selekt = 1\n", "t.yaml": SAM_QUEUE})
    project = Projects([root]).lint(root, {})
    assert "unknown key 'selekt'" in project.config_error
    assert "IL103" in codes_of(project, root / "t.yaml")


def test_settings_name_unknown_rules():
    options = {"select": ["IL999"], "ignore": "il103, IL2", "debounce": "soon"}
    settings, problems = Settings.parse(options)
    assert settings == Settings(select=(), ignore=("IL103", "IL2"))
    assert len(problems) == 2 and "IL999" in problems[0] and "'soon'" in problems[1]
    assert Settings.parse({"invokelint": {"debounce": 1}})[0].debounce == 1.0
    assert Settings.parse(None) == (Settings(), [])


# -------------------------------------------------------------------------- quick fix


def finding(path: str, line: int, resource_line: int | None = None) -> Diagnostic:
    location = Location(path, line, 3, line, 9)
    resource = Location(path, resource_line, 3, resource_line, 9) if resource_line else None
    return Diagnostic(
        code="IL111",
        name="esm-filter-criteria",
        severity=Severity.ERROR,
        message="m",
        location=location,
        resource="Mapping",
        resource_location=resource,
    )


def apply(text: str, edit: LineEdit) -> str:
    lines = text.splitlines(keepends=True)
    line = lines[edit.line]
    lines[edit.line] = line[: edit.start] + edit.text + line[edit.end :]
    return "".join(lines)


def test_ignore_comment_is_appended_to_the_reported_line():
    text = "Resources:\n  Q:   \n    Type: AWS::SQS::Queue\n"
    edit = ignore_edit(finding("t.yaml", 2), text)
    assert apply(text, edit) == (
        "Resources:\n  Q:  # invokelint: ignore[IL111]\n    Type: AWS::SQS::Queue\n"
    )


def test_an_existing_ignore_comment_is_extended():
    text = "Resources:\n  Q: # keep # invokelint: ignore[IL103]\n"
    edit = ignore_edit(finding("t.yaml", 2), text)
    assert apply(text, edit) == "Resources:\n  Q: # keep # invokelint: ignore[IL103, IL111]\n"


def test_never_inside_a_block_scalar_or_a_multi_line_string():
    text = (
        "Resources:\n"
        "  Mapping:\n"  # 2: the resource's first line
        "    Properties:\n"
        "      Pattern: |\n"  # 4: a comment may follow the block header
        '        {"body": {"n": [1]}}\n'  # 5: inside the scalar
        '      Other: "two\n'  # 6: inside a quoted scalar
        '        lines"\n'  # 7: after it ends
    )
    assert ignore_edit(finding("t.yaml", 5, resource_line=2), text).line == 1
    assert ignore_edit(finding("t.yaml", 6, resource_line=2), text).line == 1
    assert ignore_edit(finding("t.yaml", 4), text).line == 3
    assert ignore_edit(finding("t.yaml", 7), text).line == 6
    assert ignore_edit(finding("t.yaml", 5), text) is None  # and no resource line to use


def test_python_lines_inside_strings_or_continued_get_no_comment():
    text = 'def handler(event, context):\n    x = """a\n    b"""\n    y = 1 + \\\n        2\n'
    assert ignore_edit(finding("app.py", 2), text) is None
    assert ignore_edit(finding("app.py", 4), text) is None
    assert ignore_edit(finding("app.py", 3), text).line == 2
    assert ignore_edit(finding("app.py", 1), text).line == 0


def test_json_has_no_comments():
    text = '{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}\n'
    assert ignore_edit(finding("t.json", 1), text) is None
    assert ignore_edit(finding("t.template", 1), text) is None
    assert ignore_edit(finding("t.template", 1), "Resources:\n  Q: {}\n").line == 0


# --------------------------------------------------------------------- without pygls


def test_lsp_without_the_extra_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pygls", None)  # as if pygls were not installed
    monkeypatch.delitem(sys.modules, "invokelint.lsp", raising=False)
    assert main(["lsp"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["invokelint: the language server needs pygls: pip install 'invokelint-aws[lsp]'"]


# -- documents outside every workspace folder, and paths no file system can hold


def test_a_document_outside_every_workspace_folder_is_linted_alone(tmp_path: Path):
    write_project(
        tmp_path,
        {
            "ws/template.yaml": SAM_QUEUE,
            "loose/template.yaml": SAM_QUEUE,
            "loose/src/app.py": "",
            "loose/sibling/template.yaml": SAM_QUEUE,  # never walked to
        },
    )
    projects = Projects([tmp_path / "ws"])
    document = tmp_path / "loose/template.yaml"
    root = projects.root_of(document)
    assert root == document
    project = projects.lint(root, {})
    assert list(project.files) == [document]
    assert "IL103" in codes_of(project, document)


def test_a_document_under_the_filesystem_root_is_never_a_folder_to_walk(tmp_path: Path):
    stray = Path("/invokelint-stray-document.yaml")
    assert Projects([tmp_path]).root_of(stray) == stray
    assert Projects([]).root_of(stray) == stray  # no workspace folder at all
    assert Projects([tmp_path]).lint(stray, {}).files == {}  # not on disk: nothing read


def test_paths_with_a_nul_are_refused_per_document(tmp_path: Path):
    root = write_project(tmp_path, {"template.yaml": SAM_QUEUE})
    bad = root / "bad\0name.yaml"
    assert not Projects.lints(bad)
    assert Projects.lints(root / "template.yaml")
    project = Projects([root]).lint(root, {bad: SAM_QUEUE})  # an open buffer with that path
    assert "IL103" in codes_of(project, root / "template.yaml")
