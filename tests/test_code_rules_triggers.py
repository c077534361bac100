"""IL206, IL404, IL405 against hand-made triggers.

A trigger is added to a model whose handler code was really analysed, so each rule's
logic (filters, API kinds, header settings) is tested apart from how the CloudFormation
frontends build triggers; the fixtures cover the whole way from templates.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import lint, write_project

from invokelint.model import Function

SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
{extra}
"""


def sam(extra: str = "") -> str:
    return SAM.format(extra=textwrap.indent(extra, " " * 6))


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_project(tmp_path, {k: textwrap.dedent(v) for k, v in files.items()})


def with_trigger(result, trigger_factory):
    """Add a trigger the CloudFormation frontend does not create yet, and re-index."""
    model = result.models[0]
    worker = model.resources["Worker"]
    assert isinstance(worker, Function)
    trigger = trigger_factory(model, worker)
    (model.async_triggers if trigger.service == "s3" else model.sync_triggers).append(trigger)
    model._index = None
    return model


@pytest.mark.parametrize(
    ("prefix", "key", "fires"),
    [
        (None, 'f"thumbs/{name}"', True),
        ("uploads/", 'f"thumbs/{name}"', False),
        ("thumbs/", 'f"thumbs/{name}"', True),
        ("uploads/", "name", False),  # key unknown: silent
    ],
)
def test_il206_with_an_s3_trigger(tmp_path, prefix, key, fires):
    from invokelint.model import S3Trigger
    from invokelint.rules.il206_s3_recursive_trigger import S3RecursiveTrigger

    app = f"""
    import os
    import boto3


    def handler(event, context):
        for record in event["Records"]:
            name = record["s3"]["object"]["key"]
            boto3.client("s3").put_object(Bucket=os.environ["OUT"], Key={key}, Body=b"")
    """
    extra = "Environment:\n  Variables:\n    OUT: !Ref Photos\n"
    template = sam(extra=extra) + "  Photos:\n    Type: AWS::S3::Bucket\n"
    result = lint(project(tmp_path, {"template.yaml": template, "src/app.py": app}))

    def s3_trigger(model, worker):
        return S3Trigger(
            id="Worker.Upload",
            resource="Worker",
            location=worker.location,
            function=worker,
            service="s3",
            source=model.resources["Photos"],
            events=("s3:ObjectCreated:*",),
            prefix=prefix,
        )

    model = with_trigger(result, s3_trigger)
    found = list(S3RecursiveTrigger().check(model))
    assert bool(found) is fires
    if fires:
        assert found[0].location.path == "src/app.py" and "'Photos'" in found[0].message


def test_il404_and_il405_with_sync_triggers(tmp_path):
    from invokelint.model import AlbTrigger, ApiTrigger, Setting
    from invokelint.rules.il404_sync_response_shape import SyncResponseShape
    from invokelint.rules.il405_alb_multi_value_headers import AlbMultiValueHeaders

    app = """
    import json


    def handler(event, context):
        if event.get("path") == "/raw":
            return json.dumps({"ok": True})
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}}
    """
    files = {"template.yaml": sam(), "src/app.py": app}

    def api(model, worker):
        return ApiTrigger(
            id="Worker.Api",
            resource="Worker",
            location=worker.location,
            function=worker,
            service="apigateway",
            api="rest",
        )

    model = with_trigger(lint(project(tmp_path, files)), api)
    (shape,) = SyncResponseShape().check(model)
    assert shape.location.line == 7 and "API Gateway replies 502" in shape.message
    assert list(AlbMultiValueHeaders().check(model)) == []

    def alb(model, worker):
        return AlbTrigger(
            id="Targets",
            resource="Targets",
            location=worker.location,
            function=worker,
            service="elasticloadbalancing",
            multi_value_headers=Setting(True, worker.location),
        )

    model = with_trigger(lint(project(tmp_path, files)), alb)
    (headers,) = AlbMultiValueHeaders().check(model)
    assert (headers.location.line, headers.location.column) == (8, 32)
    assert "'multiValueHeaders'" in headers.message
