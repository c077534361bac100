"""The language server's folder walks: reused while nothing in the folder changed, walked
again (and git asked again) as soon as something that decides the answer did."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from invokelint import gitignore
from invokelint.config import Config
from invokelint.discovery import walk_folder
from invokelint.walks import SETTLED_NS, Walks

TEMPLATE = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n"


def _age(root: Path, seconds: float = 60.0) -> None:
    """Every entry under ``root`` (and ``root``) last changed ``seconds`` ago."""
    then = time.time() - seconds
    for folder, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (then, then))
        os.utime(folder, (then, then))


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders git was asked about, in order."""
    calls: list[Path] = []
    real = gitignore._ask_git

    def counting(root: Path, names: list[str]) -> set[str] | None:
        calls.append(root)
        return real(root, names)

    monkeypatch.setattr(gitignore, "_ask_git", counting)
    return calls


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "template.yaml").write_text(TEMPLATE)
    (tmp_path / ".gitignore").write_text("ignored.yaml\n")
    (tmp_path / "ignored.yaml").write_text(TEMPLATE)
    _age(tmp_path)
    return tmp_path


def test_an_unchanged_folder_is_walked_and_asked_once(project: Path, asked: list[Path]):
    walks, config = Walks(), Config()
    first = walks.walk(project, config, [])
    second = walks.walk(project, config, [])
    assert first == second == walk_folder(project, config, [])
    assert first == [project / "stacks" / "template.yaml"]
    assert walks.walked == 1
    assert len(asked) == 2  # the first walk and the direct walk_folder above, no more


def test_a_file_created_in_a_subfolder_is_found(project: Path):
    walks, config = Walks(), Config()
    walks.walk(project, config, [])
    (project / "stacks" / "other.yaml").write_text(TEMPLATE)
    found = walks.walk(project, config, [])
    assert project / "stacks" / "other.yaml" in found
    assert walks.walked == 2


def test_a_deleted_file_is_forgotten(project: Path):
    walks, config = Walks(), Config()
    walks.walk(project, config, [])
    (project / "stacks" / "template.yaml").unlink()
    assert walks.walk(project, config, []) == []


def test_a_gitignore_rewritten_in_place_is_read_again(project: Path):
    walks, config = Walks(), Config()
    assert project / "ignored.yaml" not in walks.walk(project, config, [])
    ignore = project / ".gitignore"
    with ignore.open("w") as stream:  # in place: the folder's own time does not move
        stream.write("# nothing ignored\n")
    then = time.time() - 30
    os.utime(ignore, (then, then))
    os.utime(project, (time.time() - 60, time.time() - 60))
    assert project / "ignored.yaml" in walks.walk(project, config, [])


def test_a_walk_holding_a_time_just_set_is_not_kept(tmp_path: Path):
    """A coarse file system time may not move on the next change: walk again."""
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    recent = time.time_ns() - SETTLED_NS // 2
    os.utime(tmp_path, ns=(recent, recent))
    walks, config = Walks(), Config()
    walks.walk(tmp_path, config, [])
    walks.walk(tmp_path, config, [])
    assert walks.walked == 2


def test_skipped_candidates_are_named_again_when_the_walk_is_reused(project: Path):
    os.mkfifo(project / "stacks" / "pipe.yaml")
    _age(project)
    walks, config = Walks(), Config()
    first: list[str] = []
    second: list[str] = []
    walks.walk(project, config, first)
    walks.walk(project, config, second)
    assert walks.walked == 1
    assert first == second and "pipe.yaml" in first[0]
