"""IL206, IL404, IL405 against hand-made triggers, until the trigger frontends land.

The CloudFormation frontends that create ``S3Trigger``, ``ApiTrigger`` and ``AlbTrigger``
are written on other branches; these tests add a trigger to a model whose handler code
was really analysed, so the rules' logic is tested independently of them.
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
