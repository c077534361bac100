"""The composite GitHub Action (``action.yml``): its structure, and its steps run as a
runner would run them (``bash --noprofile --norc -eo pipefail``, ``$GITHUB_OUTPUT``)."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO, write_project
from samples import CFN_BAD, CFN_GOOD

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def expressions(value: object) -> list[str]:
    return EXPRESSION.findall(json.dumps(value))


def test_action_is_a_composite_with_described_inputs_and_outputs():
    assert ACTION["name"] and ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and "default" in spec, name
        assert isinstance(spec["default"], str), f"{name}: inputs are strings on a runner"
    assert {"version", "paths", "args", "sarif-file"} <= set(ACTION["inputs"])
    for name, spec in ACTION["outputs"].items():
        assert spec["description"] and spec["value"], name
    assert ACTION["outputs"]["sarif-file"]["value"] == "${{ steps.check.outputs.sarif-file }}"


def test_action_steps_refer_only_to_what_exists():
    seen: set[str] = set()
    for step in STEPS:
        assert ("uses" in step) != ("run" in step), step
        if "run" in step:
            assert step["shell"] == "bash"
            # values reach scripts through env, never pasted into the script (injection)
            assert not expressions(step["run"]), step["name"]
        for expression in expressions(step):
            kind, _, rest = expression.partition(".")
            if kind == "inputs":
                assert rest in ACTION["inputs"], expression
            elif kind == "steps":
                assert rest.split(".")[0] in seen, f"{expression} before that step ran"
            else:
                assert expression == "github.action_path", expression
        if "id" in step:
            seen.add(step["id"])
    for output in ACTION["outputs"].values():
        for expression in expressions(output):
            assert expression.split(".")[1] in seen


def test_action_installs_its_own_checkout_unless_a_version_is_given():
    install = next(step for step in STEPS if step.get("id") == "install")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert install["env"]["VERSION"] == "${{ inputs.version }}"
    assert '"invokelint-aws==$VERSION"' in install["run"]


# --------------------------------------------------------------------- running the steps


class Runner:
    """Runs the action's shell steps the way a GitHub runner does, minus the network."""

    def __init__(self, workspace: Path, temp: Path, inputs: dict[str, str]) -> None:
        self.workspace = workspace
        self.temp = temp
        self.inputs = {name: spec["default"] for name, spec in ACTION["inputs"].items()}
        self.inputs.update(inputs)
        self.outputs: dict[str, dict[str, str]] = {"python": {"python-path": sys.executable}}

    def evaluate(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            kind, _, rest = match.group(1).partition(".")
            if kind == "inputs":
                return self.inputs[rest]
            if kind == "steps":
                step, _, name = rest.partition(".outputs.")
                return self.outputs.get(step, {}).get(name, "")
            return str(REPO)  # github.action_path

        return EXPRESSION.sub(value, text)

    def run(self, step_id: str) -> subprocess.CompletedProcess[str]:
        step = next(step for step in STEPS if step.get("id") == step_id)
        script = self.temp / f"{step_id}.sh"
        script.write_text(step["run"], encoding="utf-8")
        output = self.temp / f"{step_id}.output"
        output.write_text("", encoding="utf-8")
        self.summary = self.temp / f"{step_id}.summary"
        self.summary.write_text("", encoding="utf-8")
        env = {name: self.evaluate(value) for name, value in step.get("env", {}).items()}
        env = {
            **os.environ,
            **env,
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "RUNNER_TEMP": str(self.temp),
        }
        env.pop("PYTHONPATH", None)
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        lines = output.read_text(encoding="utf-8").splitlines()
        self.outputs[step_id] = dict(line.split("=", 1) for line in lines if "=" in line)
        return completed

    def use_this_checkout(self) -> None:
        """Stands in for the install step: invokelint from this tree, no registry."""
        wrapper = self.temp / "invokelint"
        wrapper.write_text(
            f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m invokelint "$@"\n'
        )
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
        self.outputs["install"] = {"invokelint": str(wrapper)}


@pytest.fixture
def runner(tmp_path: Path):
    def make(files: dict[str, str], **inputs: str) -> Runner:
        workspace = write_project(tmp_path / "workspace", files)
        temp = tmp_path / "runner-temp"
        temp.mkdir()
        return Runner(workspace, temp, inputs)

    return make


def sarif_results(path: Path) -> list[str]:
    return [r["ruleId"] for r in json.loads(path.read_text())["runs"][0]["results"]]


def test_findings_fail_the_step_after_the_sarif_file_is_written(runner):
    action = runner({"template.yaml": CFN_BAD}, **{"sarif-file": "reports/invokelint.sarif"})
    action.use_this_checkout()
    completed = action.run("check")
    assert completed.returncode == 1, completed.stderr
    assert action.outputs["check"] == {
        "sarif-file": "reports/invokelint.sarif",
        "exit-code": "1",
    }
    assert sarif_results(action.workspace / "reports/invokelint.sarif") == ["IL103"]
    assert "template.yaml:5:7: IL103 error:" in completed.stdout  # readable in the log


def test_findings_can_be_reported_without_failing(runner):
    action = runner(
        {"template.yaml": CFN_BAD}, **{"fail-on-findings": "false", "annotations": "true"}
    )
    action.use_this_checkout()
    completed = action.run("check")
    assert completed.returncode == 0, completed.stderr
    assert action.outputs["check"]["exit-code"] == "1"
    assert completed.stdout.startswith("::error file=template.yaml,line=5,")


def test_a_clean_project_passes_and_paths_and_args_reach_the_command(runner):
    action = runner(
        {"ok/template.yaml": CFN_GOOD, "bad/template.yaml": CFN_BAD},
        paths="ok",
        args="--select IL1",
    )
    action.use_this_checkout()
    completed = action.run("check")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert sarif_results(action.workspace / "invokelint.sarif") == []


def test_a_broken_configuration_fails_even_when_findings_may_not(runner):
    action = runner(
        {"template.yaml": CFN_GOOD, ".invokelint.toml": "selekt = []\n"},
        **{"fail-on-findings": "false"},
    )
    action.use_this_checkout()
    completed = action.run("check")
    assert completed.returncode == 2
    assert "sarif-file" not in action.outputs["check"]  # nothing for upload-sarif to read
    assert "unknown key 'selekt'" in completed.stderr


@pytest.mark.network
def test_the_install_step_installs_the_action_checkout(runner):
    action = runner({"template.yaml": CFN_BAD})
    installed = action.run("install")
    assert installed.returncode == 0, installed.stderr
    executable = Path(action.outputs["install"]["invokelint"])
    assert executable.is_file() and str(executable).startswith(str(action.temp))
    completed = action.run("check")
    assert completed.returncode == 1, completed.stderr
    assert sarif_results(action.workspace / "invokelint.sarif") == ["IL103"]


def test_the_job_summary_counts_per_rule_and_lists_the_findings(runner):
    action = runner({"infra/template.yaml": CFN_BAD, "ok/template.yaml": CFN_GOOD})
    action.use_this_checkout()
    assert action.run("check").returncode == 1
    summary = action.summary.read_text(encoding="utf-8")
    assert summary.startswith("## invokelint\n\nFound 1 problem (1 error) in 1 file.\n")
    assert "| IL103 | `sqs-visibility-timeout` | 1 |" in summary
    (row,) = [line for line in summary.splitlines() if line.startswith("| `infra/")]
    assert row.startswith("| `infra/template.yaml` | 5 | IL103 | error | queue ")


def test_a_clean_run_says_so_in_the_summary(runner):
    action = runner({"template.yaml": CFN_GOOD})
    action.use_this_checkout()
    assert action.run("check").returncode == 0
    assert action.summary.read_text(encoding="utf-8") == (
        "## invokelint\n\nNo problems found in 1 file.\n"
    )


def test_a_stale_sarif_file_is_never_offered_for_upload_after_an_error(runner):
    action = runner({"template.yaml": CFN_GOOD, ".invokelint.toml": "selekt = []\n"})
    stale = action.workspace / "invokelint.sarif"
    stale.write_text('{"from": "an earlier step"}', encoding="utf-8")
    action.use_this_checkout()
    completed = action.run("check")
    assert completed.returncode == 2
    assert "sarif-file" not in action.outputs["check"]
    assert not stale.exists()
    summary = action.summary.read_text(encoding="utf-8")
    assert "**invokelint stopped with exit status 2**" in summary
