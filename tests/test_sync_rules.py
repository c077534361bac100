"""IL203, IL205, IL301, IL302, IL303: the cases fixtures do not spell out."""

from __future__ import annotations

import textwrap

from helpers import lint, write_project

FUNCTION = """
  {name}:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/{name}
      Timeout: 10
      Code:
        ZipFile: "def handler(event, context): pass"
"""


def run(tmp_path, code: str, resources: str, functions: tuple[str, ...] = ("Web",)):
    text = "Resources:" + "".join(FUNCTION.format(name=n) for n in functions)
    text += textwrap.indent(textwrap.dedent(resources).strip("\n"), "  ") + "\n"
    write_project(tmp_path, {"template.yaml": text})
    return [d for d in lint(tmp_path, select=[code]).diagnostics if d.code == code]


ALB = """
Targets:
  Type: AWS::ElasticLoadBalancingV2::TargetGroup
  Properties:
    TargetType: lambda
    Targets:
      - Id: !GetAtt Web.Arn
"""


def test_il205_a_permission_for_a_function_from_a_parameter_may_be_the_one(tmp_path):
    resources = (
        ALB
        + """
Anything:
  Type: AWS::Lambda::Permission
  Properties:
    Action: lambda:InvokeFunction
    FunctionName: !Ref TargetFunction
    Principal: elasticloadbalancing.amazonaws.com
"""
    )
    assert not run(tmp_path, "IL205", resources)


def test_il205_a_permission_for_any_principal_allows_the_service(tmp_path):
    resources = (
        ALB
        + """
Everyone:
  Type: AWS::Lambda::Permission
  Properties:
    Action: lambda:InvokeFunction
    FunctionName: !Ref Web
    Principal: "*"
"""
    )
    assert not run(tmp_path, "IL205", resources)


def test_il205_external_functions_are_not_judged(tmp_path):
    resources = """
Targets:
  Type: AWS::ElasticLoadBalancingV2::TargetGroup
  Properties:
    TargetType: lambda
    Targets:
      - Id: arn:aws:lambda:us-east-1:123456789012:function:elsewhere
"""
    assert not run(tmp_path, "IL205", resources)


def test_il203_a_globals_dlq_shared_with_a_function_not_only_sync_stays_silent(tmp_path):
    text = textwrap.dedent(
        """
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            Handler: app.handler
            CodeUri: src/
            DeadLetterQueue:
              Type: SQS
              TargetArn: !GetAtt Failed.Arn
        Resources:
          Failed:
            Type: AWS::SQS::Queue
          Uploads:
            Type: AWS::S3::Bucket
          Api:
            Type: AWS::Serverless::Function
            Properties:
              Events:
                Get:
                  Type: HttpApi
          Thumbnails:
            Type: AWS::Serverless::Function
            Properties:
              Events:
                Upload:
                  Type: S3
                  Properties:
                    Bucket: !Ref Uploads
                    Events: s3:ObjectCreated:*
        """
    )
    write_project(tmp_path, {"template.yaml": text})
    assert not [d for d in lint(tmp_path, select=["IL203"]).diagnostics]


def test_il301_judges_the_shortest_wait_and_ignores_authorizers(tmp_path):
    invoke = "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions"
    resources = f"""
Socket:
  Type: AWS::ApiGatewayV2::Api
  Properties:
    ProtocolType: WEBSOCKET
Slow:
  Type: AWS::ApiGatewayV2::Integration
  Properties:
    ApiId: !Ref Socket
    IntegrationType: AWS_PROXY
    IntegrationUri: !Sub {invoke}/${{Web.Arn}}/invocations
Fast:
  Type: AWS::ApiGatewayV2::Integration
  Properties:
    ApiId: !Ref Socket
    IntegrationType: AWS_PROXY
    TimeoutInMillis: 2500
    IntegrationUri: !Sub {invoke}/${{Web.Arn}}/invocations
Gate:
  Type: AWS::ApiGatewayV2::Authorizer
  Properties:
    ApiId: !Ref Socket
    AuthorizerType: REQUEST
    AuthorizerUri: !Sub {invoke}/${{Auth.Arn}}/invocations
"""
    found = run(tmp_path, "IL301", resources, functions=("Web", "Auth"))
    # Web runs up to 10 s, above both waits: reported once, for the shorter; Auth (an
    # authorizer with the same 10 s timeout) is not judged
    assert len(found) == 1
    assert "'Web' may run 10 s" in found[0].message and "waits only 2.5 s" in found[0].message


def test_il302_a_conditional_url_config_is_not_judged(tmp_path):
    text = textwrap.dedent(
        """
        Transform: AWS::Serverless-2016-10-31
        Conditions:
          Public: !Equals [!Ref "AWS::Region", us-east-1]
        Resources:
          Web:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              FunctionUrlConfig: !If [Public, {AuthType: NONE}, !Ref "AWS::NoValue"]
        """
    )
    write_project(tmp_path, {"template.yaml": text})
    assert not lint(tmp_path, select=["IL302"]).diagnostics


def test_il303_event_type_from_a_parameter_leaves_the_timeout_unjudged(tmp_path):
    resources = """
Version:
  Type: AWS::Lambda::Version
  Properties:
    FunctionName: !Ref Web
Cdn:
  Type: AWS::CloudFront::Distribution
  Properties:
    DistributionConfig:
      DefaultCacheBehavior:
        LambdaFunctionAssociations:
          - EventType: EVENT
            LambdaFunctionARN: !Ref Version
"""
    assert not run(tmp_path / "parameter", "IL303", resources.replace("EVENT", "!Ref Event"))
    assert not run(tmp_path / "origin", "IL303", resources.replace("EVENT", "origin-request"))
    viewer = run(tmp_path / "viewer", "IL303", resources.replace("EVENT", "viewer-request"))
    assert [d.message.split("where ")[1][:40] for d in viewer] == [
        "viewer-request functions may run at most"
    ]
