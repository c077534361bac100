"""IL101-IL107 beyond their examples and fixtures: messages, options, rule boundaries."""

from __future__ import annotations

import inspect
import textwrap

import pytest
from helpers import lint, write_project

from invokelint.model import (
    UNKNOWN,
    EventBridgeTrigger,
    FailureTarget,
    InvocationModel,
    Location,
    Queue,
    Setting,
)
from invokelint.rules.sources import duration

HERE = Location("template.yaml", 1, 1, 1, 2)


def found(tmp_path, template: str, code: str, **settings):
    write_project(tmp_path, {"template.yaml": inspect.cleandoc(template) + "\n"})
    return [d for d in lint(tmp_path, select=[code], **settings).diagnostics if d.code == code]


def line_of(template: str, text: str) -> int:
    lines = inspect.cleandoc(template).splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def consumer(events: str, *, extra: str = "", dead_letter: str = "") -> str:
    """A SAM template: queues/streams in ``extra``, one function with ``events``."""
    return f"""
Transform: AWS::Serverless-2016-10-31
Resources:
{_indent(extra, 2)}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 20
{_indent(dead_letter, 6)}
      Events:
{_indent(events, 8)}
"""


def _indent(text: str, spaces: int) -> str:
    return textwrap.indent(textwrap.dedent(text).strip("\n"), " " * spaces)


# ----------------------------------------------------------------------------- IL101

DLQ = """
DeadLetterQueue:
  Type: SQS
  TargetArn: !GetAtt Failures.Arn
"""
FAILURES = """
Failures:
  Type: AWS::SQS::Queue
"""


@pytest.mark.parametrize(
    ("extra", "event", "advice"),
    [
        (
            "Orders:\n  Type: AWS::SQS::Queue",
            "E:\n  Type: SQS\n  Properties:\n    Queue: !GetAtt Orders.Arn",
            "move it into the RedrivePolicy of queue 'Orders'",
        ),
        (
            "Orders:\n  Type: AWS::SQS::Queue\n  Properties:\n    RedrivePolicy:\n"
            "      deadLetterTargetArn: !GetAtt Failures.Arn\n      maxReceiveCount: 5",
            "E:\n  Type: SQS\n  Properties:\n    Queue: !GetAtt Orders.Arn",
            "queue 'Orders' already moves failed messages into 'Failures'",
        ),
        (
            "Clicks:\n  Type: AWS::Kinesis::Stream",
            "E:\n  Type: Kinesis\n  Properties:\n    Stream: !GetAtt Clicks.Arn\n"
            "    StartingPosition: LATEST",
            "set DestinationConfig.OnFailure on SAM event 'E' of function 'Worker'",
        ),
        (
            "Clicks:\n  Type: AWS::Kinesis::Stream",
            "E:\n  Type: Kinesis\n  Properties:\n    Stream: !GetAtt Clicks.Arn\n"
            "    StartingPosition: LATEST\n    DestinationConfig:\n      OnFailure:\n"
            "        Destination: !GetAtt Failures.Arn",
            "SAM event 'E' of function 'Worker' already has a DestinationConfig.OnFailure",
        ),
        (
            "Broker:\n  Type: AWS::AmazonMQ::Broker",
            "E:\n  Type: MQ\n  Properties:\n    Broker: !GetAtt Broker.Arn\n    Queues: [q]",
            "dead-lettering on the broker",
        ),
    ],
)
def test_il101_advice_follows_the_source(tmp_path, extra, event, advice):
    template = consumer(event, extra=extra + "\n" + FAILURES, dead_letter=DLQ)
    (diagnostic,) = found(tmp_path, template, "IL101")
    assert advice in diagnostic.message
    assert "function 'Worker' has a dead-letter queue 'Failures'" in diagnostic.message
    assert diagnostic.location.line == line_of(template, "DeadLetterQueue:")


# ----------------------------------------------------------------------------- IL102

ORDERS_EVENT = "Orders:\n  Type: SQS\n  Properties:\n    Queue: !GetAtt Orders.Arn"


