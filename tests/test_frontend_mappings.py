"""What the CloudFormation/SAM frontend tells the poll rules: sources, redrive policies, DLQs."""

from __future__ import annotations

import inspect

import pytest

from invokelint.frontends.cloudformation import build_model
from invokelint.frontends.loader import load_yaml
from invokelint.model import UNKNOWN, FailureTarget, InvocationModel, Queue, Redrive, Stream


def model_of(text: str) -> InvocationModel:
    return build_model(load_yaml(inspect.cleandoc(text) + "\n").root, "template.yaml", ".")


@pytest.mark.parametrize(
    ("resource_type", "attribute", "kind"),
    [
        ("AWS::Kinesis::StreamConsumer", "ConsumerARN", "kinesis"),
        ("AWS::AmazonMQ::Broker", "Arn", "mq"),
        ("AWS::MSK::Cluster", "Arn", "kafka"),
        ("AWS::MSK::ServerlessCluster", "Arn", "kafka"),
        ("AWS::DocDB::DBCluster", "ClusterArn", "documentdb"),
    ],
)
def test_mapping_source_kind_from_the_resource_type(resource_type, attribute, kind):
    model = model_of(
        f"""
        Resources:
          Worker:
            Type: AWS::Lambda::Function
            Properties:
              Runtime: python3.12
              Handler: index.handler
              Role: arn:aws:iam::123456789012:role/worker
              Code:
                ZipFile: "def handler(event, context): pass"
          Source:
            Type: {resource_type}
          Mapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !Ref Worker
              EventSourceArn: !GetAtt Source.{attribute}
        """
    )
    (mapping,) = model.mappings
    assert mapping.source is model.resources["Source"]
    assert mapping.source_kind == kind
    assert mapping.batch_size.value == 100  # the non-SQS default, now that the kind is known


def test_sam_queue_event_reads_its_queue_and_settings():
    model = model_of(
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Orders:
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
                    BatchSize: "50"
                    MaximumBatchingWindowInSeconds: 5
        """
    )
    (mapping,) = model.mappings
    assert mapping.source is model.resources["Orders"] and mapping.source_kind == "sqs"
    assert (mapping.batch_size.value, mapping.batch_size.explicit) == (50, True)
    assert mapping.batching_window.value == 5
    assert model.mappings_from(model.resources["Orders"]) == [mapping]


def _queue(text: str) -> Queue:
    model = model_of(
        f"""
        Resources:
          DLQ:
            Type: AWS::SQS::Queue
          Orders:
            Type: AWS::SQS::Queue
            Properties:
              {text}
        """
    )
    queue = model.resources["Orders"]
    assert isinstance(queue, Queue)
    return queue


def test_redrive_policy_as_a_mapping():
    queue = _queue(
        """RedrivePolicy:
                deadLetterTargetArn: !GetAtt DLQ.Arn
                maxReceiveCount: 3"""
    )
    assert isinstance(queue.redrive, Redrive)
    assert queue.redrive.dead_letter.id == "DLQ"  # type: ignore[union-attr]
    assert queue.redrive.max_receive_count.value == 3
    assert queue.redrive.max_receive_count.location.line == 9  # its own line, not the policy's


def test_redrive_policy_as_a_json_string_with_a_literal_arn():
    queue = _queue(
        """RedrivePolicy: '{"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:123456789012:x.fifo",
                "maxReceiveCount": "2"}'"""
    )
    assert isinstance(queue.redrive, Redrive)
    assert queue.redrive.dead_letter.fifo is True  # type: ignore[union-attr]
    assert queue.redrive.max_receive_count.value == 2


def test_redrive_policy_as_a_substituted_json_string():
    queue = _queue(
        """RedrivePolicy: !Sub '{"deadLetterTargetArn": "${DLQ.Arn}", "maxReceiveCount": 4}'"""
    )
    assert isinstance(queue.redrive, Redrive)
    assert queue.redrive.dead_letter.id == "DLQ"  # type: ignore[union-attr]
    assert queue.redrive.max_receive_count.value == 4


def test_redrive_policy_substituting_pseudo_parameters_names_an_arn():
    queue = _queue(
        """RedrivePolicy: !Sub '{"maxReceiveCount": 3, "deadLetterTargetArn":
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:x"}'"""
    )
    assert isinstance(queue.redrive, Redrive)
    assert queue.redrive.dead_letter.resource == "x"  # type: ignore[union-attr]
    assert queue.redrive.max_receive_count.value == 3


