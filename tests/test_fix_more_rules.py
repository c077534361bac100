"""The unsafe fixes of IL101, IL109 and IL302, byte for byte, and where none is offered.

Each fixture carries comments, anchors, short tags or flow mappings (or is JSON); the
expected text is the whole file, so a fix that moved or re-spelled anything else fails.
"""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from invokelint.config import Config
from invokelint.engine import Linter
from invokelint.fixes import Edit, Fix, Intrinsic
from invokelint.fixes.apply import apply_fixes
from invokelint.model import Location


def lint(path: Path):
    return Linter(Config()).lint([path], {}).diagnostics


def fixes_of(path: Path, code: str) -> list[Fix]:
    return [d.fix for d in lint(path) if d.code == code and d.fix is not None]


def fix(tmp_path: Path, name: str, text: str, code: str) -> str:
    """``text`` with every ``code`` fix applied; the finding must be gone and a second
    pass must change nothing."""
    text = str(text)  # libyaml reads str itself, not a subclass
    path = tmp_path / name
    path.write_text(text)
    fixes = fixes_of(path, code)
    assert fixes, f"no {code} fix"
    assert all(f.safety == "unsafe" for f in fixes)
    outcome = apply_fixes(text, str(path), fixes)
    assert not outcome.dropped, outcome.dropped
    path.write_text(outcome.text)
    assert code not in {d.code for d in lint(path)}
    assert not fixes_of(path, code)  # idempotent: nothing left to fix
    return outcome.text


def no_fix(tmp_path: Path, name: str, text: str, code: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    found = [d for d in lint(path) if d.code == code]
    assert found, f"{code} should still be reported"
    assert all(d.fix is None for d in found)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


class Text(str):
    """A fixture whose ``replace`` fails loudly when the text to replace is not there."""

    def replace(self, old: str, new: str, count: int = -1) -> Text:  # type: ignore[override]
        assert old in self, old
        return Text(str.replace(self, old, new, count))


# ------------------------------------------------------------------------------ IL101

SQS_DLQ = Text(
    dedent(
        """
    # orders pipeline
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Orders:   # the source queue
        Type: AWS::SQS::Queue
        Properties: &queue
          VisibilityTimeout: 180
      Failed:
        Type: AWS::SQS::Queue
        Properties:
          MessageRetentionPeriod: 1209600  # 14 days
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: app.handler
          CodeUri: src/
          Timeout: 30
          # failures: see below
          DeadLetterQueue:
            Type: SQS
            TargetArn: !GetAtt Failed.Arn   # never used
          Events:
            Orders:
              Type: SQS
              Properties: {Queue: !GetAtt Orders.Arn, BatchSize: 1}
    """
    )
)


def test_il101_moves_the_function_dlq_into_the_source_queue(tmp_path: Path) -> None:
    fixed = fix(tmp_path, "template.yaml", SQS_DLQ, "IL101")
    assert fixed == SQS_DLQ.replace(
        "      VisibilityTimeout: 180\n",
        "      VisibilityTimeout: 180\n"
        "      RedrivePolicy:\n"
        "        deadLetterTargetArn: !GetAtt Failed.Arn\n"
        "        maxReceiveCount: 5\n",
    ).replace(
        "      DeadLetterQueue:\n"
        "        Type: SQS\n"
        "        TargetArn: !GetAtt Failed.Arn   # never used\n",
        "",
    )


def test_il101_writes_the_long_form_in_a_file_without_short_tags(tmp_path: Path) -> None:
    text = (
        SQS_DLQ.replace("!GetAtt Failed.Arn", "{'Fn::GetAtt': [Failed, Arn]}")
        .replace("!GetAtt Orders.Arn", '{"Fn::GetAtt": [Orders, Arn]}')
        .replace("Properties: &queue", "Properties:")
    )
    fixed = fix(tmp_path, "template.yaml", text, "IL101")
    assert "        deadLetterTargetArn: {Fn::GetAtt: [Failed, Arn]}\n" in fixed
    assert "!" not in fixed


CFN_JSON = {
    "Resources": {
        "Orders": {"Type": "AWS::SQS::Queue"},
        "Failed": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"MessageRetentionPeriod": 1209600},
        },
        "Worker": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "Role": "arn:aws:iam::123456789012:role/worker",
                "Timeout": 30,
                "DeadLetterConfig": {"TargetArn": {"Fn::GetAtt": ["Failed", "Arn"]}},
                "Code": {"ZipFile": "def handler(event, context):\n    return None\n"},
            },
        },
        "WorkerMapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "FunctionName": {"Ref": "Worker"},
                "EventSourceArn": {"Fn::GetAtt": ["Orders", "Arn"]},
                "BatchSize": 1,
            },
        },
    }
}


