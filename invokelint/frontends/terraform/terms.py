"""How the AWS provider spells the properties that rule messages name.

Rules speak CloudFormation (``set VisibilityTimeout to at least 720``) because they read
one provider-neutral model; a Terraform user edits ``visibility_timeout_seconds``. The
builder puts this table on the model and the engine rewrites messages with it, so rules
stay the same for every input. Names inside JSON documents (``maxReceiveCount``,
``deadLetterTargetArn``) and in handler code are the same in both and are not listed.
"""

from __future__ import annotations

TERRAFORM_TERMS: dict[str, str] = {
    # aws_lambda_function
    "Timeout": "timeout",
    "Handler": "handler",
    "Environment": "environment",
    "DeadLetterConfig": "dead_letter_config",
    "DeadLetterConfig.Arn": "dead_letter_config.target_arn",
    "DeadLetterQueue": "dead_letter_config",
    "ReservedConcurrentExecutions": "reserved_concurrent_executions",
    "VpcConfig": "vpc_config",
    "AutoPublishAlias": "publish",
    # aws_sqs_queue
    "VisibilityTimeout": "visibility_timeout_seconds",
    "MessageRetentionPeriod": "message_retention_seconds",
    "RedrivePolicy": "redrive_policy",
    "FifoQueue": "fifo_queue",
    # aws_lambda_event_source_mapping
    "BatchSize": "batch_size",
    "MaximumBatchingWindowInSeconds": "maximum_batching_window_in_seconds",
    "MaximumRetryAttempts": "maximum_retry_attempts",
    "MaximumRecordAgeInSeconds": "maximum_record_age_in_seconds",
    "BisectBatchOnFunctionError": "bisect_batch_on_function_error",
    "FunctionResponseTypes": "function_response_types",
    "DestinationConfig": "destination_config",
    "DestinationConfig.OnFailure": "destination_config.on_failure",
    "OnFailure": "on_failure",
    "OnSuccess": "on_success",
    "ScalingConfig.MaximumConcurrency": "scaling_config.maximum_concurrency",
    "MaximumConcurrency": "maximum_concurrency",
    # aws_lambda_function_event_invoke_config
    "EventInvokeConfig": "aws_lambda_function_event_invoke_config",
    "EventInvokeConfig.DestinationConfig.OnFailure": (
        "aws_lambda_function_event_invoke_config destination_config.on_failure"
    ),
    "MaximumEventAgeInSeconds": "maximum_event_age_in_seconds",
    # aws_lambda_permission, aws_lambda_function_url, API Gateway
    "SourceArn": "source_arn",
    "FunctionName": "function_name",
    "AuthType": "authorization_type",
    "AllowOrigins": "allow_origins",
    "TimeoutInMillis": "timeout_milliseconds",
}
