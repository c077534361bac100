"""The CloudFormation/SAM frontend: Globals, defaults, references, unknowns, resources.

Poll sources and redrive policies are covered in ``test_frontend_mappings.py``,
asynchronous triggers in ``test_frontend_async.py``; this file covers what every rule
relies on underneath them.
"""

from __future__ import annotations

import inspect
import os

import pytest

from invokelint.frontends.cloudformation import build_model, is_template
from invokelint.frontends.loader import load_yaml
from invokelint.model import (
    UNKNOWN,
    ExternalArn,
    FailureTarget,
    Function,
    InvocationModel,
    Queue,
    Redrive,
    Stream,
)

SAM = "Transform: AWS::Serverless-2016-10-31\n"


def model_of(text: str, directory: str = "/project") -> InvocationModel:
    source = inspect.cleandoc(text) + "\n"
    return build_model(load_yaml(source).root, "template.yaml", directory)


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing ``fragment`` (after dedenting)."""
    for number, line in enumerate(inspect.cleandoc(text).splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in the template")


def function(model: InvocationModel, logical_id: str) -> Function:
    resource = model.resources[logical_id]
    assert isinstance(resource, Function)
    return resource


def queue(model: InvocationModel, logical_id: str) -> Queue:
    resource = model.resources[logical_id]
    assert isinstance(resource, Queue)
    return resource


# -------------------------------------------------------------------------- SAM Globals

GLOBALS = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.11
    Timeout: 30
    MemorySize: 256
    Layers:
      - arn:aws:lambda:eu-west-1:123456789012:layer:shared:1
    Environment:
      Variables:
        STAGE: prod
        TABLE: global-table
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: src/
      Runtime: python3.12
      Layers:
        - arn:aws:lambda:eu-west-1:123456789012:layer:own:1
      Environment:
        Variables:
          TABLE: orders
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/plain
      Code:
        ZipFile: "def handler(event, context): pass"
"""


def test_globals_scalars_are_overridden_by_the_function():
    worker = function(model_of(GLOBALS), "Worker")
    assert worker.runtime.value == "python3.12"
    assert worker.runtime.location.line == line_of(GLOBALS, "Runtime: python3.12")


def test_globals_value_the_function_does_not_set_points_into_globals():
    worker = function(model_of(GLOBALS), "Worker")
    assert (worker.timeout.value, worker.timeout.explicit) == (30, True)
    assert worker.timeout.location.line == line_of(GLOBALS, "Timeout: 30")
    assert worker.memory_size.value == 256


def test_globals_maps_merge_with_the_function_winning_per_key():
    environment = function(model_of(GLOBALS), "Worker").environment
    assert isinstance(environment, dict)
    assert {name: setting.value for name, setting in environment.items()} == {
        "STAGE": "prod",
        "TABLE": "orders",
    }
    assert environment["STAGE"].location.line == line_of(GLOBALS, "STAGE: prod")
    assert environment["TABLE"].location.line == line_of(GLOBALS, "TABLE: orders")


def test_globals_lists_concatenate():
    from invokelint.frontends.cloudformation.functions import function_properties
    from invokelint.frontends.cloudformation.template import Template

    root = load_yaml(inspect.cleandoc(GLOBALS) + "\n").root
    template = Template(root, "template.yaml", "/project")
    merged = function_properties(template, "Worker", root["Resources"]["Worker"]["Properties"])
    assert [arn.split(":")[-2] for arn in merged["Layers"]] == ["shared", "own"]
    assert merged["Layers"].item_position(0)[0] == line_of(GLOBALS, "layer:shared")


def test_globals_do_not_apply_to_plain_lambda_functions():
    plain = function(model_of(GLOBALS), "Plain")
    assert (plain.timeout.value, plain.timeout.explicit) == (3, False)
    assert plain.runtime.value is None


# ----------------------------------------------------------------------------- defaults


