"""Only regular files inside the project are read, and a refusal says why.

A FIFO blocks ``open()`` until someone writes to it; a character device never ends; a
symbolic link can lead anywhere. Each case below runs where a regression would hang or
read without end, so the CLI runs are bounded (20 s, 2 GiB).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers import codes, lint, run_cli_bounded, write_project

from invokelint.frontends.cloudformation import build_model
from invokelint.frontends.loader import load_yaml

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")

FUNCTION = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: {handler}
      CodeUri: {code}
"""


def function(tmp_path: Path, code: str, handler: str = "app.handler") -> Path:
    return write_project(tmp_path, {"template.yaml": FUNCTION.format(code=code, handler=handler)})


@needs_fifo
@pytest.mark.parametrize("name", ["app.py", "worker.zip"])
def test_a_fifo_as_code_uri_is_refused_not_opened(tmp_path: Path, name: str):
    function(tmp_path, name)
    os.mkfifo(tmp_path / name)
    result = run_cli_bounded("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"invokelint: warning: {name}: not read: it is a FIFO" in result.stderr


@needs_fifo
def test_a_fifo_module_in_a_code_folder_is_refused_not_missing(tmp_path: Path):
    function(tmp_path, "src/")
    (tmp_path / "src").mkdir()
    os.mkfifo(tmp_path / "src" / "app.py")
    result = lint(tmp_path)
    assert "IL002" not in codes(result)  # it exists: not "handler not found"
    assert result.warnings == ["src/app.py: not read: it is a FIFO"]


def test_a_character_device_in_the_project_is_refused(tmp_path: Path):
    function(tmp_path, "zero.py", handler="zero.handler")
    try:  # /dev/zero's numbers: a read of it never ends
        os.mknod(tmp_path / "zero.py", stat.S_IFCHR | 0o644, os.makedev(1, 5))
    except (PermissionError, AttributeError):
        pytest.skip("creating a device needs privileges")
    result = run_cli_bounded("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "zero.py: not read: it is a character device" in result.stderr


def test_a_module_linked_outside_the_project_says_so(tmp_path: Path):
    outside = write_project(tmp_path / "elsewhere", {"app.py": "def handler(e, c):\n    pass\n"})
    root = function(tmp_path / "project", "src/")
    (root / "src").mkdir()
    (root / "src" / "app.py").symlink_to(outside / "app.py")
    result = lint(root)
    assert "IL002" not in codes(result)
    [warning] = result.warnings
    assert warning.startswith("src/app.py: not read: it leads to ")
    assert "outside the project" in warning


def test_a_folder_linked_outside_the_project_is_not_listed(tmp_path: Path):
    outside = tmp_path / "elsewhere" / "pkg"
    outside.mkdir(parents=True)
    (outside / "app.cpython-312-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    root = function(tmp_path / "project", "src/", handler="pkg.app.handler")
    write_project(root, {"src/other.py": ""})
    (root / "src" / "pkg").symlink_to(outside, target_is_directory=True)
    result = lint(root)
    assert "IL002" not in codes(result)
    assert [w for w in result.warnings if "outside the project" in w], result.warnings


STATE_MACHINE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): pass"
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: flow.asl.json
      DefinitionSubstitutions:
        WorkerArn: !GetAtt Worker.Arn
"""
DEFINITION = (
    '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${WorkerArn}", "End": true}}}'
)


def _sync_triggers(folder: Path) -> int:
    model = build_model(load_yaml(STATE_MACHINE).root, "template.yaml", str(folder))
    return len(model.sync_triggers)


def test_a_definition_uri_linked_outside_the_template_folder_is_not_read(tmp_path: Path):
    root = write_project(tmp_path / "project", {"template.yaml": STATE_MACHINE})
    (root / "flow.asl.json").write_text(DEFINITION, encoding="utf-8")
    assert _sync_triggers(root) == 1
    (root / "flow.asl.json").unlink()
    outside = write_project(tmp_path / "elsewhere", {"flow.asl.json": DEFINITION})
    (root / "flow.asl.json").symlink_to(outside / "flow.asl.json")
    assert _sync_triggers(root) == 0


@needs_fifo
def test_a_definition_uri_that_is_a_fifo_is_not_opened(tmp_path: Path):
    root = write_project(tmp_path, {"template.yaml": STATE_MACHINE})
    os.mkfifo(root / "flow.asl.json")
    result = run_cli_bounded("check", cwd=root)
    assert result.returncode in (0, 1), result.stderr


def test_a_template_linked_from_outside_the_folder_is_named(tmp_path: Path):
    outside = write_project(tmp_path / "elsewhere", {"template.yaml": FUNCTION})
    root = tmp_path / "project"
    root.mkdir()
    (root / "template.yaml").symlink_to(outside / "template.yaml")
    result = lint(root)
    assert result.checked == []
    [warning] = result.warnings
    assert "template.yaml: not read: it leads to" in warning
