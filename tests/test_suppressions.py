"""Inline ``# invokelint: ignore[...]`` comments and resource ``Metadata`` suppressions."""

from __future__ import annotations

import json

import pytest
from helpers import lint, write_project

# IL103 fires at ``VisibilityTimeout`` (line 6) about queue ``Orders`` (line 3); IL102 fires
# at the queue's line (no RedrivePolicy). Placeholders: {queue}, {visibility}, {metadata}.
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:{queue}
    Type: AWS::SQS::Queue{metadata}
    Properties:
      VisibilityTimeout: 40{visibility}
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
            Queue: !GetAtt Orders.Arn
"""


def findings(tmp_path, queue="", visibility="", metadata=""):
    text = TEMPLATE.format(queue=queue, visibility=visibility, metadata=metadata)
    write_project(tmp_path, {"template.yaml": text})
    result = lint(tmp_path, select=["IL102", "IL103"])
    return sorted((d.code, d.location.line) for d in result.diagnostics), result


def test_without_suppressions_both_rules_fire(tmp_path):
    found, result = findings(tmp_path)
    assert found == [("IL102", 3), ("IL103", 6)]
    assert result.statistics["suppressed"] == 0


def test_comment_on_the_reported_line(tmp_path):
    found, result = findings(tmp_path, visibility="  # invokelint: ignore[IL103]")
    assert found == [("IL102", 3)]
    assert result.statistics["suppressed"] == 1


def test_comment_on_the_resource_first_line_covers_its_properties(tmp_path):
    found, _ = findings(tmp_path, queue="  # invokelint: ignore[IL103]")
    assert found == [("IL102", 3)]


@pytest.mark.parametrize(
    "comment",
    [
        "# invokelint: ignore[sqs-visibility-timeout]",
        "# invokelint: ignore[il103]",
        "#invokelint:ignore[ IL103 ]",
    ],
)
def test_rule_names_and_spelling_variants(tmp_path, comment):
    found, _ = findings(tmp_path, visibility=f"  {comment}")
    assert found == [("IL102", 3)]


def test_several_rules_in_one_comment(tmp_path):
    found, result = findings(
        tmp_path, queue="  # invokelint: ignore[IL102, sqs-visibility-timeout]"
    )
    assert found == []
    assert result.statistics["suppressed"] == 2


def test_a_comment_for_another_rule_does_not_suppress(tmp_path):
    found, _ = findings(tmp_path, visibility="  # invokelint: ignore[IL102]")
    assert found == [("IL102", 3), ("IL103", 6)]


@pytest.mark.parametrize("comment", ["# invokelint: ignore", "# invokelint: ignore[]", "# noqa"])
def test_no_bare_ignore_everything(tmp_path, comment):
    found, _ = findings(tmp_path, queue=f"  {comment}", visibility=f"  {comment}")
    assert found == [("IL102", 3), ("IL103", 6)]


def test_comment_on_another_resource_does_not_suppress(tmp_path):
    text = TEMPLATE.format(queue="", visibility="", metadata="").replace(
        "  Worker:\n", "  Worker:  # invokelint: ignore[IL103, IL102]\n"
    )
    write_project(tmp_path, {"template.yaml": text})
    assert sorted(d.code for d in lint(tmp_path, select=["IL1"]).diagnostics) == ["IL102", "IL103"]


@pytest.mark.parametrize("ignore", ["[IL103]", "IL103", "[sqs-visibility-timeout]"])
def test_resource_metadata(tmp_path, ignore):
    metadata = f"\n    Metadata:\n      invokelint:\n        ignore: {ignore}"
    found, result = findings(tmp_path, metadata=metadata)
    assert found == [("IL102", 3)]
    assert result.statistics["suppressed"] == 1


def test_resource_metadata_in_a_json_template(tmp_path):
    template = {
        "Resources": {
            "Orders": {
                "Type": "AWS::SQS::Queue",
                "Metadata": {"invokelint": {"ignore": ["IL103"]}},
                "Properties": {"VisibilityTimeout": 40},
            },
            "Worker": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "index.handler",
                    "Role": "arn:aws:iam::123456789012:role/worker",
                    "Timeout": 60,
                    "Code": {"ZipFile": "def handler(event, context):\n    return None\n"},
                },
            },
            "Mapping": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "FunctionName": {"Ref": "Worker"},
                    "EventSourceArn": {"Fn::GetAtt": ["Orders", "Arn"]},
                },
            },
        }
    }
    write_project(tmp_path, {"stack.json": json.dumps(template, indent=2)})
    assert lint(tmp_path, select=["IL103"]).diagnostics == []
    del template["Resources"]["Orders"]["Metadata"]
    write_project(tmp_path, {"stack.json": json.dumps(template, indent=2)})
    assert [d.code for d in lint(tmp_path, select=["IL103"]).diagnostics] == ["IL103"]


def test_metadata_of_another_resource_does_not_suppress(tmp_path):
    text = TEMPLATE.format(queue="", visibility="", metadata="").replace(
        "    Type: AWS::Serverless::Function\n",
        "    Type: AWS::Serverless::Function\n    Metadata: {invokelint: {ignore: [IL103]}}\n",
    )
    write_project(tmp_path, {"template.yaml": text})
    assert [d.code for d in lint(tmp_path, select=["IL103"]).diagnostics] == ["IL103"]
