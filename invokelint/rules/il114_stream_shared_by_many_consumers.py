"""IL114 stream-shared-by-many-consumers."""

from __future__ import annotations

from collections.abc import Iterator

from invokelint.diagnostics import Diagnostic, Severity
from invokelint.model import EventSourceMapping, ExternalArn, InvocationModel, Location, Resource
from invokelint.rules.base import Option, Rule, bad, good
from invokelint.rules.mappings import describe, resource_location
from invokelint.rules.sources import label

DEFAULT_MAX_SHARED = 2

_STREAM = """
              Clicks:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCount: 1
"""


def _consumer(name: str, source: str) -> str:
    return f"""
              {name}:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Events:
                    Clicks:
                      Type: Kinesis
                      Properties:
                        Stream: {source}
                        StartingPosition: LATEST
                        MaximumRetryAttempts: 3
"""


class StreamSharedByManyConsumers(Rule):
    """
    ## What it does
    Counts the event source mappings that read one Kinesis data stream with standard
    (shared-throughput) iterators, and reports a stream read by more than
    `max-shared-consumers` of them (default 2). Mappings that read through an enhanced
    fan-out consumer (`AWS::Kinesis::StreamConsumer`) are not counted, nor are disabled
    mappings or other readers the project does not show.

    ## Why is this bad?
    Every shard serves at most 5 `GetRecords` calls per second and 2 MB/s of reads,
    shared by everything that polls it with a standard iterator. Each Lambda mapping
    polls every shard once a second, so a third reader already pushes the shard to its
    limit: the readers are throttled (`ReadProvisionedThroughputExceeded`), the iterator
    age grows and records wait, or expire. An enhanced fan-out consumer gets its own
    2 MB/s per shard, pushed to it without polling.
    """

    id = "IL114"
    name = "stream-shared-by-many-consumers"
    inputs = ("cloudformation", "sam", "cdk", "terraform", "serverless")
    severity = Severity.WARNING
    summary = (
        "More Lambda mappings read one Kinesis stream than its shards' shared throughput serves."
    )
    options = {
        "max-shared-consumers": Option(
            default=DEFAULT_MAX_SHARED,
            schema={"type": "integer", "minimum": 1, "maximum": 5},
            description="how many mappings may share a stream's standard iterators before "
            "the stream is reported (AWS advises at most 2 readers per shard).",
        )
    }
    examples = (
        bad(
            "Three functions poll the same shards:",
            "Transform: AWS::Serverless-2016-10-31\nResources:"
            + _STREAM
            + _consumer("Counter", "!GetAtt Clicks.Arn")
            + _consumer("Archiver", "!GetAtt Clicks.Arn")
            + _consumer("Indexer", "!GetAtt Clicks.Arn"),
        ),
        bad(
            "Terraform: three mappings poll the same shards:",
            files={
                "main.tf": """
                resource "aws_kinesis_stream" "clicks" {
                  name        = "clicks"
                  shard_count = 1
                }

                resource "aws_lambda_function" "counter" {
                  function_name = "counter"
                  role          = "arn:aws:iam::123456789012:role/counter"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "counter.zip"
                  timeout       = 30
                }

                resource "aws_lambda_function" "archiver" {
                  function_name = "archiver"
                  role          = "arn:aws:iam::123456789012:role/archiver"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "archiver.zip"
                  timeout       = 30
                }

                resource "aws_lambda_function" "indexer" {
                  function_name = "indexer"
                  role          = "arn:aws:iam::123456789012:role/indexer"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "indexer.zip"
                  timeout       = 30
                }

                resource "aws_lambda_event_source_mapping" "counter" {
                  event_source_arn       = aws_kinesis_stream.clicks.arn
                  function_name          = aws_lambda_function.counter.arn
                  starting_position      = "LATEST"
                  maximum_retry_attempts = 3
                }

                resource "aws_lambda_event_source_mapping" "archiver" {
                  event_source_arn       = aws_kinesis_stream.clicks.arn
                  function_name          = aws_lambda_function.archiver.arn
                  starting_position      = "LATEST"
                  maximum_retry_attempts = 3
                }

                resource "aws_lambda_event_source_mapping" "indexer" {
                  event_source_arn       = aws_kinesis_stream.clicks.arn
                  function_name          = aws_lambda_function.indexer.arn
                  starting_position      = "LATEST"
                  maximum_retry_attempts = 3
                }
                """,
            },
        ),
        good(
            "The third reader has an enhanced fan-out consumer of its own:",
            "Transform: AWS::Serverless-2016-10-31\nResources:"
            + _STREAM
            + """
              IndexerConsumer:
                Type: AWS::Kinesis::StreamConsumer
                Properties:
                  ConsumerName: indexer
                  StreamARN: !GetAtt Clicks.Arn
"""
            + _consumer("Counter", "!GetAtt Clicks.Arn")
            + _consumer("Archiver", "!GetAtt Clicks.Arn")
            + _consumer("Indexer", "!GetAtt IndexerConsumer.ConsumerARN"),
        ),
        good(
            "Terraform: the third reader has an enhanced fan-out consumer of its own:",
            files={
                "main.tf": """
                resource "aws_kinesis_stream" "clicks" {
                  name        = "clicks"
                  shard_count = 1
                }

                resource "aws_kinesis_stream_consumer" "indexer" {
                  name       = "indexer"
                  stream_arn = aws_kinesis_stream.clicks.arn
                }

                resource "aws_lambda_function" "counter" {
                  function_name = "counter"
                  role          = "arn:aws:iam::123456789012:role/counter"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "counter.zip"
                  timeout       = 30
                }

                resource "aws_lambda_function" "archiver" {
                  function_name = "archiver"
                  role          = "arn:aws:iam::123456789012:role/archiver"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "archiver.zip"
                  timeout       = 30
                }

                resource "aws_lambda_function" "indexer" {
                  function_name = "indexer"
                  role          = "arn:aws:iam::123456789012:role/indexer"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "indexer.zip"
                  timeout       = 30
                }

                resource "aws_lambda_event_source_mapping" "counter" {
                  event_source_arn       = aws_kinesis_stream.clicks.arn
                  function_name          = aws_lambda_function.counter.arn
                  starting_position      = "LATEST"
                  maximum_retry_attempts = 3
                }

                resource "aws_lambda_event_source_mapping" "archiver" {
                  event_source_arn       = aws_kinesis_stream.clicks.arn
                  function_name          = aws_lambda_function.archiver.arn
                  starting_position      = "LATEST"
                  maximum_retry_attempts = 3
                }

                resource "aws_lambda_event_source_mapping" "indexer" {
                  event_source_arn       = aws_kinesis_stream_consumer.indexer.arn
                  function_name          = aws_lambda_function.indexer.arn
                  starting_position      = "LATEST"
                  maximum_retry_attempts = 3
                }
                """,
            },
        ),
    )
    references = (
        "https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-configure",
        "https://docs.aws.amazon.com/streams/latest/dev/enhanced-consumers.html",
    )

    def check(self, model: InvocationModel) -> Iterator[Diagnostic]:
        limit = self.settings["max-shared-consumers"]
        readers: dict[object, list[EventSourceMapping]] = {}
        for mapping in model.mappings:
            if mapping.source_kind != "kinesis" or mapping.fan_out is not False:
                continue
            if mapping.enabled.value is False:
                continue
            key = _stream_key(mapping)
            if key is not None:
                readers.setdefault(key, []).append(mapping)
        for mappings in readers.values():
            if len(mappings) > limit:
                yield self._report(mappings, limit)

    def _report(self, mappings: list[EventSourceMapping], limit: int) -> Diagnostic:
        stream = mappings[0].source
        names = ", ".join(describe(m) for m in mappings[:4])
        if len(mappings) > 4:
            names += f" and {len(mappings) - 4} more"
        where: Location = stream.location if isinstance(stream, Resource) else mappings[-1].location
        message = (
            f"{len(mappings)} event source mappings read Kinesis stream {label(stream)} with "
            f"shared iterators ({names}), more than {limit}: they share each shard's 5 "
            f"reads/s and 2 MB/s and throttle each other; read through an enhanced fan-out "
            f"consumer (AWS::Kinesis::StreamConsumer) for all but {limit} of them"
        )
        return self.report(
            where,
            message,
            resource=stream if isinstance(stream, Resource) else mappings[-1].resource,
            resource_location=None
            if isinstance(stream, Resource)
            else resource_location(mappings[-1]),
            related=tuple(m.location for m in mappings),
        )


def _stream_key(mapping: EventSourceMapping) -> object | None:
    """The stream a mapping reads: a resource of the project, or an ARN's text."""
    source = mapping.source
    if isinstance(source, Resource):
        return source
    if isinstance(source, ExternalArn):
        return source.arn
    return None
