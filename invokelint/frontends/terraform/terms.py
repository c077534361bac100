"""How the AWS provider spells the properties that rule messages name.

Rules speak CloudFormation (``set VisibilityTimeout to at least 720``) because they read
one provider-neutral model; a Terraform user edits ``visibility_timeout_seconds``. The
builder puts this table on the model and the engine rewrites messages with it, so rules
stay the same for every input. Names inside JSON documents (``maxReceiveCount``,
``deadLetterTargetArn``) and in handler code are the same in both and are not listed.
A CloudFormation resource type (``AWS::Lambda::Permission``) is one word here and maps
to the Terraform resource type (or, for a version, to the attribute that publishes one).
"""

from __future__ import annotations

TERRAFORM_TERMS: dict[str, str] = {
    # resource types named in messages
    "AWS::Lambda::Permission": "aws_lambda_permission",
    "AWS::Lambda::EventInvokeConfig": "aws_lambda_function_event_invoke_config",
    "AWS::Lambda::Version": "publish = true, then qualified_arn",
    "AWS::SNS::Subscription": "aws_sns_topic_subscription",
    "AWS::Kinesis::StreamConsumer": "aws_kinesis_stream_consumer",
    # aws_lambda_function
    "Timeout": "timeout",
    "Handler": "handler",
    "Environment": "environment",
    "DeadLetterConfig": "dead_letter_config",
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
    # aws_cloudwatch_event_target (a function's dead-letter queue is dead_letter_config)
    "DeadLetterConfig.Arn": "dead_letter_config.arn",
    # aws_lambda_permission, aws_lambda_function_url, API Gateway
    "Action": "action",
    "Principal": "principal",
    "SourceArn": "source_arn",
    "SourceAccount": "source_account",
    "FunctionName": "function_name",
    "Cors.AllowCredentials": "cors.allow_credentials",
    "AuthType": "authorization_type",
    "AllowOrigins": "allow_origins",
    "TimeoutInMillis": "timeout_milliseconds",
}
