"""Reports reach their reader whatever the file names and whatever standard output is.

A file name that is not UTF-8 comes back from the file system as lone surrogates, which
a strict encoder refuses; standard output may be closed (``>&-``) or full
(``/dev/full``). Each ended the run with an internal error; each now gives a report or
one line on stderr with exit status 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, sqs_consumer

NAME = b"t\xff.yaml"  # not UTF-8
posix_bytes = pytest.mark.skipif(sys.platform == "win32", reason="byte file names")


def project_with_a_byte_name(tmp_path: Path) -> Path:
    (tmp_path / os.fsdecode(NAME)).write_text(sqs_consumer(20), encoding="utf-8")
    return tmp_path


def run(*args: str, cwd: Path, **options) -> subprocess.CompletedProcess[bytes]:
    """The CLI with bytes out, as a pipe or a file receives them."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    options.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "invokelint", *args],
        cwd=cwd,
        env=env,
        stderr=subprocess.PIPE,
        timeout=60,
        **options,
    )


@posix_bytes
def test_sarif_names_a_non_utf8_file_byte_for_byte(tmp_path: Path):
    result = run("check", "--format", "sarif", cwd=project_with_a_byte_name(tmp_path))
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout.decode("utf-8"))  # valid UTF-8, valid JSON
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for item in log["runs"][0]["results"]
        for location in item["locations"]
    }
    assert uris == {"t%FF.yaml"}


@posix_bytes
def test_output_file_with_a_non_utf8_name_in_it(tmp_path: Path):
    root = project_with_a_byte_name(tmp_path)
    result = run("check", "--format", "json", "--output", "report.json", cwd=root)
    assert result.returncode == 1, result.stderr
    items = json.loads((root / "report.json").read_bytes().decode("utf-8"))
    assert {item["path"] for item in items} == {"t\ufffd.yaml"}


@posix_bytes
def test_text_keeps_the_file_name_bytes(tmp_path: Path):
    result = run("check", cwd=project_with_a_byte_name(tmp_path))
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(NAME + b":3:3: IL102 ")


def test_closed_standard_output_is_one_line_and_exit_2(tmp_path: Path):
    (tmp_path / "template.yaml").write_text(sqs_consumer(20), encoding="utf-8")
    result = run("check", cwd=tmp_path, stdout=None, preexec_fn=lambda: os.close(1))
    assert result.returncode == 2
    assert (
        result.stderr == b"invokelint: error: cannot write the report: standard output is closed\n"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_full_standard_output_is_one_line_and_exit_2(tmp_path: Path):
    (tmp_path / "template.yaml").write_text(sqs_consumer(20), encoding="utf-8")
    with open("/dev/full", "wb") as full:
        result = run("check", cwd=tmp_path, stdout=full)
    assert result.returncode == 2
    expected = (
        b"invokelint: error: cannot write the report to standard output: No space left on device\n"
    )
    assert result.stderr == expected


def test_an_internal_error_whose_message_fails_is_still_one_line(monkeypatch, capsys, tmp_path):
    from invokelint import cli, engine

    class Unprintable(Exception):
        def __str__(self) -> str:
            raise RecursionError("maximum recursion depth exceeded")

    def explode(self, paths, overlays=None):
        raise Unprintable()

    monkeypatch.setattr(engine.Linter, "lint", explode)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "--exit-zero"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("invokelint: internal error: Unprintable:") and error.count("\n") == 1
