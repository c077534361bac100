"""IL407 s3-key-not-decoded."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import InvocationModel, S3Trigger
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import analysed, trigger_phrase

_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  Thumbnailer:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
"""


class S3KeyNotDecoded(Rule):
    """
    ## What it does
    Finds a handler of S3 event notifications that passes an object key taken from the
    event (`event["Records"][i]["s3"]["object"]["key"]`) to an S3 call (`get_object`,
    `download_file`, `Object(...)`, ...) or to a file path (`open`, `os.path.join`)
    without decoding it first with `urllib.parse.unquote_plus` (or `unquote`).

    ## Why is this bad?
    S3 notifications carry the key URL-encoded, with spaces as `+`: the object
    `photos/summer 2024.jpg` arrives as `photos/summer+2024.jpg`. Used as it comes, the
    key names an object that does not exist, and the call fails with `NoSuchKey`
    (`404`) for every upload whose name holds a space, a `+`, or a non-ASCII character,
    while tests with simple names pass.
    """

    id = "IL407"
    name = "s3-key-not-decoded"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.WARNING
    summary = "An S3 notification handler uses the object key without URL-decoding it."
    uses_code = True
    examples = (
        bad(
            "The key goes to S3 as it came in the event:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import boto3

                s3 = boto3.client("s3")


                def handler(event, context):
                    for record in event["Records"]:
                        bucket = record["s3"]["bucket"]["name"]
                        key = record["s3"]["object"]["key"]
                        s3.download_file(bucket, key, "/tmp/upload")
                """,
            },
        ),
        good(
            "Decode the key first:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                from urllib.parse import unquote_plus

                import boto3

                s3 = boto3.client("s3")


                def handler(event, context):
                    for record in event["Records"]:
                        bucket = record["s3"]["bucket"]["name"]
                        key = unquote_plus(record["s3"]["object"]["key"])
                        s3.download_file(bucket, key, "/tmp/upload")
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/with-s3-tutorial.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function, facts in analysed(model):
            if not facts.raw_s3_keys:
                continue
            triggers = [
                t for t in model.invocations(function).asynchronous if isinstance(t, S3Trigger)
            ]
            if not triggers:
                continue
            for location in facts.raw_s3_keys:
                yield self.report(
                    location,
                    f"function '{function.id}' handles notifications from "
                    f"{trigger_phrase(triggers[0])}, and this call uses the object key as it "
                    f"comes in the event, URL-encoded: keys with spaces or special "
                    f"characters fail (NoSuchKey); decode it with "
                    f"urllib.parse.unquote_plus(record['s3']['object']['key'])",
                    resource=function,
                    related=(triggers[0].location,),
                )
