"""IL401 non-idempotent-handler."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.code.facts import NAMED_CREATES, Effect
from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import ExternalArn, Function, InvocationModel, Location, Queue, Topic
from invokelint.rules.base import Rule, bad, good
from invokelint.rules.handler_code import (
    analysed,
    in_function,
    mapping_phrase,
    target_name,
    trigger_phrase,
)

_FRESH_WRITES = frozenset(
    {
        "put_item",
        "put_object",
        "batch_write_item",
        "update_item",
        "upload_file",
        "upload_fileobj",
        "copy_object",
        "copy",
    }
)
_SES_SENDS = ("send_email", "send_raw_email", "send_templated_email", "send_bulk")

_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
  Totals:
    Type: AWS::DynamoDB::Table
  Counter:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Environment:
        Variables:
          TABLE: !Ref Totals
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
"""


class NonIdempotentHandler(Rule):
    """
    ## What it does
    Finds side effects that a second delivery of the same event would repeat, in the
    code reachable from the handler of a function that is invoked asynchronously (S3,
    SNS, EventBridge, ...) or by an event source mapping (SQS, Kinesis, DynamoDB
    Streams, ...). It follows calls into functions of the same module and of modules
    under the code root, into the methods of classes defined there that the handler
    instantiates (with what `__init__` stores on `self`), and through bound-method
    aliases such as `publish = sns.publish`.

    Effects that repeat: counter and list updates (`update_item` with `ADD`,
    `SET n = n + :x`, `list_append`); writes whose key is new on every attempt
    (`put_item`, `put_object`, `batch_write_item` keyed by `uuid4()`, `time.time()`,
    `datetime.now()`, `random`); sending to a standard SQS queue, SNS `publish`
    (unless the topic is FIFO), SES sends, EventBridge `put_events`, Kinesis
    `put_record(s)`; HTTP `POST`/`PATCH` with `requests`, `httpx`, `urllib3` or
    `urllib`; payment calls without an idempotency key; `lambda.invoke` with
    `InvocationType="Event"`; calls that create or start something anew: Transcribe
    `start_transcription_job`, Step Functions `start_execution` and RDS, ElastiCache or
    Lightsail snapshots under a name made new on every attempt, EC2 `create_snapshot`,
    MediaConvert `create_job` without `ClientRequestToken`, OpenSearch/Elasticsearch
    `index()` without a stable `id=`, IoT `publish`.

    The message names the guard that exists for the call: a `ConditionExpression` for
    DynamoDB, a name, token or id derived from the event where the API takes one, and
    Powertools `@idempotent` where it takes none (an SQS standard queue, SNS, IoT).

    Not reported: a write whose key and content come from the event (writing it twice
    changes nothing), a call with a guard (Powertools `@idempotent` on the handler,
    `@idempotent_function` on the function making the call, a `ConditionExpression`, a
    `MessageDeduplicationId`, a `ClientToken`, an idempotency key or an
    `Idempotency-Key` header), a call whose arguments are passed as `**kwargs`, and an
    SQS send to a queue that is not known to be standard.

    ## Why is this bad?
    These invocations are *at least once*: Lambda retries an asynchronous event after
    an error or a throttle, an SQS message becomes visible again when its batch fails
    or times out, and a stream batch is retried whole. Anything the first attempt did
    before it failed is done again: counters count twice, customers get two emails,
    payments are taken twice.
    """

    id = "IL401"
    name = "non-idempotent-handler"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless", "handler")
    severity = Severity.WARNING
    summary = "A handler invoked at least once repeats a side effect when an event is redelivered."
    uses_code = True
    examples = (
        bad(
            "Each delivery of an order message adds to the counter again:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import json
                import os

                import boto3

                table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


                def handler(event, context):
                    for record in event["Records"]:
                        order = json.loads(record["body"])
                        table.update_item(
                            Key={"customer": order["customer"]},
                            UpdateExpression="ADD orders :one",
                            ExpressionAttributeValues={":one": 1},
                        )
                """,
            },
        ),
        good(
            "Powertools records each processed message and skips a repeat:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import json
                import os

                import boto3
                from aws_lambda_powertools.utilities.idempotency import (
                    DynamoDBPersistenceLayer,
                    idempotent_function,
                )

                table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
                persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])


                @idempotent_function(data_keyword_argument="order", persistence_store=persistence)
                def count(order):
                    table.update_item(
                        Key={"customer": order["customer"]},
                        UpdateExpression="ADD orders :one",
                        ExpressionAttributeValues={":one": 1},
                    )


                def handler(event, context):
                    for record in event["Records"]:
                        count(order=json.loads(record["body"]))
                """,
            },
        ),
        good(
            "A write keyed by the event itself only overwrites the same item:",
            files={
                "template.yaml": _TEMPLATE,
                "src/app.py": """
                import json
                import os

                import boto3

                table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


                def handler(event, context):
                    for record in event["Records"]:
                        order = json.loads(record["body"])
                        table.put_item(Item={"id": record["messageId"], "order": order})
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html",
        "https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/",
        "https://repost.aws/knowledge-center/lambda-function-idempotent",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function, facts in analysed(model):
            if facts.idempotent:
                continue
            invoked = _at_least_once(model, function)
            if invoked is None:
                continue
            how, where = invoked
            for effect in facts.effects:
                if effect.guard is not None or not effect.arguments_known:
                    continue
                repeated = _repeated(effect)
                if repeated is None:
                    continue
                yield self.report(
                    effect.location,
                    f"function '{function.id}' gets at-least-once deliveries {how} and "
                    f"{repeated}{in_function(effect)}; a redelivered event does it again: "
                    f"{_advice(effect)}",
                    resource=function,
                    related=(where,),
                )


def _at_least_once(model: InvocationModel, function: Function) -> tuple[str, Location] | None:
    invocations = model.invocations(function)
    if invocations.poll:
        mapping = invocations.poll[0]
        return f"from {mapping_phrase(mapping)}", mapping.location
    if invocations.asynchronous:
        trigger = invocations.asynchronous[0]
        return f"from {trigger_phrase(trigger)} (asynchronous)", trigger.location
    return None


def _repeated(effect: Effect) -> str | None:
    """What a repeat of ``effect`` would do twice, or None when repeating is harmless."""
    service, operation = effect.service, effect.operation
    target = target_name(effect.target)
    to = f" to {target}" if target else ""
    if service == "dynamodb" and effect.update == "counter":
        return "adds to a stored value (update_item with ADD or SET x = x + ...)"
    if service == "dynamodb" and effect.update == "append":
        return "appends to a stored list (update_item with list_append)"
    if operation in _FRESH_WRITES and effect.fresh_key:
        return f"writes with {operation} under a key made new on every attempt (uuid, time, random)"
    if service == "sqs" and operation in ("send_message", "send_message_batch"):
        return f"sends a message{to}" if _standard(effect.target, Queue) else None
    if service == "sns" and operation == "publish":
        return None if _fifo(effect.target, Topic) else f"publishes a notification{to}"
    if service in ("ses", "sesv2") and operation.startswith(_SES_SENDS):
        return f"sends an email ({operation})"
    if service == "events" and operation == "put_events":
        return "puts events on an event bus"
    if service == "kinesis" and operation in ("put_record", "put_records"):
        return f"puts records on a stream{to}"
    if service == "http" and operation in ("post", "patch"):
        return f"sends an HTTP {operation.upper()}{to} with {effect.library}"
    if service == "payment":
        return f"makes a payment call ({effect.library} {operation}) without an idempotency key"
    if service == "lambda" and (
        operation == "invoke_async"
        or (operation == "invoke" and effect.arguments.get("InvocationType") == "Event")
    ):
        return f"invokes function{' ' + target if target else 's'} asynchronously"
    return _creates(effect)


def _creates(effect: Effect) -> str | None:
    """Calls that create or start something anew on every attempt."""
    call = (effect.service, effect.operation)
    if call in _NAMED_STARTS and effect.fresh_key:
        return f"{_NAMED_STARTS[call]} under a name made new on every attempt (uuid, time)"
    if call == ("ec2", "create_snapshot"):
        return "creates an EBS snapshot (create_snapshot)"
    if call == ("mediaconvert", "create_job"):
        return "creates a MediaConvert job without ClientRequestToken"
    if call == ("opensearch", "index"):
        made = "a new" if effect.fresh_key else "a generated"
        return f"indexes a document under {made} id ({effect.library} index() without a stable id=)"
    if call == ("iot-data", "publish"):
        return "publishes an MQTT message (iot-data publish)"
    return None


_NAMED_STARTS = {
    ("transcribe", "start_transcription_job"): "starts a transcription job",
    ("stepfunctions", "start_execution"): "starts a state machine execution",
    ("elasticache", "create_snapshot"): "creates an ElastiCache snapshot",
    ("lightsail", "create_instance_snapshot"): "creates a Lightsail snapshot",
    ("rds", "create_db_snapshot"): "creates an RDS snapshot",
}
_POWERTOOLS = "Powertools @idempotent on the handler"


def _advice(effect: Effect) -> str:
    """The guard that exists for this call: never one its API does not have."""
    service, operation = effect.service, effect.operation
    if service == "dynamodb":
        return (
            "guard the write with a ConditionExpression (e.g. attribute_not_exists on the "
            f"key), key it by the event, or use {_POWERTOOLS}"
        )
    if service == "s3":
        return f"key the object by the event (or pass IfNoneMatch='*'), or use {_POWERTOOLS}"
    if service == "sqs":
        return f"use {_POWERTOOLS} (a standard queue has no deduplication id)"
    if service == "sns":
        return f"use {_POWERTOOLS} (a standard topic has no deduplication id)"
    if service == "http":
        return f"send an Idempotency-Key header if the API honours one, or use {_POWERTOOLS}"
    if service == "payment":
        return "pass an idempotency_key derived from the event"
    if (service, operation) in _NAMED_STARTS:
        argument = NAMED_CREATES[(service, operation)]
        return (
            f"pass {argument}= derived from the event, so that a second attempt cannot start "
            f"another (treat its 'already exists' error as success), or use {_POWERTOOLS}"
        )
    if (service, operation) == ("mediaconvert", "create_job"):
        return "pass a ClientRequestToken derived from the event"
    if (service, operation) == ("opensearch", "index"):
        return "pass id= derived from the event, so a second attempt overwrites the same document"
    return f"use {_POWERTOOLS}"


def _standard(target: object, kind: type) -> bool:
    """Known to be a standard (not FIFO) queue or topic."""
    if isinstance(target, kind):
        fifo = target.fifo  # type: ignore[attr-defined]
        return fifo.known and fifo.value is False
    if isinstance(target, ExternalArn):
        return target.fifo is False
    if isinstance(target, str):
        return not target.endswith(".fifo")
    return False


def _fifo(target: object, kind: type) -> bool:
    if isinstance(target, kind):
        fifo = target.fifo  # type: ignore[attr-defined]
        return not fifo.known or fifo.value is True
    if isinstance(target, ExternalArn):
        return target.fifo is True
    if isinstance(target, str):
        return target.endswith(".fifo")
    return False
