"""How ``serverless.yml`` spells the function and event properties rule messages name.

Rules speak CloudFormation; a framework user edits ``functions.<name>`` keys. Raw
CloudFormation under ``resources`` keeps its own names (``VisibilityTimeout``,
``RedrivePolicy``), so only what ``functions`` and ``events`` write is listed.
"""

from __future__ import annotations

SERVERLESS_TERMS: dict[str, str] = {
    # functions.<name>
    "Timeout": "timeout",
    "Handler": "handler",
    "DeadLetterQueue": "onError",
    "ReservedConcurrentExecutions": "reservedConcurrency",
    "EventInvokeConfig.DestinationConfig.OnFailure": "destinations.onFailure",
    "MaximumEventAgeInSeconds": "maximumEventAge",
    "AuthType": "url.authorizer",
    # events: eventBridge (a function's own dead-letter queue is onError)
    "DeadLetterConfig.Arn": "deadLetterQueueArn",
    # events: sqs / stream
    "BatchSize": "batchSize",
    "MaximumBatchingWindowInSeconds": "maximumBatchingWindow (batchWindow on a stream)",
    "MaximumRetryAttempts": "maximumRetryAttempts",
    "MaximumRecordAgeInSeconds": "maximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError": "bisectBatchOnFunctionError",
    "FunctionResponseTypes": "functionResponseType",
    "DestinationConfig.OnFailure": "destinations.onFailure",
    "ScalingConfig.MaximumConcurrency": "maximumConcurrency",
}
