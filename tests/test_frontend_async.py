"""CloudFormation/SAM asynchronous triggers and EventInvokeConfigs in the model."""

from __future__ import annotations

import textwrap

import pytest

from invokelint.frontends.cloudformation import build_model
from invokelint.frontends.loader import load_yaml
from invokelint.model import (
    UNKNOWN,
    AsyncTrigger,
    EventBridgeTrigger,
    ExternalArn,
    FailureTarget,
    InvocationModel,
    S3Trigger,
    SnsTrigger,
    SyncTrigger,
)

FUNCTION = """
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code:
        ZipFile: "def handler(event, context): pass"
"""
SAM_HEADER = "Transform: AWS::Serverless-2016-10-31\nResources:"


def compose(main: str, *resources: str) -> str:
    """``main`` dedented, then resource snippets already indented under ``Resources``."""
    parts = [textwrap.dedent(main).strip("\n"), *(r.strip("\n") for r in resources)]
    return "\n".join(parts) + "\n"


def model_of(text: str) -> InvocationModel:
    return build_model(load_yaml(text).root, "template.yaml", ".")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in template")


def only(items):
    assert len(items) == 1, items
    return items[0]


# ----------------------------------------------------------------------------------- S3


def test_bucket_notification_becomes_s3_trigger_at_its_configuration():
    text = compose(
        """
        Resources:
          Images:
            Type: AWS::S3::Bucket
            Properties:
              NotificationConfiguration:
                LambdaConfigurations:
                  - Event: s3:ObjectCreated:*
                    Filter:
                      S3Key:
                        Rules:
                          - Name: prefix
                            Value: uploads/
                          - Name: Suffix
                            Value: .jpg
                    Function: !GetAtt Worker.Arn
        """,
        FUNCTION,
    )
    model = model_of(text)
    trigger = only(model.async_triggers)
    assert isinstance(trigger, S3Trigger)
    assert trigger.function is model.resources["Worker"]
    assert trigger.source is model.resources["Images"]
    assert (trigger.events, trigger.prefix, trigger.suffix) == (
        ("s3:ObjectCreated:*",),
        "uploads/",
        ".jpg",
    )
    assert trigger.location.line == line_of(text, "- Event: s3:ObjectCreated")
    assert (trigger.resource, trigger.sam) == ("Images", False)
    assert model.invocations(model.resources["Worker"]).fully_known