def test_il101_in_json(tmp_path: Path) -> None:
    text = json.dumps(CFN_JSON, indent=4) + "\n"
    fixed = fix(tmp_path, "template.json", text, "IL101")
    expected = text.replace(
        '        "Orders": {\n            "Type": "AWS::SQS::Queue"\n',
        '        "Orders": {\n            "Properties": {"RedrivePolicy": {"maxReceiveCount": 5, '
        '"deadLetterTargetArn": {"Fn::GetAtt": ["Failed", "Arn"]}}},\n'
        '            "Type": "AWS::SQS::Queue"\n',
    )
    dead_letter = text.index('"DeadLetterConfig"')
    end = text.index('"Code"', dead_letter)
    expected = expected.replace(text[dead_letter:end], "")
    assert fixed == expected


STREAM_DLQ = Text(
    dedent(
        """
    Resources:
      Clicks:
        Type: AWS::Kinesis::Stream
        Properties: {ShardCount: 1}
      Failed:
        Type: AWS::SQS::Queue   # keeps the default 4 days
      Worker:
        Type: AWS::Lambda::Function
        Properties:
          Runtime: python3.12
          Handler: index.handler
          Role: arn:aws:iam::123456789012:role/worker
          DeadLetterConfig: {TargetArn: !GetAtt Failed.Arn}
          Code:
            ZipFile: |
              def handler(event, context):
                  return None
      WorkerMapping:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: !Ref Worker
          EventSourceArn: !GetAtt Clicks.Arn
          StartingPosition: LATEST
          MaximumRetryAttempts: 3
    """
    )
)


def test_il101_moves_a_stream_consumers_dlq_into_its_on_failure(tmp_path: Path) -> None:
    fixed = fix(tmp_path, "template.yaml", STREAM_DLQ, "IL101")
    assert fixed == STREAM_DLQ.replace(
        "    Type: AWS::SQS::Queue   # keeps the default 4 days\n",
        "    Type: AWS::SQS::Queue   # keeps the default 4 days\n"
        "    Properties:\n"
        "      MessageRetentionPeriod: 1209600\n",
    ).replace("      DeadLetterConfig: {TargetArn: !GetAtt Failed.Arn}\n", "").replace(
        "      MaximumRetryAttempts: 3\n",
        "      MaximumRetryAttempts: 3\n"
        "      DestinationConfig:\n"
        "        OnFailure:\n"
        "          Destination: !GetAtt Failed.Arn\n",
    )
    # the queue now receives failures and keeps them long enough: nothing new to report
    assert {d.code for d in lint(tmp_path / "template.yaml")} <= {"IL108"}


@pytest.mark.parametrize(
    "change",
    [
        # the source queue is not in the template
        lambda t: t.replace(
            "Queue: !GetAtt Orders.Arn", "Queue: arn:aws:sqs:us-east-1:123456789012:orders"
        ),
        # it already has a redrive policy (here behind an intrinsic)
        lambda t: t.replace(
            "      VisibilityTimeout: 180\n",
            "      VisibilityTimeout: 180\n      RedrivePolicy: !Ref Policy\n",
        ).replace("Resources:", "Parameters:\n  Policy:\n    Type: String\nResources:"),
        # the dead-letter queue comes from a parameter
        lambda t: t.replace("TargetArn: !GetAtt Failed.Arn", "TargetArn: !Ref DlqArn").replace(
            "Resources:", "Parameters:\n  DlqArn:\n    Type: String\nResources:"
        ),
        # a FIFO source cannot redrive into a standard queue
        lambda t: t.replace(
            "      VisibilityTimeout: 180\n",
            "      VisibilityTimeout: 180\n      FifoQueue: true\n",
        ),
        # a dead-letter topic cannot be a redrive target
        lambda t: t.replace(
            "Type: SQS\n        TargetArn: !GetAtt Failed.Arn",
            "Type: SNS\n        TargetArn: !Ref Alerts",
        ).replace("  Worker:\n", "  Alerts:\n    Type: AWS::SNS::Topic\n  Worker:\n"),
    ],
    ids=["queue-elsewhere", "has-redrive", "dlq-parameter", "fifo-mismatch", "dlq-topic"],
)
def test_il101_offers_no_fix_where_the_template_does_not_say_enough(tmp_path: Path, change) -> None:
    no_fix(tmp_path, "template.yaml", change(SQS_DLQ), "IL101")


