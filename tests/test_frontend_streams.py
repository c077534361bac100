"""What the CloudFormation/SAM frontend tells stream rules about event source mappings."""

from __future__ import annotations

import inspect

from invokelint.frontends.cloudformation import build_model
from invokelint.frontends.loader import load_yaml
from invokelint.model import InvocationModel


def _model(text: str) -> InvocationModel:
    return build_model(load_yaml(inspect.cleandoc(text) + "\n").root, "template.yaml", ".")


def test_mapping_through_a_kinesis_consumer_reads_a_kinesis_stream():
    model = _model(
        """
        Resources:
          Clicks:
            Type: AWS::Kinesis::Stream
            Properties:
              ShardCount: 1
          Consumer:
            Type: AWS::Kinesis::StreamConsumer
            Properties:
              StreamARN: !GetAtt Clicks.Arn
              ConsumerName: counter
          Mapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: counter
              EventSourceArn: !GetAtt Consumer.ConsumerARN
              StartingPosition: LATEST
        """
    )
    [mapping] = model.mappings
    assert mapping.source_kind == "kinesis"
    assert mapping.fan_out is True  # IL114 counts only shared-throughput readers


def test_fan_out_of_stream_and_consumer_arns_and_of_unknown_sources():
    model = _model(
        """
        Parameters:
          Source:
            Type: String
        Resources:
          Stream:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: counter
              EventSourceArn: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks
          Consumer:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: counter
              EventSourceArn: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks/consumer/c:1
          Unknown:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: counter
              EventSourceArn: !Ref Source
              StartingPosition: LATEST
        """
    )
    fan_out = {m.id: m.fan_out for m in model.mappings}
    assert fan_out == {"Stream": False, "Consumer": True, "Unknown": False}


def test_filter_pattern_keeps_where_its_string_is_written():
    model = _model(
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Jobs:
            Type: AWS::SQS::Queue
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              Events:
                Jobs:
                  Type: SQS
                  Properties:
                    Queue: !GetAtt Jobs.Arn
                    FilterCriteria:
                      Filters:
                        - Pattern: '{"body": {"kind": ["job"]}}'
                        - Pattern: !Sub '{"body": {"region": ["${AWS::Region}"]}}'
        """
    )
    [mapping] = model.mappings
    written, computed = mapping.filters
    assert written.pattern == '{"body": {"kind": ["job"]}}'
    where = written.text_location
    assert (where.line, where.column) == (18, 28)
    assert where.end_column - where.column == len(written.pattern) + 2  # quotes included
    assert computed.text_location is None
