"""CloudFormation/SAM synchronous triggers, versions and aliases in the model."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from invokelint.frontends.cloudformation import build_model
from invokelint.frontends.loader import load_yaml
from invokelint.model import (
    UNKNOWN,
    AlbTrigger,
    ApiTrigger,
    AsyncTrigger,
    EdgeTrigger,
    ExternalArn,
    InvocationModel,
    SyncTrigger,
    UrlTrigger,
)

SAM = "Transform: AWS::Serverless-2016-10-31\n"
# A plain function and a SAM function every snippet below may name.
FUNCTIONS = """
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code:
        ZipFile: "def handler(event, context): pass"
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
"""


# API Gateway's invoke ARN up to the function: "!Sub $INVOKE/${Fn.Arn}/invocations"
INVOKE = "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions"


def template(resources: str, header: str = SAM, functions: str = FUNCTIONS) -> str:
    """A template whose ``Resources`` hold ``functions`` and ``resources`` (dedented)."""
    body = textwrap.indent(textwrap.dedent(resources).strip("\n"), "  ")
    return f"{header}Resources:{functions}{body}\n".replace("$INVOKE", INVOKE)


def with_fn(extra: str) -> str:
    """``FUNCTIONS`` with more properties (indented YAML lines) on the SAM function ``Fn``."""
    return FUNCTIONS + textwrap.indent(textwrap.dedent(extra).strip("\n"), "      ") + "\n"


def model_of(text: str, directory: str = ".") -> InvocationModel:
    return build_model(load_yaml(text).root, "template.yaml", directory)


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in template")


def only(items):
    assert len(items) == 1, items
    return items[0]


def unknown(model: InvocationModel, name: str) -> tuple:
    return model.invocations(model.resources[name]).unknown


# ------------------------------------------------------------------------- SAM API events


def test_sam_api_and_http_api_events_are_proxy_triggers_with_default_timeouts():
    text = template(
        """
        Search:
          Type: AWS::Serverless::Function
          Properties:
            Runtime: python3.12
            Handler: app.handler
            CodeUri: src/
            Events:
              Get:
                Type: Api
                Properties:
                  Path: /search
                  Method: get
              Post:
                Type: HttpApi
                Properties:
                  ApiId: !Ref Http
                  TimeoutInMillis: 5000
        Http:
          Type: AWS::Serverless::HttpApi
        """
    )
    model = model_of(text)
    rest, http = model.sync_triggers
    assert isinstance(rest, ApiTrigger) and isinstance(http, ApiTrigger)
    assert (rest.id, rest.api, rest.proxy, rest.sam, rest.service) == (
        "Search.Get",
        "rest",
        True,
        True,
        "apigateway",
    )
    assert rest.source is UNKNOWN  # the implicit API that SAM generates
    assert (rest.integration_timeout.value, rest.integration_timeout.explicit) == (29000, False)
    assert rest.location.line == line_of(text, "Get:")
    assert (http.api, http.integration_timeout.value) == ("http", 5000)
    assert http.integration_timeout.location.line == line_of(text, "TimeoutInMillis")
    assert http.source is model.resources["Http"]
    assert model.invocations(model.resources["Search"]).only_sync


def test_sam_event_on_a_path_the_definition_body_integrates_keeps_the_body_settings():
    model = model_of(
        template(
            """
            Api:
              Type: AWS::Serverless::Api
              Properties:
                StageName: prod
                DefinitionBody:
                  paths:
                    /story:
                      post:
                        x-amazon-apigateway-integration:
                          type: aws_proxy
                          responseTransferMode: STREAM
                          uri: !Sub
                            - arn:aws:apigateway:${AWS::Region}:lambda:path/2021-11-15/${Path}
                            - Path: !Sub functions/${Fn.Arn}/response-streaming-invocations
            Story:
              Type: AWS::Serverless::Function
              Properties:
                Runtime: python3.12
                Handler: app.handler
                CodeUri: src/
                Events:
                  Post:
                    Type: Api
                    Properties:
                      RestApiId: !Ref Api
                      Path: /story
                      Method: POST
            """
        )
    )
    body, event = model.sync_triggers
    assert body.function is model.resources["Fn"]
    assert body.integration_timeout.value is UNKNOWN  # streaming: up to 15 minutes
    assert event.id == "Story.Post" and event.integration_timeout is None


# -------------------------------------------------------------------- REST API resources

METHOD = """
Api:
  Type: AWS::ApiGateway::RestApi
  Properties:
    Name: api
