"""IL101 function-dlq-on-poll-source."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.fixes import Edit, Fix, Reference, editable
from invokelint.model import (
    UNKNOWN,
    EventSourceMapping,
    FailureTarget,
    Function,
    InvocationModel,
    Invocations,
    Queue,
    Redrive,
    Topic,
)
from invokelint.rules.base import Counterpart, Rule, bad, good
from invokelint.rules.mappings import KINDS_WITH_DESTINATIONS, describe
from invokelint.rules.sources import full_retention, label


class FunctionDlqOnPollSource(Rule):
    """
    ## What it does
    Reports a function dead-letter queue (`DeadLetterConfig`, SAM `DeadLetterQueue`) on a
    function whose every trigger in the project is an event source mapping (SQS, Kinesis,
    DynamoDB Streams, Kafka, Amazon MQ, DocumentDB). A function that anything else may
    invoke (an S3 notification, an API, a permission for another service, a reference the
    linter cannot follow) is left alone.

    ## Why is this bad?
    Lambda sends an event to the function's dead-letter queue only after an
    *asynchronous* invocation fails. An event source mapping invokes the function
    synchronously, so nothing it reads ever arrives there: the queue looks like a safety
    net, stays empty, and failed messages go wherever the source decides. For SQS, a
    message that keeps failing returns to the queue until the queue's own
    `RedrivePolicy` moves it to a dead-letter queue (or its retention ends); for
    Kinesis, DynamoDB Streams and Kafka, records that exhaust their retries are dropped
    unless the mapping has a `DestinationConfig.OnFailure`.
    """

    id = "IL101"
    name = "function-dlq-on-poll-source"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = "A function dead-letter queue on a function that only event source mappings invoke."
    examples = (
        bad(
            "The function's dead-letter queue never receives the messages that fail:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Failed:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !GetAtt Failed.Arn
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
            """,
        ),
        bad(
            "A stream consumer with a function DLQ: failed records are still dropped:",
            """
            Resources:
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
              Failed:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  Role: arn:aws:iam::123456789012:role/worker
                  DeadLetterConfig:
                    TargetArn: !GetAtt Failed.Arn
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
            """,
        ),
        bad(
            "Terraform: only a mapping invokes it, so `dead_letter_config` stays empty:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
                }

                resource "aws_sqs_queue" "function_dlq" {
                  name = "function-dlq"
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30

                  dead_letter_config {
                    target_arn = aws_sqs_queue.function_dlq.arn
                  }
                }

                resource "aws_lambda_event_source_mapping" "orders" {
                  event_source_arn = aws_sqs_queue.orders.arn
                  function_name    = aws_lambda_function.worker.arn
                }
                """
            },
        ),
        good(
            "Put the dead-letter queue in the source queue's redrive policy instead:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 180
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt Failed.Arn
                    maxReceiveCount: 5
              Failed:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
            """,
        ),
        good(
            "The same function is also invoked asynchronously (here by S3), so its DLQ matters:",
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Orders:
                Type: AWS::SQS::Queue
              Uploads:
                Type: AWS::S3::Bucket
              Failed:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  DeadLetterQueue:
                    Type: SQS
                    TargetArn: !GetAtt Failed.Arn
                  Events:
                    Orders:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Orders.Arn
                    Upload:
                      Type: S3
                      Properties:
                        Bucket: !Ref Uploads
                        Events: s3:ObjectCreated:*
            """,
        ),
        good(
            "Terraform: the dead-letter queue belongs in the source queue's `redrive_policy`:",
            files={
                "main.tf": """
                resource "aws_sqs_queue" "orders" {
                  name = "orders"
                  redrive_policy = jsonencode({
                    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
                    maxReceiveCount     = 5
                  })
                }

                resource "aws_sqs_queue" "orders_dlq" {
                  message_retention_seconds = 1209600
                }

                resource "aws_lambda_function" "worker" {
                  function_name = "worker"
                  role          = "arn:aws:iam::123456789012:role/worker"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "worker.zip"
                  timeout       = 30
                }

                resource "aws_lambda_event_source_mapping" "orders" {
                  event_source_arn = aws_sqs_queue.orders.arn
                  function_name    = aws_lambda_function.worker.arn
                }
                """
            },
        ),
    )
    counterparts = (
        Counterpart(
            "checkov",
            "CKV_AWS_116",
            "contradicts",
            "CKV_AWS_116 asks every function for a dead-letter queue; on a function that only "
            "event source mappings invoke, that queue never receives anything, which is what "
            "IL101 reports. Skip CKV_AWS_116 for such functions: `checkov --skip-check "
            "CKV_AWS_116`, or on the function `Metadata: {checkov: {skip: [{id: CKV_AWS_116, "
            "comment: ...}]}}` (`# checkov:skip=CKV_AWS_116: ...` in Terraform).",
        ),
    )
    fix_safety = (
        "unsafe",
        (
            "it removes the function's dead-letter queue and sends failures to that queue "
            "where the source can: each SQS source queue gets `RedrivePolicy: "
            "{deadLetterTargetArn: <that queue>, maxReceiveCount: 5}` (a message that fails "
            "five receives moves there instead of staying until its retention ends), each "
            "Kinesis, DynamoDB or Kafka mapping `DestinationConfig: {OnFailure: {Destination:"
            " <that queue>}}` (with SAM's `Type`, so SAM keeps granting the send). A queue "
            "that starts receiving failures also gets `MessageRetentionPeriod: 1209600` when "
            "it keeps them less (IL210). What gets dead-lettered changes, and a human should "
            "review the count. Only offered when every trigger can take it: an SQS queue of "
            "the same template with no redrive policy yet and a dead-letter queue of the same"
            " kind (standard or FIFO), a stream mapping with no `DestinationConfig` and a "
            "standard queue or topic; never for a queue from a parameter or another stack, "
            "nor a dead-letter queue set in SAM `Globals` for several functions. In Terraform "
            "the function's `dead_letter_config` block goes, a source queue gets `redrive_policy"
            " = jsonencode({ deadLetterTargetArn = aws_sqs_queue.<dlq>.arn, maxReceiveCount = "
            "5 })` and a mapping `destination_config { on_failure { destination_arn = ... } }`, "
            "when all of them are written in one `.tf` file, the dead-letter queue has no "
            "`count` or `for_each`, and no `aws_sqs_queue_redrive_policy` resource is in the "
            "module (not in `.tf.json`, where no block is removed)."
        ),
    )
    references = (
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        for function in model.functions:
            dead_letter = function.dead_letter
            if not isinstance(dead_letter, FailureTarget):
                continue
            invocations = model.invocations(function)
            if not invocations.only_poll:
                continue
            target = label(dead_letter.target)
            queue = f" {target}" if target else ""
            advice = "; ".join(dict.fromkeys(_advice(m) for m in invocations.poll))
            yield self.report(
                dead_letter.location,
                f"function '{function.id}' has a dead-letter queue{queue}, but only event "
                f"source mappings invoke it and Lambda sends only failed asynchronous "
                f"invocations there, so it stays empty; {advice}",
                resource=function,
                related=tuple(m.location for m in invocations.poll),
                fix=_move_dead_letter(model, function, dead_letter, invocations),
            )


MAX_RECEIVE_COUNT = 5  # IL104's floor: throttled or batch-failed messages get 5 tries


def _move_dead_letter(
    model: InvocationModel,
    function: Function,
    dead_letter: FailureTarget,
    invocations: Invocations,
) -> Fix | None:
    """Remove the function's DLQ; each SQS source queue redrives into it instead, and
    each stream or Kafka mapping sends its failed batches there."""
    dlq, path = dead_letter.target, dead_letter.location.path
    if not isinstance(dlq, (Queue, Topic)) or dlq.fifo.value is UNKNOWN:
        return None
    if dlq.location.path != path or not editable(dlq.location):
        return None
    if any(  # a DLQ written in SAM Globals serves other functions too
        other is not function
        and isinstance(other.dead_letter, FailureTarget)
        and other.dead_letter.location == dead_letter.location
        for other in model.functions
    ):
        return None
    key = "DeadLetterQueue" if function.sam else "DeadLetterConfig"
    edits = [Edit(dead_letter.location, (), remove=True, key=key)]
    into: dict[str, None] = {}
    for mapping in invocations.poll:
        moved = (
            _redrive(model, mapping, dlq, path)
            if mapping.source_kind == "sqs"
            else _on_failure(mapping, dlq, path)
        )
        if moved is None:
            return None
        edits.extend(edit for edit in moved[0] if edit not in edits)
        into[moved[1]] = None
    return Fix(
        tuple(edits),
        "unsafe",
        f"move the dead-letter queue '{dlq.id}' into the {' and '.join(into)}",
    )


def _redrive(
    model: InvocationModel, mapping: EventSourceMapping, dlq: Queue | Topic, path: str
) -> tuple[list[Edit], str] | None:
    """``RedrivePolicy`` for an SQS source of the template that has none (not even
    behind an intrinsic), into a queue of the same kind (standard or FIFO). Not in a
    Terraform module with an ``aws_sqs_queue_redrive_policy``: one whose queue the model
    could not name may be this queue's."""
    queue = mapping.source
    if any(r.type == "aws_sqs_queue_redrive_policy" for r in model.resources.values()):
        return None
    if (
        not isinstance(queue, Queue)
        or not isinstance(dlq, Queue)
        or queue is dlq
        or queue.redrive is not None
        or queue.location.path != path
        or queue.fifo.value != dlq.fifo.value
    ):
        return None
    policy = ("Properties", "RedrivePolicy")
    arn = Reference.arn_of(dlq.id, attribute=True)
    return [
        Edit(queue.location, (*policy, "deadLetterTargetArn"), arn),
        Edit(queue.location, (*policy, "maxReceiveCount"), MAX_RECEIVE_COUNT),
    ], f"RedrivePolicy of queue '{queue.id}'"


def _on_failure(
    mapping: EventSourceMapping, dlq: Queue | Topic, path: str
) -> tuple[list[Edit], str] | None:
    """``DestinationConfig.OnFailure`` for a stream or Kafka mapping that has none; only
    a standard queue or topic receives a mapping's failures."""
    if (
        mapping.source_kind not in KINDS_WITH_DESTINATIONS
        or mapping.destination_config is not None
        or not mapping.settable
        or mapping.location.path != path
        or dlq.fifo.value is not False
    ):
        return None
    on_failure = ("Properties", "DestinationConfig", "OnFailure")
    arn = Reference.arn_of(dlq.id, attribute=isinstance(dlq, Queue))
    edits = [Edit(mapping.location, (*on_failure, "Destination"), arn)]
    if mapping.sam:  # SAM then grants the send, as it did for the DeadLetterQueue
        kind = "SQS" if isinstance(dlq, Queue) else "SNS"
        edits.append(Edit(mapping.location, (*on_failure, "Type"), kind))
    edits.extend(full_retention(dlq))
    return edits, f"DestinationConfig.OnFailure of {describe(mapping)}"


def _advice(mapping: EventSourceMapping) -> str:
    """Where failures of this mapping's source are really captured."""
    kind, source = mapping.source_kind, mapping.source
    if kind == "sqs":
        name = label(source)
        if isinstance(source, Queue) and isinstance(source.redrive, Redrive):
            dlq = label(source.redrive.dead_letter)
            into = f" into {dlq}" if dlq else ""
            return (
                f"queue {name} already moves failed messages{into} with its RedrivePolicy: "
                f"remove the function's dead-letter queue"
            )
        queue = f"queue {name}" if name else "the source queue"
        return f"move it into the RedrivePolicy of {queue} (deadLetterTargetArn, maxReceiveCount)"
    if kind in ("kinesis", "dynamodb", "kafka"):
        if mapping.on_failure is not None:
            return (
                f"{describe(mapping)} already has a DestinationConfig.OnFailure: "
                f"remove the function's dead-letter queue"
            )
        return f"set DestinationConfig.OnFailure on {describe(mapping)} instead"
    if kind == "mq":
        return (
            "configure dead-lettering on the broker (a redelivery policy or dead-letter exchange)"
        )
    return "capture failures at the event source or in the handler instead"
