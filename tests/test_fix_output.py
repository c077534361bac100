"""Fixes in the reports: ruff's ``[*]`` and fixable count in text, ``fix`` in JSON, SARIF
``fixes`` (valid against the official schema) whose replacements are the real fix."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import REPO
from test_reporters import needs_schema, sarif_validator

from invokelint.cli import main
from invokelint.config import Config
from invokelint.engine import Linter
from invokelint.fixes.apply import apply_fixes

# IL103 (safe fix), IL302 (unsafe fix), IL302's AuthType NONE warning (no fix)
TEMPLATE = textwrap.dedent(
    """\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Orders:  # the queue
        Type: AWS::SQS::Queue
        Properties:
          VisibilityTimeout: 30
          RedrivePolicy:
            deadLetterTargetArn: !GetAtt Dlq.Arn
            maxReceiveCount: 5
      Dlq:
        Type: AWS::SQS::Queue
        Properties:
          MessageRetentionPeriod: 1209600
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: app.handler
          InlineCode: "def handler(event, context):\\n    return {'batchItemFailures': []}\\n"
          Timeout: 60
          FunctionUrlConfig:
            AuthType: NONE
            Cors:
              AllowCredentials: true
              AllowOrigins: ['*']
          Events:
            Orders:
              Type: SQS
              Properties:
                Queue: !GetAtt Orders.Arn
                FunctionResponseTypes: [ReportBatchItemFailures]
    """
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    return tmp_path


def findings(project: Path):
    return {
        d.code + ("" if d.fix else "-"): d for d in Linter(Config()).lint([Path(".")]).diagnostics
    }


def report(fmt: str, capsys: pytest.CaptureFixture, *options: str) -> str:
    main(["check", "--no-cache", "--format", fmt, *options, "."])
    return capsys.readouterr().out


def patched(text: str, parts: list[tuple[int, int, str]]) -> str:
    """``text`` with each (line, end_line, content) replacement, numbered as in ``text``."""
    lines = text.splitlines(keepends=True)
    for line, end_line, content in sorted(parts, reverse=True):
        lines[line - 1 : end_line - 1] = [content]
    return "".join(lines)


def test_the_findings_under_test(project: Path) -> None:
    found = findings(project)
    assert {"IL103", "IL302", "IL302-"} <= set(found)
    assert found["IL103"].fix.safety == "safe" and found["IL302"].fix.safety == "unsafe"


def test_text_marks_what_fix_fixes_and_counts_the_hidden(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    lines = report("concise", capsys).splitlines()
    il103 = next(line for line in lines if " IL103 " in line)
    assert " IL103 error: [*] queue 'Orders'" in il103
    # an unsafe fix is not applied by --fix: no mark, counted as hidden
    assert all("[*]" not in line for line in lines if " IL302 " in line)
    assert lines[-2].startswith("Found ")
    assert lines[-1] == (
        "[*] 1 fixable with the `--fix` option "
        "(1 hidden fix can be enabled with the `--unsafe-fixes` option)."
    )


def test_unsafe_fixes_alone_marks_unsafe_fixes_fixable(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    """ruff's contract: with ``--unsafe-fixes``, what it would fix counts as fixable; a
    finding with no fix stays unmarked, and nothing is written."""
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    lines = report("concise", capsys, "--unsafe-fixes").splitlines()
    il302 = [line for line in lines if " IL302 " in line]
    assert sum("[*]" in line for line in il302) == 1 and len(il302) == 2
    assert lines[-1] == "[*] 2 fixable with the `--fix` option."
    assert {path: path.read_bytes() for path in project.rglob("*") if path.is_file()} == before


def test_text_after_fix_says_what_only_unsafe_fixes_would_do(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    report("concise", capsys, "--fix")
    lines = report("concise", capsys)
    assert "[*]" not in "\n".join(lines.splitlines()[:-1])
    assert lines.splitlines()[-1] == (
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option)."
    )
    report("concise", capsys, "--fix", "--unsafe-fixes")
    assert report("concise", capsys).splitlines()[-1].startswith("Found ")


def test_json_fix_is_ruff_shaped_and_its_edit_is_the_fix(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    items = json.loads(report("json", capsys))
    by_code = {(i["code"], i["fix"] is None): i for i in items}
    assert by_code[("IL302", True)]["fix"] is None  # AuthType NONE: nothing to fix
    found = findings(project)
    for code, safety in (("IL103", "safe"), ("IL302", "unsafe")):
        fix = by_code[(code, False)]["fix"]
        assert fix["applicability"] == safety and fix["message"] == found[code].fix.title
        (edit,) = fix["edits"]
        assert edit["path"] == "template.yaml" and edit["column"] == edit["end_column"] == 1
        expected = apply_fixes(TEMPLATE, "template.yaml", [found[code].fix]).text
        assert expected != TEMPLATE
        parts = [(edit["line"], edit["end_line"], edit["content"])]
        assert patched(TEMPLATE, parts) == expected


def test_a_fix_in_two_places_is_two_replacements(tmp_path: Path, monkeypatch) -> None:
    """IL101 edits the queue and, far below, the function: what lies between is kept."""
    monkeypatch.chdir(tmp_path)
    text = (
        TEMPLATE.replace(
            "      RedrivePolicy:\n        deadLetterTargetArn: !GetAtt Dlq.Arn\n"
            "        maxReceiveCount: 5\n",
            "",
        )
        .replace(
            "      Timeout: 60\n",
            "      Timeout: 60\n      DeadLetterQueue:\n        Type: SQS\n"
            "        TargetArn: !GetAtt Dlq.Arn\n",
        )
        .replace(  # a function URL invokes it too: IL101 would not apply
            "      FunctionUrlConfig:\n        AuthType: NONE\n        Cors:\n"
            "          AllowCredentials: true\n          AllowOrigins: ['*']\n",
            "",
        )
    )
    (tmp_path / "template.yaml").write_text(text)
    from invokelint.reporters import ReportContext, get_reporter

    result = Linter(Config()).lint([Path(".")])
    items = json.loads(get_reporter("json")(result, ReportContext(cwd=tmp_path)))
    fix = next(i for i in items if i["code"] == "IL101")["fix"]
    inserted, removed = fix["edits"]
    assert inserted["line"] == inserted["end_line"] and "RedrivePolicy" in inserted["content"]
    assert removed["end_line"] - removed["line"] == 3 and removed["content"] == ""
    il101 = next(d for d in result.diagnostics if d.code == "IL101")
    parts = [(e["line"], e["end_line"], e["content"]) for e in fix["edits"]]
    assert patched(text, parts) == apply_fixes(text, "template.yaml", [il101.fix]).text


@needs_schema
def test_sarif_fixes_are_valid_and_replace_exactly_what_fix_would(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    log = json.loads(report("sarif", capsys))
    sarif_validator().validate(log)
    results = log["runs"][0]["results"]
    with_fix = {r["ruleId"]: r["fixes"] for r in results if "fixes" in r}
    assert set(with_fix) == {"IL103", "IL302"}
    found = findings(project)
    for code, (fix,) in with_fix.items():
        assert fix["description"]["text"] == found[code].fix.title
        assert fix["properties"]["applicability"] == found[code].fix.safety
        (change,) = fix["artifactChanges"]
        assert change["artifactLocation"]["uri"].endswith("template.yaml")
        (replacement,) = change["replacements"]
        region = replacement["deletedRegion"]
        assert region["startColumn"] == region["endColumn"] == 1
        text = replacement["insertedContent"]["text"]
        expected = apply_fixes(TEMPLATE, "template.yaml", [found[code].fix]).text
        assert patched(TEMPLATE, [(region["startLine"], region["endLine"], text)]) == expected


def test_a_fix_for_another_file_names_that_file(tmp_path: Path, monkeypatch) -> None:
    """IL402 reports the handler and fixes the template: the edit says which file."""
    monkeypatch.chdir(tmp_path)
    inline = next(line for line in TEMPLATE.splitlines(keepends=True) if "InlineCode" in line)
    template = TEMPLATE.replace(inline, "      CodeUri: src/\n").replace(
        "            FunctionResponseTypes: [ReportBatchItemFailures]\n", ""
    )
    (tmp_path / "template.yaml").write_text(template)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        "def handler(event, context):\n    return {'batchItemFailures': []}\n"
    )
    from invokelint.reporters import ReportContext, get_reporter

    result = Linter(Config()).lint([Path(".")])
    items = json.loads(get_reporter("json")(result, ReportContext(cwd=tmp_path)))
    il402 = next(i for i in items if i["code"] == "IL402")
    assert il402["path"] == os.path.join("src", "app.py")
    (edit,) = il402["fix"]["edits"]
    assert edit["path"] == "template.yaml"
    assert "FunctionResponseTypes" in edit["content"]


def test_the_text_report_never_runs_the_writer(project: Path) -> None:
    script = (
        "import sys\n"
        "from invokelint.cli import main\n"
        "main(['check', '--no-cache', '--format', sys.argv[1], '.'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('invokelint.')), file=sys.stderr)\n"
    )

    def modules(fmt: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", script, fmt],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        ).stderr

    assert "invokelint.reporters.fix_edits" not in modules("concise")
    assert "invokelint.reporters.fix_edits" in modules("json")


def test_a_cdk_assembly_offers_no_fix(tmp_path: Path, monkeypatch) -> None:
    """``cdk synth`` rewrites cdk.out: no [*], and --fix leaves the assembly alone."""
    app = tmp_path / "app"
    shutil.copytree(REPO / "fixtures" / "cdk" / "traced-app", app)
    monkeypatch.chdir(app)
    template = app / "cdk.out" / "OrdersStack.template.json"
    before = template.read_text()
    (finding,) = Linter(Config()).lint([Path("cdk.out")]).diagnostics
    assert finding.code == "IL103" and finding.fix is None
    assert main(["check", "--no-cache", "--fix", "cdk.out"]) == 1
    assert template.read_text() == before


def test_json_edit_lines_count_as_the_writer_does(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    """A raw U+2028 inside a JSON string is no line break to JSON, LSP or the writer
    (``str.splitlines`` breaks there), so the edit still names the line it changes."""
    (project / "template.yaml").unlink()
    text = (
        '{\n  "Description": "orders\u2028queue",\n  "Resources": {\n'
        '    "Orders": {\n      "Type": "AWS::SQS::Queue",\n'
        '      "Properties": {\n        "VisibilityTimeout": 30\n      }\n    },\n'
        '    "Worker": {\n      "Type": "AWS::Lambda::Function",\n      "Properties": {\n'
        '        "Runtime": "python3.12", "Handler": "app.handler", "Timeout": 60,\n'
        '        "Role": "arn:aws:iam::123456789012:role/worker",\n'
        '        "Code": {"ZipFile": "def handler(event, context):\\n    return None\\n"}\n'
        "      }\n    },\n"
        '    "Mapping": {\n      "Type": "AWS::Lambda::EventSourceMapping",\n'
        '      "Properties": {"FunctionName": {"Ref": "Worker"},\n'
        '        "EventSourceArn": {"Fn::GetAtt": ["Orders", "Arn"]}}\n    }\n  }\n}\n'
    )
    (project / "template.json").write_text(text, encoding="utf-8")
    items = json.loads(report("json", capsys))
    (il103,) = [i for i in items if i["code"] == "IL103"]
    (edit,) = il103["fix"]["edits"]
    line = text.split("\n").index('        "VisibilityTimeout": 30') + 1
    assert (edit["line"], edit["end_line"]) == (line, line + 1)
    assert edit["content"].strip().startswith('"VisibilityTimeout": 3')
