"""Fixes as data and the YAML/JSON writer: only the edited lines change."""

from __future__ import annotations

import difflib
import textwrap
from pathlib import Path

from invokelint.config import Config
from invokelint.engine import Linter
from invokelint.fixes import Edit, Fix
from invokelint.fixes.apply import apply_fixes
from invokelint.model import Location

SAM = textwrap.dedent(
    """\
    # top comment
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Orders:   # the queue
        Type: AWS::SQS::Queue
      Other: &other
        Type: AWS::SQS::Queue
        Properties: {VisibilityTimeout: 30, MessageRetentionPeriod: 60}  # flow
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: app.handler
          CodeUri: src/
          Timeout: 60
          Events:
            Orders:
              Type: SQS
              Properties:
                Queue: !GetAtt Orders.Arn   # keep
            Other:
              Type: SQS
              Properties:
                Queue: !GetAtt 'Other.Arn'
    """
)


def lint(path: Path):
    return Linter(Config()).lint([path], {}).diagnostics


def fix_file(path: Path, unsafe: bool = False) -> str:
    fixes = [d.fix for d in lint(path) if d.fix is not None and (unsafe or d.fix.safety == "safe")]
    outcome = apply_fixes(path.read_bytes().decode(), str(path), fixes)
    assert not outcome.dropped, outcome.dropped
    return outcome.text


