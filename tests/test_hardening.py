"""Issue 9: one bad file never hides the others, and no input crashes the process.

Each reproducer of the issue is fed as it was found (through the real command, in a
child process, so that a segmentation fault shows as a signal, not a hung test), each
new bound is fed an input just past it, and a fault injected into one unit of work (a
template, a handler module) must become that file's IL000 while every other file is
still reported.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import REPO, lint, run_cli, run_main, write_project

from invokelint import limits
from invokelint.code import nesting
from invokelint.config import Config
from invokelint.engine import Linter
from invokelint.frontends.cloudformation.template import as_int
from invokelint.frontends.loader import load_json, load_yaml

FUNCTION = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: {code_uri}
      Handler: {handler}
"""
HANDLER = "def handler(event, context):\n    return {}\n"


def _rule_target(value: str) -> str:
    return f"""\
Resources:
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 minute)
      Targets:
        - Id: t
          Arn: {value}
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      Principal: events.amazonaws.com
      FunctionName: {value}
"""


SELF_REFERENCE = """\
Resources:
  M:
    Type: AWS::ApiGateway::Method
    Properties:
      HttpMethod: GET
      Integration:
        Type: AWS_PROXY
        Uri: !Join ["", ["x", !Sub {"Fn::GetAtt": [M, Arn]}]]
"""

# name -> files of one project; each crashed invokelint before issue 9
REPRODUCERS: dict[str, dict[str, str]] = {
    "sub-with-number": {"template.yaml": _rule_target('!Sub ["${A}", 1]')},
    "sub-of-one-number": {"template.yaml": _rule_target("!Sub [1]")},
    "sub-of-a-mapping": {"template.yaml": _rule_target('!Sub {"Fn::GetAtt": [Rule, Arn]}')},
    "join-of-one": {"template.yaml": _rule_target("!Join [1]")},
    "self-reference": {"template.yaml": SELF_REFERENCE},
    "hex-function-name": {"template.yaml": _rule_target("0x" + "f" * 5000)},
    "json-4301-digits": {
        "template.json": '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": '
        '{"VisibilityTimeout": ' + "9" * 4301 + "}}}}"
    },
    "long-code-uri": {
        "template.yaml": FUNCTION.format(code_uri="a" * 300, handler="app.handler"),
        "src/app.py": HANDLER,
    },
    "long-handler": {
        "template.yaml": FUNCTION.format(code_uri="src/", handler="a" * 300 + ".handler"),
        "src/app.py": HANDLER,
    },
}
DEEP_CODE = {
    "brackets": "x = " + "[" * 3000 + "]" * 3000,
    "parentheses": "x = " + "(" * 3000 + "1" + ")" * 3000,
    "calls": "x = " + "f(" * 3000 + ")" * 3000,
    "not": "x = " + "not " * 20000 + "y",
    "minus": "x = " + "-" * 20000 + "y",
    "lambda": "x = " + "lambda: " * 20000 + "y",
    "power": "x = " + "**".join(["y"] * 20000),
    "await": "async def g():\n    return " + "await " * 20000 + "y",
    "attributes": "x = y" + ".a" * 20000,
    "f-string": 'x = f"{' + "-" * 20000 + 'y}"',
}
for _name, _code in DEEP_CODE.items():
    REPRODUCERS[f"deep-{_name}"] = {
        "template.yaml": FUNCTION.format(code_uri="src/", handler="app.handler"),
        "src/app.py": _code + "\n\n" + HANDLER,
    }


@pytest.fixture(scope="module")
def reproducers(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reproducers")
    for name, files in REPRODUCERS.items():
        write_project(root / name, files)
    return root


def test_every_reproducer_lints_cleanly_in_one_run(reproducers):
    """The real command over all of them: no signal, no internal error, no IL000/IL001,
    and every deeply nested module skipped with a count."""
    checked = run_cli("check", "--format", "json", ".", cwd=reproducers)
    assert checked.returncode in (0, 1), checked.stderr
    codes = {item["code"] for item in json.loads(checked.stdout)}
    assert not codes & {"IL000", "IL001"}
    statistics = run_cli("check", "--statistics", ".", cwd=reproducers)
    line = f"{len(DEEP_CODE)}\t-\tpython files nested too deeply to parse"
    assert line in statistics.stdout.splitlines()


@pytest.mark.parametrize("name", sorted(REPRODUCERS))
def test_reproducer_gives_no_internal_error(name, reproducers):
    result = lint(reproducers / name, select=["ALL"])
    found = {d.code for d in result.diagnostics}
    assert not found & {"IL000", "IL001"}, [d.message for d in result.diagnostics]
    assert result.checked


def test_a_long_handler_is_not_found_rather_than_an_error(reproducers):
    result = lint(reproducers / "long-handler", select=["IL002"])
    assert [d.code for d in result.diagnostics] == ["IL002"]


# ------------------------------------------------------------------------ bounds


def test_numbers_past_the_digit_bound_stay_text():
    at = "9" * limits.MAX_NUMBER_DIGITS
    past = "9" * (limits.MAX_NUMBER_DIGITS + 1)
    for load in (load_yaml, load_json):
        assert load(f"[{at}, {past}]").root == [int(at), past]
    assert as_int(at) == int(at)
    assert as_int(past) is not int(past) and not isinstance(as_int(past), int)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0x1F", 31),
        ("0o17", 15),
        ("017", 17),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("190:20:30", "190:20:30"),
        ("+nan", "+nan"),
        ("-0x1F", "-0x1F"),
        ("0x" + "f" * 5000, "0x" + "f" * 5000),
    ],
)
def test_numbers_follow_yaml_1_2_core(text, value):
    assert load_yaml(f"v: {text}").root["v"] == value