@pytest.mark.parametrize(
    "policy",
    [
        """!Sub '{"deadLetterTargetArn": "${DLQ.Arn}", "maxReceiveCount": ${Count}}'""",
        """!Sub ['{"deadLetterTargetArn": "${Dlq}", "maxReceiveCount": "${Count}"}',
                {Dlq: !GetAtt DLQ.Arn, Count: 3}]""",
    ],
)
def test_redrive_policy_substituting_variables_stays_unknown(policy):
    redrive = _queue(f"RedrivePolicy: {policy}").redrive
    if isinstance(redrive, Redrive):
        assert redrive.dead_letter is UNKNOWN and not redrive.max_receive_count.known
    else:
        assert redrive is UNKNOWN


def test_redrive_policy_under_a_condition_is_unknown():
    queue = _queue(
        """RedrivePolicy: !If [Prod, {deadLetterTargetArn: !GetAtt DLQ.Arn, maxReceiveCount: 5},
                !Ref AWS::NoValue]"""
    )
    assert queue.redrive is UNKNOWN


def _dead_letter(target: str) -> object:
    model = model_of(
        f"""
        Transform: AWS::Serverless-2016-10-31
        Conditions:
          Prod: !Equals [!Ref AWS::AccountId, "123456789012"]
        Resources:
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
                TargetArn: {target}
        """
    )
    return model.resources["Worker"].dead_letter  # type: ignore[union-attr]


def test_dead_letter_queue_is_resolved():
    dead_letter = _dead_letter("!GetAtt Failed.Arn")
    assert isinstance(dead_letter, FailureTarget)
    assert dead_letter.target.id == "Failed"  # type: ignore[union-attr]
    assert dead_letter.declared_type == "SQS"


def test_dead_letter_queue_under_a_condition_is_unknown():
    """``!If [c, arn, !Ref AWS::NoValue]`` may mean no DLQ at all: rules must not assume one."""
    assert _dead_letter("!If [Prod, !GetAtt Failed.Arn, !Ref AWS::NoValue]") is UNKNOWN


def test_dead_letter_queue_from_a_parameter_still_exists():
    dead_letter = _dead_letter("!Ref FailedArn")
    assert isinstance(dead_letter, FailureTarget) and dead_letter.target is UNKNOWN


def test_table_stream_source():
    model = model_of(
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              Events:
                Changes:
                  Type: DynamoDB
                  Properties:
                    Stream: !GetAtt Table.StreamArn
                    StartingPosition: LATEST
        """
    )
    (mapping,) = model.mappings
    assert isinstance(mapping.source, Stream) and mapping.source_kind == "dynamodb"
    assert (mapping.batch_size.value, mapping.batch_size.explicit) == (100, False)


NAMED_DEAD_LETTERS = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  ConditionalDlq:
    Type: AWS::SQS::Queue
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy: !If
        - IsProd
        - {deadLetterTargetArn: !GetAtt ConditionalDlq.Arn, maxReceiveCount: 5}
        - !Ref AWS::NoValue
  SubscriptionDlq:
    Type: AWS::SQS::Queue
  Alerts:
    Type: AWS::SNS::Topic
  Subscription:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Alerts
      Protocol: sqs
      Endpoint: !GetAtt Orders.Arn
      RedrivePolicy: !Sub '{"deadLetterTargetArn": "${SubscriptionDlq.Arn}"}'
  RuleDlq:
    Type: AWS::SQS::Queue
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 hour)
      Targets:
        - Id: orders
          Arn: !GetAtt Orders.Arn
          DeadLetterConfig:
            Arn: !GetAtt RuleDlq.Arn
  SamEventDlq:
    Type: AWS::SQS::Queue
  FunctionDlq:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      DeadLetterQueue:
        Type: SQS
        TargetArn: !If [IsProd, !GetAtt FunctionDlq.Arn, !Ref AWS::NoValue]
      Events:
        Hourly:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
            DeadLetterConfig:
              Type: SQS
              QueueLogicalId: SamEventDlq
  Plain:
    Type: AWS::SQS::Queue
"""


@pytest.mark.parametrize(
    "queue", ["ConditionalDlq", "SubscriptionDlq", "RuleDlq", "SamEventDlq", "FunctionDlq"]
)
def test_queues_named_as_dead_letter_targets_are_known_as_such(queue):
    """Forms the model has no edge for still make the queue a DLQ (IL102 must not flag it)."""
    model = model_of(NAMED_DEAD_LETTERS)
    assert model.is_dead_letter_target(model.resources[queue])


def test_a_queue_only_sent_to_is_not_a_dead_letter_target():
    model = model_of(NAMED_DEAD_LETTERS)
    assert not model.is_dead_letter_target(model.resources["Orders"])
    assert not model.is_dead_letter_target(model.resources["Plain"])