def test_il101_no_fix_for_a_dlq_in_globals_shared_by_two_functions(tmp_path: Path) -> None:
    dead_letter = (
        "      DeadLetterQueue:\n        Type: SQS\n        TargetArn: !GetAtt Failed.Arn"
        "   # never used\n"
    )
    text = SQS_DLQ.replace(dead_letter, "").replace(
        "Resources:\n",
        "Globals:\n  Function:\n    DeadLetterQueue:\n      Type: SQS\n"
        "      TargetArn: !GetAtt Failed.Arn\nResources:\n",
    )
    other = text[text.index("  Worker:\n") :].replace("Worker", "Other")
    no_fix(tmp_path, "template.yaml", text + other, "IL101")


def test_il101_not_reported_nor_fixed_when_the_function_is_also_invoked_async(
    tmp_path: Path,
) -> None:
    text = SQS_DLQ.replace(
        "      Events:\n",
        "      Events:\n"
        "        Nightly:\n"
        "          Type: Schedule\n"
        "          Properties: {Schedule: rate(1 day)}\n",
    )
    path = tmp_path / "template.yaml"
    path.write_text(text)
    assert "IL101" not in {d.code for d in lint(path)}


# ------------------------------------------------------------------------------ IL109

STREAM = Text(
    dedent(
        """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Clicks:
        Type: AWS::Kinesis::Stream
        Properties:
          ShardCount: 1
      ClicksDLQ:   # for records we give up on
        Type: AWS::SNS::Topic
      Orders:
        Type: AWS::SQS::Queue
      Counter:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: app.handler
          CodeUri: src/
          Events:
            Clicks:
              Type: Kinesis
              Properties:
                Stream: !GetAtt Clicks.Arn
                StartingPosition: LATEST
                MaximumRetryAttempts: 3
    """
    )
)


def test_il109_sends_failures_to_the_one_failure_topic(tmp_path: Path) -> None:
    fixed = fix(tmp_path, "template.yaml", STREAM, "IL109")
    assert fixed == STREAM.replace(
        "            MaximumRetryAttempts: 3\n",
        "            MaximumRetryAttempts: 3\n"
        "            DestinationConfig:\n"
        "              OnFailure:\n"
        "                Destination: !Ref ClicksDLQ\n"
        "                Type: SNS\n",
    )