def test_il102_names_the_consumer_and_the_retention(tmp_path):
    template = consumer(
        ORDERS_EVENT,
        extra="Orders:\n  Type: AWS::SQS::Queue\n  Properties:\n    MessageRetentionPeriod: 7200",
    )
    (diagnostic,) = found(tmp_path, template, "IL102")
    assert "read by function 'Worker'" in diagnostic.message
    assert "retention period of 2 hours (7200 s)" in diagnostic.message
    assert diagnostic.location.line == line_of(template, "Orders:")


def test_il102_treats_an_eventbridge_target_dlq_as_a_dead_letter_queue():
    """Triggers other frontends build (Terraform) carry the DLQ as a model edge."""
    model = InvocationModel()
    queue = Queue(
        id="RuleDlq",
        type="AWS::SQS::Queue",
        location=HERE,
        fifo=Setting(False, HERE),
        visibility_timeout=Setting(30, HERE),
        retention_period=Setting(345600, HERE),
    )
    model.add(queue)
    model.async_triggers.append(
        EventBridgeTrigger(
            id="Rule.Target",
            resource="Rule",
            location=HERE,
            function=UNKNOWN,
            service="events",
            dead_letter=FailureTarget(role="dlq", target=queue, location=HERE),
        )
    )
    assert model.finalize().is_dead_letter_target(queue)


# ----------------------------------------------------------------------------- IL104

REDRIVEN = """
Orders:
  Type: AWS::SQS::Queue
  Properties:
    RedrivePolicy:
      deadLetterTargetArn: !GetAtt OrdersDLQ.Arn
      maxReceiveCount: {count}
OrdersDLQ:
  Type: AWS::SQS::Queue
"""


@pytest.mark.parametrize(
    ("count", "minimum", "fires"), [(4, None, True), (5, None, False), (5, 10, True), (2, 2, False)]
)
def test_il104_threshold_and_option(tmp_path, count, minimum, fires):
    options = {"rule_options": {"IL104": {"minimum": minimum}}} if minimum else {}
    template = consumer(ORDERS_EVENT, extra=REDRIVEN.format(count=count))
    diagnostics = found(tmp_path, template, "IL104", **options)
    assert bool(diagnostics) is fires
    if fires:
        assert f"after {count} receives" in diagnostics[0].message
        assert f"at least {minimum or 5}" in diagnostics[0].message


# ----------------------------------------------------------------------------- IL105


def _retention_template(orders: int | None, refunds: int | None, dlq: int | None) -> str:
    def retention(value: int | None) -> str:
        return f"\n    MessageRetentionPeriod: {value}" if value else ""

    extra = f"""
Orders:
  Type: AWS::SQS::Queue
  Properties:{retention(orders)}
    RedrivePolicy: {{deadLetterTargetArn: !GetAtt DLQ.Arn, maxReceiveCount: 5}}
Refunds:
  Type: AWS::SQS::Queue
  Properties:{retention(refunds)}
    RedrivePolicy: {{deadLetterTargetArn: !GetAtt DLQ.Arn, maxReceiveCount: 5}}
DLQ:
  Type: AWS::SQS::Queue
  Properties:
    DelaySeconds: 0{retention(dlq)}
"""
    events = ORDERS_EVENT + "\nRefunds:\n  Type: SQS\n  Properties:\n    Queue: !GetAtt Refunds.Arn"
    return consumer(events, extra=extra)


def test_il105_reports_a_shared_dlq_once_against_its_longest_source(tmp_path):
    template = _retention_template(86400, 604800, 345600)
    (diagnostic,) = found(tmp_path, template, "IL105")
    assert "'DLQ' keeps messages for 345600 s" in diagnostic.message
    assert "source queue 'Refunds' (604800 s)" in diagnostic.message
    assert "set MessageRetentionPeriod of 'DLQ' to 1209600" in diagnostic.message
    assert diagnostic.location.line == line_of(template, "MessageRetentionPeriod: 345600")


def test_il105_points_at_sources_that_already_keep_the_maximum(tmp_path):
    template = _retention_template(1209600, 1209600, 604800)
    diagnostics = found(tmp_path, template, "IL105")
    assert {d.resource for d in diagnostics} == {"Orders", "Refunds"}
    for diagnostic in diagnostics:
        assert "set MessageRetentionPeriod of 'DLQ' to 1209600 and lower" in diagnostic.message


