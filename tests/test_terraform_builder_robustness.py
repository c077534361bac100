"""The builder never raises, whatever shape an evaluated value takes.

Readers hand over what a configuration says, and a configuration may say anything: a
number where a block belongs, a reference to the wrong kind of resource, an unknown list.
Every attribute and nested block the builder reads is set to each odd shape in turn.
"""

from __future__ import annotations

import pytest
from terraform_configs import UNKNOWN, block, configuration, dynamic, ref

from invokelint.frontends.terraform.builder import TRIGGER_READERS, build_model
from invokelint.rules import all_rules

ATTRIBUTES = [
    "action",
    "api_id",
    "arn",
    "authorization_type",
    "authorizer_function_arn",
    "authorizer_type",
    "authorizer_uri",
    "body",
    "bucket",
    "credentials",
    "credentials_arn",
    "definition",
    "destination",
    "destination_arn",
    "endpoint",
    "event_pattern",
    "event_source_arn",
    "event_type",
    "events",
    "fifo_queue",
    "fifo_topic",
    "filename",
    "filter_prefix",
    "filter_suffix",
    "function_arn",
    "function_name",
    "function_response_types",
    "handler",
    "image_uri",
    "integration_subtype",
    "integration_type",
    "integration_uri",
    "invocation_type",
    "lambda_arn",
    "lambda_function_arn",
    "lambda_multi_value_headers_enabled",
    "layers",
    "log_group_name",
    "maximum_batching_window_in_seconds",
    "maximum_concurrency",
    "maximum_event_age_in_seconds",
    "maximum_retry_attempts",
    "memory_size",
    "name",
    "output_path",
    "package_type",
    "pattern",
    "pre_sign_up",
    "principal",
    "protocol",
    "protocol_type",
    "publish",
    "qualifier",
    "queue_url",
    "redrive_allow_policy",
    "redrive_policy",
    "request_parameters",
    "reserved_concurrent_executions",
    "rest_api_id",
    "rule",
    "runtime",
    "s3_bucket",
    "schedule_expression",
    "source_account",
    "source_arn",
    "source_code_hash",
    "source_dir",
    "subnet_ids",
    "target",
    "target_arn",
    "target_group_arn",
    "target_id",
    "target_type",
    "timeout",
    "timeout_milliseconds",
    "topic_arn",
    "type",
    "uri",
    "variables",
    "allow_credentials",
    "allow_origins",
    "batch_size",
    "enabled",
]
BLOCKS = [
    "cors",
    "dead_letter_config",
    "default_cache_behavior",
    "destination_config",
    "environment",
    "error_action",
    "filter",
    "filter_criteria",
    "lambda",
    "lambda_action",
    "lambda_config",
    "lambda_function",
    "lambda_function_association",
    "on_failure",
    "on_success",
    "ordered_cache_behavior",
    "scaling_config",
    "target",
    "vpc_config",
    "custom_email_sender",
]
ODD_VALUES = [
    UNKNOWN,
    None,
    [],
    {},
    [UNKNOWN],
    [{"x": 1}],
    {"paths": {"/": {"get": 1}}, "States": [], "deadLetterTargetArn": {}},
    5,
    -1,
    1.5,
    True,
    "",
    "arn:aws:lambda:eu-west-1:1:function:f:alias:extra",
    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/x",
    "{not json",
    '{"States": {"A": {"Type": "Task", "Resource": 1}}}',
    ref("aws_sqs_queue.q.arn"),
    ref("aws_lambda_function.f.arn"),
    ref("aws_lambda_alias.a.arn"),
    ref("data.aws_lambda_function.d.arn"),
    ref("module.gone.output"),
]
TYPES = sorted(
    {
        *TRIGGER_READERS,
        "aws_lambda_function",
        "aws_lambda_alias",
        "aws_lambda_event_source_mapping",
        "aws_lambda_function_event_invoke_config",
        "aws_lambda_permission",
        "aws_sqs_queue",
        "aws_sqs_queue_redrive_policy",
        "aws_lb_target_group",
        "aws_apigatewayv2_api",
    }
)


NESTED_ATTRIBUTES = [
    "allow_credentials", "allow_origins", "arn", "destination", "destination_arn",
    "event_type", "events", "filter_prefix", "filter_suffix", "function_arn",
    "invocation_type", "lambda_arn", "lambda_function_arn", "maximum_concurrency",
    "pattern", "pre_sign_up", "subnet_ids", "target_arn", "variables",
]  # fmt: skip
# nested blocks that hold nested blocks of their own
INNER = {
    "destination_config": ("on_failure", "on_success"),
    "filter_criteria": ("filter",),
    "default_cache_behavior": ("lambda_function_association",),
    "ordered_cache_behavior": ("lambda_function_association",),
    "error_action": ("lambda",),
    "target": ("dead_letter_config",),
    "lambda_config": ("custom_email_sender",),
}


def _odd_blocks(value):
    attributes = dict.fromkeys(ATTRIBUTES, value)
    leaf = dict.fromkeys(NESTED_ATTRIBUTES, value)

    def nested(make):
        return {
            name: make(**leaf, **{inner: make(**leaf) for inner in INNER.get(name, ())})
            for name in BLOCKS
        }

    blocks = {
        "aws_sqs_queue.q": {},
        "aws_lambda_function.f": {},
        "aws_lambda_alias.a": {"function_name": value},
        "data.aws_lambda_function.d": {"function_name": value},
        "data.archive_file.z": {"output_path": value, "source_dir": value},
    }
    for kind in TYPES:
        blocks[f"{kind}.nested"] = {**attributes, **nested(block)}
        blocks[f"{kind}.dynamic"] = {**attributes, **nested(dynamic)}
        blocks[f"{kind}.as_objects"] = {**attributes, **dict.fromkeys(BLOCKS, value)}
    return blocks


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_odd_values_never_raise(value):
    model = build_model(configuration(_odd_blocks(value)))
    for rule in all_rules():
        if not rule.uses_code:
            list(rule().check(model))