def test_absent_properties_take_aws_defaults_at_the_resource():
    text = """
    Resources:
      Orders:
        Type: AWS::SQS::Queue
      Worker:
        Type: AWS::Lambda::Function
        Properties:
          Handler: index.handler
          Code: {ZipFile: "x"}
    """
    model = model_of(text)
    orders, worker = queue(model, "Orders"), function(model, "Worker")
    assert (orders.visibility_timeout.value, orders.visibility_timeout.explicit) == (30, False)
    assert (orders.retention_period.value, orders.fifo.value) == (345_600, False)
    assert orders.visibility_timeout.location.line == line_of(text, "Orders:")
    assert (worker.timeout.value, worker.memory_size.value) == (3, 128)
    assert not worker.timeout.explicit
    assert worker.timeout.location == worker.location
    assert worker.location.line == line_of(text, "Worker:")


def test_explicit_property_points_at_its_entry():
    text = """
    Resources:
      Orders:
        Type: AWS::SQS::Queue
        Properties:
          VisibilityTimeout: "120"
    """
    setting = queue(model_of(text), "Orders").visibility_timeout
    assert (setting.value, setting.explicit) == (120, True)
    location = setting.location
    assert (location.line, location.column, location.end_column) == (5, 7, 31)


# --------------------------------------------------------------------------- references

REFERENCES = """
Parameters:
  ExistingQueueArn:
    Type: String
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
  Twin1:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: twin
  Twin2:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: twin
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Code: {ZipFile: "x"}
      Environment:
        Variables:
          BY_REF: !Ref Orders
          BY_GETATT: !GetAtt Orders.Arn
          BY_LIST: !GetAtt [Orders, Arn]
          BY_LONG_STRING: {"Fn::GetAtt": "Orders.Arn"}
          BY_SUB: !Sub "${Orders.Arn}"
          BY_SUB_WITH_TEXT: !Sub "prefix-${Orders.QueueName}"
          BY_PSEUDO_ARN: !Sub "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:orders"
          PARAMETER: !Ref ExistingQueueArn
          IMPORT: !ImportValue shared-queue-arn
          CONDITIONAL: !If [IsProd, !GetAtt Orders.Arn, !Ref AWS::NoValue]
          SUB_OF_TWO: !Sub "${Orders.Arn}-${Twin1.Arn}"
          SUB_VARIABLE: !Sub ["${Q}", {Q: !GetAtt Orders.Arn}]
          PLAIN: just text
"""


def environment_value(name: str) -> object:
    environment = function(model_of(REFERENCES), "Worker").environment
    assert isinstance(environment, dict)
    return environment[name].value


@pytest.mark.parametrize(
    "name",
    [
        "BY_REF",
        "BY_GETATT",
        "BY_LIST",
        "BY_LONG_STRING",
        "BY_SUB",
        "BY_SUB_WITH_TEXT",
        "BY_PSEUDO_ARN",
    ],
)
def test_references_resolve_to_the_resource(name):
    value = environment_value(name)
    assert isinstance(value, Queue) and value.id == "Orders"


def literal_arn_source(arn: str) -> object:
    """What an event source mapping reading ``arn`` resolves it to, next to REFERENCES."""
    model = model_of(
        REFERENCES
        + f"""
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: {arn}
"""
    )
    (mapping,) = model.mappings
    return mapping.source


def test_literal_arn_naming_one_resource_resolves_to_it():
    source = literal_arn_source("arn:aws:sqs:eu-west-1:123456789012:orders")
    assert isinstance(source, Queue) and source.id == "Orders"


def test_literal_arn_naming_two_resources_stays_an_external_arn():
    source = literal_arn_source("arn:aws:sqs:eu-west-1:123456789012:twin")
    assert isinstance(source, ExternalArn) and source.resource == "twin"


def test_literal_arn_of_nothing_in_the_template_is_an_external_arn():
    source = literal_arn_source("arn:aws:sqs:eu-west-1:123456789012:elsewhere.fifo")
    assert isinstance(source, ExternalArn)
    assert (source.service, source.resource, source.fifo) == ("sqs", "elsewhere.fifo", True)


def test_literal_environment_value_stays_text():
    """A literal in an environment variable is text the code reads, not a reference."""
    assert environment_value("PLAIN") == "just text"