def _nested(weight: int) -> str:
    """An expression whose measured nesting is exactly ``weight``: one bracket, then
    ``-`` operators."""
    return "[" + "-" * (weight - nesting.BRACKET) + "y]\n"


def test_code_nesting_just_past_the_bound_is_not_parsed():
    assert nesting.too_deep(_nested(limits.MAX_CODE_NESTING)) is None
    assert "nests deeper than" in nesting.too_deep(_nested(limits.MAX_CODE_NESTING + 1))


def test_a_list_of_many_items_does_not_nest():
    items = ", ".join(f"-{n}" for n in range(5 * limits.MAX_CODE_NESTING))
    assert nesting.too_deep(f"x = [{items}]\n") is None


def test_fstring_fields_count_but_their_text_does_not():
    assert nesting.too_deep('x = f"' + "-" * 5000 + '{y}"\n') is None
    assert nesting.too_deep('x = f"{' + "-" * limits.MAX_CODE_NESTING + 'y}"\n') is not None


def test_blocks_just_past_the_indent_bound_are_not_parsed():
    def blocks(depth: int) -> str:
        return "".join(" " * i + "if x:\n" for i in range(depth)) + " " * depth + "pass\n"

    assert nesting.too_deep(blocks(limits.MAX_CODE_INDENT)) is None
    assert "blocks nested deeper" in nesting.too_deep(blocks(limits.MAX_CODE_INDENT + 1))


def test_code_the_tokenizer_cannot_read_is_reported_by_cpython(tmp_path):
    write_project(
        tmp_path,
        {
            "template.yaml": FUNCTION.format(code_uri="src/", handler="app.handler"),
            "src/app.py": 'x = """never closed\n' + HANDLER,
        },
    )
    result = lint(tmp_path, select=["IL001"])
    assert [d.code for d in result.diagnostics] == ["IL001"]
    assert result.diagnostics[0].path == "src/app.py"


# --------------------------------------------------------------------- isolation


