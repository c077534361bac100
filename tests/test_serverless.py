"""The Serverless Framework frontend: serverless.yml read natively, without the framework."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from helpers import REPO, codes, lint, run_cli, write_project

from invokelint.frontends.loader import load_yaml
from invokelint.frontends.serverless.variables import Variables

SERVICE = REPO / "fixtures" / "services" / "orders" / "serverless.yml"


def _service(tmp_path: Path) -> Path:
    """examples/ written as a serverless service: its serverless.yml and examples/src."""
    project = tmp_path / "orders"
    project.mkdir()
    shutil.copy(SERVICE, project / "serverless.yml")
    shutil.copytree(REPO / "examples" / "src", project / "src")
    return project


def _same_name(resource: str | None) -> str:
    """``FulfilmentLambdaFunction`` (framework) and ``FulfilmentFunction`` (SAM) alike."""
    return re.sub(r"(Lambda)?Function$", "", resource or "")


def test_service_with_the_examples_mistakes_gets_the_examples_findings(tmp_path):
    sam = lint(REPO / "examples", cwd=REPO)
    project = _service(tmp_path)
    service = lint(project, cwd=project)

    def findings(result, template):
        # code findings at the same handler lines; template findings by rule and resource
        return {
            (
                d.code,
                _same_name(d.resource),
                d.location.line if d.location.path.endswith(".py") else 0,
            )
            for d in result.diagnostics
            if d.location.path.endswith(".py") or d.location.path.endswith(template)
        }

    expected = findings(sam, "template.yaml")
    assert len(expected) >= 10
    assert findings(service, "serverless.yml") == expected


def test_findings_point_at_the_lines_of_serverless_yml(tmp_path):
    project = _service(tmp_path)
    lines = SERVICE.read_text(encoding="utf-8").splitlines()
    result = lint(project, cwd=project)
    at = {d.code: lines[d.location.line - 1].strip() for d in result.diagnostics}
    assert at["IL101"].startswith("onError:")
    assert at["IL103"] == "FulfilmentQueue:"
    assert at["IL108"] == "- stream:"
    assert at["IL201"] == "invoiceImport:"
    il103 = next(d for d in result.diagnostics if d.code == "IL103")
    assert "timeout 120 s" in il103.message  # the framework's spelling of Timeout


def test_raw_resources_reference_functions_by_the_frameworks_logical_ids(tmp_path):
    service = """\
service: notify
provider:
  name: aws
  runtime: python3.12
functions:
  send-mail:
    handler: app.handler
    events:
      - sns: arn:aws:sns:eu-west-1:123456789012:mail
  other:
    handler: app.handler
resources:
  Resources:
    Failures:
      Type: AWS::SQS::Queue
    InvokeConfig:
      Type: AWS::Lambda::EventInvokeConfig
      Properties:
        FunctionName: !Ref SendDashmailLambdaFunction
        Qualifier: $LATEST
        DestinationConfig:
          OnFailure:
            Destination: !GetAtt Failures.Arn
"""
    project = write_project(tmp_path, {"serverless.yml": service})
    assert "IL201" not in codes(lint(project, cwd=project))
    broken = service.replace("SendDashmailLambdaFunction", "OtherLambdaFunction")
    write_project(tmp_path, {"serverless.yml": broken})
    assert "IL201" in codes(lint(project, cwd=project))


def _resolved(text: str) -> dict:
    root = load_yaml(text).root
    return Variables(root).resolve(root)


def test_variables_from_the_file_resolve_and_deploy_time_ones_are_unknown():
    values = _resolved(
        """\
service: orders
custom:
  stage: ${opt:stage, 'dev'}
  timeouts: {dev: 30, prod: 60}
  loop: ${self:custom.loop}
provider:
  timeout: ${self:custom.timeouts.${self:custom.stage}}
  name: orders-${self:custom.stage}
  fallback: ${self:custom.missing, 'kept'}
  env: ${env:TIMEOUT, 10}
  ssm: queue-${ssm:/queue}
  option: ${opt:batch}
