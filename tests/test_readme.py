"""README.md starts with two commands that must keep working; CI runs the second."""

from __future__ import annotations

import re

from helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
FIRST_BLOCK = re.compile(r"\A```sh\n(?P<body>.*?)\n```\n", re.DOTALL)


def readme_commands() -> list[str]:
    match = FIRST_BLOCK.match(README)
    assert match, "README.md must start with a ```sh block holding its two commands"
    return match["body"].splitlines()


def test_readme_starts_with_an_install_and_run_and_a_test_command():
    install_and_run, run_tests = readme_commands()
    assert install_and_run.startswith("python3 -m venv .venv && ")
    assert install_and_run.endswith(" check examples/")
    assert run_tests.startswith("python3 -m venv .venv && ")
    assert "'.[test]'" in run_tests and run_tests.endswith(" -m pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    _, run_tests = readme_commands()
    assert run_tests in script.splitlines()
    assert script.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in script


def test_ci_script_is_executable():
    assert (REPO / ".ci" / "run").stat().st_mode & 0o111
