"""Every invocation rule fires on Terraform as on SAM, through the builder alone.

Each case is a configuration that must trip the rule (at the line the rule's fix is
written on) and its corrected twin that must not. The rules are the unchanged rule
classes; only the model comes from Terraform.
"""

from __future__ import annotations

from typing import Any

import pytest
from terraform_configs import UNKNOWN, block, configuration, dynamic, encoded, line_of, ref

from invokelint.frontends.terraform.builder import build_model
from invokelint.rules import get_rule

FN = "aws_lambda_function.worker"
WORKER = {"function_name": "worker", "runtime": "python3.12", "handler": "app.handler"}


def worker(**extra: Any) -> dict[str, Any]:
    return {**WORKER, **extra}


def queue(**extra: Any) -> dict[str, Any]:
    """A queue that IL102/IL104/IL105 have nothing to say about."""
    return {
        "visibility_timeout_seconds": 180,
        "redrive_policy": encoded(
            {"deadLetterTargetArn": ref("aws_sqs_queue.dlq.arn"), "maxReceiveCount": 5}
        ),
        **extra,
    }


DLQ = {"message_retention_seconds": 1_209_600}


def sqs_consumer(mapping: dict[str, Any] | None = None, **function: Any) -> dict[str, Any]:
    return {
        "aws_sqs_queue.orders": queue(),
        "aws_sqs_queue.dlq": DLQ,
        FN: worker(**function),
        "aws_lambda_event_source_mapping.orders": {
            "event_source_arn": ref("aws_sqs_queue.orders.arn"),
            "function_name": ref(f"{FN}.arn"),
            **(mapping or {}),
        },
    }


def stream_consumer(**mapping: Any) -> dict[str, Any]:
    return {
        "aws_kinesis_stream.clicks": {"name": "clicks", "shard_count": 1},
        "aws_sqs_queue.failed": {},
        FN: worker(),
        "aws_lambda_event_source_mapping.clicks": {
            "event_source_arn": ref("aws_kinesis_stream.clicks.arn"),
            "function_name": ref(f"{FN}.arn"),
            "starting_position": "LATEST",
            **mapping,
        },
    }


ON_FAILURE = block(on_failure=block(destination_arn=ref("aws_sqs_queue.failed.arn")))


def uploads(**function: Any) -> dict[str, Any]:
    """An S3 notification invoking the function, with the permission S3 needs."""
    return {
        "aws_s3_bucket.uploads": {"bucket": "uploads"},
        FN: worker(**function),
        "aws_s3_bucket_notification.uploads": {
            "bucket": ref("aws_s3_bucket.uploads.id"),
            "lambda_function": block(
                lambda_function_arn=ref(f"{FN}.arn"), events=["s3:ObjectCreated:*"]
            ),
        },
        "aws_lambda_permission.s3": {
            "function_name": ref(f"{FN}.function_name"),
            "principal": "s3.amazonaws.com",
            "source_arn": ref("aws_s3_bucket.uploads.arn"),
        },
    }


def with_failure_destination(**config: Any) -> dict[str, Any]:
    return {
        "aws_sqs_queue.failed": {},
        "aws_lambda_function_event_invoke_config.worker": {
            "function_name": ref(f"{FN}.function_name"),
            "destination_config": block(
                on_failure=block(destination=ref("aws_sqs_queue.failed.arn"))
            ),
            **config,
        },
    }


def url(auth: str, **function: Any) -> dict[str, Any]:
    return {
        FN: worker(**function),
        "aws_lambda_function_url.worker": {
            "function_name": ref(f"{FN}.function_name"),
            "authorization_type": auth,
        },
    }


def rest_api(timeout: int) -> dict[str, Any]:
    return {
        "aws_api_gateway_rest_api.api": {"name": "api"},
        FN: worker(timeout=timeout),
        "aws_api_gateway_integration.get": {
            "rest_api_id": ref("aws_api_gateway_rest_api.api.id"),
            "type": "AWS_PROXY",
            "integration_http_method": "POST",
            "uri": ref(f"{FN}.invoke_arn"),
        },
        "aws_lambda_permission.api": {
            "function_name": ref(f"{FN}.function_name"),
            "principal": "apigateway.amazonaws.com",
        },
    }


