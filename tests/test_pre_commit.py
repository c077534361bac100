"""The pre-commit hooks, run by pre-commit itself on a throwaway git repository.

``pre-commit try-repo`` installs this checkout into a fresh virtualenv (from the package
registry, hence the ``network`` mark) and runs the hook like a user's commit would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, write_project
from samples import CFN_BAD, CFN_GOOD, TF_ROOT, TF_WORKER

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "invokelint tests",
    "GIT_AUTHOR_EMAIL": "tests@invokelint.invalid",
    "GIT_COMMITTER_NAME": "invokelint tests",
    "GIT_COMMITTER_EMAIL": "tests@invokelint.invalid",
}


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_IDENTITY}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


def commit_all(root: Path) -> None:
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=root)


def test_hooks_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    project = hooks["invokelint"]
    assert project["entry"] == "invokelint check" and project["language"] == "python"
    assert project["pass_filenames"] is False and project["require_serial"] is True
    files = re.compile(project["files"])
    for name in ["template.yaml", "a/b.yml", "x.json", "s.template", "m.tf", "m.tf.json", "h.py"]:
        assert files.search(name), name
    assert not files.search("README.md")
    per_file = hooks["invokelint-files"]
    assert per_file["pass_filenames"] is True
    assert not re.search(per_file["files"], "src/app.py")
    # Terraform and OpenTofu sources and variable files change findings too
    terraform = ["m.tf", "m.tofu", "m.tofu.json", "terraform.tfvars", "x.auto.tfvars.json"]
    for hook in (project, per_file):
        for name in terraform:
            assert re.search(hook["files"], name), (hook["id"], name)
        assert not re.search(hook["files"], ".terraform.lock.hcl")


# What a build never needs; CI's copy of the tree is no git checkout, so no git ls-files.
NOT_SOURCE = (
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    "*.egg-info",
    ".*_cache",
    "build",
    "dist",
    "node_modules",
)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree, uncommitted and untracked files included, as a committed repo
    (``try-repo``'s own snapshot of a dirty tree would leave untracked files out)."""
    snapshot = tmp_path_factory.mktemp("hook-repo") / "invokelint"
    shutil.copytree(REPO, snapshot, ignore=shutil.ignore_patterns(*NOT_SOURCE), symlinks=True)
    commit_all(snapshot)
    return snapshot


def try_repo(hook_repo: Path, project: Path) -> subprocess.CompletedProcess[str]:
    commit_all(project)
    command = ["try-repo", str(hook_repo), "invokelint", "--all-files", "--color", "never"]
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *command],
        cwd=project,
        env={**os.environ, **GIT_IDENTITY},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.network
def test_hook_fails_on_a_bad_template(hook_repo: Path, tmp_path: Path):
    project = write_project(tmp_path, {"infra/template.yaml": CFN_BAD, "README.md": "docs\n"})
    completed = try_repo(hook_repo, project)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert re.search(r"^infra/template\.yaml:5:\d+: IL103 error: ", completed.stdout, re.M), (
        completed.stdout
    )


@pytest.mark.network
def test_hook_reads_terraform_and_its_tfvars(hook_repo: Path, tmp_path: Path):
    project = write_project(
        tmp_path,
        {
            "infra/main.tf": TF_ROOT,
            "infra/modules/worker/main.tf": TF_WORKER,
            "infra/terraform.tfvars": "visibility = 20\n",
        },
    )
    completed = try_repo(hook_repo, project)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert re.search(r"^infra/terraform\.tfvars:1:1: IL103 error: ", completed.stdout, re.M), (
        completed.stdout
    )


@pytest.mark.network
def test_hook_passes_on_a_good_template(hook_repo: Path, tmp_path: Path):
    project = write_project(tmp_path, {"infra/template.yaml": CFN_GOOD})
    completed = try_repo(hook_repo, project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert re.search(r"^invokelint\.+Passed$", completed.stdout, re.M), completed.stdout
