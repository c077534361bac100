"""Baselines: record today's findings, then see only new ones, whatever moves around them."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli, sqs_consumer, write_project

TEMPLATE = sqs_consumer(20)  # IL102 and IL103
ANOTHER_QUEUE = """\
  Payments:
    Type: AWS::SQS::Queue
  PaymentsWorker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      Timeout: 30
      Events:
        Payments:
          Type: SQS
          Properties:
            Queue: !GetAtt Payments.Arn
"""


def check(root: Path, *args: str):
    return run_cli("check", "--no-code", *args, cwd=root)


def test_a_baseline_hides_todays_findings_and_survives_moved_lines(tmp_path):
    project = write_project(tmp_path, {"infra/template.yaml": TEMPLATE})
    written = check(project, "--write-baseline", "baseline.json")
    assert (written.returncode, written.stdout) == (0, "")
    assert written.stderr == "invokelint: recorded 2 findings in baseline.json\n"
    recorded = json.loads((project / "baseline.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in recorded["findings"]] == ["IL102", "IL103"]
    assert {f["path"] for f in recorded["findings"]} == {"infra/template.yaml"}

    quiet = check(project, "--baseline", "baseline.json")
    assert quiet.returncode == 0
    assert quiet.stdout == "No problems found in 1 file (2 more in the baseline).\n"

    moved = "# a comment\n\n" + TEMPLATE  # every finding two lines lower
    write_project(project, {"infra/template.yaml": moved})
    assert check(project, "-q", "--baseline", "baseline.json").stdout == ""


def test_only_new_findings_are_reported_and_fail_the_run(tmp_path):
    project = write_project(tmp_path, {"template.yaml": TEMPLATE})
    check(project, "--write-baseline", "baseline.json")
    write_project(project, {"template.yaml": TEMPLATE + ANOTHER_QUEUE})
    completed = check(project, "-q", "--baseline", "baseline.json")
    assert completed.returncode == 1
    found = [(line.split()[1], line.split("[")[-1]) for line in completed.stdout.splitlines()]
    # the new consumer's own finding (IL113, info) is new too, and reported
    assert found == [("IL102", "Payments]"), ("IL103", "Payments]"), ("IL113", "PaymentsWorker]")]


def test_a_baseline_written_at_the_top_applies_in_a_subfolder(tmp_path):
    (tmp_path / ".git").mkdir()
    project = write_project(tmp_path, {"services/orders/template.yaml": TEMPLATE})
    check(project, "--write-baseline", "baseline.json")
    inside = check(project / "services" / "orders", "-q", "--baseline", "../../baseline.json")
    assert (inside.returncode, inside.stdout) == (0, "")


def test_a_parse_error_is_never_baselined(tmp_path):
    project = write_project(tmp_path, {"template.yaml": "Resources:\n  Q: [\n"})
    written = check(project, "--write-baseline", "baseline.json")
    assert written.returncode == 2
    completed = check(project, "-q", "--baseline", "baseline.json")
    assert completed.returncode == 2 and " IL001 " in completed.stdout


def test_a_file_that_is_no_baseline_is_a_one_line_error(tmp_path):
    project = write_project(tmp_path, {"template.yaml": TEMPLATE, "b.json": '{"findings": []}'})
    completed = check(project, "--baseline", "b.json")
    assert completed.returncode == 2
    assert completed.stderr == (
        "invokelint: error: b.json: not an invokelint baseline (--write-baseline makes one)\n"
    )
    missing = check(project, "--baseline", "missing.json")
    assert missing.returncode == 2 and missing.stderr.startswith(
        "invokelint: error: missing.json: cannot read baseline:"
    )
