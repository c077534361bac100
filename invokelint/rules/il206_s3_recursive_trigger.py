"""IL206 s3-recursive-trigger."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.code.facts import Effect, FromEvent, HandlerFacts, KeyPattern
from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import Bucket, Function, InvocationModel, S3Trigger, is_known
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import in_function

# The object-created events each S3 write may emit.
_WRITE_EVENTS = {
    "put_object": ("Put",),
    "upload_file": ("Put", "CompleteMultipartUpload"),
    "upload_fileobj": ("Put", "CompleteMultipartUpload"),
    "copy_object": ("Copy",),
    "copy": ("Copy", "CompleteMultipartUpload"),
    "complete_multipart_upload": ("CompleteMultipartUpload",),
}
_EVENT_BUCKET = (("s3", "bucket", "name"), ("bucket_name",))

_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Photos:
    Type: AWS::S3::Bucket
  Thumbnailer:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Environment:
        Variables:
          BUCKET: !Ref Photos
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Photos
            Events: s3:ObjectCreated:*
"""
_HANDLER = """
import os
from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        key = unquote_plus(record["s3"]["object"]["key"])
        name = key.rsplit("/", 1)[-1]
        s3.put_object(Bucket=os.environ["BUCKET"], Key=f"thumbnails/{name}", Body=b"...")
"""