def test_il105_is_silent_when_the_dlq_outlives_every_source(tmp_path):
    assert not found(tmp_path, _retention_template(86400, 345600, 432000), "IL105")


# ------------------------------------------------------------------- IL106 and IL107

FIFO = "Ledger:\n  Type: AWS::SQS::Queue\n  Properties:\n    FifoQueue: true"
STANDARD = "Ledger:\n  Type: AWS::SQS::Queue"


def _ledger(settings: str, queue: str = FIFO) -> str:
    event = "Ledger:\n  Type: SQS\n  Properties:\n    Queue: !GetAtt Ledger.Arn\n" + _indent(
        settings, 4
    )
    return consumer(event, extra=queue)


@pytest.mark.parametrize(
    ("queue", "settings", "expected"),
    [
        (FIFO, "BatchSize: 20000", {"IL106"}),  # above FIFO's 10 and the general 10000
        (FIFO, "MaximumBatchingWindowInSeconds: 600", {"IL106"}),  # FIFO: any window
        (FIFO, "BatchSize: 0", {"IL107"}),  # below every source's minimum
        (FIFO, "BatchSize: 10", set()),
        (STANDARD, "BatchSize: 20", {"IL107"}),  # needs a window of 1 s or more
        (STANDARD, "BatchSize: 20\nMaximumBatchingWindowInSeconds: 0", {"IL107"}),
        (STANDARD, "BatchSize: 20\nMaximumBatchingWindowInSeconds: 1", set()),
        (STANDARD, "BatchSize: 10", set()),
        (STANDARD, "MaximumBatchingWindowInSeconds: 300", set()),
        (STANDARD, "MaximumBatchingWindowInSeconds: -1", {"IL107"}),
    ],
)
def test_fifo_and_batch_limits_are_reported_once(tmp_path, queue, settings, expected):
    write_project(tmp_path, {"template.yaml": inspect.cleandoc(_ledger(settings, queue)) + "\n"})
    diagnostics = lint(tmp_path, select=["IL106", "IL107"]).diagnostics
    assert {d.code for d in diagnostics} == expected
    assert len(diagnostics) == len(expected)


def test_il107_leaves_large_stream_batches_without_a_window_alone(tmp_path):
    """AWS deploys these (its own SAM integration templates do it); only SQS needs a window."""
    event = """
    Clicks:
      Type: Kinesis
      Properties:
        Stream: !GetAtt Clicks.Arn
        StartingPosition: LATEST
        BatchSize: 5000
    """
    template = consumer(event, extra="Clicks:\n  Type: AWS::Kinesis::Stream")
    assert not found(tmp_path, template, "IL107")
    # ...unless a team opts into the API reference's literal reading
    strict = {"rule_options": {"IL107": {"window-required-for": ["sqs", "kinesis"]}}}
    assert [d.code for d in found(tmp_path, template, "IL107", **strict)] == ["IL107"]


def test_il107_message_names_the_numbers_and_the_fix(tmp_path):
    template = _ledger("BatchSize: 50", STANDARD)
    (diagnostic,) = found(tmp_path, template, "IL107")
    assert diagnostic.message == (
        "SAM event 'Ledger' of function 'Worker' reads batches of 50 messages from queue 'Ledger' "
        "without a batching window, which Lambda rejects above 10; set "
        "MaximumBatchingWindowInSeconds to at least 1 or BatchSize to 10 or less"
    )
    assert diagnostic.location.line == line_of(template, "BatchSize: 50")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (345600, "4 days (345600 s)"),
        (3600, "1 hour (3600 s)"),
        (90, "90 s"),
        (60, "1 minute (60 s)"),
    ],
)
def test_duration_reads_naturally(seconds, text):
    assert duration(seconds) == text


def test_il102_names_consumers_given_by_arn(tmp_path):
    template = """
    Resources:
      Orders:
        Type: AWS::SQS::Queue
      Mapping:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: arn:aws:lambda:eu-west-1:123456789012:function:billing:live
          EventSourceArn: !GetAtt Orders.Arn
    """
    (diagnostic,) = found(tmp_path, template, "IL102")
    assert "read by function 'billing'" in diagnostic.message