"""
    )
    provider = values["provider"]
    assert provider["timeout"] == 30
    assert provider["name"] == "orders-dev"
    assert provider["fallback"] == "kept"
    for key in ("env", "ssm", "option"):
        assert set(provider[key]) == {"Fn::ImportValue"}, key  # UNKNOWN to the frontend
    assert set(values["custom"]["loop"]) == {"Fn::ImportValue"}  # a cycle ends unknown


def test_a_broken_serverless_yml_is_one_parse_error_with_its_position(tmp_path):
    project = write_project(
        tmp_path, {"serverless.yml": "service: x\nfunctions:\n  a: {handler: [app\n"}
    )
    result = lint(project, cwd=project)
    assert [(d.code, d.location.path) for d in result.diagnostics] == [("IL001", "serverless.yml")]
    assert result.diagnostics[0].location.line >= 3


def test_yaml_that_is_no_aws_service_is_not_linted(tmp_path):
    project = write_project(
        tmp_path,
        {
            "serverless.yml": "service: x\nprovider: {name: google}\nfunctions: {a: {}}\n",
            "ci.yml": "service: web\nprovider: docker\n",
        },
    )
    result = lint(project, cwd=project)
    assert not result.diagnostics and not result.checked


PACKAGED = REPO / "fixtures" / "services" / "packaged"
GENERATED = ".serverless/cloudformation-template-update-stack.json"


def test_packaged_template_findings_are_reported_at_serverless_yml(tmp_path):
    project = tmp_path / "packaged"
    shutil.copytree(PACKAGED, project)
    packaged = lint(project / GENERATED, cwd=project)
    native = lint(project, cwd=project)  # the .serverless folder beside is not linted again
    assert native.checked == ["serverless.yml"]
    assert sorted(codes(packaged)) == sorted(codes(native))
    assert {"IL102", "IL103", "IL201"} <= set(codes(packaged))
    for d in packaged.diagnostics:
        assert d.location.path == "serverless.yml"
        assert [r.path for r in d.related[:1]] == [GENERATED]
    lines = (project / "serverless.yml").read_text(encoding="utf-8").splitlines()
    where = {d.code: lines[d.location.line - 1].strip() for d in packaged.diagnostics}
    assert where["IL103"] == "Orders:"
    assert where["IL201"] == "importer:"
    assert where["IL113"] == "worker:"  # WorkerEventSourceMappingSQSOrders: its function
    # moved to serverless.yml, they speak it: function names and the framework's keys
    said = {d.code: d.message for d in packaged.diagnostics}
    assert "function 'worker' may run 60 s" in said["IL103"]
    assert said["IL113"].startswith("the sqs event of function 'worker' reads batches")
    assert "functionResponseType" in said["IL113"]
    assert "write it as an eventBridge event with schedule" in said["IL208"]
    assert "LambdaFunction'" not in "".join(said.values())


def test_raw_rules_under_resources_keep_cloudformation_words(tmp_path):
    """An AWS::Events::Rule written under resources is fixed with DeadLetterConfig.Arn."""
    message = _il208_on_tick(
        tmp_path,
        "resources:\n  Resources:\n    Hourly:\n      Type: AWS::Events::Rule\n"
        "      Properties:\n        ScheduleExpression: rate(1 hour)\n        Targets:\n"
        "          - Id: tick\n            Arn: !GetAtt TickLambdaFunction.Arn\n",
    )
    assert message.endswith("set DeadLetterConfig.Arn to a standard SQS queue")
    assert "function 'tick'" in message


def test_packaged_template_without_its_service_stays_at_the_generated_lines(tmp_path):
    project = tmp_path / "packaged"
    shutil.copytree(PACKAGED, project)
    (project / "serverless.yml").unlink()
    result = lint(project, cwd=project)
    assert "IL103" in codes(result)
    assert {d.location.path for d in result.diagnostics} == {GENERATED}


def test_each_event_kind_invokes_the_way_its_service_does(tmp_path):
    """Asynchronous sources need failure capture (IL201); synchronous callers (http,
    cognito, alb) make onError useless (IL203); the permissions granted for websocket and
    alb events are scoped by the framework, so no IL209."""
    service = tmp_path / "serverless.yml"
    service.write_text(EVENTS, encoding="utf-8")
    result = lint(tmp_path, cwd=tmp_path)
    found = {(d.code, d.resource) for d in result.diagnostics if d.code != "IL208"}
    assert found == {
        ("IL201", "BusLambdaFunction"),
        ("IL201", "LogsLambdaFunction"),
        ("IL201", "ThingLambdaFunction"),
        ("IL203", "SignupLambdaFunction"),
        ("IL203", "ApiLambdaFunction"),
        ("IL203", "LbLambdaFunction"),  # the target group of its alb event calls it
    }


EVENTS = """\
service: events
provider:
  name: aws
  runtime: python3.12
functions:
  bus:
    handler: app.h
    events:
      - eventBridge:
          pattern: {source: [orders]}
  logs:
    handler: app.h
    events:
      - cloudwatchLog: /aws/lambda/x
  thing:
    handler: app.h
    events:
      - iot:
          sql: "SELECT * FROM 'a'"
  socket:
    handler: app.h
    onError: arn:aws:sns:eu-west-1:1:x
    events:
      - websocket: $connect
  lb:
    handler: app.h
    onError: arn:aws:sns:eu-west-1:1:x
    events:
      - alb:
          listenerArn: arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/x
          priority: 1
          conditions: {path: /x}
  signup:
    handler: app.h
    onError: arn:aws:sns:eu-west-1:1:x
    events:
      - cognitoUserPool:
          pool: users
          trigger: PreSignUp
  api:
    handler: app.h
    onError: arn:aws:sns:eu-west-1:1:x
    events:
      - httpApi: '*'