@pytest.mark.parametrize(
    "name", ["PARAMETER", "IMPORT", "CONDITIONAL", "SUB_OF_TWO", "SUB_VARIABLE"]
)
def test_what_cannot_be_known_is_unknown(name):
    assert environment_value(name) is UNKNOWN


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        ("!Ref Timeout", UNKNOWN),
        ("!If [IsProd, 60, 30]", UNKNOWN),
        ("!FindInMap [A, B, C]", UNKNOWN),
    ],
)
def test_settings_from_intrinsics_are_unknown(timeout, expected):
    worker = function(
        model_of(
            f"""
            Resources:
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Handler: index.handler
                  Timeout: {timeout}
                  Code: {{ZipFile: "x"}}
            """
        ),
        "Worker",
    )
    assert worker.timeout.value is expected and not worker.timeout.known
    assert worker.timeout.explicit  # written, just not knowable


# ------------------------------------------------------------------------------- queues


@pytest.mark.parametrize(
    ("properties", "fifo"),
    [
        ("FifoQueue: true", True),
        ("FifoQueue: 'true'", True),
        ("FifoQueue: false", False),
        ("FifoQueue: !Ref Fifo", UNKNOWN),
        ("QueueName: orders.fifo", False),  # AWS requires FifoQueue; the name alone is not it
    ],
)
def test_fifo_queues(properties, fifo):
    orders = queue(
        model_of(
            f"""
            Resources:
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  {properties}
            """
        ),
        "Orders",
    )
    assert orders.fifo.value is fifo


def test_queue_names_literal_or_unknown():
    model = model_of(
        """
        Resources:
          Named:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: orders
          Generated:
            Type: AWS::SQS::Queue
          Substituted:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Sub "${AWS::StackName}-orders"
        """
    )
    assert queue(model, "Named").name == "orders"
    assert queue(model, "Generated").name is None
    assert queue(model, "Substituted").name is UNKNOWN


def test_redrive_policy_json_string_counts_at_the_policy():
    text = """
    Resources:
      DLQ:
        Type: AWS::SQS::Queue
      Orders:
        Type: AWS::SQS::Queue
        Properties:
          RedrivePolicy: '{"deadLetterTargetArn": "arn:aws:sqs:r:1:x", "maxReceiveCount": 7}'
    """
    redrive = queue(model_of(text), "Orders").redrive
    assert isinstance(redrive, Redrive)
    assert isinstance(redrive.dead_letter, ExternalArn)
    assert redrive.max_receive_count.value == 7
    assert redrive.max_receive_count.location.line == line_of(text, "RedrivePolicy")


def test_redrive_policy_with_an_unknown_count():
    redrive = queue(
        model_of(
            """
            Resources:
              DLQ:
                Type: AWS::SQS::Queue
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt DLQ.Arn
                    maxReceiveCount: !Ref Count
            """
        ),
        "Orders",
    ).redrive
    assert isinstance(redrive, Redrive)
    assert redrive.dead_letter.id == "DLQ"  # type: ignore[union-attr]
    assert not redrive.max_receive_count.known


# ------------------------------------------------------------------------------ streams


def test_tables_and_kinesis_streams_are_streams():
    model = model_of(
        """
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: orders
              StreamSpecification: {StreamViewType: NEW_IMAGE}
          Global:
            Type: AWS::DynamoDB::GlobalTable
          Clicks:
            Type: AWS::Kinesis::Stream
            Properties:
              Name: clicks
          Worker:
            Type: AWS::Lambda::Function
            Properties:
              Handler: index.handler
              Code: {ZipFile: "x"}
          FromTable:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !Ref Worker
              EventSourceArn: !GetAtt Table.StreamArn
              StartingPosition: LATEST
          FromLiteralArn:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !Ref Worker
              EventSourceArn: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks
              StartingPosition: LATEST
        """
    )
    table, global_table, clicks = (model.resources[k] for k in ("Table", "Global", "Clicks"))
    assert isinstance(table, Stream) and (table.kind, table.name) == ("dynamodb", "orders")
    assert isinstance(global_table, Stream) and global_table.kind == "dynamodb"
    assert isinstance(clicks, Stream) and clicks.kind == "kinesis"
    from_table, from_arn = model.mappings
    assert from_table.source is table and from_table.source_kind == "dynamodb"
    assert from_arn.source is clicks and from_arn.source_kind == "kinesis"
    assert from_table.function is model.resources["Worker"]


# --------------------------------------------------------------------------- function DLQs