def edge(lambda_arn: Any, **function: Any) -> dict[str, Any]:
    return {
        FN: worker(publish=True, **function),
        "aws_cloudfront_distribution.cdn": {
            "enabled": True,
            "default_cache_behavior": block(
                target_origin_id="site",
                lambda_function_association=block(
                    event_type="viewer-request", lambda_arn=lambda_arn
                ),
            ),
        },
    }


def event_target(**target: Any) -> dict[str, Any]:
    return {
        "aws_cloudwatch_event_rule.orders": {"event_pattern": {"source": ["shop"]}},
        "aws_sqs_queue.dlq": {},
        FN: worker(),
        "aws_cloudwatch_event_target.worker": {
            "rule": ref("aws_cloudwatch_event_rule.orders.name"),
            "arn": ref(f"{FN}.arn"),
            **target,
        },
        "aws_lambda_permission.events": {
            "function_name": ref(f"{FN}.function_name"),
            "principal": "events.amazonaws.com",
            "source_arn": ref("aws_cloudwatch_event_rule.orders.arn"),
        },
    }


def subscription(**extra: Any) -> dict[str, Any]:
    return {
        "aws_sns_topic.orders": {"name": "orders"},
        "aws_sqs_queue.dlq": {},
        FN: worker(dead_letter_config=block(target_arn=ref("aws_sqs_queue.dlq.arn"))),
        "aws_sns_topic_subscription.worker": {
            "topic_arn": ref("aws_sns_topic.orders.arn"),
            "protocol": "lambda",
            "endpoint": ref(f"{FN}.arn"),
            **extra,
        },
        "aws_lambda_permission.sns": {
            "function_name": ref(f"{FN}.function_name"),
            "principal": "sns.amazonaws.com",
        },
    }


# rule id -> (firing configuration, text on the line it must point at, silent configuration)
CASES: dict[str, tuple[dict[str, Any], str, dict[str, Any]]] = {
    "IL101": (
        sqs_consumer(dead_letter_config=block(target_arn=ref("aws_sqs_queue.dlq.arn"))),
        "dead_letter_config {",
        sqs_consumer(),
    ),
    "IL102": (
        {**sqs_consumer(), "aws_sqs_queue.orders": {"visibility_timeout_seconds": 180}},
        'resource "aws_sqs_queue" "orders"',
        sqs_consumer(),
    ),
    "IL103": (
        sqs_consumer(timeout=300),
        "visibility_timeout_seconds = 180",
        sqs_consumer(timeout=30),
    ),
    "IL104": (
        {
            **sqs_consumer(),
            "aws_sqs_queue.orders": queue(
                redrive_policy='{"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:1:dlq", '
                '"maxReceiveCount": "1"}'
            ),
        },
        "redrive_policy =",
        sqs_consumer(),
    ),
    "IL105": (
        {**sqs_consumer(), "aws_sqs_queue.dlq": {}},
        'resource "aws_sqs_queue" "dlq"',
        sqs_consumer(),
    ),
    "IL106": (
        {**sqs_consumer(), "aws_sqs_queue.orders": queue(fifo_queue=True, name="orders.fifo")},
        "redrive_policy = jsonencode",
        {
            **sqs_consumer(),
            "aws_sqs_queue.orders": queue(fifo_queue=True, name="orders.fifo"),
            "aws_sqs_queue.dlq": {**DLQ, "fifo_queue": True},
        },
    ),
    "IL107": (
        sqs_consumer({"batch_size": 50}),
        "batch_size = 50",
        sqs_consumer({"batch_size": 50, "maximum_batching_window_in_seconds": 1}),
    ),
    "IL108": (
        stream_consumer(destination_config=ON_FAILURE),
        'resource "aws_lambda_event_source_mapping"',
        stream_consumer(destination_config=ON_FAILURE, maximum_retry_attempts=3),
    ),
    "IL109": (
        stream_consumer(maximum_retry_attempts=3),
        'resource "aws_lambda_event_source_mapping"',
        stream_consumer(maximum_retry_attempts=3, destination_config=ON_FAILURE),
    ),
    "IL110": (
        sqs_consumer({"destination_config": ON_FAILURE}),
        "destination_config {",
        sqs_consumer(),
    ),
    "IL111": (
        sqs_consumer(
            {"filter_criteria": block(filter=block(pattern=encoded({"body": {"type": "order"}})))}
        ),
        "pattern = jsonencode",
        sqs_consumer(
            {"filter_criteria": block(filter=block(pattern={"body": {"type": ["order"]}}))}
        ),
    ),
    "IL112": (
        sqs_consumer({"scaling_config": block(maximum_concurrency=1)}),
        "maximum_concurrency = 1",
        sqs_consumer({"scaling_config": block(maximum_concurrency=2)}),
    ),
    "IL201": (
        uploads(),
        'resource "aws_lambda_function" "worker"',
        {**uploads(), **with_failure_destination()},
    ),
    "IL202": (
        {**uploads(), **with_failure_destination(maximum_retry_attempts=5)},
        "maximum_retry_attempts = 5",
        {**uploads(), **with_failure_destination(maximum_retry_attempts=1)},
    ),
    "IL203": (
        url("AWS_IAM", dead_letter_config=block(target_arn=ref("aws_sqs_queue.dlq.arn"))),
        "dead_letter_config {",
        {
            **url("AWS_IAM", dead_letter_config=block(target_arn=ref("aws_sqs_queue.dlq.arn"))),
            "aws_sns_topic_subscription.s": {
                "topic_arn": "arn:aws:sns:eu-west-1:1:t",
                "protocol": "lambda",
                "endpoint": ref(f"{FN}.arn"),
            },
        },
    ),
    "IL204": (
        {
            **uploads(),
            **with_failure_destination(),
            "aws_sqs_queue.failed": {"fifo_queue": True, "name": "failed.fifo"},
        },
        "on_failure {",
        {**uploads(), **with_failure_destination()},
    ),
    "IL205": (
        {k: v for k, v in uploads().items() if k != "aws_lambda_permission.s3"},
        "lambda_function {",
        uploads(),
    ),
    "IL207": (
        subscription(),
        'resource "aws_sns_topic_subscription"',
        subscription(redrive_policy=encoded({"deadLetterTargetArn": ref("aws_sqs_queue.dlq.arn")})),
    ),
    "IL208": (
        event_target(),
        'resource "aws_cloudwatch_event_target"',
        event_target(dead_letter_config=block(arn=ref("aws_sqs_queue.dlq.arn"))),
    ),
    "IL301": (rest_api(60), "timeout = 60", rest_api(10)),
    "IL302": (url("NONE"), 'authorization_type = "NONE"', url("AWS_IAM")),
    "IL303": (
        edge(ref(f"{FN}.arn")),
        "lambda_arn = aws_lambda_function.worker.arn",
        edge(ref(f"{FN}.qualified_arn")),
    ),
}


