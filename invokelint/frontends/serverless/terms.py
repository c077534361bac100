"""How ``serverless.yml`` spells what rule messages name.

Rules speak CloudFormation and SAM; a framework user edits ``functions.<name>`` keys.
Raw CloudFormation under ``resources`` keeps its own names (``VisibilityTimeout``,
``RedrivePolicy``), so only what ``functions`` and ``events`` write is listed, and the
ids the translation generates (``WorkerLambdaFunction``, the SAM event
``events[0].sqs``) are named the way the user wrote them: function ``worker``, its
event ``sqs`` #1.
"""

from __future__ import annotations

from invokelint.diagnostics import PhraseTerms
from invokelint.frontends.serverless.translate import Names

EVENT_BRIDGE_DLQ = (
    "set deadLetterQueueArn (an SQS queue) on the eventBridge event; a schedule event has "
    "no such setting, so write it as an eventBridge event with schedule and "
    "deadLetterQueueArn"
)
SERVERLESS_TERMS: dict[str, str] = {
    # functions.<name>
    "Timeout": "timeout",
    "Handler": "handler",
    "Environment": "environment",
    "DeadLetterQueue": "onError",
    "ReservedConcurrentExecutions": "reservedConcurrency",
    "EventInvokeConfig.DestinationConfig.OnFailure": "destinations.onFailure",
    "OnFailure": "destinations.onFailure",
    "OnSuccess": "destinations.onSuccess",
    "MaximumEventAgeInSeconds": "maximumEventAge",
    "AuthType": "url.authorizer",
    # events: sqs / stream
    "BatchSize": "batchSize",
    "MaximumBatchingWindowInSeconds": "maximumBatchingWindow (batchWindow on a stream)",
    "MaximumRetryAttempts": "maximumRetryAttempts",
    "MaximumRecordAgeInSeconds": "maximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError": "bisectBatchOnFunctionError",
    "FunctionResponseTypes": "functionResponseType",
    "DestinationConfig.OnFailure": "destinations.onFailure",
    "ScalingConfig.MaximumConcurrency": "maximumConcurrency",
    "MaximumConcurrency": "maximumConcurrency",
    # url (a function URL: ``url: true`` has no authorizer)
    "AuthType NONE: anyone": "no authorizer (url: true): anyone",
    "use AWS_IAM unless": "use url: {authorizer: aws_iam} unless",
    "Cors.AllowCredentials": "url.cors.allowCredentials",
    "AllowOrigins": "url.cors.allowedOrigins",
    # events: sqs / stream, on an event rather than a mapping
    "to the mapping's FunctionResponseTypes": "to the event's functionResponseType",
    "enhanced fan-out consumer (AWS::Kinesis::StreamConsumer)": (
        "enhanced fan-out consumer (consumer: true on the stream event)"
    ),
    # events: sns
    "without a RedrivePolicy: messages SNS": "without a redrivePolicy: messages SNS",
    "set RedrivePolicy (deadLetterTargetArn": "set redrivePolicy (deadLetterTargetArn",
    # Lambda@Edge from raw CloudFormation: a cloudFront event publishes and associates it
    " (SAM: AutoPublishAlias and !Ref Function.Version)": (
        " (or give the function a cloudFront event: the framework publishes a version and "
        "associates it)"
    ),
    # events: eventBridge and schedule. The framework puts deadLetterQueueArn on the rule
    # target of an eventBridge event, schedule included; a schedule event takes none.
    # (A raw AWS::Events::Rule under resources keeps DeadLetterConfig.Arn.)
    "set DeadLetterConfig (Type: SQS lets SAM create the queue)": EVENT_BRIDGE_DLQ,
    "without a DeadLetterConfig: events EventBridge": (
        "without a dead-letter queue: events EventBridge"
    ),
}


def service_terms(names: Names) -> PhraseTerms:
    """``SERVERLESS_TERMS`` and the names of one service's functions, events and the
    resources the framework creates for them."""
    terms = dict(SERVERLESS_TERMS)
    for logical_id, name in names.functions.items():
        terms[f"'{logical_id}'"] = f"'{name}'"
        terms[f"the EventInvokeConfig of function '{logical_id}'"] = f"function '{name}'"
        terms[f"function URL '{logical_id}.FunctionUrlConfig'"] = f"the url of function '{name}'"
        # raw CloudFormation under resources names the function by its logical id
        terms[f"FunctionName set to function '{logical_id}'"] = (
            f"FunctionName set to {logical_id} (function '{name}')"
        )
    for logical_id, key, index, kind in names.events:
        event = _event(names.functions.get(logical_id, logical_id), kind, index)
        terms[f"SAM event '{key}' of function '{logical_id}'"] = event
        # "S3 notification 'F.E'", "API event 'F.E'", "(mapping 'F.E')": messages that
        # name the function already
        for noun in ("event", "mapping", ""):
            terms[f"{noun} '{logical_id}.{key}'".lstrip()] = f"event '{kind}' #{index + 1}"
    for logical_id, label in names.created.items():
        terms[f"'{logical_id}'"] = f"'{label}'"
    for group, (function, index) in names.target_groups.items():
        event = _event(function, "alb", index)
        terms[f"target group '{group}' enables lambda.multi_value_headers"] = (
            f"{event} sets multiValueHeaders: true"
        )
        terms[f"target group '{group}' does not enable lambda.multi_value_headers"] = (
            f"{event} does not set multiValueHeaders: true"
        )
        terms[f"load balancer target group '{group}'"] = event
        terms[f"ALB target group '{group}'"] = event
    for distribution, (_function, index) in names.distributions.items():
        terms[f"distribution '{distribution}'"] = f"event 'cloudFront' #{index + 1}"
    return PhraseTerms(terms)


def _event(function: str, kind: str, index: int) -> str:
    return f"event '{kind}' #{index + 1} of function '{function}'"
