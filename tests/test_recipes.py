"""Every command the README and CONTRIBUTING show, run as written where it can run offline.

A recipe that is only read, never run, rots: the cfn-lint line once put the template
after ``--append-rules``, which swallowed it. Each shell line of a ```sh block (and the
GitLab job's ``script``) is run literally with ``bash -c`` in a throwaway project, with
this checkout's ``invokelint`` and ``cfn-lint`` first on ``PATH``. What needs a package
registry (``pip install ...``, the first README command) is either checked for the
package name only (``test_distribution``) or marked ``network``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO, write_project
from samples import CFN_BAD, CFN_GOOD

from invokelint import __version__

README = (REPO / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
# Lines no test can run offline, with the reason; anything else must be run below.
NEEDS_REGISTRY = re.compile(r"^(pipx? install|python3 -m venv )")
RECURSIVE = {"python -m pytest"}  # the suite itself


def blocks(text: str, language: str) -> list[str]:
    """Fenced blocks whose info string is ``language`` (``""``: no info string)."""
    found, current, info = [], None, ""
    for line in text.splitlines(keepends=True):
        fence = re.match(r"^\s*```(\S*)\s*$", line)
        if fence and current is None:
            current, info = [], fence.group(1)
        elif fence:
            if info == language:
                found.append("".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return found


def command_lines(block: str) -> list[str]:
    """Shell lines without comments (``# ...`` at the end of a line included)."""
    lines = (re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def shell(line: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``line`` as a user's shell runs it, with this checkout's commands first on PATH."""
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    environment.update(PYTHONPATH=str(REPO), NO_COLOR="1", **env)
    return subprocess.run(
        ["bash", "-c", line],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def gitlab_job() -> dict:
    (block,) = [b for b in blocks(README, "yaml") if "script:" in b]
    (job,) = yaml.safe_load(block).values()
    return job


def test_every_documented_command_is_run_by_a_test():
    """A new recipe line must be added to a test here, or be explicitly offline-impossible."""
    runnable = {
        line
        for text in (README, CONTRIBUTING)
        for block in blocks(text, "sh")
        for line in command_lines(block)
        if not NEEDS_REGISTRY.match(line) and line not in RECURSIVE
    }
    runnable |= {line for line in gitlab_job()["script"] if not NEEDS_REGISTRY.match(line)}
    tested = {*CFN_LINT_LINES, *CONTRIBUTING_LINES, *GITLAB_LINES, *BASELINE_LINES, *GRAPH_LINES}
    tested |= {*FIX_LINES, *CDK_LINES}
    assert runnable == tested


# ------------------------------------------------------------------------------ AWS CDK

_CDK_SECTION = README[README.index("## AWS CDK") : README.index("### Inside `cdk synth`")]
(CDK_BLOCK,) = blocks(_CDK_SECTION, "sh")
CDK_LINES = command_lines(CDK_BLOCK)


def test_cdk_recipe_prints_the_documented_finding(tmp_path: Path) -> None:
    """Run in a copy of the traced fixture app, as a user runs it after ``cdk synth``."""
    app = tmp_path / "app"
    shutil.copytree(REPO / "fixtures" / "cdk" / "traced-app", app)
    (expected,) = blocks(_CDK_SECTION, "text")
    (line,) = CDK_LINES
    completed = shell(line + " --format concise", app)
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.splitlines()[0] == expected.strip()


# ------------------------------------------------------------------------------ cfn-lint

(CFN_LINT_BLOCK,) = [b for b in blocks(README, "sh") if "cfn-lint " in b]
CFN_LINT_LINES = [line for line in command_lines(CFN_LINT_BLOCK) if not NEEDS_REGISTRY.match(line)]


@pytest.mark.skipif(shutil.which("cfn-lint", path=str(BIN)) is None, reason="cfn-lint extra")
@pytest.mark.parametrize("line", CFN_LINT_LINES)
def test_cfn_lint_recipe_runs_as_written(line: str, tmp_path: Path):
    project = write_project(tmp_path, {"template.yaml": CFN_BAD})
    completed = shell(line, project)
    assert "Traceback" not in completed.stderr, completed.stderr
    assert re.search(r"^IL103 .*\ntemplate\.yaml:5:7$", completed.stdout, re.M), (
        completed.stdout + completed.stderr
    )
    assert completed.returncode & 2  # cfn-lint's error bit: IL103 is an error


# ------------------------------------------------------------------------------ baseline

(BASELINE_BLOCK,) = [b for b in blocks(README, "sh") if "--write-baseline" in b]
BASELINE_LINES = command_lines(BASELINE_BLOCK)


def test_baseline_recipe_runs_as_written(tmp_path: Path):
    project = write_project(tmp_path, {"template.yaml": CFN_BAD})
    write, check = BASELINE_LINES
    assert shell(write, project).returncode == 0
    assert (project / "invokelint-baseline.json").is_file()
    completed = shell(check, project)
    assert completed.returncode == 0, completed.stdout  # today's findings are known


# ------------------------------------------------------------------------------ fixing

(FIX_BLOCK,) = [b for b in blocks(README, "sh") if "check --fix" in b]
FIX_LINES = command_lines(FIX_BLOCK)


def test_fix_recipe_runs_as_written(tmp_path: Path):
    project = write_project(tmp_path, {"template.yaml": CFN_BAD})
    template = project / "template.yaml"
    before = template.read_text(encoding="utf-8")
    diff, fix, unsafe, fix_only = FIX_LINES
    completed = shell(diff, project)
    assert completed.returncode == 1 and "+++ b/template.yaml" in completed.stdout
    assert template.read_text(encoding="utf-8") == before  # --diff writes nothing
    shell(fix, project)
    assert template.read_text(encoding="utf-8") != before
    shell(unsafe, project)
    assert shell(fix_only, project).returncode == 0
    assert shell(diff, project).returncode == 0  # nothing left to fix


# ------------------------------------------------------------------------- graph picture

(GRAPH_BLOCK,) = [b for b in blocks(README, "sh") if "invokelint graph examples/" in b]
GRAPH_LINES = command_lines(GRAPH_BLOCK)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_graph_picture_recipe_runs_as_written(tmp_path: Path):
    """The README's regenerate line redraws exactly the committed picture."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    (tmp_path / "docs").mkdir()
    (line,) = GRAPH_LINES
    completed = shell(line.replace("python ", f"{sys.executable} ", 1), tmp_path)
    assert completed.returncode == 0, completed.stderr
    for name in ("examples-graph.dot", "examples-graph.svg"):
        made = (tmp_path / "docs" / name).read_text(encoding="utf-8")
        assert made == (REPO / "docs" / name).read_text(encoding="utf-8"), name


# ------------------------------------------------------------------------------ GitLab

GITLAB_LINES = [line for line in gitlab_job()["script"] if not NEEDS_REGISTRY.match(line)]


def test_gitlab_job_installs_the_distribution_and_writes_its_reports(tmp_path: Path):
    job = gitlab_job()
    assert any(re.match(r"pip install invokelint-aws\b", line) for line in job["script"])
    project = write_project(
        tmp_path, {"infra/template.yaml": CFN_BAD, "ok/template.yaml": CFN_GOOD}
    )
    statuses = [shell(line, project).returncode for line in GITLAB_LINES]
    assert statuses[-1] == 1  # the findings fail the job
    reports = job["artifacts"]["reports"]
    assert reports and job["artifacts"]["when"] == "always"
    for kind, path in reports.items():
        report = project / path
        assert report.is_file(), f"{kind} report {path} was not written"
        if kind == "codequality":
            issues = json.loads(report.read_text(encoding="utf-8"))
            assert [i["location"]["path"] for i in issues] == ["infra/template.yaml"]


# ------------------------------------------------------------------------------ pre-commit


def test_pre_commit_config_is_valid_and_names_existing_hooks(tmp_path: Path):
    from pre_commit.clientlib import load_config, load_manifest

    (block,) = [b for b in blocks(README, "yaml") if "repos:" in b]
    config_file = tmp_path / ".pre-commit-config.yaml"
    config_file.write_text(block.replace("# - id:", "- id:"), encoding="utf-8")
    (repo,) = load_config(str(config_file))["repos"]
    assert repo["rev"] == f"v{__version__}"
    manifest = {hook["id"] for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    documented = {hook["id"] for hook in repo["hooks"]}
    assert documented == manifest


# ------------------------------------------------------------------------------ GitHub


def test_workflow_uses_the_action_with_inputs_and_outputs_it_has():
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    (block,) = [b for b in blocks(README, "yaml") if "uses: invokelint/" in b]
    uncommented = re.sub(r"^(\s*)# ", r"\1", block, flags=re.M)
    steps = yaml.safe_load(uncommented)["jobs"]["invokelint"]["steps"]
    ours = next(step for step in steps if step["uses"].startswith("invokelint/invokelint@"))
    assert ours["uses"] == f"invokelint/invokelint@v{__version__}"
    assert set(ours.get("with", {})) <= set(action["inputs"])
    for used in re.findall(r"steps\.invokelint\.outputs\.([\w-]+)", block):
        assert used in action["outputs"]


# ------------------------------------------------------------------------------ CONTRIBUTING

(CHECKS,) = [b for b in blocks(CONTRIBUTING, "sh") if "ruff check" in b]
CONTRIBUTING_LINES = [line for line in command_lines(CHECKS) if line not in RECURSIVE]


@pytest.mark.parametrize("line", CONTRIBUTING_LINES)
def test_contributing_checks_run_as_written(line: str):
    program = line.split()[0]
    if shutil.which(program, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}") is None:
        pytest.skip(f"{program} is not installed here")
    completed = shell(line, REPO)
    assert completed.returncode == 0, completed.stdout + completed.stderr


# ------------------------------------------------------------------------------ install


@pytest.mark.network
def test_readme_first_command_installs_and_lints_the_example(tmp_path: Path):
    """The README's opening command, literally, in a copy of the tree (a fresh clone)."""
    copy = tmp_path / "invokelint"
    ignore = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".*_cache")
    shutil.copytree(REPO, copy, ignore=ignore)
    first = re.match(r"```sh\n(.*?)\n", README).group(1)
    completed = subprocess.run(
        ["bash", "-c", first],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=900,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
    )
    assert completed.returncode == 1, completed.stderr[-2000:]  # the example has findings
    assert re.search(r"^examples/template\.yaml:\d+:\d+: IL\d{3} ", completed.stdout, re.M)