def findings(rule_id: str, blocks: dict[str, Any]) -> tuple[list[Any], Any]:
    config = configuration(blocks)
    rule = get_rule(rule_id)
    assert rule is not None
    return list(rule().check(build_model(config))), config


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_terraform_at_the_line_to_fix(rule_id):
    firing, needle, _ = CASES[rule_id]
    found, config = findings(rule_id, firing)
    assert found, f"{rule_id} stayed silent"
    assert found[0].location.line == line_of(config, needle), found[0].message
    assert found[0].location.path == "main.tf"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_stays_silent_on_the_corrected_terraform(rule_id):
    _, _, silent = CASES[rule_id]
    found, _ = findings(rule_id, silent)
    assert found == [], [d.message for d in found]


def test_messages_name_resources_by_address():
    found, _ = findings("IL101", CASES["IL101"][0])
    assert "function 'aws_lambda_function.worker'" in found[0].message
    assert "queue 'aws_sqs_queue.orders' already moves failed messages" in found[0].message


def test_an_unknown_value_keeps_rules_silent():
    """A variable without a value is unknown: IL103 cannot compare, IL112 cannot judge."""
    unknown_timeout = sqs_consumer(timeout=UNKNOWN)
    assert findings("IL103", unknown_timeout)[0] == []
    unknown_cap = sqs_consumer({"scaling_config": block(maximum_concurrency=UNKNOWN)})
    assert findings("IL112", unknown_cap)[0] == []


def test_a_dynamic_dead_letter_config_keeps_il101_silent():
    blocks = sqs_consumer(dead_letter_config=dynamic(target_arn=UNKNOWN))
    assert findings("IL101", blocks)[0] == []


def test_an_opaque_module_keeps_only_poll_rules_silent():
    blocks = CASES["IL101"][0]
    config = configuration(blocks, opaque_modules={"module.api": 1})
    rule = get_rule("IL101")
    assert list(rule().check(build_model(config))) == []