"""


def test_readme_serverless_example_is_what_the_command_prints():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = [line for line in readme.splitlines() if line.startswith("fixtures/services/")]
    printed = run_cli("check", "fixtures/services/packaged/", cwd=REPO).stdout.splitlines()
    assert len(shown) == 2 and all(line in printed for line in shown)


def test_messages_name_what_serverless_yml_says():
    """Every finding on a serverless fixture names functions and events as the user wrote
    them and no SAM event or generated logical id; properties are spelled the framework's
    way (``batchSize``, ``functionResponseType``, ``deadLetterQueueArn``)."""
    messages = []
    for path in sorted((REPO / "fixtures" / "serverless").glob("*.fail*")):
        messages += [d.message for d in lint(path, cwd=REPO).diagnostics if d.code != "IL002"]
    assert len(messages) > 50
    text = "\n".join(messages)
    for generated in ("SAM ", "LambdaFunction'", "events[", "'S3Bucket", "AlbTargetGroup"):
        assert generated not in text, next(m for m in messages if generated in m)
    assert "event 'sqs' #1 of function 'worker'" in text
    assert "set batchSize to 10 or less" in text
    assert "set functionResponseType: [ReportBatchItemFailures]" in text
    assert "FunctionName set to MailerLambdaFunction (function 'mailer')" in text  # raw CFN


def test_schedule_events_are_told_how_to_get_a_dead_letter_queue(tmp_path):
    """The framework has no dead-letter setting on a schedule event, only on an eventBridge
    event (schedule included): IL208 says so instead of SAM's DeadLetterConfig."""
    message = _il208_on_tick(tmp_path, "    events:\n      - schedule: rate(1 hour)\n")
    assert message.startswith("EventBridge schedule rule event 'schedule' #1 invokes")
    assert "invokes function 'tick' without" in message
    assert "write it as an eventBridge event with schedule and deadLetterQueueArn" in message
    assert "DeadLetterConfig (" not in message


def _il208_on_tick(folder: Path, rest: str) -> str:
    """The one IL208 message on a service whose function ``tick`` is followed by ``rest``."""
    (folder / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\nfunctions:\n  tick:\n    handler: app.h\n" + rest,
        encoding="utf-8",
    )
    (message,) = [d.message for d in lint(folder, select=["IL208"]).diagnostics]
    return message


def test_phrases_found_by_the_names_a_message_quotes_read_as_a_full_scan():
    """``PhraseTerms`` looks up phrases by quoted name (a service has thousands); the
    result is the one a scan of every phrase gives, longest phrase first."""
    from invokelint.diagnostics import PhraseTerms, in_terms

    terms = {
        "SAM event 'e' of function 'F'": "event 'sqs' #1 of function 'f'",
        "event 'F.e'": "event 'sqs' #1",
        "'F'": "'f'",
        "BatchSize": "batchSize",
        "set X (Type: SQS lets SAM create the queue)": "set deadLetterQueueArn",
    }
    for message in (
        "SAM event 'e' of function 'F' sets BatchSize 20",
        "API event 'F.e' calls function 'F'; set X (Type: SQS lets SAM create the queue)",
        "queue 'Q' is read by function 'F'",
    ):
        assert in_terms(message, PhraseTerms(terms)) == in_terms(message, terms)
    assert in_terms("SAM event 'e' of function 'F' sets BatchSize 20", PhraseTerms(terms)) == (
        "event 'sqs' #1 of function 'f' sets batchSize 20"
    )


FIXABLE_SERVICE = """\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  worker:
    handler: app.handler
    timeout: 60
    events:
      - sqs:
          arn: !GetAtt Orders.Arn
          batchSize: 100
      - stream:
          type: dynamodb
          arn: arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2024
resources:
  Resources:
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 30
"""


def test_fixes_edit_raw_resources_never_the_frameworks_own_keys(tmp_path):
    """A fix names CloudFormation properties: under ``resources`` it is what the user
    wrote; in ``functions``/``events`` it would write ``Properties:`` into an event."""
    write_project(tmp_path, {"serverless.yml": FIXABLE_SERVICE})
    found = {d.code: d for d in lint(tmp_path / "serverless.yml").diagnostics}
    assert {"IL103", "IL107", "IL108"} <= set(found)
    assert found["IL103"].fix is not None
    assert found["IL107"].fix is None and found["IL108"].fix is None
    completed = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert "Fixed 1 finding (IL103 1)" in completed.stderr
    fixed = (tmp_path / "serverless.yml").read_text()
    assert "Properties:" not in fixed.split("resources:")[0]
    assert fixed.replace("VisibilityTimeout: 360", "VisibilityTimeout: 30") == FIXABLE_SERVICE


def test_packaged_output_is_never_fixed(tmp_path):
    """``.serverless/*.json`` is rewritten by the next ``serverless package``: its
    findings carry no fix, even when the template is named on the command line."""
    shutil.copytree(REPO / "fixtures" / "services" / "packaged", tmp_path / "svc")
    packaged = tmp_path / "svc" / ".serverless" / "cloudformation-template-update-stack.json"
    before = packaged.read_bytes()
    found = lint(packaged).diagnostics
    assert any(d.code == "IL103" for d in found)
    assert all(d.fix is None for d in found)
    run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", str(packaged), cwd=tmp_path)
    assert packaged.read_bytes() == before