Method:
  Type: AWS::ApiGateway::Method
  Properties:
    RestApiId: !Ref Api
    ResourceId: !GetAtt Api.RootResourceId
    HttpMethod: POST
    AuthorizationType: NONE
    Integration:
      {integration}
"""


def method(integration: str) -> str:
    return METHOD.format(integration=integration.strip().replace("\n", "\n      "))


@pytest.mark.parametrize(
    ("integration", "proxy"),
    [
        (
            "Type: AWS_PROXY\n"
            "Uri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
            "2015-03-31/functions/${Worker.Arn}/invocations",
            True,
        ),
        (
            'Type: AWS\nUri: !Join ["", ["arn:aws:apigateway:", !Ref "AWS::Region", '
            '":lambda:path/2015-03-31/functions/", !GetAtt Worker.Arn, "/invocations"]]',
            False,
        ),
        (
            "Type: AWS_PROXY\nUri: !Sub\n  - arn:aws:apigateway:${AWS::Region}:lambda:path/"
            "2015-03-31/functions/${Target}/invocations\n  - Target: !GetAtt Worker.Arn",
            True,
        ),
        (
            "Type: !Ref IntegrationType\nUri: arn:aws:apigateway:us-east-1:lambda:path/"
            "2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:worker:live"
            "/invocations",
            UNKNOWN,
        ),
    ],
    ids=["sub", "join", "sub-variables", "literal-alias-arn"],
)
def test_rest_method_integrating_a_function_is_an_api_trigger(integration, proxy):
    functions = FUNCTIONS.replace("Role:", "FunctionName: worker\n      Role:")
    text = template(method(integration), header="", functions=functions)
    model = model_of(text)
    trigger = only(model.sync_triggers)
    assert isinstance(trigger, ApiTrigger)
    assert trigger.function is model.resources["Worker"]
    assert (trigger.api, trigger.proxy, trigger.sam, trigger.resource) == (
        "rest",
        proxy,
        False,
        "Method",
    )
    assert trigger.source is model.resources["Api"]
    assert trigger.location.line == line_of(text, " Uri:")
    assert trigger.integration_timeout.value == 29000
    assert not unknown(model, "Worker")


@pytest.mark.parametrize(
    "integration",
    [
        "Type: HTTP_PROXY\nUri: https://example.com/${Worker.Arn}",
        "Type: AWS\nUri: !Sub arn:aws:apigateway:${AWS::Region}:sqs:path/123456789012/queue",
        "Type: MOCK",
    ],
    ids=["http", "sqs", "mock"],
)
def test_integrations_that_are_not_lambda_are_no_trigger(integration):
    model = model_of(template(method(integration), header=""))
    assert not model.sync_triggers and not model.async_triggers


def test_invocation_type_header_event_makes_the_integration_asynchronous():
    model = model_of(
        template(
            method(
                "Type: AWS\n"
                "Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                "functions/${Worker.Arn}/invocations\n"
                "RequestParameters:\n"
                "  integration.request.header.X-Amz-Invocation-Type: \"'Event'\""
            ),
            header="",
        )
    )
    trigger = only(model.async_triggers)
    assert type(trigger) is AsyncTrigger and trigger.service == "apigateway"
    assert trigger.function is model.resources["Worker"]
    assert not model.sync_triggers


def test_invocation_type_from_the_request_leaves_the_function_unknown():
    text = template(
        method(
            "Type: AWS\n"
            "Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
            "functions/${Worker.Arn}/invocations\n"
            "RequestParameters:\n"
            "  integration.request.header.X-Amz-Invocation-Type: method.request.header.Mode"
        ),
        header="",
    )
    model = model_of(text)
    assert not model.sync_triggers and not model.async_triggers
    assert {loc.line for loc in unknown(model, "Worker")} == {line_of(text, " Uri:")}


def test_integration_with_credentials_needs_no_permission():
    model = model_of(
        template(
            method(
                "Type: AWS_PROXY\n"
                "Credentials: !GetAtt InvokeRole.Arn\n"
                "Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                "functions/${Worker.Arn}/invocations"
            ),
            header="",
        )
    )
    assert only(model.sync_triggers).credentials is True


def test_rest_authorizers_from_resources_and_sam_auth():
    text = template(
        """
        Api:
          Type: AWS::Serverless::Api
          Properties:
            StageName: prod
            Auth:
              Authorizers:
                Token:
                  FunctionArn: !GetAtt Fn.Arn
                Users:
                  UserPoolArn: !GetAtt Pool.Arn
        Pool:
          Type: AWS::Cognito::UserPool
        Rest:
          Type: AWS::ApiGateway::RestApi
        Lambda:
          Type: AWS::ApiGateway::Authorizer
          Properties:
            RestApiId: !Ref Rest
            Type: REQUEST
            AuthorizerUri: !Sub $INVOKE/${Worker.Arn}/invocations
            AuthorizerCredentials: !GetAtt Role.Arn
        Cognito:
          Type: AWS::ApiGateway::Authorizer
          Properties:
            RestApiId: !Ref Rest
            Type: COGNITO_USER_POOLS
            ProviderARNs: [!GetAtt Pool.Arn]
        """
    )
    model = model_of(text)
    sam, resource = model.sync_triggers
    assert (sam.id, sam.authorizer, sam.proxy, sam.sam, sam.api) == (
        "Api.Auth.Authorizers.Token",
        True,
        False,
        True,
        "rest",
    )
    assert sam.function is model.resources["Fn"] and sam.integration_timeout is None
    assert sam.location.line == line_of(text, "FunctionArn: !GetAtt Fn.Arn")
    assert (resource.id, resource.authorizer, resource.credentials) == ("Lambda", True, True)
    assert resource.function is model.resources["Worker"]
    assert not unknown(model, "Fn") and not unknown(model, "Worker")


def test_globals_authorizers_are_triggers_of_their_function():
    model = model_of(
        template(
            """
            Api:
              Type: AWS::Serverless::Api
              Properties:
                StageName: prod
            """,
            header=SAM + "Globals:\n  HttpApi:\n    Auth:\n      Authorizers:\n        Lambda:\n"
            "          FunctionArn: !GetAtt Fn.Arn\n",
        )
    )
    trigger = only(model.sync_triggers)
    assert (trigger.id, trigger.api, trigger.resource) == (
        "Globals.HttpApi.Auth.Authorizers.Lambda",
        "http",
        "Globals",
    )


def test_openapi_bodies_integrations_and_authorizers():
    text = template(
        """
        Rest:
          Type: AWS::ApiGateway::RestApi
          Properties:
            Body:
              swagger: "2.0"
              paths:
                /items:
                  get:
                    x-amazon-apigateway-integration:
                      type: aws_proxy
                      timeoutInMillis: 3000
                      uri: !Sub $INVOKE/${Worker.Arn}/invocations
                  x-amazon-apigateway-any-method:
                    x-amazon-apigateway-integration:
                      type: http_proxy
                      uri: https://example.com
              securityDefinitions:
                token:
                  type: apiKey
                  x-amazon-apigateway-authorizer:
                    type: token
                    authorizerUri: !Sub $INVOKE/${Fn.Arn}/invocations
        """
    )
    model = model_of(text)
    integration, authorizer = model.sync_triggers
    assert integration.id == "Rest.paths./items.get" and integration.resource == "Rest"
    assert (integration.api, integration.proxy, integration.integration_timeout.value) == (
        "rest",
        True,
        3000,
    )
    assert integration.function is model.resources["Worker"]
    assert authorizer.authorizer and authorizer.function is model.resources["Fn"]
    assert authorizer.location.line == line_of(text, "authorizerUri:")
    assert not unknown(model, "Worker") and not unknown(model, "Fn")


# ------------------------------------------------------------------- HTTP and WebSocket APIs


def test_v2_integrations_take_their_kind_from_the_api_protocol():
    text = template(
        """
        Socket:
          Type: AWS::ApiGatewayV2::Api
          Properties:
            ProtocolType: WEBSOCKET
        Http:
          Type: AWS::ApiGatewayV2::Api
          Properties:
            ProtocolType: HTTP
            Target: !GetAtt Fn.Arn
        SocketIntegration:
          Type: AWS::ApiGatewayV2::Integration
          Properties:
            ApiId: !Ref Socket
            IntegrationType: AWS_PROXY
            IntegrationUri: !Sub $INVOKE/${Worker.Arn}/invocations
        HttpIntegration:
          Type: AWS::ApiGatewayV2::Integration
          Properties:
            ApiId: !Ref Http
            IntegrationType: AWS_PROXY
            IntegrationUri: !GetAtt Worker.Arn
        ElsewhereIntegration:
          Type: AWS::ApiGatewayV2::Integration
          Properties:
            ApiId: !ImportValue shared-api
            IntegrationType: AWS_PROXY
            IntegrationUri: !GetAtt Worker.Arn
        QueueIntegration:
          Type: AWS::ApiGatewayV2::Integration
          Properties:
            ApiId: !Ref Http
            IntegrationType: AWS_PROXY
            IntegrationSubtype: SQS-SendMessage
            RequestParameters:
              QueueUrl: !Ref Queue
        Authorizer:
          Type: AWS::ApiGatewayV2::Authorizer
          Properties:
            ApiId: !Ref Http
            AuthorizerType: REQUEST
            AuthorizerUri: !Sub $INVOKE/${Fn.Arn}/invocations
        Queue:
          Type: AWS::SQS::Queue
        """
    )
    model = model_of(text)
    kinds = {
        t.id: (t.api, t.integration_timeout and t.integration_timeout.value)
        for t in model.sync_triggers
    }
    assert kinds == {
        "Http.Target": ("http", 30000),
        "SocketIntegration": ("websocket", 29000),
        "HttpIntegration": ("http", 30000),
        "ElsewhereIntegration": (UNKNOWN, UNKNOWN),
        "Authorizer": ("http", None),
    }


def test_sam_websocket_api_routes_and_authorizer():
    text = template(
        """
        Chat:
          Type: AWS::Serverless::WebSocketApi
          Properties:
            RouteSelectionExpression: $request.body.action
            Auth:
              AuthType: CUSTOM
              AuthArn: !GetAtt Worker.Arn
            Routes:
              $connect:
                FunctionArn: !GetAtt Fn.Arn
              send:
                FunctionArn: !GetAtt Fn.Arn
                IntegrationTimeout: 5000
        """
    )
    model = model_of(text)
    connect, send, auth = model.sync_triggers
    assert (connect.id, connect.api, connect.sam, connect.proxy) == (
        "Chat.Routes.$connect",
        "websocket",
        True,
        True,
    )
    assert connect.integration_timeout.value == 29000 and send.integration_timeout.value == 5000
    assert connect.location.line == line_of(text, "$connect:") + 1
    assert (auth.authorizer, auth.function) == (True, model.resources["Worker"])
    assert not unknown(model, "Fn") and not unknown(model, "Worker")


# ----------------------------------------------------------------------- load balancers


@pytest.mark.parametrize(
    ("attributes", "expected", "explicit"),
    [
        ("", False, False),
        (
            "TargetGroupAttributes:\n  - Key: lambda.multi_value_headers.enabled\n"
            "    Value: 'true'",
            True,
            True,
        ),
        ("TargetGroupAttributes: !If [Multi, [], []]", UNKNOWN, True),
        ("TargetGroupAttributes:\n  - Key: !Ref AttributeName\n    Value: 'true'", UNKNOWN, True),
    ],
    ids=["absent", "enabled", "conditional", "key-from-parameter"],
)
def test_alb_target_group_of_type_lambda(attributes, expected, explicit):
    group = (
        "Targets:\n  Type: AWS::ElasticLoadBalancingV2::TargetGroup\n  Properties:\n"
        "    TargetType: lambda\n    Targets:\n      - Id: !GetAtt Worker.Arn\n"
        + textwrap.indent(attributes, "    ")
    )
    text = template(group, header="")
    model = model_of(text)
    trigger = only(model.sync_triggers)
    assert isinstance(trigger, AlbTrigger) and trigger.service == "elasticloadbalancing"
    assert trigger.function is model.resources["Worker"]
    assert trigger.location.line == line_of(text, "- Id: !GetAtt Worker.Arn")
    assert trigger.multi_value_headers.value is expected
    assert trigger.multi_value_headers.explicit is explicit
    assert not unknown(model, "Worker")


def test_instance_target_groups_invoke_nothing():
    text = template(
        """
        Targets:
          Type: AWS::ElasticLoadBalancingV2::TargetGroup
          Properties:
            Targets:
              - Id: i-0123456789abcdef0
        """,
        header="",
    )
    assert not model_of(text).sync_triggers


# ------------------------------------------------------------------------ function URLs


def test_sam_function_url_and_lambda_url_resource():
    text = template(
        """
        Public:
          Type: AWS::Serverless::Function
          Properties:
            Runtime: python3.12
            Handler: app.handler
            CodeUri: src/
            FunctionUrlConfig:
              AuthType: NONE
              Cors:
                AllowCredentials: true
                AllowOrigins: ["*"]
        Url:
          Type: AWS::Lambda::Url
          Properties:
            TargetFunctionArn: !Ref Worker
            Qualifier: live
            AuthType: AWS_IAM
        UrlPublic:
          Type: AWS::Lambda::Permission
          Properties:
            Action: lambda:InvokeFunctionUrl
            FunctionName: !Ref Worker
            Principal: "*"
            FunctionUrlAuthType: AWS_IAM
        UrlInvoke:
          Type: AWS::Lambda::Permission
          Properties:
            Action: lambda:InvokeFunction
            FunctionName: !Ref Worker
            Principal: "*"
            InvokedViaFunctionUrl: true
        """
    )
    model = model_of(text)
    public, url = model.sync_triggers
    assert isinstance(public, UrlTrigger) and isinstance(url, UrlTrigger)
    assert (public.auth_type.value, public.cors_allow_credentials.value) == ("NONE", True)
    assert public.cors_allow_origins.value == ("*",)
    assert public.auth_type.location.line == line_of(text, "AuthType: NONE")
    assert public.sam and not url.sam
    assert url.function is model.resources["Worker"] and url.auth_type.value == "AWS_IAM"
    assert url.cors_allow_credentials.value is False and not url.cors_allow_origins.explicit
    assert not unknown(model, "Worker")  # the URL's permissions are explained by the URL


# ---------------------------------------------------------------------------- CloudFront


def test_lambda_at_edge_associations_carry_event_type_and_qualifier():
    text = template(
        """
        Version:
          Type: AWS::Lambda::Version
          Properties:
            FunctionName: !Ref Worker
        Cdn:
          Type: AWS::CloudFront::Distribution
          Properties:
            DistributionConfig:
              DefaultCacheBehavior:
                LambdaFunctionAssociations:
                  - EventType: viewer-request
                    LambdaFunctionARN: !Ref Version
                  - EventType: origin-request
                    LambdaFunctionARN: !GetAtt Worker.Arn
              CacheBehaviors:
                - PathPattern: /a/*
                  LambdaFunctionAssociations:
                    - EventType: viewer-response
                      LambdaFunctionARN: !Ref Fn.Version
                    - EventType: origin-response
                      LambdaFunctionARN: !Ref Fn.Alias
                    - EventType: !Ref EventType
                      LambdaFunctionARN: !Sub "${Worker.Arn}:${Version.Version}"
                    - EventType: viewer-request
                      LambdaFunctionARN: !Join [":", [!GetAtt Worker.Arn, "7"]]
                    - EventType: viewer-request
                      LambdaFunctionARN: arn:aws:lambda:us-east-1:123456789012:function:edge:$LATEST
        """,
        functions=with_fn("AutoPublishAlias: live"),
    )
    model = model_of(text)
    found = [(t.event_type, t.qualifier) for t in model.sync_triggers]
    assert all(
        isinstance(t, EdgeTrigger) and t.service == "cloudfront" for t in model.sync_triggers
    )
    assert found == [
        ("viewer-request", "version"),
        ("origin-request", None),
        ("viewer-response", "version"),
        ("origin-response", "live"),
        (UNKNOWN, "version"),
        ("viewer-request", "7"),
        ("viewer-request", "$LATEST"),
    ]
    assert isinstance(model.sync_triggers[-1].function, ExternalArn)
    assert model.sync_triggers[0].location.line == line_of(text, "LambdaFunctionARN: !Ref Version")
    assert not unknown(model, "Worker") and not unknown(model, "Fn")


# -------------------------------------------------------------------------------- Cognito


def test_user_pool_lambda_config_sync_triggers_and_async_custom_senders():
    text = template(
        """
        Pool:
          Type: AWS::Cognito::UserPool
          Properties:
            LambdaConfig:
              PreSignUp: !GetAtt Worker.Arn
              PreTokenGenerationConfig:
                LambdaArn: !GetAtt Worker.Arn
                LambdaVersion: V2_0
              CustomEmailSender:
                LambdaArn: !GetAtt Fn.Arn
                LambdaVersion: V1_0
              KMSKeyID: !GetAtt Key.Arn
        Key:
          Type: AWS::KMS::Key
        Invoke:
          Type: AWS::Lambda::Permission
          Properties:
            Action: lambda:InvokeFunction
            FunctionName: !Ref Worker
            Principal: cognito-idp.amazonaws.com
        """
    )
    model = model_of(text)
    assert [(t.id, type(t).__name__) for t in model.sync_triggers] == [
        ("Pool.LambdaConfig.PreSignUp", "SyncTrigger"),
        ("Pool.LambdaConfig.PreTokenGenerationConfig", "SyncTrigger"),
    ]
    sender = only(model.async_triggers)
    assert (sender.id, sender.service, sender.function) == (
        "Pool.LambdaConfig.CustomEmailSender",
        "cognito-idp",
        model.resources["Fn"],
    )
    assert model.invocations(model.resources["Worker"]).only_sync


def test_sam_cognito_event_by_trigger_name():
    text = template(
        """
        Pool:
          Type: AWS::Cognito::UserPool
        Mixed:
          Type: AWS::Serverless::Function
          Properties:
            Runtime: python3.12
            Handler: app.handler
            CodeUri: src/
            Events:
              Users:
                Type: Cognito
                Properties:
                  UserPool: !Ref Pool
                  Trigger: [PreSignUp, CustomSMSSender]
              Dynamic:
                Type: Cognito
                Properties:
                  UserPool: !Ref Pool
                  Trigger: !Ref TriggerName
        """
    )
    model = model_of(text)
    sync, sender = only(model.sync_triggers), only(model.async_triggers)
    assert (sync.id, sync.sam, sync.source) == ("Mixed.Users", True, model.resources["Pool"])
    assert sender.id == "Mixed.Users.CustomSender"
    assert [loc.line for loc in unknown(model, "Mixed")] == [line_of(text, "Dynamic:")]


# ------------------------------------------------------------------------ Step Functions


def test_state_machine_definition_tasks_in_nested_states():
    text = template(
        """
        Flow:
          Type: AWS::Serverless::StateMachine
          Properties:
            Definition:
              StartAt: Direct
              States:
                Direct:
                  Type: Task
                  Resource: !GetAtt Worker.Arn
                  Next: Each
                Each:
                  Type: Map
                  ItemProcessor:
                    StartAt: Invoke
                    States:
                      Invoke:
                        Type: Task
                        Resource: !Sub arn:${AWS::Partition}:states:::lambda:invoke.waitForTaskToken
                        Parameters:
                          FunctionName: !Ref Fn
                        End: true
                  Next: Both
                Both:
                  Type: Parallel
                  Branches:
                    - StartAt: Fire
                      States:
                        Fire:
                          Type: Task
                          Resource: arn:aws:states:::aws-sdk:lambda:invoke
                          Parameters:
                            FunctionName: !GetAtt Worker.Arn
                            InvocationType: Event
                          End: true
                  End: true
        """
    )
    model = model_of(text)
    direct, nested = model.sync_triggers
    assert (direct.id, direct.service, direct.function) == (
        "Flow.States.Direct",
        "states",
        model.resources["Worker"],
    )
    assert direct.location.line == line_of(text, "Resource: !GetAtt Worker.Arn")
    assert nested.id == "Flow.States.Each.ItemProcessor.States.Invoke"
    assert nested.function is model.resources["Fn"]
    fire = only(model.async_triggers)
    assert fire.id == "Flow.States.Both.Branches[0].States.Fire" and fire.service == "states"
    assert not unknown(model, "Worker") and not unknown(model, "Fn")


def test_definition_string_with_substitutions_points_at_the_substitution():
    text = (
        template(
            """
        Flow:
          Type: AWS::StepFunctions::StateMachine
          Properties:
            RoleArn: arn:aws:iam::123456789012:role/flow
            DefinitionSubstitutions:
              WorkerArn: !GetAtt Worker.Arn
              Seconds: 30
            DefinitionString: !Sub
              - |
                {"StartAt": "A", "States": {
                  "A": {"Type": "Task", "Resource": "${WorkerArn}",
                        "TimeoutSeconds": ${Seconds}, "Next": "B"},
                  "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {"FunctionName": "${Target}"}, "End": true}}}
              - Target: !Ref Fn
        """
        )
        .replace('"${WorkerArn}"', '"${!WorkerArn}"')
        .replace("${Seconds}", "${!Seconds}")
    )
    model = model_of(text)
    first, second = model.sync_triggers
    assert first.function is model.resources["Worker"]
    assert first.location.line == line_of(text, "WorkerArn: !GetAtt")
    assert second.function is model.resources["Fn"]
    assert second.location.line == line_of(text, "- Target: !Ref Fn")


@pytest.mark.parametrize(
    "parameters",
    [
        '{"FunctionName.$": "$.target"}',
        '{"FunctionName": "${WorkerArn}", "InvocationType.$": "$.type"}',
        '{"FunctionName": "{% $states.input.target %}"}',
    ],
    ids=["jsonpath-function", "jsonpath-invocation-type", "jsonata"],
)
def test_tasks_decided_at_run_time_leave_mentioned_functions_unknown(parameters):
    text = template(
        f"""
        Flow:
          Type: AWS::StepFunctions::StateMachine
          Properties:
            DefinitionSubstitutions:
              WorkerArn: !GetAtt Worker.Arn
            DefinitionString: >-
              {{"StartAt": "A", "States": {{"A": {{"Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {parameters},
              "End": true}}}}}}
        """
    )
    model = model_of(text)
    assert not model.sync_triggers and not model.async_triggers
    assert [loc.line for loc in unknown(model, "Worker")] == [line_of(text, "WorkerArn:")]


def test_dry_run_invokes_nothing_and_an_activity_is_no_function():
    model = model_of(
        template(
            """
            Work:
              Type: AWS::StepFunctions::Activity
              Properties:
                Name: work
            Flow:
              Type: AWS::StepFunctions::StateMachine
              Properties:
                Definition:
                  StartAt: Check
                  States:
                    Check:
                      Type: Task
                      Resource: arn:aws:states:::lambda:invoke
                      Parameters:
                        FunctionName: !Ref Fn
                        InvocationType: DryRun
                      Next: Wait
                    Wait:
                      Type: Task
                      Resource: !Ref Work
                      Next: Run
                    Run:
                      Type: Task
                      Resource: !GetAtt Worker.Arn
                      End: true
            """
        )
    )
    assert only(model.sync_triggers).function is model.resources["Worker"]
    assert not model.async_triggers
    assert not unknown(model, "Worker")  # the activity is not a function chosen elsewhere


def test_sam_definition_uri_is_read_from_the_template_folder(tmp_path: Path):
    (tmp_path / "statemachine").mkdir()
    (tmp_path / "statemachine" / "flow.asl.json").write_text(
        '{"StartAt": "A", "States": {"A": {"Type": "Task",\n'
        ' "Resource": "${WorkerArn}", "End": true}}}\n',
        encoding="utf-8",
    )
    (tmp_path.parent / "outside.asl.json").write_text(
        '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${FnArn}", "End": true}}}',
        encoding="utf-8",
    )
    text = template(
        """
        Flow:
          Type: AWS::Serverless::StateMachine
          Properties:
            DefinitionUri: statemachine/flow.asl.json
            DefinitionSubstitutions:
              WorkerArn: !GetAtt Worker.Arn
        Escape:
          Type: AWS::Serverless::StateMachine
          Properties:
            DefinitionUri: ../outside.asl.json
            DefinitionSubstitutions:
              FnArn: !GetAtt Fn.Arn
        """
    )
    model = model_of(text, str(tmp_path))
    trigger = only(model.sync_triggers)
    assert trigger.function is model.resources["Worker"]
    assert trigger.location.line == line_of(text, "WorkerArn: !GetAtt")
    assert unknown(model, "Fn")  # the file outside the template's folder is not read


# ----------------------------------------------------------------- versions and aliases


def test_triggers_on_versions_and_aliases_count_for_their_function():
    text = template(
        """
        Version:
          Type: AWS::Lambda::Version
          Properties:
            FunctionName: !Ref Worker
        Live:
          Type: AWS::Lambda::Alias
          Properties:
            Name: live
            FunctionName: !Ref Worker
            FunctionVersion: !GetAtt Version.Version
        Targets:
          Type: AWS::ElasticLoadBalancingV2::TargetGroup
          Properties:
            TargetType: lambda
            Targets:
              - Id: !Ref Live
        Published:
          Type: AWS::ElasticLoadBalancingV2::TargetGroup
          Properties:
            TargetType: lambda
            Targets:
              - Id: !Ref Fn.Alias
        """,
        functions=with_fn("AutoPublishAlias: prod"),
    )
    model = model_of(text)
    alias, sam_alias = model.sync_triggers
    assert alias.function is model.resources["Worker"]
    assert sam_alias.function is model.resources["Fn"]
    assert model.invocations(model.resources["Worker"]).only_sync
    assert model.invocations(model.resources["Fn"]).only_sync


# ----------------------------------------------------------------------- unknown invokers


def test_permissions_for_sync_services_are_explained_only_by_a_trigger():
    text = template(
        """
        FromApi:
          Type: AWS::Lambda::Permission
          Properties:
            Action: lambda:InvokeFunction
            FunctionName: !Ref Fn
            Principal: apigateway.amazonaws.com
        FromStates:
          Type: AWS::Lambda::Permission
          Properties:
            Action: lambda:InvokeFunction
            FunctionName: !Ref Worker
            Principal: apigateway.amazonaws.com
        """,
        functions=with_fn(
            """
            Events:
              Get:
                Type: HttpApi
            """
        ),
    )
    model = model_of(text)
    assert not unknown(model, "Fn")
    assert [loc.line for loc in unknown(model, "Worker")] == [line_of(text, "FromStates:")]


def test_unmodelled_references_and_conditional_events_stay_unknown():
    text = template(
        """
        Resolver:
          Type: AWS::AppSync::DataSource
          Properties:
            Type: AWS_LAMBDA
            LambdaConfig:
              LambdaFunctionArn: !GetAtt Worker.Arn
        Conditional:
          Type: AWS::Serverless::Function
          Properties:
            Runtime: python3.12
            Handler: app.handler
            CodeUri: src/
            Events: !If
              - HasApi
              - Get:
                  Type: Api
                  Properties:
                    Path: /
                    Method: get
              - !Ref AWS::NoValue
        """
    )
    model = model_of(text)
    assert [loc.line for loc in unknown(model, "Worker")] == [line_of(text, "LambdaFunctionArn")]
    assert [loc.line for loc in unknown(model, "Conditional")] == [line_of(text, "Events: !If")]


def test_connectors_become_permissions_of_the_source_service():
    model = model_of(
        template(
            """
            Bucket:
              Type: AWS::S3::Bucket
              Connectors:
                Invoke:
                  Properties:
                    Destination:
                      Id: Fn
                    Permissions: [Write]
            Rule:
              Type: AWS::Events::Rule
            RuleToWorker:
              Type: AWS::Serverless::Connector
              Properties:
                Source:
                  Id: Rule
                Destination:
                  - Id: Worker
                  - Id: Bucket
                Permissions: [Write]
            ReadOnly:
              Type: AWS::Serverless::Connector
              Properties:
                Source:
                  Type: AWS::SNS::Topic
                  Arn: !Ref TopicArn
                Destination:
                  Id: Worker
                Permissions: [Read]
            """
        )
    )
    found = {(p.id, p.function.id, p.principal) for p in model.permissions}
    assert found == {
        ("RuleToWorker", "Worker", "events.amazonaws.com"),
        ("BucketInvoke", "Fn", "s3.amazonaws.com"),
    }


def test_sync_triggers_do_not_change_how_asynchronous_invocations_are_counted():
    events = """
        Events:
          Get:
            Type: Api
            Properties:
              Path: /
              Method: get
          Note:
            Type: SNS
            Properties:
              Topic: !Ref Topic
        """
    model = model_of(template("Topic:\n  Type: AWS::SNS::Topic", functions=with_fn(events)))
    invocations = model.invocations(model.resources["Fn"])
    assert len(invocations.synchronous) == 1 and len(invocations.asynchronous) == 1
    assert not invocations.only_sync
    assert all(isinstance(t, SyncTrigger) for t in invocations.synchronous)