def _broken_on(monkeypatch, module: str, name: str, marker: str) -> None:
    """Make ``module.name`` raise when its path argument mentions ``marker``."""
    import importlib

    target = importlib.import_module(module)
    original = getattr(target, name)

    def broken(*args, **kwargs):
        if any(marker in str(arg) for arg in args):
            raise KeyError("injected fault")
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, broken)


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """examples/, every reproducer, a template that does not parse and one that meets an
    injected bug, side by side in one folder (the issue's "Done when")."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    for name, files in REPRODUCERS.items():
        write_project(tmp_path / "reproducers" / name, files)
    write_project(
        tmp_path / "bad",
        {
            "broken/template.yaml": "Resources:\n  Q: {Type: AWS::SQS::Queue\n",
            "boom/template.yaml": "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
        },
    )
    _broken_on(monkeypatch, "invokelint.frontends.cloudformation", "build_model", "boom")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_one_bad_file_never_hides_the_others(folder, monkeypatch):
    alone = {
        (d.code, d.resource, d.location.line)
        for d in lint(folder / "examples", cwd=folder).diagnostics
    }
    assert alone
    status, out, err = run_main("check", "--format", "json", ".")
    assert status == 2, err
    found = json.loads(out)
    assert alone <= {
        (item["code"], item["resource"], item["line"])
        for item in found
        if item["path"].startswith("examples/")
    }
    failures = sorted((item["path"], item["code"]) for item in found if item["code"] < "IL002")
    assert failures == [
        ("bad/boom/template.yaml", "IL000"),
        ("bad/broken/template.yaml", "IL001"),
    ]
    il000 = next(item for item in found if item["code"] == "IL000")
    assert "KeyError" in il000["message"] and "INVOKELINT_DEBUG=1" in il000["message"]


def test_a_bug_in_one_handler_module_is_that_module_s_il000(tmp_path, monkeypatch):
    write_project(
        tmp_path,
        {
            "template.yaml": FUNCTION.format(code_uri="src/", handler="app.handler")
            + "      Events:\n        Q:\n          Type: SQS\n"
            "          Properties: {Queue: !GetAtt Queue.Arn}\n"
            "  Queue:\n    Type: AWS::SQS::Queue\n",
            "src/app.py": HANDLER,
        },
    )
    import invokelint.code.interpret as interpret

    def broken(*args, **kwargs):
        raise ValueError("injected fault")

    monkeypatch.setattr(interpret, "handler_facts", broken)
    result = lint(tmp_path)
    by_code = {d.code: d for d in result.diagnostics}
    assert by_code["IL000"].path == "src/app.py"
    assert "ValueError" in by_code["IL000"].message
    assert "IL102" in by_code  # the template's own findings are still there
    assert result.failed == ["src/app.py"]


def test_ignoring_il000_lets_the_run_pass(folder):
    shutil.rmtree(folder / "bad" / "broken")
    status, out, _ = run_main("check", "--ignore", "IL000", "--format", "json", ".")
    assert status == 1
    assert "IL000" not in {item["code"] for item in json.loads(out)}


def test_il000_is_reported_whatever_is_selected(folder):
    status, out, _ = run_main("check", "--select", "IL103", "--format", "json", "bad")
    assert status == 2
    assert {item["code"] for item in json.loads(out)} == {"IL000", "IL001"}


def test_debug_lets_the_exception_through(folder, monkeypatch):
    monkeypatch.setenv("INVOKELINT_DEBUG", "1")
    with pytest.raises(KeyError, match="injected fault"):
        run_main("check", "bad/boom")


# ------------------------------------------------------------ editor buffers (overlays)


def test_an_editor_buffer_past_the_file_bound_is_not_parsed(tmp_path):
    template = write_project(tmp_path, {"template.yaml": "Resources: {}\n"}) / "template.yaml"
    text = "Resources:\n" + "#" * limits.MAX_FILE_BYTES + "\n"
    result = Linter(Config(), cwd=tmp_path).lint([tmp_path], overlays={template: text})
    [problem] = result.diagnostics
    assert problem.code == "IL001" and "larger than" in problem.message


def test_a_handler_buffer_past_the_module_bound_is_not_analysed(tmp_path):
    root = write_project(
        tmp_path,
        {
            "template.yaml": FUNCTION.format(code_uri="src/", handler="app.handler"),
            "src/app.py": HANDLER,
        },
    )
    huge = HANDLER.replace("def handler", "def other") + "#" * limits.MAX_SOURCE_BYTES
    linter = Linter(Config(select=("IL002",)), cwd=root)
    assert not linter.lint([root], overlays={root / "src/app.py": HANDLER}).diagnostics
    # past the bound the buffer is not read: its missing handler is not reported either
    assert not linter.lint([root], overlays={root / "src/app.py": huge}).diagnostics
    small = HANDLER.replace("def handler", "def other")
    [missing] = linter.lint([root], overlays={root / "src/app.py": small}).diagnostics
    assert missing.code == "IL002"


# ------------------------------------------------- code paths that must never be opened


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_fifos_and_symlink_loops_as_code_are_never_opened(tmp_path):
    """A FIFO as CodeUri or as the handler module would block a read forever."""
    root = write_project(
        tmp_path,
        {
            "template.yaml": FUNCTION.format(code_uri="pipe.py", handler="pipe.handler")
            + "  Looped:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      Runtime: python3.12\n      CodeUri: src/\n      Handler: loop.handler\n"
            "  Piped:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      Runtime: python3.12\n      CodeUri: src/\n      Handler: fifo.handler\n",
            "src/other.py": HANDLER,
        },
    )
    os.mkfifo(root / "pipe.py")
    os.mkfifo(root / "src" / "fifo.py")
    os.symlink("loop.py", root / "src" / "loop.py")
    result = run_cli("check", "--format", "json", ".", cwd=root, timeout=60)
    assert result.returncode == 1, result.stderr
    found = {(item["code"], item["resource"]) for item in json.loads(result.stdout)}
    assert not {code for code, _ in found} & {"IL000", "IL001"}
    # a link loop is no file Lambda could import: not found; a FIFO exists but is refused
    # with a warning (never opened), not reported as missing
    assert ("IL002", "Looped") in found and ("IL002", "Piped") not in found
    assert "src/fifo.py: not read: it is a FIFO" in result.stderr
    assert ("IL002", "Fn") not in found  # a FIFO as the code location: the code is not here