def test_sam_s3_event_with_list_of_events_and_filter_from_parameter():
    text = compose(
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Images:
            Type: AWS::S3::Bucket
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              Events:
                Upload:
                  Type: S3
                  Properties:
                    Bucket: !Ref Images
                    Events: [s3:ObjectCreated:Put, s3:ObjectRemoved:*]
                    Filter:
                      S3Key:
                        Rules:
                          - Name: prefix
                            Value: !Ref Prefix
        Parameters:
          Prefix:
            Type: String
        """
    )
    model = model_of(text)
    trigger = only(model.async_triggers)
    assert isinstance(trigger, S3Trigger)
    assert trigger.events == ("s3:ObjectCreated:Put", "s3:ObjectRemoved:*")
    assert trigger.prefix is UNKNOWN and trigger.suffix is None
    assert (trigger.id, trigger.resource, trigger.sam) == ("Worker.Upload", "Worker", True)
    assert trigger.source is model.resources["Images"]
    assert trigger.location.line == line_of(text, "Upload:")


def test_notification_to_a_function_from_a_parameter_keeps_the_trigger_unknown():
    model = model_of(
        compose(
            """
        Parameters:
          Target:
            Type: String
        Resources:
          Images:
            Type: AWS::S3::Bucket
            Properties:
              NotificationConfiguration:
                LambdaConfigurations:
                  - Event: s3:ObjectCreated:*
                    Function: !Ref Target
        """
        )
    )
    assert only(model.async_triggers).function is UNKNOWN


# ---------------------------------------------------------------------------------- SNS


def test_sns_subscription_redrive_policy_is_read_with_its_location():
    text = compose(
        """
        Resources:
          Orders:
            Type: AWS::SNS::Topic
          Dlq:
            Type: AWS::SQS::Queue
          WithRedrive:
            Type: AWS::SNS::Subscription
            Properties:
              Protocol: lambda
              TopicArn: !Ref Orders
              Endpoint: !GetAtt Worker.Arn
              RedrivePolicy:
                deadLetterTargetArn: !GetAtt Dlq.Arn
          Without:
            Type: AWS::SNS::Subscription
            Properties:
              Protocol: LAMBDA
              TopicArn: !Ref Orders
              Endpoint: !GetAtt Worker.Arn
          ToQueue:
            Type: AWS::SNS::Subscription
            Properties:
              Protocol: sqs
              TopicArn: !Ref Orders
              Endpoint: !GetAtt Dlq.Arn
        """,
        FUNCTION,
    )
    model = model_of(text)
    by_id = {t.id: t for t in model.async_triggers}
    assert set(by_id) == {"WithRedrive", "Without"}
    with_redrive, without = by_id["WithRedrive"], by_id["Without"]
    assert isinstance(with_redrive, SnsTrigger) and isinstance(without, SnsTrigger)
    assert with_redrive.redrive_policy.value is True
    assert with_redrive.redrive_policy.location.line == line_of(text, "RedrivePolicy:")
    assert without.redrive_policy.value is False and not without.redrive_policy.explicit
    assert without.redrive_policy.location.line == line_of(text, "Without:")
    assert without.source is model.resources["Orders"]


def test_inline_topic_subscription_cannot_have_a_redrive_policy():
    text = compose(
        """
        Resources:
          Orders:
            Type: AWS::SNS::Topic
            Properties:
              Subscription:
                - Protocol: email
                  Endpoint: ops@example.com
                - Protocol: lambda
                  Endpoint: !GetAtt Worker.Arn
        """,
        FUNCTION,
    )
    model = model_of(text)
    trigger = only(model.async_triggers)
    assert isinstance(trigger, SnsTrigger)
    assert trigger.id == "Orders.Subscription[1]"
    assert trigger.location.line == line_of(text, "- Protocol: lambda")
    assert trigger.redrive_policy.value is False


SNS_EVENT = (
    SAM_HEADER
    + """
  Orders:
    Type: AWS::SNS::Topic
  Inbox:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        Orders:
          Type: SNS
          Properties:
            Topic: !Ref Orders
            SqsSubscription: {value}
Parameters:
  ViaQueue:
    Type: String
"""
)


def test_sam_sns_event_with_sqs_subscription_is_polled_not_invoked():
    model = model_of(SNS_EVENT.replace("{value}", "true"))
    worker = model.resources["Worker"]
    mapping = only(model.mappings)
    assert (mapping.id, mapping.source_kind, mapping.source) == ("Worker.Orders", "sqs", UNKNOWN)
    assert mapping.batch_size.value == 10
    invocations = model.invocations(worker)
    assert invocations.only_poll and invocations.fully_known
    assert not model.async_triggers


def test_sam_sns_event_with_an_existing_queue_polls_that_queue():
    text = SNS_EVENT.replace(
        "{value}", "\n              QueueArn: !GetAtt Inbox.Arn\n              BatchSize: 5"
    )
    model = model_of(text)
    mapping = only(model.mappings)
    assert mapping.source is model.resources["Inbox"]
    assert mapping.batch_size.value == 5


def test_sam_sns_event_without_sqs_subscription_is_asynchronous():
    model = model_of(SNS_EVENT.replace("{value}", "false"))
    trigger = only(model.async_triggers)
    assert isinstance(trigger, SnsTrigger) and trigger.sam
    assert trigger.source is model.resources["Orders"]
    assert not model.mappings


def test_sam_sns_event_with_conditional_sqs_subscription_stays_unknown():
    model = model_of(SNS_EVENT.replace("{value}", "!Ref ViaQueue"))
    assert not model.async_triggers and not model.mappings
    assert not model.invocations(model.resources["Worker"]).fully_known


# --------------------------------------------------------------------------- EventBridge


def test_rule_targets_that_are_functions_with_their_dead_letter_config():
    text = compose(
        """
        Resources:
          Dlq:
            Type: AWS::SQS::Queue
          Hourly:
            Type: AWS::Events::Rule
            Properties:
              ScheduleExpression: rate(1 hour)
              Targets:
                - Id: queue
                  Arn: !GetAtt Dlq.Arn
                - Id: worker
                  Arn: !GetAtt Worker.Arn
                  DeadLetterConfig:
                    Arn: !GetAtt Dlq.Arn
                - Id: partner
                  Arn: arn:aws:lambda:us-east-1:123456789012:function:partner
        """,
        FUNCTION,
    )
    model = model_of(text)
    by_id = {t.id: t for t in model.async_triggers}
    assert set(by_id) == {"Hourly.worker", "Hourly.partner"}
    worker = by_id["Hourly.worker"]
    assert isinstance(worker, EventBridgeTrigger)
    assert worker.location.line == line_of(text, "- Id: worker")
    assert isinstance(worker.dead_letter, FailureTarget)
    assert worker.dead_letter.target is model.resources["Dlq"]
    assert worker.dead_letter.location.line == line_of(text, "DeadLetterConfig:")
    assert isinstance(by_id["Hourly.partner"].function, ExternalArn)
    assert by_id["Hourly.partner"].dead_letter is None
    assert model.is_dead_letter_target(model.resources["Dlq"])


@pytest.mark.parametrize(
    ("event_type", "service"),
    [
        ("Schedule", "events"),
        ("ScheduleV2", "scheduler"),
        ("CloudWatchEvent", "events"),
        ("EventBridgeRule", "events"),
    ],
)
def test_sam_rule_events_with_generated_dead_letter_queue(event_type, service):
    text = compose(
        f"""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              Events:
                Tick:
                  Type: {event_type}
                  Properties:
                    DeadLetterConfig:
                      Type: SQS
        """
    )
    model = model_of(text)
    trigger = only(model.async_triggers)
    assert isinstance(trigger, EventBridgeTrigger)
    assert (trigger.service, trigger.sam, trigger.id) == (service, True, "Worker.Tick")
    dead_letter = trigger.dead_letter
    assert isinstance(dead_letter, FailureTarget)
    assert (dead_letter.target, dead_letter.declared_type) == (UNKNOWN, "SQS")


def test_scheduler_schedule_target():
    text = compose(
        """
        Resources:
          Nightly:
            Type: AWS::Scheduler::Schedule
            Properties:
              ScheduleExpression: rate(1 day)
              FlexibleTimeWindow: {Mode: "OFF"}
              Target:
                Arn: !GetAtt Worker.Arn
                RoleArn: arn:aws:iam::123456789012:role/scheduler
        """,
        FUNCTION,
    )
    model = model_of(text)
    trigger = only(model.async_triggers)
    assert isinstance(trigger, EventBridgeTrigger)
    assert (trigger.service, trigger.dead_letter) == ("scheduler", None)
    assert trigger.location.line == line_of(text, "Target:")
    assert model.invocations(model.resources["Worker"]).fully_known


# ---------------------------------------------------------------------- other services


def test_logs_iot_and_ses_resources():
    text = compose(
        """
        Resources:
          Filter:
            Type: AWS::Logs::SubscriptionFilter
            Properties:
              LogGroupName: app
              FilterPattern: ERROR
              DestinationArn: !GetAtt Worker.Arn
          Rule:
            Type: AWS::IoT::TopicRule
            Properties:
              TopicRulePayload:
                Sql: SELECT * FROM 'devices'
                Actions:
                  - Lambda:
                      FunctionArn: !GetAtt Worker.Arn
                ErrorAction:
                  Lambda:
                    FunctionArn: !GetAtt Worker.Arn
          Mail:
            Type: AWS::SES::ReceiptRule
            Properties:
              RuleSetName: inbound
              Rule:
                Actions:
                  - LambdaAction:
                      FunctionArn: !GetAtt Worker.Arn
                  - LambdaAction:
                      FunctionArn: !GetAtt Worker.Arn
                      InvocationType: RequestResponse
        """,
        FUNCTION,
    )
    model = model_of(text)
    services = sorted((t.id, t.service) for t in model.async_triggers)
    assert services == [
        ("Filter", "logs"),
        ("Mail.Actions[0]", "ses"),
        ("Rule.Actions[0]", "iot"),
        ("Rule.ErrorAction", "iot"),
    ]
    assert [(t.id, t.service) for t in model.sync_triggers] == [("Mail.Actions[1]", "ses")]
    assert model.invocations(model.resources["Worker"]).fully_known


def test_sam_logs_iot_and_alexa_events():
    text = compose(
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              Events:
                Logs:
                  Type: CloudWatchLogs
                  Properties: {LogGroupName: app, FilterPattern: ERROR}
                Devices:
                  Type: IoTRule
                  Properties: {Sql: "SELECT * FROM 'devices'"}
                Skill:
                  Type: AlexaSkill
        """
    )
    model = model_of(text)
    assert sorted(t.service for t in model.async_triggers) == ["iot", "logs"]
    skill = only(model.sync_triggers)
    assert isinstance(skill, SyncTrigger) and skill.id == "Worker.Skill"
    assert model.invocations(model.resources["Worker"]).fully_known