def test_il109_title_names_the_permission_the_role_needs(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(STREAM)
    (only,) = fixes_of(path, "IL109")
    assert "sns:Publish" in only.title and "ClicksDLQ" in only.title


def test_il109_in_json_with_a_queue_already_used_as_an_on_failure(tmp_path: Path) -> None:
    def mapping(stream: str, failed: bool) -> dict:
        properties: dict = {
            "FunctionName": {"Ref": "Counter"},
            "EventSourceArn": {"Fn::GetAtt": [stream, "Arn"]},
            "StartingPosition": "LATEST",
            "MaximumRetryAttempts": 3,
        }
        if failed:
            properties["DestinationConfig"] = {
                "OnFailure": {"Destination": {"Fn::GetAtt": ["Parked", "Arn"]}}
            }
        return {"Type": "AWS::Lambda::EventSourceMapping", "Properties": properties}

    template = {
        "Resources": {
            "A": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
            "B": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
            "Parked": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"MessageRetentionPeriod": 1209600},
            },
            "Counter": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "index.handler",
                    "Role": "arn:aws:iam::123456789012:role/counter",
                    "Code": {"ZipFile": "def handler(event, context):\n    return None\n"},
                },
            },
            "MapA": mapping("A", True),
            "MapB": mapping("B", False),
        }
    }
    text = json.dumps(template, indent=2) + "\n"
    fixed = fix(tmp_path, "template.json", text, "IL109")
    map_b = text.index('"MapB"')
    start = text.index('"FunctionName"', map_b)
    entry = (
        '"DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["Parked", "Arn"]}}}'
        ",\n        "
    )
    assert fixed == text[:start] + entry + text[start:]


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("ClicksDLQ:", "Alerts:"),  # nothing named for failures
        # two candidates: which one is a human's call
        lambda t: t.replace(
            "  Orders:\n", "  ClicksFailed:\n    Type: AWS::SQS::Queue\n  Orders:\n"
        ),
        # the topic is a DLQ already (here the Orders queue's redrive target)
        lambda t: t.replace(
            "  Orders:\n    Type: AWS::SQS::Queue\n",
            "  Orders:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy:\n"
            "        deadLetterTargetArn: !GetAtt ClicksDLQ.Arn\n        maxReceiveCount: 5\n",
        ).replace("Type: AWS::SNS::Topic", "Type: AWS::SQS::Queue"),
        # something consumes it: failure records would reach that function
        lambda t: t.replace(
            "      Events:\n",
            "      Events:\n"
            "        Replay:\n"
            "          Type: SNS\n"
            "          Properties: {Topic: !Ref ClicksDLQ}\n",
        ),
        # a FIFO topic cannot receive a mapping's failures
        lambda t: t.replace(
            "    Type: AWS::SNS::Topic\n",
            "    Type: AWS::SNS::Topic\n    Properties: {FifoTopic: true}\n",
        ),
    ],
    ids=["no-candidate", "two-candidates", "already-a-dlq", "consumed", "fifo"],
)
def test_il109_offers_no_fix_without_exactly_one_fit_queue(tmp_path: Path, change) -> None:
    no_fix(tmp_path, "template.yaml", change(STREAM), "IL109")


# ------------------------------------------------------------------------------ IL302

URL = Text(
    dedent(
        """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Profile:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: app.handler
          CodeUri: src/
          FunctionUrlConfig:
            AuthType: AWS_IAM
            Cors:
              # cookies for the site
              AllowCredentials: true
              AllowOrigins: ['*']
    """
    )
)


def test_il302_drops_allow_credentials_beside_a_wildcard_origin(tmp_path: Path) -> None:
    fixed = fix(tmp_path, "template.yaml", URL, "IL302")
    assert fixed == URL.replace("          AllowCredentials: true\n", "")


def test_il302_in_a_flow_mapping_and_in_json(tmp_path: Path) -> None:
    flow = URL.replace(
        "        Cors:\n          # cookies for the site\n          AllowCredentials: true\n"
        "          AllowOrigins: ['*']\n",
        "        Cors: {AllowOrigins: ['*'], AllowCredentials: true}  # flow\n",
    )
    fixed = fix(tmp_path, "template.yaml", flow, "IL302")
    assert fixed == flow.replace(", AllowCredentials: true}", "}")
    url = {
        "Type": "AWS::Lambda::Url",
        "Properties": {
            "TargetFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:p",
            "AuthType": "AWS_IAM",
            "Cors": {"AllowCredentials": True, "AllowOrigins": ["*"], "MaxAge": 60},
        },
    }
    text = json.dumps({"Resources": {"ProfileUrl": url}}, indent=2) + "\n"
    fixed = fix(tmp_path, "template.json", text, "IL302")
    assert fixed == text.replace('"AllowCredentials": true,\n          ', "")


