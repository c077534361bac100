"""Property-based fuzzing: mutants of every fixture never break a run (issue 9).

Every file under ``fixtures/`` and ``examples/`` (templates and handler modules) is
mutated the way careless users and attackers do: lines deleted, duplicated or swapped,
values replaced by lists, mappings, null, huge or negative numbers, booleans and
intrinsic functions of the wrong arity or referring to their own resource, text cut
short, random bytes inserted. Each mutant is linted beside an untouched copy of
``examples/``, through ``Linter`` and through the command (in-process and, for a few,
in a child process). Invariants: no exception escapes and no file gets IL000, the exit
status is 0, 1 or 2, nothing on disk changes, and ``examples/`` is reported in full.

The suite runs the bounded, derandomized ``ci`` profile (tests/conftest.py); for a
longer local hunt: ``pytest -m fuzz --hypothesis-profile=long``.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import REPO, run_cli, run_main
from hypothesis import given
from hypothesis import strategies as st

from invokelint.config import Config
from invokelint.engine import Linter

pytestmark = pytest.mark.fuzz

TEXT_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".py")


def _units() -> list[tuple[Path, str]]:
    """(fixture file or project folder, the file inside it to mutate)."""
    units = []
    for path in sorted([*(REPO / "fixtures").glob("*/*"), REPO / "examples"]):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            units.append((path, path.name))
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and file.suffix in TEXT_SUFFIXES:
                    units.append((path, file.relative_to(path).as_posix()))
    return units


UNITS = _units()

# What a value may become. YAML first; JSON files get the JSON spelling.
YAML_VALUES = [
    "[]",
    "[1, [2, [3]]]",
    "{}",
    "{a: {b: c}}",
    "null",
    "~",
    "9" * 5000,
    "-1",
    "-99999999999999999999",
    "0x" + "f" * 300,
    "0o777",
    "1_000",
    "190:20:30",
    "true",
    "no",
    "1e999",
    ".nan",
    '""',
    '"${Oops"',
    "x" * 10000,
    "!Sub [1]",
    '!Sub ["${A}", 1]',
    '!Sub ["${A}", {A: !Sub [1]}, 3]',
    '!Sub {"Fn::GetAtt": [X, Arn]}',
    "!Join [1]",
    '!Join ["", !Sub [1]]',
    '!Join [",", [!Join [1], 2, null]]',
    "!GetAtt x",
    "!GetAtt [a, b, c]",
    "!Select [99]",
    "!If [c]",
    "!Ref",
    "!Ref [a, b]",
    "!Split 7",
    "!FindInMap []",
    "!Base64 {a: 1}",
    "!ImportValue [x]",
    "!Condition 1",
    "!Unknown tag",
]
JSON_VALUES = [
    "[]",
    "{}",
    "null",
    "9" * 5000,
    "-1",
    "1e999",
    "true",
    '"' + "x" * 10000 + '"',
    '{"Fn::Sub": [1]}',
    '{"Fn::Sub": ["${A}", 1]}',
    '{"Fn::Sub": {"Fn::GetAtt": ["X", "Arn"]}}',
    '{"Fn::Join": [1]}',
    '{"Fn::Join": ["", {"Fn::Sub": [1]}]}',
    '{"Fn::GetAtt": "x"}',
    '{"Fn::Select": [99]}',
    '{"Fn::If": ["c"]}',
    '{"Ref": ["a"]}',
    '{"Ref": null}',
]
PYTHON_LINES = [
    "x = " + "(" * 1500 + ")" * 1500,
    "x = " + "not " * 5000 + "y",
    "x = y" + ".a" * 5000,
    "x = " + "-" * 5000 + "y",
    "def handler(event, context, extra):",
    "    return {'statusCode': 200, 'headers': " + "[" * 150 + "]" * 150 + "}",
    "import " + "a." * 200 + "b",
    "from . import *",
    "async def handler(event):",
    "    raise",
    "\x00",
]
VALUE = re.compile(r"^(\s*(?:-\s+)?\"?[\w:.-]+\"?\s*:\s*)(\S.*?)(,?\s*)$")
LOGICAL_ID = re.compile(r"^  \"?([A-Za-z0-9]+)\"?\s*:", re.MULTILINE)


@st.composite
def mutants(draw: st.DrawFn) -> tuple[Path, str, bytes]:
    """A fixture, the file in it to change, and its mutated content (1-3 mutations)."""
    source, relative = draw(st.sampled_from(UNITS))
    file = source / relative if source.is_dir() else source
    text = file.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        text = _mutate(draw, text, file.suffix)
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # random bytes (the file may stop being UTF-8)
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    return source, relative, data


def _mutate(draw: st.DrawFn, text: str, suffix: str) -> str:
    lines = text.splitlines(keepends=True) or ["\n"]
    index = draw(st.integers(0, len(lines) - 1))
    operation = draw(st.sampled_from(["delete", "duplicate", "swap", "value", "truncate"]))
    if operation == "delete":
        del lines[index]
    elif operation == "duplicate":
        lines.insert(index, lines[index])
    elif operation == "swap":
        other = draw(st.integers(0, len(lines) - 1))
        lines[index], lines[other] = lines[other], lines[index]
    elif operation == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    elif suffix == ".py":
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        lines[index] = indent + draw(st.sampled_from(PYTHON_LINES)) + "\n"
    else:
        lines[index] = _replace_value(draw, lines[index], text, suffix == ".json")
    return "".join(lines)


def _replace_value(draw: st.DrawFn, line: str, text: str, is_json: bool) -> str:
    match = VALUE.match(line)
    if match is None:
        return line
    ids = LOGICAL_ID.findall(text) or ["Missing"]
    own = draw(st.sampled_from(ids))  # a reference to a resource, possibly its own
    if is_json:
        choices = [*JSON_VALUES, f'{{"Ref": "{own}"}}', f'{{"Fn::GetAtt": ["{own}", "Arn"]}}']
    else:
        choices = [*YAML_VALUES, f"!Ref {own}", f"!GetAtt {own}.Arn", f'!Sub "${{{own}.Arn}}"']
    return match.group(1) + draw(st.sampled_from(choices)) + match.group(3).rstrip() + "\n"


# ------------------------------------------------------------------------ harness


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Iterator[tuple[Path, set[tuple]]]:
    """A folder holding a copy of examples/, and what examples/ reports alone."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(REPO / "examples", root / "examples")
    alone = Linter(Config(), cwd=root).lint([root / "examples"])
    yield root, {_key(d) for d in alone.diagnostics}