# --------------------------------------------------------------------------- permissions


PERMISSION = """
  {name}:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Worker
      Principal: {principal}
"""


def test_permission_for_an_async_service_is_an_async_trigger():
    text = "Resources:" + FUNCTION + PERMISSION.format(name="FromS3", principal="s3.amazonaws.com")
    model = model_of(text)
    trigger = only(model.async_triggers)
    assert type(trigger) is AsyncTrigger
    assert (trigger.id, trigger.service, trigger.function) == (
        "FromS3",
        "s3",
        model.resources["Worker"],
    )
    assert model.invocations(model.resources["Worker"]).fully_known


def test_permission_explained_by_a_modelled_trigger_adds_nothing():
    text = compose(
        """
        Resources:
          Orders:
            Type: AWS::SNS::Topic
          Subscription:
            Type: AWS::SNS::Subscription
            Properties:
              Protocol: lambda
              TopicArn: !Ref Orders
              Endpoint: !GetAtt Worker.Arn
        """,
        FUNCTION,
        PERMISSION.format(name="FromSns", principal="sns.amazonaws.com"),
    )
    model = model_of(text)
    assert [t.id for t in model.async_triggers] == ["Subscription"]
    assert model.invocations(model.resources["Worker"]).fully_known


def test_permission_for_a_service_not_modelled_stays_unknown():
    text = (
        "Resources:" + FUNCTION + PERMISSION.format(name="FromLex", principal="lex.amazonaws.com")
    )
    model = model_of(text)
    assert not model.async_triggers
    assert not model.invocations(model.resources["Worker"]).fully_known