class S3RecursiveTrigger(Rule):
    """
    ## What it does
    Finds a function triggered by object-created events of a bucket whose handler
    code writes objects into that same bucket (`put_object`, `upload_file`,
    `copy_object`, `Object.put`, ...), with the bucket named through an environment
    variable that refers to it, by its literal name, or taken from the event
    (`record["s3"]["bucket"]["name"]`), unless the notification's prefix/suffix filter
    keeps the function's own writes out. When the written key or the filter cannot be
    worked out, nothing is reported.

    ## Why is this bad?
    Every object the function writes triggers it again, which writes another object:
    an endless loop of invocations and S3 requests that runs up the bill until
    someone notices. Write to a different bucket, or give the trigger a prefix (or
    suffix) that the function's own output does not match.
    """

    id = "IL206"
    name = "s3-recursive-trigger"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.ERROR
    summary = "A function triggered by new objects in a bucket writes new objects to it."
    uses_code = True
    examples = (
        bad(
            "Each thumbnail is itself a new object that triggers another thumbnail:",
            files={"template.yaml": _TEMPLATE, "src/app.py": _HANDLER},
        ),
        bad(
            "Terraform: the code comes from the `archive_file` `source_dir`; same loop:",
            files={
                "main.tf": """
                resource "aws_s3_bucket" "photos" {
                  bucket = "acme-photos"
                }

                data "archive_file" "thumbnailer" {
                  type        = "zip"
                  source_dir  = "${path.module}/src"
                  output_path = "${path.module}/build/thumbnailer.zip"
                }

                resource "aws_lambda_function" "thumbnailer" {
                  function_name    = "thumbnailer"
                  role             = "arn:aws:iam::123456789012:role/thumbnailer"
                  runtime          = "python3.12"
                  handler          = "app.handler"
                  filename         = data.archive_file.thumbnailer.output_path
                  source_code_hash = data.archive_file.thumbnailer.output_base64sha256

                  environment {
                    variables = {
                      BUCKET = aws_s3_bucket.photos.bucket
                    }
                  }
                }

                resource "aws_lambda_permission" "s3" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.thumbnailer.function_name
                  principal     = "s3.amazonaws.com"
                  source_arn    = aws_s3_bucket.photos.arn
                }

                resource "aws_s3_bucket_notification" "photos" {
                  bucket = aws_s3_bucket.photos.id

                  lambda_function {
                    lambda_function_arn = aws_lambda_function.thumbnailer.arn
                    events              = ["s3:ObjectCreated:*"]
                  }
                }
                """,
                "src/app.py": _HANDLER,
            },
        ),
        good(
            "Only uploads under `uploads/` trigger the function; thumbnails go elsewhere:",
            files={
                "template.yaml": _TEMPLATE
                + "            Filter:\n"
                + "              S3Key:\n"
                + "                Rules:\n"
                + "                  - Name: prefix\n"
                + "                    Value: uploads/\n",
                "src/app.py": _HANDLER,
            },
        ),
        good(
            "Terraform: `filter_prefix` keeps the thumbnails out of the trigger:",
            files={
                "main.tf": """
                resource "aws_s3_bucket" "photos" {
                  bucket = "acme-photos"
                }

                data "archive_file" "thumbnailer" {
                  type        = "zip"
                  source_dir  = "${path.module}/src"
                  output_path = "${path.module}/build/thumbnailer.zip"
                }

                resource "aws_lambda_function" "thumbnailer" {
                  function_name    = "thumbnailer"
                  role             = "arn:aws:iam::123456789012:role/thumbnailer"
                  runtime          = "python3.12"
                  handler          = "app.handler"
                  filename         = data.archive_file.thumbnailer.output_path
                  source_code_hash = data.archive_file.thumbnailer.output_base64sha256

                  environment {
                    variables = {
                      BUCKET = aws_s3_bucket.photos.bucket
                    }
                  }
                }

                resource "aws_lambda_permission" "s3" {
                  action        = "lambda:InvokeFunction"
                  function_name = aws_lambda_function.thumbnailer.function_name
                  principal     = "s3.amazonaws.com"
                  source_arn    = aws_s3_bucket.photos.arn
                }

                resource "aws_s3_bucket_notification" "photos" {
                  bucket = aws_s3_bucket.photos.id

                  lambda_function {
                    lambda_function_arn = aws_lambda_function.thumbnailer.arn
                    events              = ["s3:ObjectCreated:*"]
                    filter_prefix       = "uploads/"
                  }
                }
                """,
                "src/app.py": _HANDLER,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/with-s3-example.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for trigger in model.async_triggers:
            function, bucket = trigger.function, trigger.source
            if not isinstance(trigger, S3Trigger) or not isinstance(function, Function):
                continue
            facts = model.handler(function)
            if not isinstance(bucket, Bucket) or not isinstance(facts, HandlerFacts):
                continue
            for effect in facts.effects:
                if not _writes_to(effect, bucket) or not _triggers(trigger, effect):
                    continue
                yield self.report(
                    effect.location,
                    f"function '{function.id}' runs on new objects in bucket '{bucket.id}' "
                    f"and writes to that bucket ({effect.target_source or 'bucket'})"
                    f"{in_function(effect)}: each write triggers it again, an endless loop; "
                    f"write to another bucket, or filter the trigger by a prefix or suffix "
                    f"that the function's own keys do not match",
                    resource=function,
                    related=(trigger.location,),
                )


def _writes_to(effect: Effect, bucket: Bucket) -> bool:
    if effect.service != "s3" or effect.operation not in _WRITE_EVENTS:
        return False
    target = effect.target
    if isinstance(target, FromEvent):
        return any(target.endswith(*tail) for tail in _EVENT_BUCKET)
    if isinstance(target, str):
        return isinstance(bucket.name, str) and target == bucket.name
    return target is bucket


def _triggers(trigger: S3Trigger, effect: Effect) -> bool:
    """The write certainly emits an event the trigger listens to and passes its filter."""
    events = trigger.events
    if not is_known(events):
        return False
    emitted = _WRITE_EVENTS[effect.operation]
    listened = any(
        event in ("s3:ObjectCreated:*", "s3:*")
        or any(event == f"s3:ObjectCreated:{name}" for name in emitted)
        for event in events  # type: ignore[union-attr]
    )
    if not listened:
        return False
    return _matches(trigger.prefix, effect.key, prefix=True) and _matches(
        trigger.suffix, effect.key, prefix=False
    )


def _matches(rule: object, key: KeyPattern | None, *, prefix: bool) -> bool:
    """The key certainly matches the filter rule (no rule: everything matches)."""
    if rule is None or rule == "":
        return True
    if not isinstance(rule, str) or key is None:
        return False
    known = key.prefix if prefix else key.suffix
    return known.startswith(rule) if prefix else known.endswith(rule)
