"""Text for people: the offending line with a caret in a terminal, one line in a pipe,
colour when wanted (NO_COLOR, FORCE_COLOR)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, run_cli, sqs_consumer, write_project

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.engine import LintResult
from invokelint.model import Location
from invokelint.reporters import ReportContext, get_reporter, use_color

ESC = "\x1b["


def finding(line: int, column: int, end_line: int, end_column: int) -> Diagnostic:
    return Diagnostic(
        code="IL103",
        name="sqs-visibility-timeout",
        severity=Severity.ERROR,
        message="too short",
        location=Location("t.yaml", line, column, end_line, end_column),
        resource="Q",
    )


def full(diagnostics: list[Diagnostic], text: str) -> str:
    context = ReportContext(
        cwd=Path("."), source_context=True, quiet=True, sources={"t.yaml": text}
    )
    return get_reporter("full")(LintResult(diagnostics=diagnostics), context)


def test_full_shows_the_line_with_a_caret_under_the_span():
    text = "Resources:\n  Q:\n    Properties:\n      VisibilityTimeout: 30\n"
    assert full([finding(4, 26, 4, 28)], text) == (
        "t.yaml:4:26: IL103 error: too short [Q]\n"
        "  |\n"
        "4 |       VisibilityTimeout: 30\n"
        "  |                          ^^\n"
    )


def test_a_span_over_several_lines_is_underlined_to_the_end_of_its_first():
    out = full([finding(2, 3, 5, 1)], "Resources:\n  Q:\n    Type: x\n")
    assert out.splitlines()[3] == "  |   ^^"


def test_tabs_stay_tabs_and_control_characters_cannot_reach_the_terminal():
    out = full([finding(1, 3, 1, 4)], "\tx\x1b[31my\n")
    assert out.splitlines()[2:] == ["1 | \tx\ufffd[31my", "  | \t ^"]


def test_findings_are_separated_by_a_blank_line_and_the_summary_follows(tmp_path):
    write_project(tmp_path, {"template.yaml": sqs_consumer(20)})
    completed = run_cli("check", "--format", "full", "--no-code", cwd=tmp_path)
    blocks = completed.stdout.split("\n\n")
    assert len(blocks) == 3
    assert blocks[-1] == (
        "Found 2 problems (1 error, 1 warning) in 1 file.\n[*] 1 fixable with the `--fix` option.\n"
    )
    assert blocks[1].splitlines()[2] == "6 |       VisibilityTimeout: 20"
    assert ESC not in completed.stdout  # a pipe, and no FORCE_COLOR


def test_concise_and_piped_text_are_one_line_per_finding(tmp_path):
    write_project(tmp_path, {"template.yaml": sqs_consumer(20)})
    piped = run_cli("check", "--no-code", cwd=tmp_path).stdout
    assert piped == run_cli("check", "--format", "concise", "--no-code", cwd=tmp_path).stdout
    assert len(piped.splitlines()) == 4 and "|" not in piped  # 2 findings, 2 summary lines


@pytest.mark.parametrize(
    ("terminal", "environ", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (False, {"FORCE_COLOR": "1"}, True),
        (True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # empty is unset
    ],
)
def test_colour_follows_the_terminal_and_the_environment(terminal, environ, expected):
    assert use_color(terminal, environ) is expected


def test_force_color_colours_a_pipe(tmp_path):
    write_project(tmp_path, {"template.yaml": sqs_consumer(20)})
    env_run = subprocess.run(
        [sys.executable, "-m", "invokelint", "check", "--no-code"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO), "FORCE_COLOR": "1", "NO_COLOR": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert f"{ESC}31mIL103 error:" in env_run.stdout.replace(f"{ESC}1m", "")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("no_color", ["", "1"])
def test_a_terminal_gets_source_context_and_colour_unless_no_color(tmp_path, no_color):
    import pty

    write_project(tmp_path, {"template.yaml": sqs_consumer(20)})
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": no_color, "FORCE_COLOR": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "invokelint", "check", "--no-code"],
        cwd=tmp_path,
        env=env,
        stdout=follower,
        stderr=subprocess.DEVNULL,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    out = b"".join(chunks).decode().replace("\r\n", "\n")
    plain = out
    for code in ("0", "1", "31", "33", "34", "36"):
        plain = plain.replace(f"{ESC}{code}m", "")
    assert "6 |       VisibilityTimeout: 20\n" in plain and "^^" in plain
    assert (ESC in out) is (not no_color)