def test_iot_permission_of_an_authorizer_is_synchronous():
    text = compose(
        """
        Resources:
          Authorizer:
            Type: AWS::IoT::Authorizer
            Properties:
              AuthorizerFunctionArn: !GetAtt Worker.Arn
        """,
        FUNCTION,
        PERMISSION.format(name="FromIot", principal="iot.amazonaws.com"),
    )
    model = model_of(text)
    assert not model.async_triggers
    invocations = model.invocations(model.resources["Worker"])
    assert invocations.only_sync


# ----------------------------------------------------------------------- invoke configs


def test_event_invoke_config_resource_defaults_and_destination_function():
    text = compose(
        """
        Resources:
          Async:
            Type: AWS::Lambda::EventInvokeConfig
            Properties:
              FunctionName: !Ref Worker
              Qualifier: live
              MaximumRetryAttempts: 0
              DestinationConfig:
                OnSuccess:
                  Destination: !GetAtt Auditor.Arn
          Auditor:
            Type: AWS::Lambda::Function
            Properties:
              Runtime: python3.12
              Handler: index.handler
              Role: arn:aws:iam::123456789012:role/auditor
              Code:
                ZipFile: "def handler(event, context): pass"
        """,
        FUNCTION,
    )
    model = model_of(text)
    worker, auditor = model.resources["Worker"], model.resources["Auditor"]
    config = only(model.event_invoke_configs)
    assert worker.event_invoke_configs == [config]
    assert (config.function, config.qualifier) == (worker, "live")
    assert config.maximum_retry_attempts.value == 0
    assert config.maximum_retry_attempts.location.line == line_of(text, "MaximumRetryAttempts")
    assert config.maximum_event_age.value == 21600 and not config.maximum_event_age.explicit
    assert config.on_failure is None
    assert config.on_success is not None and config.on_success.target is auditor
    trigger = only(model.async_triggers)
    assert (trigger.function, trigger.service, trigger.source) == (auditor, "lambda", worker)
    assert trigger.location.line == line_of(text, "OnSuccess:")
    assert model.invocations(auditor).fully_known