def test_il302_no_fix_for_auth_none_nor_globals_shared_with_named_origins(
    tmp_path: Path,
) -> None:
    no_fix(
        tmp_path,
        "public.yaml",
        URL.replace("AuthType: AWS_IAM", "AuthType: NONE").replace("['*']", "[https://a.example]"),
        "IL302",
    )
    shared = dedent(
        """
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            FunctionUrlConfig:
              AuthType: AWS_IAM
              Cors:
                AllowCredentials: true
                AllowHeaders: [x-token]
        Resources:
          Open:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              FunctionUrlConfig:
                AuthType: AWS_IAM
                Cors:
                  AllowOrigins: ['*']
          Site:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              FunctionUrlConfig:
                AuthType: AWS_IAM
                Cors:
                  AllowOrigins: [https://www.example.com]
        """
    )
    # SAM merges the Globals Cors into each URL: 'Open' allows credentials from '*', but
    # removing the shared AllowCredentials would also take it from 'Site'
    no_fix(tmp_path, "shared.yaml", shared, "IL302")
    alone = shared[: shared.index("  Site:")]
    fixed = fix(tmp_path, "alone.yaml", alone, "IL302")
    assert fixed == alone.replace("        AllowCredentials: true\n", "")


# ------------------------------------------------------------------------------ writer


def test_an_intrinsic_value_is_written_as_the_file_writes_them() -> None:
    anchor = Location("t.yaml", 2, 3, 2, 4)
    edit = Fix((Edit(anchor, ("Properties", "Target"), Intrinsic.arn_of("Q", attribute=True)),))
    short = "Resources:\n  R:\n    Type: X\n  Q:\n    Properties: {A: !Ref P}\n"
    long = short.replace("!Ref P", "{Ref: P}")
    plain = short.replace("!Ref P", "1")
    assert apply_fixes(short, "t.yaml", [edit]).text == short.replace(
        "    Type: X\n", "    Type: X\n    Properties:\n      Target: !GetAtt Q.Arn\n"
    )
    assert apply_fixes(long, "t.yaml", [edit]).text == long.replace(
        "    Type: X\n", "    Type: X\n    Properties:\n      Target: {Fn::GetAtt: [Q, Arn]}\n"
    )
    # a file with no intrinsic at all gets CloudFormation's usual short form
    assert "Target: !GetAtt Q.Arn" in apply_fixes(plain, "t.yaml", [edit]).text
    topic = Fix((Edit(anchor, ("Properties", "Target"), Intrinsic.arn_of("T", attribute=False)),))
    assert "      Target: !Ref T\n" in apply_fixes(short, "t.yaml", [topic]).text


def test_removing_the_last_json_entry_takes_the_comma_before_it() -> None:
    text = (
        '{\n  "Resources": {\n    "R": {\n      "Type": "X",\n      "Gone": [1, 2]\n    }\n  }\n}\n'
    )
    remove = Fix((Edit(Location("t.json", 5, 7, 5, 13), (), remove=True, key="Gone"),))
    outcome = apply_fixes(text, "t.json", [remove])
    assert outcome.text == text.replace(',\n      "Gone": [1, 2]', "")


def test_removing_from_a_flow_mapping_never_takes_a_comment() -> None:
    text = "Resources:\n  R:\n    Props: {A: 1,  # keep\n      B: 2}\n"
    remove = Fix((Edit(Location("t.yaml", 3, 13, 3, 14), (), remove=True, key="A"),))
    outcome = apply_fixes(text, "t.yaml", [remove])
    assert outcome.text == text and "comment" in outcome.dropped[0][1]


# ------------------------------------------------------------------------------ corpus

CORPUS = os.environ.get("INVOKELINT_CORPUS")


@pytest.mark.skipif(not CORPUS, reason="set INVOKELINT_CORPUS to run over the real corpus")
def test_corpus_unsafe_fixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--fix --unsafe-fixes`` over a copy: no fixable finding left, nothing new, no
    parse error, every comment line kept, and a second run changes nothing."""
    from test_fix_rules import check_fixed, fix_folder

    copy = tmp_path / "templates"
    shutil.copytree(Path(CORPUS) / "templates", copy)  # type: ignore[arg-type]
    before, run = fix_folder(copy, unsafe=True, monkeypatch=monkeypatch)
    check_fixed(before, run, copy, unsafe=True)
    assert run.fixed["IL101"] >= 1 and not run.warnings
    print("fixed per rule:", dict(sorted(run.fixed.items())))
