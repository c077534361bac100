"""Wording shared by the asynchronous-invocation rules (IL2xx): how to name a trigger."""

from __future__ import annotations

from invokelint.model import (
    EventBridgeTrigger,
    ExternalArn,
    Function,
    InvocationModel,
    Target,
    Trigger,
)

_TRIGGER_KINDS = {
    "s3": "S3 notification",
    "sns": "SNS subscription",
    "events": "EventBridge rule target",
    "scheduler": "EventBridge schedule",
    "logs": "CloudWatch Logs subscription filter",
    "iot": "IoT rule",
    "ses": "SES receipt rule",
    "config": "AWS Config rule",
    "codecommit": "CodeCommit trigger",
    "lambda": "destination of",
    "apigateway": "API Gateway integration",
    "states": "Step Functions task",
    "cognito-idp": "Cognito user pool trigger",
    "alexa-appkit": "Alexa skill",
}


def describe_trigger(model: InvocationModel, trigger: Trigger) -> str:
    """``S3 notification 'Uploads.LambdaConfigurations[0]'``, ``destination of 'Producer'``."""
    if any(p.id == trigger.resource for p in model.permissions):
        return f"permission '{trigger.id}' for {trigger.service}.amazonaws.com"
    kind = _TRIGGER_KINDS.get(trigger.service, f"{trigger.service} trigger")
    if trigger.service == "events" and isinstance(trigger, EventBridgeTrigger):
        kind = "EventBridge schedule rule" if trigger.schedule is True else kind
    name = trigger.resource if trigger.service == "lambda" else trigger.id
    return f"{kind} '{name}'"


def describe_function(target: Target) -> str:
    """``function 'Worker'``, ``function arn:aws:lambda:...``, or ``a function``."""
    if isinstance(target, Function):
        return f"function '{target.id}'"
    if isinstance(target, ExternalArn):
        return f"function {target.arn}"
    return "a function"