def test_sam_event_invoke_config_from_globals_on_the_alias():
    text = compose(
        """
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            EventInvokeConfig:
              MaximumEventAgeInSeconds: 600
              DestinationConfig:
                OnFailure:
                  Type: SQS
        Resources:
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              AutoPublishAlias: live
        """
    )
    model = model_of(text)
    config = only(model.event_invoke_configs)
    assert (config.id, config.qualifier) == ("Worker", "live")
    assert config.maximum_event_age.value == 600
    assert config.maximum_event_age.location.line == line_of(text, "MaximumEventAgeInSeconds")
    assert config.maximum_retry_attempts.value == 2
    on_failure = config.on_failure
    assert on_failure is not None
    assert (on_failure.target, on_failure.declared_type) == (UNKNOWN, "SQS")
    assert on_failure.location.line == line_of(text, "OnFailure:")
    assert config.function.event_invoke_configs == [config]


def test_sam_event_invoke_config_under_a_condition_is_unknown():
    model = model_of(
        compose(
            """
        Transform: AWS::Serverless-2016-10-31
        Conditions:
          Prod: !Equals [!Ref AWS::AccountId, "123456789012"]
        Resources:
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              EventInvokeConfig: !If [Prod, {MaximumRetryAttempts: 0}, !Ref AWS::NoValue]
        """
        )
    )
    config = only(model.event_invoke_configs)
    assert config.maximum_retry_attempts.value is UNKNOWN
    assert config.on_failure is not None and config.on_failure.target is UNKNOWN
    assert config.qualifier == "$LATEST"


# --------------------------------------------------------------------- unknown invokers


def test_target_that_cannot_be_resolved_still_marks_the_function_unknown():
    text = compose(
        """
        Conditions:
          Prod: !Equals [!Ref AWS::AccountId, "123456789012"]
        Resources:
          Hourly:
            Type: AWS::Events::Rule
            Properties:
              ScheduleExpression: rate(1 hour)
              Targets:
                - Id: worker
                  Arn: !If [Prod, !GetAtt Worker.Arn, !Ref AWS::NoValue]
        """,
        FUNCTION,
    )
    model = model_of(text)
    assert not model.async_triggers
    invocations = model.invocations(model.resources["Worker"])
    assert [location.line for location in invocations.unknown] == [line_of(text, "Arn: !If [Prod")]
