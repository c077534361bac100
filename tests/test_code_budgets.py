"""Handler analysis that cannot blow up: every value, handler and run is bounded.

Each reproducer of issue 16 runs in a child limited to 20 s and 2 GiB (``run_cli_bounded``),
so a regression fails fast; the unit tests pin each bound at the place it is enforced.
"""

from __future__ import annotations

import textwrap
import zipfile
import zlib
from pathlib import Path

import pytest
from helpers import codes, lint, run_cli_bounded, write_project

from invokelint import limits
from invokelint.code import budget as budgets
from invokelint.code import interpret, ir, roots
from invokelint.code.facts import HandlerFacts
from invokelint.code.roots import InlineRoot, LineMap
from invokelint.code.values import Opaque, Text, joined

SQS_WORKER = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: {code}
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
"""

FRESH_WRITE = """\
import uuid
import boto3

table = boto3.resource("dynamodb").Table("orders")


def handler(event, context):
    table.put_item(Item={"id": str(uuid.uuid4())})
"""


def worker(tmp_path: Path, code: dict[str, str], code_uri: str = "src/") -> Path:
    files = {"template.yaml": SQS_WORKER.format(code=code_uri)}
    files.update({f"src/{name}": text for name, text in code.items()})
    return write_project(tmp_path, files)


# ------------------------------------------------------------------ reproducers (CLI)


def test_chained_subscripts_are_a_counted_note_not_a_traceback(tmp_path: Path):
    chain = "x = event" + "['a']" * 600
    worker(tmp_path, {"app.py": f"def handler(event, context):\n    {chain}\n    return x\n"})
    result = run_cli_bounded("check", "--exit-zero", "--statistics", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert f"1\t-\t{budgets.TOO_DEEP}" in result.stdout.splitlines()


def test_chained_subscripts_do_not_stop_the_editor_from_linting(tmp_path: Path):
    from invokelint.workspace import Projects

    chain = "x = event" + "['a']" * 600
    code = f"def handler(event, context):\n    {chain}\n    return x\n"
    root = worker(tmp_path, {"app.py": code})
    project = Projects([root]).lint(root, {})
    assert "IL102" in {d.code for d in project.files[root / "template.yaml"]}


def test_f_string_doubling_stays_small(tmp_path: Path):
    lines = [f"    a{i} = f'{{a{i - 1}}}{{a{i - 1}}}'" for i in range(1, 40)]
    code = FRESH_WRITE.replace(
        '    table.put_item(Item={"id": str(uuid.uuid4())})',
        "    a0 = 'ab'\n" + "\n".join(lines) + "\n    table.put_item(Item={'id': a39})",
    )
    worker(tmp_path, {"app.py": code})
    result = run_cli_bounded("check", "--exit-zero", cwd=tmp_path, memory=1024**3)
    assert result.returncode == 0, result.stderr[-500:]


# --------------------------------------------------------------- values of the interpreter


def test_a_string_past_the_text_budget_is_unknown():
    half = Text.literal("a" * (limits.MAX_TEXT_CHARS // 2))
    assert isinstance(joined([half, half]), Text)
    fresh = Opaque(fresh=True)
    past = joined([half, half, "b", fresh])
    assert isinstance(past, Opaque)
    assert past.fresh  # what is known of the pieces survives


def _module(function: ir.Function) -> interpret.LoadedModule:
    module = ir.Module({"handler": function}, {}, {}, {"handler": (1, 5, 1, 12)})
    return interpret.LoadedModule(module, "index", False, LineMap("index.py"))


def test_expressions_nested_past_the_recursion_limit_are_unknown():
    chain: ir.Expr = ir.Name("event")
    for _ in range(5_000):  # far deeper than Python's recursion limit
        chain = ir.Subscript(chain, ir.Const("a"))
    parameters = ir.Parameters(("event", "context"), 2, False, (), "(event, context)")
    function = ir.Function(
        "handler",
        (1, 5, 1, 12),
        parameters,
        (),
        False,
        assigns={"x": (chain,)},
        returns=(ir.Return(ir.Name("x"), (3, 5, 3, 13)),),
    )
    loader = interpret.Loader(InlineRoot("", LineMap("index.py")))
    facts = interpret.handler_facts(loader, _module(function), "handler", {})
    assert [shape.kind for shape in facts.returns] == ["unknown"]


def facts(result, name: str = "Worker") -> HandlerFacts:
    model = result.models[0]
    return model.handlers[model.resources[name]]


def test_a_collection_past_the_item_budget_is_unknown(tmp_path: Path):
    filler = ", ".join(f'"k{i}": {i}' for i in range(limits.MAX_COLLECTION_ITEMS))
    small = FRESH_WRITE
    large = FRESH_WRITE.replace('Item={"id"', f"Item={{{filler}, " + '"id"')
    worker(tmp_path / "small", {"app.py": small})
    worker(tmp_path / "large", {"app.py": large})
    assert "IL401" in codes(lint(tmp_path / "small"))
    assert "IL401" not in codes(lint(tmp_path / "large"))


def test_steps_past_the_handler_budget_make_values_unknown(tmp_path, monkeypatch):
    worker(tmp_path, {"app.py": FRESH_WRITE})
    assert "IL401" in codes(lint(tmp_path))
    monkeypatch.setattr(interpret, "MAX_STEPS_PER_HANDLER", 3)
    result = lint(tmp_path)
    assert "IL401" not in codes(result)
    assert result.statistics[budgets.STEPS] == 1


# ------------------------------------------------------------------- budgets of a run


def test_code_past_the_run_byte_budget_is_not_analysed(tmp_path, monkeypatch):
    helpers = {f"m{i}.py": f"X = {i}\n" + "Y = 1\n" * 2_000 for i in range(20)}
    imports = "".join(f"import m{i}\n" for i in range(20))
    uses = "".join(f"    print(m{i}.X)\n" for i in range(20))
    app = imports + FRESH_WRITE.replace(
        "def handler(event, context):\n", "def handler(event, context):\n" + uses
    )
    worker(tmp_path, {"app.py": app, **helpers})
    monkeypatch.setattr(limits, "MAX_PROJECT_CODE_BYTES", 30_000)
    result = lint(tmp_path)
    assert result.statistics[budgets.BYTES] == 18  # app.py and two helpers fit
    assert result.statistics["python files parsed"] <= 3
    assert any("MAX_PROJECT_CODE_BYTES" in warning for warning in result.warnings)
    assert "IL401" in codes(result)  # the handler itself was read


def test_modules_past_the_run_module_budget_are_not_analysed(tmp_path, monkeypatch):
    app = "from helper import save\n" + FRESH_WRITE + "    save(event)\n"
    worker(tmp_path, {"app.py": app, "helper.py": "def save(item):\n    pass\n"})
    monkeypatch.setattr(limits, "MAX_PROJECT_MODULES", 1)
    result = lint(tmp_path)
    assert result.statistics[budgets.MODULES] == 1
    assert any("MAX_PROJECT_MODULES" in warning for warning in result.warnings)


def test_a_spent_time_budget_stops_reading_handlers(tmp_path, monkeypatch):
    worker(tmp_path, {"app.py": FRESH_WRITE})
    monkeypatch.setattr(limits, "MAX_CODE_SECONDS", -1.0)
    result = lint(tmp_path)
    assert "IL401" not in codes(result)
    assert result.statistics[budgets.TIME] >= 1
    assert any("MAX_CODE_SECONDS" in warning for warning in result.warnings)


INLINE = """\
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code:
        ZipFile: |
{code}
"""


def test_inline_code_has_the_module_size_bound(tmp_path, monkeypatch):
    code = textwrap.indent(FRESH_WRITE + "# padding\n" * 100, " " * 10)
    write_project(tmp_path, {"template.yaml": INLINE.format(code=code)})
    assert isinstance(facts(lint(tmp_path)), HandlerFacts)
    monkeypatch.setattr(roots, "MAX_SOURCE_BYTES", 1_000)
    result = lint(tmp_path)
    assert result.models[0].resources["Worker"] not in result.models[0].handlers
    assert result.statistics[budgets.TOO_LARGE] == 1


# ---------------------------------------------------------------- damaged deployment packages


def _corrupt_zip(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", FRESH_WRITE * 20)
    data = bytearray(path.read_bytes())
    start = data.index(b"app.py") + len("app.py")  # the deflate stream follows the name
    data[start + 10 : start + 40] = b"\xff" * 30
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive, pytest.raises(zlib.error):
        archive.read("app.py")  # the reproducer really is a corrupt deflate stream


def test_a_corrupt_deflate_stream_is_one_il001_and_the_others_are_reported(tmp_path):
    write_project(tmp_path / "a", {"template.yaml": SQS_WORKER.format(code="dist/w.zip")})
    _corrupt_zip(tmp_path / "a" / "dist" / "w.zip")
    worker(tmp_path / "b", {"app.py": FRESH_WRITE})
    result = run_cli_bounded("check", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr
    import json

    found = {(item["path"], item["code"]) for item in json.loads(result.stdout)}
    assert ("a/dist/w.zip/app.py", "IL001") in found
    assert ("b/src/app.py", "IL401") in found
