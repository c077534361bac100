"""``invokelint check --fix/--diff/--fix-only/--unsafe-fixes``: ruff's contract."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from invokelint.cli import main

TEMPLATE = textwrap.dedent(
    """\
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
        Type: AWS::Lambda::Function
        Properties:
          Runtime: python3.12
          Handler: index.handler
          Role: arn:aws:iam::123456789012:role/worker
          Timeout: 60
          Code:
            ZipFile: |
              def handler(event, context):
                  return None
      WorkerMapping:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: !Ref Worker
          EventSourceArn: !GetAtt Orders.Arn
          FunctionResponseTypes: [ReportBatchItemFailures]
    """
)


@pytest.fixture
def template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return path


def test_diff_prints_and_writes_nothing(template: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["check", "--diff", str(template)]) == 1
    out = capsys.readouterr().out
    assert "-      VisibilityTimeout: 30\n+      VisibilityTimeout: 360\n" in out
    assert template.read_text() == TEMPLATE


def test_plain_check_writes_nothing(template: Path) -> None:
    assert main(["check", str(template)]) == 1
    assert template.read_text() == TEMPLATE


def test_fix_writes_and_exit_counts_only_what_remains(
    template: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["check", "--fix", "--format", "concise", str(template)]) == 0
    err = capsys.readouterr().err
    assert "Fixed 1 finding (IL103 1), 1 remains." in err
    fixed = template.read_text()
    assert fixed == TEMPLATE.replace("VisibilityTimeout: 30", "VisibilityTimeout: 360")
    # a second --fix changes nothing, and --diff then has nothing to show
    assert main(["check", "--fix", str(template)]) == 0
    assert template.read_text() == fixed
    assert main(["check", "--diff", str(template)]) == 0


def test_fix_only_exits_zero_and_reports_nothing(
    template: Path, capsys: pytest.CaptureFixture
) -> None:
    template.write_text(TEMPLATE.replace("Timeout: 60", "Timeout: 60\n      MemorySize: x"))
    assert main(["check", "--fix-only", str(template)]) == 0
    assert "IL103" not in capsys.readouterr().out
    assert "VisibilityTimeout: 360" in template.read_text()