def _key(diagnostic) -> tuple:
    return (diagnostic.code, diagnostic.path, diagnostic.location.line, diagnostic.message)


@contextmanager
def _mutant(root: Path, source: Path, relative: str, data: bytes) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="mutant-", dir=root))
    try:
        if source.is_dir():
            shutil.copytree(source, folder / "project")
            target = folder / "project" / relative
        else:
            target = folder / "project" / relative
            target.parent.mkdir(parents=True)
        target.write_bytes(data)
        yield folder / "project"
    finally:
        shutil.rmtree(folder)


def _snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    state = {}
    for folder in folders:
        for path in folder.rglob("*"):
            info = path.lstat()
            state[str(path)] = (info.st_size, info.st_mtime_ns)
    return state


def _checked(root: Path, project: Path, run: Callable[[], set[tuple]], alone: set[tuple]) -> None:
    before = _snapshot(project, root / "examples")
    examples_found = run()
    assert _snapshot(project, root / "examples") == before, "a file was written"
    missing, extra = alone - examples_found, examples_found - alone
    assert not missing and not extra, f"examples/ beside the mutant: lost {missing}, got {extra}"


@contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


# -------------------------------------------------------------------------- tests


@given(mutant=mutants())
def test_mutants_through_the_linter(workspace, mutant):
    root, alone = workspace
    source, relative, data = mutant
    with _mutant(root, source, relative, data) as project:

        def run() -> set[tuple]:
            result = Linter(Config(), cwd=root).lint([project, root / "examples"])
            internal = [d for d in result.diagnostics if d.code == "IL000"]
            assert not internal, internal[0].message
            return {_key(d) for d in result.diagnostics if d.path.startswith("examples/")}

        _checked(root, project, run, alone)


@given(mutant=mutants(), output=st.sampled_from(["json", "text", "sarif", "github", "junit"]))
def test_mutants_through_the_command(workspace, mutant, output):
    root, alone = workspace
    source, relative, data = mutant
    with _mutant(root, source, relative, data) as project, _cwd(root):
        project_arg = project.relative_to(root).as_posix()
        status, out, err = run_main("check", "--format", output, project_arg, "examples")
        assert status in (0, 1, 2)
        assert "internal error" not in err + out, err or out

        def run() -> set[tuple]:
            status, out, _ = run_main("check", "--format", "json", project_arg, "examples")
            assert status in (0, 1, 2)
            return {
                (item["code"], item["path"], item["line"], item["message"])
                for item in json.loads(out)
                if item["path"].startswith("examples/")
            }

        _checked(root, project, run, alone)


def test_mutants_through_a_real_process(workspace):
    """A handful of mutants (seeded) in one folder, through the installed command."""
    root, _ = workspace
    seeded = random.Random(9)
    folder = Path(tempfile.mkdtemp(prefix="process-", dir=root))
    try:
        for number in range(12):
            source, relative = seeded.choice(UNITS)
            file = source / relative if source.is_dir() else source
            lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
            if lines:
                del lines[seeded.randrange(len(lines))]
            values = PYTHON_LINES if file.suffix == ".py" else YAML_VALUES
            lines.insert(seeded.randrange(len(lines) + 1), f"x: {seeded.choice(values)}\n")
            target = folder / f"m{number}" / relative
            if source.is_dir():
                shutil.copytree(source, folder / f"m{number}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("".join(lines), encoding="utf-8")
        shutil.copytree(REPO / "examples", folder / "examples")
        result = run_cli("check", "--format", "json", ".", cwd=folder)
        assert result.returncode in (0, 1, 2), result.stderr
        assert "internal error" not in result.stderr
        found = json.loads(result.stdout)
        assert "IL000" not in {item["code"] for item in found}
        assert any(item["path"].startswith("examples/") for item in found)
    finally:
        shutil.rmtree(folder)