def changes(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def test_yaml_insert_and_flow_set_change_only_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(SAM)
    fixed = fix_file(path)
    removed, added = changes(SAM, fixed)
    assert removed == [
        "    Properties: {VisibilityTimeout: 30, MessageRetentionPeriod: 60}  # flow"
    ]
    assert "    Properties: {VisibilityTimeout: 360, MessageRetentionPeriod: 60}  # flow" in added
    assert "    Properties:" in added and "      VisibilityTimeout: 360" in added
    # the insertion sits under Orders, after its one-line Type
    orders = "  Orders:   # the queue\n    Type: AWS::SQS::Queue\n"
    assert orders + "    Properties:\n      VisibilityTimeout: 360\n" in fixed
    path.write_text(fixed)
    assert not [d for d in lint(path) if d.code == "IL103"]
    assert fix_file(path) == fixed  # a second fix changes nothing


def test_json_keeps_indentation_and_key_order(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        {
          "Resources": {
            "Orders": {
              "Type": "AWS::SQS::Queue",
              "Properties": {
                "VisibilityTimeout": 30
              }
            },
            "Worker": {
              "Type": "AWS::Lambda::Function",
              "Properties": {"Runtime": "python3.12", "Handler": "index.handler",
                "Role": "arn:aws:iam::123456789012:role/w", "Timeout": 60,
                "Code": {"ZipFile": "def handler(e, c):\\n    return None\\n"}}
            },
            "Map": {
              "Type": "AWS::Lambda::EventSourceMapping",
              "Properties": {
                "FunctionName": {"Ref": "Worker"},
                "EventSourceArn": {"Fn::GetAtt": ["Orders", "Arn"]}
              }
            }
          }
        }
        """
    )
    path = tmp_path / "template.json"
    path.write_text(text)
    fixed = fix_file(path)
    removed, added = changes(text, fixed)
    assert removed == ['        "VisibilityTimeout": 30']
    assert added == ['        "VisibilityTimeout": 360']


def test_value_behind_a_parameter_gets_no_fix(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        SAM.replace("Timeout: 60", "Timeout: !Ref T").replace(
            "Resources:", "Parameters:\n  T:\n    Type: Number\nResources:", 1
        )
    )
    assert not [d for d in lint(path) if d.fix is not None and d.code == "IL103"]


def test_a_fix_that_cannot_be_written_exactly_is_dropped(tmp_path: Path) -> None:
    text = (
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      RedrivePolicy: '{\"maxReceiveCount\": 1}'\n"
    )
    anchor = Location("t.yaml", 5, 7, 5, 20)
    fix = Fix((Edit(anchor, ("maxReceiveCount",), 5),))
    outcome = apply_fixes(text, "t.yaml", [fix])
    assert outcome.text == text
    assert outcome.dropped and "not a mapping" in outcome.dropped[0][1]


def test_a_broken_result_is_dropped() -> None:
    # Items is a list: a property cannot be set inside it
    text = "Resources:\n  Q:\n    Items:\n      - A: 1\n        B: 2\n"
    fix = Fix((Edit(Location("t.yaml", 3, 5, 3, 10), ("C",), 3),))
    outcome = apply_fixes(text, "t.yaml", [fix])
    assert outcome.text == text and outcome.dropped


def test_editor_edit_replaces_only_the_changed_lines(tmp_path: Path) -> None:
    from invokelint.fixes.editor import fix_edit

    path = tmp_path / "template.yaml"
    path.write_text(SAM)
    lines = SAM.splitlines(keepends=True)
    edits = []
    for diagnostic in [d for d in lint(path) if d.code == "IL103"]:
        edit = fix_edit(diagnostic, SAM)
        assert edit is not None and edit.safety == "safe"
        patched = "".join([*lines[: edit.start], edit.text, *lines[edit.end :]])
        assert patched == apply_fixes(SAM, str(path), [diagnostic.fix]).text != SAM
        edits.append(edit)
    flow = next(e for e in edits if "{VisibilityTimeout: 360" in e.text)
    assert flow.end - flow.start == 1 and flow.text.count("\n") == 1
    insert = next(e for e in edits if e is not flow)
    assert insert.start == insert.end  # a pure insertion replaces no line


def test_windows_line_endings_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_bytes(SAM.replace("\n", "\r\n").encode())
    fixed = fix_file(path)
    assert "\r\n    Properties:\r\n      VisibilityTimeout: 360\r\n" in fixed
    assert "\n" not in fixed.replace("\r\n", "")


def test_an_anchored_mapping_shared_by_an_alias_is_not_edited() -> None:
    text = (
        "Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: &props\n"
        "      VisibilityTimeout: 30\n  B:\n    Type: AWS::SQS::Queue\n"
        "    Properties: *props\n"
    )
    fix = Fix((Edit(Location("t.yaml", 5, 7, 5, 28), (), 360, key="VisibilityTimeout"),))
    outcome = apply_fixes(text, "t.yaml", [fix])
    assert outcome.text == text and "more than the fix's edits" in outcome.dropped[0][1]


def test_a_line_separator_inside_a_json_string_does_not_shift_the_edit() -> None:
    # JSON allows U+2028 raw in a string; str.splitlines would count it as a line break
    text = (
        '{\n  "Description": "a\u2028b",\n  "Resources": {\n    "Q": {\n'
        '      "Type": "AWS::SQS::Queue",\n      "Properties": {"VisibilityTimeout": 30}\n'
        "    }\n  }\n}\n"
    )
    fix = Fix((Edit(Location("t.json", 6, 22, 6, 46), (), 360, key="VisibilityTimeout"),))
    outcome = apply_fixes(text, "t.json", [fix])
    assert not outcome.dropped
    assert outcome.text == text.replace('"VisibilityTimeout": 30', '"VisibilityTimeout": 360')


def test_removing_an_entry_keeps_the_comment_above_the_next_one() -> None:
    text = (
        "Resources:\n  M:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n"
        "      DestinationConfig:\n        OnFailure:\n          Destination: arn:x\n"
        "\n      # the next one\n      Enabled: true\n"
    )
    fix = Fix(
        (Edit(Location("t.yaml", 5, 7, 7, 30), (), remove=True, key="DestinationConfig"),),
        "unsafe",
    )
    outcome = apply_fixes(text, "t.yaml", [fix])
    assert not outcome.dropped
    assert outcome.text == text.replace(
        "      DestinationConfig:\n        OnFailure:\n          Destination: arn:x\n", ""
    )


def _queues(count: int) -> str:
    """``count`` queues, each hiding messages for less than its consumer may run."""
    lines = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for i in range(count):
        lines += [
            f"  Queue{i}:  # queue {i}",
            "    Type: AWS::SQS::Queue",
            "    Properties:",
            "      VisibilityTimeout: 30",
            f"  Worker{i}:",
            "    Type: AWS::Serverless::Function",
            "    Properties: {Runtime: python3.12, Handler: app.handler, Timeout: 60,",
            f"      Events: {{Q: {{Type: SQS, Properties: {{Queue: !GetAtt Queue{i}.Arn}}}}}}}}",
        ]
    return "\n".join(lines) + "\n"


def test_many_fixes_are_written_in_one_pass(tmp_path: Path, monkeypatch) -> None:
    """Fixes apart from each other cost one check between them, not three parses each
    (100 IL103 fixes on 3,000 resources took a minute)."""
    import invokelint.fixes.apply as apply

    path = tmp_path / "template.yaml"
    path.write_text(_queues(40))
    fixes = [d.fix for d in lint(path) if d.code == "IL103" and d.fix is not None]
    assert len(fixes) == 40
    parses = []
    real = apply.load_yaml
    monkeypatch.setattr(apply, "load_yaml", lambda text: parses.append(1) or real(text))
    outcome = apply_fixes(path.read_text(), str(path), fixes)
    assert len(outcome.applied) == 40 and not outcome.dropped
    assert len(parses) <= 2
    assert outcome.text.count("VisibilityTimeout: 360") == 40
    assert outcome.text.count("# queue") == 40


def test_a_failing_batch_falls_back_to_one_fix_at_a_time(tmp_path: Path, monkeypatch) -> None:
    """When the fixes written together fail the check, each is tried alone: a bad fix
    costs only itself."""
    import invokelint.fixes.apply as apply

    path = tmp_path / "template.yaml"
    path.write_text(_queues(3))
    fixes = [d.fix for d in lint(path) if d.code == "IL103" and d.fix is not None]
    monkeypatch.setattr(apply, "_write_together", lambda *args: None)
    one_at_a_time = apply_fixes(path.read_text(), str(path), fixes)
    monkeypatch.undo()
    together = apply_fixes(path.read_text(), str(path), fixes)
    assert one_at_a_time.text == together.text
    assert len(one_at_a_time.applied) == len(together.applied) == 3


def test_every_fixture_fix_is_applied_or_dropped_never_raises() -> None:
    """A fix whose partial result does not parse (an edit after a multi-line short tag) is
    dropped with its reason; the JSON and SARIF reports, which compute every fix's edit,
    once crashed on one."""
    repo = Path(__file__).resolve().parent.parent
    templates = [
        path
        for folder in ("sam", "cfn", "serverless")
        for path in sorted((repo / "fixtures" / folder).rglob("*"))
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file()
    ]
    tried = 0
    for path in templates:
        by_file: dict[str, list[Fix]] = {}
        for d in lint(path):
            if d.fix is not None:
                by_file.setdefault(d.fix.path, []).append(d.fix)
        for fixes in by_file.values():
            text = path.read_text(encoding="utf-8") if len(by_file) == 1 else None
            if text is None:
                continue
            outcome = apply_fixes(text, str(path), fixes)
            assert len(outcome.applied) + len(outcome.dropped) + len(outcome.skipped) <= len(fixes)
            tried += len(fixes)
    assert tried > 50
