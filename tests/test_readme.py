"""The README's promises: its commands are what CI runs, its examples are real."""

from __future__ import annotations

import os
import re
import sys

import pytest
from helpers import REPO, run_cli

from invokelint.cli import build_parser
from invokelint.config import config_schema, load_config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

README = (REPO / "README.md").read_text(encoding="utf-8")
CI_RUN = REPO / ".ci" / "run"


def _first_block() -> list[str]:
    match = re.match(r"```sh\n(.*?)\n```\n", README, re.DOTALL)
    assert match, "README.md must start with a ```sh block holding the two commands"
    return match.group(1).splitlines()


def _toml_blocks() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", README, re.DOTALL)


def test_readme_starts_with_exactly_two_commands():
    commands = _first_block()
    assert len(commands) == 2
    install_and_check, install_and_test = commands
    assert install_and_check.startswith("python3 -m venv ")
    assert install_and_check.endswith("invokelint check examples/")
    assert "'.[test]'" in install_and_test and install_and_test.endswith("-m pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    script = CI_RUN.read_text(encoding="utf-8")
    assert _first_block()[1] in script.splitlines()
    assert script.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in script
    assert os.access(CI_RUN, os.X_OK), ".ci/run must be executable"


def test_configuration_example_is_valid(tmp_path):
    """The documented table loads: every key exists and every value is accepted."""
    (block,) = [b for b in _toml_blocks() if "[tool.invokelint]" in b]
    (tmp_path / "pyproject.toml").write_text(block, encoding="utf-8")
    config = load_config(tmp_path / "pyproject.toml")
    assert config.rule_options["IL103"] == {"multiplier": 8}
    documented = set(tomllib.loads(block)["tool"]["invokelint"])
    assert documented == set(config_schema()["properties"]), "document every key"


def _check_options() -> set[str]:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    check = commands.choices["check"]
    return {
        option
        for action in check._actions
        for option in action.option_strings
        if option not in ("-h", "--help")
    }


@pytest.mark.parametrize("option", sorted(_check_options()))
def test_every_check_option_is_documented(option):
    assert re.search(rf"`{re.escape(option)}[ `]", README), f"README does not document {option}"


def test_every_budget_of_the_second_hardening_is_listed_in_the_readme():
    text = (REPO / "invokelint" / "limits.py").read_text(encoding="utf-8")
    section = text.split("Budgets of one run (hardening, part 2)", 1)[1]
    names = re.findall(r"^(MAX_[A-Z_]+) =", section, re.MULTILINE)
    assert names, "the section of limits.py was renamed"
    missing = [name for name in names if f"`{name}`" not in README]
    assert not missing, f"limits missing from the README: {missing}"


def test_terraform_example_gives_the_findings_shown(tmp_path):
    """The Terraform section's files, written out and linted, report what it shows (same
    file, line, column, rule and severity; the wording may be polished separately)."""
    section = README[README.index("## Terraform") :]
    section = section[: section.index("\n## ")]
    for block in re.findall(r"```hcl\n(.*?)```", section, re.DOTALL):
        first = block.partition("\n")[0]
        assert first.startswith("# "), "each hcl block starts with '# <path>'"
        path = tmp_path / first[2:].strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block, encoding="utf-8")
    (shown,) = re.findall(r"```text\n\$ invokelint check \.\n(.*?)```", section, re.DOTALL)
    completed = run_cli("check", ".", cwd=tmp_path)

    def heads(text: str) -> list[str]:
        return [" ".join(line.split()[:3]) for line in text.splitlines() if ": IL" in line]

    assert completed.returncode == 1, completed.stderr
    assert heads(shown) == heads(completed.stdout)
    assert shown.splitlines()[-1] == completed.stdout.splitlines()[-1]
