"""Git-ignored files are not linted when a folder is walked, with git or without it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import run_cli, sqs_consumer, write_project

from invokelint import gitignore

TEMPLATE = sqs_consumer(20)
PROJECT = {
    ".gitignore": "# output\nbuild/\n*.generated.yaml\n!keep.generated.yaml\n/top-only.yaml\n",
    "services/.gitignore": "local-*.yaml\n",
    "template.yaml": TEMPLATE,
    "build/template.yaml": TEMPLATE,
    "stacks/a.generated.yaml": TEMPLATE,
    "stacks/keep.generated.yaml": TEMPLATE,
    "top-only.yaml": TEMPLATE,
    "stacks/top-only.yaml": TEMPLATE,
    "services/local-dev.yaml": TEMPLATE,
    "services/template.yaml": TEMPLATE,
    "excluded-by-info.yaml": TEMPLATE,
}
KEPT = [
    "services/template.yaml",
    "stacks/keep.generated.yaml",
    "stacks/top-only.yaml",
    "template.yaml",
]
HAS_GIT = shutil.which("git") is not None


def make_project(root: Path, *, git: bool) -> Path:
    write_project(root, PROJECT)
    if git:
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    else:
        (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("excluded-by-info.yaml\n", encoding="utf-8")
    return root


def linted(root: Path, *options: str) -> list[str]:
    completed = run_cli("check", "-q", "--select", "IL103", *options, cwd=root)
    return sorted({line.split(":")[0] for line in completed.stdout.splitlines()})


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_git_decides_what_is_ignored(tmp_path):
    root = make_project(tmp_path, git=True)
    assert linted(root) == KEPT


def test_without_git_the_reader_gives_the_same_answer(tmp_path, monkeypatch):
    root = make_project(tmp_path, git=False)
    monkeypatch.setattr(gitignore, "_ask_git", lambda root, names: None)
    files = sorted(root.rglob("*.yaml"))
    kept = {p.relative_to(root).as_posix() for p in set(files) - gitignore.ignored(root, files)}
    assert sorted(kept) == KEPT


def test_no_respect_gitignore_lints_everything(tmp_path):
    root = make_project(tmp_path, git=HAS_GIT)
    everything = [name for name in PROJECT if name.endswith(".yaml")]
    assert len(linted(root, "--no-respect-gitignore")) == len(everything)


def test_a_named_file_is_linted_even_when_ignored(tmp_path):
    root = make_project(tmp_path, git=HAS_GIT)
    completed = run_cli("check", "-q", "--select", "IL103", "build/template.yaml", cwd=root)
    assert completed.stdout.startswith("build/template.yaml:")


def test_a_walked_subfolder_is_judged_against_the_repository_rules(tmp_path):
    root = make_project(tmp_path, git=HAS_GIT)
    completed = run_cli("check", "-q", "--select", "IL103", "services", cwd=root)
    found = {line.split(":")[0] for line in completed.stdout.splitlines()}
    assert found == {"services/template.yaml"}