def test_plain_function_dead_letter_config():
    text = """
    Resources:
      Failed:
        Type: AWS::SNS::Topic
      Worker:
        Type: AWS::Lambda::Function
        Properties:
          Handler: index.handler
          Code: {ZipFile: "x"}
          DeadLetterConfig:
            TargetArn: !Ref Failed
    """
    model = model_of(text)
    dead_letter = function(model, "Worker").dead_letter
    assert isinstance(dead_letter, FailureTarget) and dead_letter.role == "dlq"
    assert dead_letter.target is model.resources["Failed"]
    assert dead_letter.declared_type is None
    assert dead_letter.location.line == line_of(text, "DeadLetterConfig")
    assert model.is_dead_letter_target(model.resources["Failed"])


def test_sam_dead_letter_queue_from_globals():
    text = """
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        DeadLetterQueue:
          Type: SNS
          TargetArn: arn:aws:sns:eu-west-1:123456789012:failures
    Resources:
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          CodeUri: src/
    """
    dead_letter = function(model_of(text), "Worker").dead_letter
    assert isinstance(dead_letter, FailureTarget) and dead_letter.declared_type == "SNS"
    assert isinstance(dead_letter.target, ExternalArn)
    assert dead_letter.location.line == line_of(text, "DeadLetterQueue:")


def test_function_without_dead_letter():
    model = model_of(GLOBALS)
    assert function(model, "Worker").dead_letter is None


# ------------------------------------------------------------------------ code locations

CODE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Local:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/orders/
  Inline:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      InlineCode: |
        def handler(event, context):
            return event
  Remote:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: s3://artifacts/orders.zip
  RemoteMap:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Code:
        S3Bucket: artifacts
        S3Key: orders.zip
  Zip:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Code:
        ZipFile: !Sub "print('${AWS::Region}')"
  Image:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1
  Missing:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
"""


def test_code_locations():
    model = model_of(CODE, directory="/project")
    local = function(model, "Local").code
    assert local.kind == "path"
    assert local.path == os.path.normpath("/project/src/orders")
    assert local.location.line == line_of(CODE, "CodeUri: src/orders/")
    inline = function(model, "Inline").code
    assert inline.kind == "inline"
    assert inline.inline == "def handler(event, context):\n    return event\n"
    assert inline.inline_location is not None
    assert inline.inline_location.line == line_of(CODE, "InlineCode: |")
    assert function(model, "Remote").code.kind == "remote"
    assert function(model, "RemoteMap").code.kind == "remote"
    assert function(model, "Zip").code.kind == "unknown"  # !Sub around the code
    assert function(model, "Image").code.kind == "image"
    assert function(model, "Image").package_type == "Image"
    missing = function(model, "Missing")  # no CodeUri: sam build packages the template's folder
    assert missing.code.kind == "path" and missing.code.path == "/project"
    assert missing.code.location == missing.location
    assert function(model, "Local").is_python and not function(model, "Inline").is_python


# ---------------------------------------------------------------------- versions, aliases


def test_mapping_through_a_version_alias_or_sam_alias_reaches_the_function():
    model = model_of(
        SAM
        + """
        Resources:
          Orders:
            Type: AWS::SQS::Queue
            Properties:
              VisibilityTimeout: 600
          Worker:
            Type: AWS::Lambda::Function
            Properties:
              Handler: index.handler
              Code: {ZipFile: "x"}
          Version:
            Type: AWS::Lambda::Version
            Properties:
              FunctionName: !Ref Worker
          Live:
            Type: AWS::Lambda::Alias
            Properties:
              FunctionName: !Ref Worker
              FunctionVersion: !GetAtt Version.Version
              Name: live
          Sam:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              CodeUri: src/
              AutoPublishAlias: live
          ByAlias:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !Ref Live
              EventSourceArn: !GetAtt Orders.Arn
          ByVersion:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !Ref Version
              EventSourceArn: !GetAtt Orders.Arn
          BySamAlias:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !Ref Sam.Alias
              EventSourceArn: !GetAtt Orders.Arn
          ByQualifiedArn:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !Sub "${Worker.Arn}:live"
              EventSourceArn: !GetAtt Orders.Arn
        """
    )
    worker, sam = model.resources["Worker"], model.resources["Sam"]
    by_id = {mapping.id: mapping.function for mapping in model.mappings}
    assert by_id == {
        "ByAlias": worker,
        "ByVersion": worker,
        "BySamAlias": sam,
        "ByQualifiedArn": worker,
    }
    # the alias and version themselves are not functions, and do not invoke anything
    assert not isinstance(model.resources["Live"], Function)
    assert model.invocations(worker).only_poll


# -------------------------------------------------------------------- unknown invokers

INVOKERS = """
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Code: {ZipFile: "x"}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: lambda:InvokeFunction
                Resource: !GetAtt Worker.Arn
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Dimensions:
        - Name: FunctionName
          Value: !Ref Worker
"""


def test_references_that_never_invoke_leave_the_function_uninvoked():
    model = model_of(INVOKERS)
    invocations = model.invocations(function(model, "Worker"))
    assert invocations.fully_known
    assert not (invocations.poll or invocations.asynchronous or invocations.synchronous)


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (
            """
  InvokeFromElsewhere:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Worker
      Action: lambda:InvokeFunction
      Principal: bedrock.amazonaws.com
""",
            "InvokeFromElsewhere:",
        ),
        (
            """
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionSubstitutions:
        WorkerArn: !GetAtt Worker.Arn
""",
            "WorkerArn: !GetAtt Worker.Arn",
        ),
        (
            """
  Custom:
    Type: Custom::Seed
    Properties:
      ServiceToken: !GetAtt Worker.Arn
""",
            "ServiceToken",
        ),
        (
            """
Outputs:
  WorkerArn:
    Value: !GetAtt Worker.Arn
    Export:
      Name: worker-arn
""",
            "Value: !GetAtt Worker.Arn",
        ),
    ],
    ids=["permission-for-unmodelled-principal", "state-machine", "custom-resource", "export"],
)
def test_unmodelled_invokers_are_recorded_where_they_are_written(extra, fragment):
    text = INVOKERS + extra
    model = model_of(text)
    invocations = model.invocations(function(model, "Worker"))
    assert not invocations.fully_known
    assert not invocations.only_poll and not invocations.only_sync
    assert [location.line for location in invocations.unknown] == [line_of(text, fragment)]


@pytest.mark.parametrize("event", ["HttpApi", "Api", "Cognito"])
def test_a_sam_event_that_is_not_polled_keeps_the_function_from_being_poll_only(event):
    """Whether modelled as a synchronous trigger or not (yet), it is never ignored."""
    text = f"""
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Orders:
        Type: AWS::SQS::Queue
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          CodeUri: src/
          Events:
            Orders:
              Type: SQS
              Properties:
                Queue: !GetAtt Orders.Arn
            Other:
              Type: {event}
              Properties:
                Path: /orders
                Method: POST
    """
    model = model_of(text)
    invocations = model.invocations(function(model, "Worker"))
    assert len(invocations.poll) == 1 and not invocations.only_poll
    other = line_of(text, "Other:")
    lines = [trigger.location.line for trigger in invocations.synchronous]
    assert other in lines + [location.line for location in invocations.unknown]


def test_an_output_that_is_not_exported_invokes_nothing():
    model = model_of(INVOKERS + "Outputs:\n  WorkerArn:\n    Value: !GetAtt Worker.Arn\n")
    assert model.invocations(function(model, "Worker")).fully_known


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AWSTemplateFormatVersion: '2010-09-09'\n", True),
        ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", True),
        ("Resources:\n  Q:\n    Type: Custom::Thing\n", False),
        ("on: push\njobs: {}\n", False),
        ("- a\n- b\n", False),
    ],
)
def test_is_template(text, expected):
    assert is_template(load_yaml(text).root) is expected


def test_resources_that_are_not_mappings_are_skipped():
    model = model_of(
        """
        Resources:
          Broken: just a string
          NoType:
            Properties: {}
          Orders:
            Type: AWS::SQS::Queue
        """
    )
    assert list(model.resources) == ["Orders"]


def test_metadata_ignores_are_read_by_id_and_name():
    model = model_of(
        """
        Resources:
          Orders:
            Type: AWS::SQS::Queue
            Metadata:
              invokelint:
                ignore: [il103, sqs-source-without-redrive]
        """
    )
    assert model.resources["Orders"].ignores == {"IL103", "SQS-SOURCE-WITHOUT-REDRIVE"}
