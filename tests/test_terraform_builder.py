"""The Terraform builder: every resource type, reference form, default and unknown."""

from __future__ import annotations

import os
from typing import Any

import pytest
from terraform_configs import (
    UNKNOWN,
    block,
    configuration,
    counted,
    dynamic,
    encoded,
    line_of,
    ref,
)

from invokelint.frontends.terraform.builder import build_model
from invokelint.model import (
    AlbTrigger,
    ApiTrigger,
    AsyncTrigger,
    Bucket,
    EdgeTrigger,
    EventBridgeTrigger,
    EventBus,
    ExternalArn,
    FailureTarget,
    Function,
    InvocationModel,
    OtherResource,
    Queue,
    Redrive,
    S3Trigger,
    SnsTrigger,
    Stream,
    SyncTrigger,
    Topic,
    UrlTrigger,
)

FUNCTION_ADDRESS = "aws_lambda_function.worker"
FUNCTION = {"function_name": "worker", "runtime": "python3.12", "handler": "app.handler"}


def build(blocks: dict[str, Any], **options: Any) -> tuple[InvocationModel, Any]:
    config = configuration(blocks, **options)
    return build_model(config), config


def worker(**extra: Any) -> dict[str, Any]:
    return {**FUNCTION, **extra}


# --------------------------------------------------------------------------- functions


def test_function_defaults_point_at_the_block_and_are_not_explicit():
    model, config = build({"aws_lambda_function.worker": worker()})
    function = model.resources["aws_lambda_function.worker"]
    assert isinstance(function, Function)
    assert function.id == "aws_lambda_function.worker"
    assert function.location.line == line_of(config, 'resource "aws_lambda_function"')
    assert (function.timeout.value, function.timeout.explicit) == (3, False)
    assert function.timeout.location == function.location
    assert (function.memory_size.value, function.memory_size.explicit) == (128, False)
    assert function.reserved_concurrency.value is None
    assert function.vpc_config is not None and function.vpc_config.value is False
    assert function.name == "worker"
    assert function.runtime.value == "python3.12" and function.handler.value == "app.handler"
    assert function.package_type == "Zip" and function.layers is False
    assert function.dead_letter is None and function.environment == {}


def test_function_settings_point_at_their_attribute():
    model, config = build(
        {
            "aws_lambda_function.worker": worker(
                timeout="60",
                memory_size=512,
                reserved_concurrent_executions=4,
                layers=["arn:aws:lambda:eu-west-1:1:layer:x:1"],
                vpc_config=block(subnet_ids=["subnet-1"], security_group_ids=["sg-1"]),
            )
        }
    )
    function = model.functions[0]
    assert function.timeout.value == 60 and function.timeout.explicit
    assert function.timeout.location.line == line_of(config, "timeout =")
    assert function.memory_size.value == 512
    assert function.reserved_concurrency.value == 4
    assert function.layers is True
    assert function.vpc_config.value is True
    assert function.vpc_config.location.line == line_of(config, "vpc_config {")


def test_unreserved_concurrency_and_empty_vpc_config():
    model, _ = build(
        {
            "aws_lambda_function.worker": worker(
                reserved_concurrent_executions=-1, vpc_config=block(subnet_ids=[])
            )
        }
    )
    function = model.functions[0]
    assert function.reserved_concurrency.value is None and function.reserved_concurrency.explicit
    assert function.vpc_config.value is False


def test_unknown_values_are_unknown_and_null_is_the_default():
    model, _ = build(
        {
            "aws_lambda_function.worker": worker(
                timeout=UNKNOWN, memory_size=None, function_name=UNKNOWN, layers=UNKNOWN
            )
        }
    )
    function = model.functions[0]
    assert function.timeout.value is UNKNOWN and function.timeout.explicit
    assert function.memory_size.value == 128 and not function.memory_size.explicit
    assert function.name is UNKNOWN
    assert function.layers is True  # a layer may hold the handler module


def test_dead_letter_config_and_environment_resolve_references():
    model, config = build(
        {
            "aws_sqs_queue.dlq": {},
            "aws_lambda_function.worker": worker(
                dead_letter_config=block(target_arn=ref("aws_sqs_queue.dlq.arn")),
                environment=block(
                    variables={
                        "QUEUE": ref("aws_sqs_queue.dlq.url"),
                        "TOPIC": "arn:aws:sns:eu-west-1:123456789012:other",
                        "LEVEL": "debug",
                        "SIZE": 3,
                        "SECRET": UNKNOWN,
                    }
                ),
            ),
        }
    )
    function = model.functions[0]
    assert isinstance(function.dead_letter, FailureTarget)
    assert function.dead_letter.target is model.resources["aws_sqs_queue.dlq"]
    assert function.dead_letter.location.line == line_of(config, "dead_letter_config {")
    environment = function.environment
    assert isinstance(environment, dict)
    assert environment["QUEUE"].value is model.resources["aws_sqs_queue.dlq"]
    assert environment["TOPIC"].value == "arn:aws:sns:eu-west-1:123456789012:other"  # as CFN
    assert environment["LEVEL"].value == "debug" and environment["SIZE"].value == "3"
    assert environment["SECRET"].value is UNKNOWN
    assert environment["LEVEL"].location.line == line_of(config, "LEVEL =")
    assert function.environment_location.line == line_of(config, "environment {")


def test_dynamic_blocks_make_the_dead_letter_queue_and_environment_unknown():
    model, _ = build(
        {
            "aws_lambda_function.worker": worker(
                dead_letter_config=dynamic(target_arn=UNKNOWN),
                environment=dynamic(variables=UNKNOWN),
                vpc_config=dynamic(subnet_ids=UNKNOWN),
            )
        }
    )
    function = model.functions[0]
    assert function.dead_letter is UNKNOWN
    assert function.environment is UNKNOWN
    assert function.vpc_config.value is UNKNOWN


def test_nested_blocks_given_as_attributes_are_read_alike():
    """Plan JSON and .tf.json readers may hand nested blocks over as objects or lists."""
    model, _ = build(
        {
            "aws_sqs_queue.dlq": {},
            "aws_lambda_function.worker": worker(
                dead_letter_config=[{"target_arn": ref("aws_sqs_queue.dlq.arn")}],
                environment={"variables": {"A": "1"}},
            ),
        }
    )
    function = model.functions[0]
    assert function.dead_letter.target is model.resources["aws_sqs_queue.dlq"]
    assert function.environment["A"].value == "1"


# -------------------------------------------------------------------------------- code


def test_code_from_an_archive_file_data_source(tmp_path):
    model, config = build(
        {
            "data.archive_file.code": {
                "type": "zip",
                "source_dir": "./src",
                "output_path": "./build/code.zip",
            },
            "aws_lambda_function.worker": worker(
                filename=ref("data.archive_file.code.output_path")
            ),
        },
        directory=str(tmp_path),
    )
    code = model.functions[0].code
    assert code.kind == "path"
    assert code.path == os.path.join(str(tmp_path), "src")
    assert code.location.line == line_of(config, "filename =")


def test_code_from_a_literal_filename_that_an_archive_writes(tmp_path):
    model, _ = build(
        {
            "data.archive_file.code": {"source_file": "app.py", "output_path": "out/code.zip"},
            "aws_lambda_function.worker": worker(filename="./out/code.zip"),
        },
        directory=str(tmp_path),
    )
    assert model.functions[0].code.path == os.path.join(str(tmp_path), "app.py")


def test_code_from_source_code_hash_of_an_archive(tmp_path):
    model, _ = build(
        {
            "data.archive_file.code": {"source_dir": "lambda", "output_path": UNKNOWN},
            "aws_lambda_function.worker": worker(
                filename="lambda.zip",
                source_code_hash=ref("data.archive_file.code.output_base64sha256"),
            ),
        },
        directory=str(tmp_path),
    )
    assert model.functions[0].code.path == os.path.join(str(tmp_path), "lambda")


@pytest.mark.parametrize(
    ("attributes", "kind"),
    [
        ({"filename": "dist/app.zip"}, "path"),
        ({"s3_bucket": "artifacts", "s3_key": "app.zip"}, "remote"),
        ({"image_uri": "1.dkr.ecr.eu-west-1.amazonaws.com/app:1"}, "image"),
        ({"package_type": "Image"}, "image"),
        ({"filename": UNKNOWN}, "unknown"),
        ({"filename": ref("local_file.zip.filename")}, "unknown"),
        ({}, "unknown"),
    ],
)
def test_code_kinds(tmp_path, attributes, kind):
    model, _ = build({"aws_lambda_function.worker": worker(**attributes)}, directory=str(tmp_path))
    code = model.functions[0].code
    assert code.kind == kind
    if kind == "path":
        assert code.path == os.path.join(str(tmp_path), "dist", "app.zip")


# --------------------------------------------------------------- queues and resources


def test_queue_defaults_and_settings():
    model, config = build(
        {
            "aws_sqs_queue.plain": {},
            "aws_sqs_queue.tuned": {
                "name": "orders.fifo",
                "fifo_queue": True,
                "visibility_timeout_seconds": 120,
                "message_retention_seconds": "1209600",
            },
        }
    )
    plain, tuned = model.resources["aws_sqs_queue.plain"], model.resources["aws_sqs_queue.tuned"]
    assert isinstance(plain, Queue) and isinstance(tuned, Queue)
    assert (plain.visibility_timeout.value, plain.visibility_timeout.explicit) == (30, False)
    assert plain.retention_period.value == 345_600 and plain.fifo.value is False
    assert plain.name is None and plain.redrive is None
    assert tuned.name == "orders.fifo" and tuned.fifo.value is True
    assert tuned.visibility_timeout.value == 120
    assert tuned.retention_period.value == 1_209_600
    assert tuned.retention_period.location.line == line_of(config, "message_retention_seconds")


@pytest.mark.parametrize(
    "policy",
    [
        encoded({"deadLetterTargetArn": ref("aws_sqs_queue.dlq.arn"), "maxReceiveCount": 4}),
        {"deadLetterTargetArn": ref("aws_sqs_queue.dlq.arn"), "maxReceiveCount": 4},
        {"deadLetterTargetArn": ref("aws_sqs_queue.dlq.arn"), "maxReceiveCount": "4"},
        '{"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:123456789012:orders-dlq", '
        '"maxReceiveCount": 4}',
    ],
    ids=["jsonencode", "object", "string-count", "json-text"],
)
def test_redrive_policy_forms(policy):
    model, _ = build(
        {
            "aws_sqs_queue.dlq": {"name": "orders-dlq"},
            "aws_sqs_queue.orders": {"redrive_policy": policy},
        }
    )
    redrive = model.resources["aws_sqs_queue.orders"].redrive
    assert isinstance(redrive, Redrive)
    assert redrive.dead_letter is model.resources["aws_sqs_queue.dlq"]
    assert redrive.max_receive_count.value == 4
    assert model.is_dead_letter_target(model.resources["aws_sqs_queue.dlq"])


def test_redrive_policy_unknown_empty_and_partial():
    model, _ = build(
        {
            "aws_sqs_queue.dlq": {},
            "aws_sqs_queue.unknown": {"redrive_policy": UNKNOWN},
            "aws_sqs_queue.empty": {"redrive_policy": ""},
            "aws_sqs_queue.partial": {
                "redrive_policy": {
                    "deadLetterTargetArn": ref("aws_sqs_queue.dlq.arn"),
                    "maxReceiveCount": UNKNOWN,
                }
            },
        }
    )
    assert model.resources["aws_sqs_queue.unknown"].redrive is UNKNOWN
    assert model.resources["aws_sqs_queue.empty"].redrive is None
    partial = model.resources["aws_sqs_queue.partial"].redrive
    assert partial.dead_letter is model.resources["aws_sqs_queue.dlq"]
    assert partial.max_receive_count.value is UNKNOWN


def test_redrive_policy_resource_attaches_to_its_queue():
    model, config = build(
        {
            "aws_sqs_queue.orders": {},
            "aws_sqs_queue.dlq": {},
            "aws_sqs_queue_redrive_policy.orders": {
                "queue_url": ref("aws_sqs_queue.orders.id"),
                "redrive_policy": {
                    "deadLetterTargetArn": ref("aws_sqs_queue.dlq.arn"),
                    "maxReceiveCount": 2,
                },
            },
        }
    )
    redrive = model.resources["aws_sqs_queue.orders"].redrive
    assert redrive.dead_letter is model.resources["aws_sqs_queue.dlq"]
    assert redrive.max_receive_count.location.line == line_of(config, "maxReceiveCount")


def test_dead_letter_queues_named_where_the_model_has_no_edge():
    model, _ = build(
        {
            "aws_sqs_queue.sns_dlq": {},
            "aws_sqs_queue.orphan_dlq": {},
            "aws_sqs_queue.allowing": {"redrive_allow_policy": {"redrivePermission": "allowAll"}},
            "aws_sqs_queue.plain": {},
            "aws_sns_topic_subscription.s": {
                "protocol": "sqs",
                "endpoint": ref("aws_sqs_queue.plain.arn"),
                "redrive_policy": {"deadLetterTargetArn": ref("aws_sqs_queue.sns_dlq.arn")},
            },
            "aws_sqs_queue_redrive_policy.r": {
                "queue_url": UNKNOWN,
                "redrive_policy": {"deadLetterTargetArn": ref("aws_sqs_queue.orphan_dlq.arn")},
            },
        }
    )
    for name in ("sns_dlq", "orphan_dlq", "allowing"):
        assert model.is_dead_letter_target(model.resources[f"aws_sqs_queue.{name}"]), name
    assert not model.is_dead_letter_target(model.resources["aws_sqs_queue.plain"])


def test_typed_resources_and_the_rest():
    model, _ = build(
        {
            "aws_sns_topic.t": {"name": "events.fifo", "fifo_topic": True},
            "aws_kinesis_stream.k": {"name": "clicks"},
            "aws_dynamodb_table.d": {"name": "orders", "stream_enabled": True},
            "aws_s3_bucket.b": {"bucket": "uploads"},
            "aws_cloudwatch_event_bus.e": {"name": "bus"},
            "aws_iam_role.r": {},
        }
    )
    resources = model.resources
    assert isinstance(resources["aws_sns_topic.t"], Topic)
    assert resources["aws_sns_topic.t"].fifo.value is True
    assert isinstance(resources["aws_kinesis_stream.k"], Stream)
    assert resources["aws_kinesis_stream.k"].kind == "kinesis"
    assert resources["aws_dynamodb_table.d"].kind == "dynamodb"
    assert isinstance(resources["aws_s3_bucket.b"], Bucket)
    assert resources["aws_s3_bucket.b"].name == "uploads"
    assert isinstance(resources["aws_cloudwatch_event_bus.e"], EventBus)
    assert isinstance(resources["aws_iam_role.r"], OtherResource)
    assert resources["aws_iam_role.r"].type == "aws_iam_role"


def test_counted_resource_is_one_model_resource_with_its_address():
    model, _ = build({"aws_sqs_queue.q": counted({"visibility_timeout_seconds": 60})})
    assert list(model.resources) == ["aws_sqs_queue.q"]
    assert model.queues[0].visibility_timeout.value == 60


def test_data_sources_are_external_arns_by_name():
    model, _ = build(
        {
            "data.aws_sqs_queue.shared": {"name": "shared.fifo"},
            "data.aws_sqs_queue.by_tag": {"name": UNKNOWN},
            "aws_lambda_function.worker": worker(),
            "aws_lambda_event_source_mapping.a": {
                "function_name": ref("aws_lambda_function.worker.function_name"),
                "event_source_arn": ref("data.aws_sqs_queue.shared.arn"),
            },
            "aws_lambda_event_source_mapping.b": {
                "function_name": "worker",
                "event_source_arn": ref("data.aws_sqs_queue.by_tag.arn"),
            },
        }
    )
    first, second = model.mappings
    assert isinstance(first.source, ExternalArn)
    assert (first.source.service, first.source.resource) == ("sqs", "shared.fifo")
    assert first.source.fifo is True and first.source_kind == "sqs"
    assert second.source is UNKNOWN and second.source_kind is UNKNOWN
    assert second.batch_size.value is UNKNOWN
    assert second.function is model.functions[0]  # a literal name of a known function


# ----------------------------------------------------------------- function references


@pytest.mark.parametrize(
    "function_name",
    [
        ref("aws_lambda_function.worker.function_name"),
        ref("aws_lambda_function.worker.arn"),
        ref("aws_lambda_function.worker.qualified_arn"),
        ref("aws_lambda_function.worker.invoke_arn"),
        ref("aws_lambda_alias.live.arn"),
        ref("data.aws_lambda_function.worker.arn"),
        "worker",
        "worker:live",
        "arn:aws:lambda:eu-west-1:123456789012:function:worker",
    ],
)
def test_every_way_to_name_a_function(function_name):
    model, _ = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_lambda_alias.live": {
                "name": "live",
                "function_name": ref("aws_lambda_function.worker.function_name"),
                "function_version": "1",
            },
            "data.aws_lambda_function.worker": {
                "function_name": ref("aws_lambda_function.worker.function_name")
            },
            "aws_lambda_permission.p": {
                "function_name": function_name,
                "principal": "sns.amazonaws.com",
            },
        }
    )
    assert model.permissions[0].function is model.functions[0]


@pytest.mark.parametrize(
    ("function_name", "expected"),
    [
        ("arn:aws:lambda:eu-west-1:123456789012:function:elsewhere", ExternalArn),
        ("elsewhere", type(UNKNOWN)),
        (UNKNOWN, type(UNKNOWN)),
        (ref("module.opaque.function_arn"), type(UNKNOWN)),
        (ref("aws_sqs_queue.q.arn"), type(UNKNOWN)),
    ],
)
def test_functions_that_are_not_in_the_configuration(function_name, expected):
    model, _ = build(
        {
            "aws_sqs_queue.q": {},
            "aws_lambda_function.worker": worker(),
            "aws_lambda_permission.p": {
                "function_name": function_name,
                "principal": "sns.amazonaws.com",
            },
        }
    )
    assert isinstance(model.permissions[0].function, expected)


def test_data_function_by_literal_name_outside_the_configuration():
    model, _ = build(
        {
            "data.aws_lambda_function.other": {"function_name": "other"},
            "aws_lambda_permission.p": {
                "function_name": ref("data.aws_lambda_function.other.function_name"),
                "principal": "s3.amazonaws.com",
            },
        }
    )
    function = model.permissions[0].function
    assert isinstance(function, ExternalArn) and function.is_function
    assert function.resource == "function:other"


# ------------------------------------------------------------------------- mappings


def test_sqs_mapping_defaults():
    model, config = build(
        {
            "aws_sqs_queue.q": {},
            "aws_lambda_function.worker": worker(),
            "aws_lambda_event_source_mapping.m": {
                "event_source_arn": ref("aws_sqs_queue.q.arn"),
                "function_name": ref("aws_lambda_function.worker.arn"),
            },
        }
    )
    mapping = model.mappings[0]
    assert mapping.id == mapping.resource == "aws_lambda_event_source_mapping.m"
    assert mapping.location.line == line_of(config, '"aws_lambda_event_source_mapping"')
    assert mapping.source is model.queues[0] and mapping.source_kind == "sqs"
    assert (mapping.batch_size.value, mapping.batch_size.explicit) == (10, False)
    assert mapping.batch_size.location == mapping.location
    assert mapping.batching_window.value is None
    assert mapping.maximum_retry_attempts.value == -1
    assert mapping.maximum_record_age.value == -1
    assert mapping.bisect_on_error.value is False
    assert mapping.function_response_types.value == ()
    assert mapping.maximum_concurrency.value is None
    assert mapping.enabled.value is True
    assert mapping.destination_config is None and mapping.on_failure is None
    assert mapping.filters == () and not mapping.sam
    assert model.invocations(model.functions[0]).only_poll


def test_stream_mapping_settings():
    model, config = build(
        {
            "aws_dynamodb_table.t": {"name": "orders", "stream_enabled": True},
            "aws_sqs_queue.failed": {},
            "aws_lambda_function.worker": worker(),
            "aws_lambda_event_source_mapping.m": {
                "event_source_arn": ref("aws_dynamodb_table.t.stream_arn"),
                "function_name": ref("aws_lambda_function.worker.arn"),
                "starting_position": "LATEST",
                "batch_size": 500,
                "maximum_batching_window_in_seconds": 5,
                "maximum_retry_attempts": 3,
                "maximum_record_age_in_seconds": 600,
                "bisect_batch_on_function_error": True,
                "function_response_types": ["ReportBatchItemFailures"],
                "enabled": False,
                "destination_config": block(
                    on_failure=block(destination_arn=ref("aws_sqs_queue.failed.arn"))
                ),
            },
        }
    )
    mapping = model.mappings[0]
    assert mapping.source is model.resources["aws_dynamodb_table.t"]
    assert mapping.source_kind == "dynamodb"
    assert mapping.batch_size.value == 500 and mapping.batch_size.explicit
    assert mapping.batching_window.value == 5
    assert mapping.maximum_retry_attempts.value == 3
    assert mapping.maximum_record_age.value == 600
    assert mapping.bisect_on_error.value is True
    assert mapping.reports_batch_item_failures is True
    assert mapping.enabled.value is False
    assert mapping.destination_config.line == line_of(config, "destination_config {")
    assert mapping.on_failure.target is model.resources["aws_sqs_queue.failed"]
    assert mapping.on_failure.location.line == line_of(config, "on_failure {")


def test_kinesis_default_batch_and_dynamic_destination_is_unreadable():
    model, _ = build(
        {
            "aws_kinesis_stream.k": {"name": "clicks"},
            "aws_lambda_event_source_mapping.m": {
                "event_source_arn": ref("aws_kinesis_stream.k.arn"),
                "function_name": "worker",
                "destination_config": dynamic(on_failure=UNKNOWN),
            },
        }
    )
    mapping = model.mappings[0]
    assert mapping.source_kind == "kinesis" and mapping.batch_size.value == 100
    assert mapping.destination_config is not None and mapping.on_failure is None


@pytest.mark.parametrize(
    ("attributes", "kind"),
    [
        (
            {"self_managed_event_source": block(endpoints={"KAFKA_BOOTSTRAP_SERVERS": "b:9092"})},
            "kafka",
        ),
        ({"event_source_arn": ref("aws_msk_cluster.c.arn"), "topics": ["t"]}, "kafka"),
        ({"event_source_arn": ref("aws_mq_broker.b.arn"), "queues": ["q"]}, "mq"),
        ({"queues": ["q"], "event_source_arn": UNKNOWN}, "mq"),
        ({"event_source_arn": ref("aws_docdb_cluster.d.arn")}, "documentdb"),
        ({"document_db_event_source_config": block(database_name="db")}, "documentdb"),
        ({"event_source_arn": "arn:aws:kinesis:eu-west-1:1:stream/clicks"}, "kinesis"),
        ({"event_source_arn": UNKNOWN}, UNKNOWN),
        # a generic module passes ``topics = try(each.value.topics, null)``: not Kafka
        ({"event_source_arn": UNKNOWN, "topics": None, "queues": UNKNOWN}, UNKNOWN),
    ],
)
def test_mapping_source_kinds(attributes, kind):
    model, _ = build(
        {
            "aws_msk_cluster.c": {},
            "aws_mq_broker.b": {},
            "aws_docdb_cluster.d": {},
            "aws_lambda_event_source_mapping.m": {"function_name": "worker", **attributes},
        }
    )
    assert model.mappings[0].source_kind == kind


def test_scaling_config_and_filters():
    model, config = build(
        {
            "aws_sqs_queue.q": {},
            "aws_lambda_event_source_mapping.m": {
                "event_source_arn": ref("aws_sqs_queue.q.arn"),
                "function_name": "worker",
                "scaling_config": block(maximum_concurrency=1),
                "filter_criteria": block(
                    filter=[
                        block(pattern={"body": {"type": ["order"]}}),
                        block(pattern='{"body": {"size": [{"numeric": [">", 5]}]}}'),
                        block(pattern=encoded({"detail": {"state": ["ok"]}})),
                        block(pattern=encoded({"detail": {"id": [ref("aws_sqs_queue.q.arn")]}})),
                        block(pattern={"body": {"owner": [ref("aws_sqs_queue.q.name")]}}),
                        block(pattern=UNKNOWN),
                    ]
                ),
            },
        }
    )
    mapping = model.mappings[0]
    assert mapping.maximum_concurrency.value == 1
    assert mapping.maximum_concurrency.location.line == line_of(config, "maximum_concurrency")
    first, second, text, referring, third, fourth = mapping.filters
    assert text.pattern == '{"detail":{"state":["ok"]}}' and referring.pattern is UNKNOWN
    assert first.pattern == '{"body":{"type":["order"]}}'
    assert first.location.line == line_of(config, "pattern = {")
    assert second.pattern.startswith('{"body": {"size"')
    assert third.pattern is UNKNOWN and fourth.pattern is UNKNOWN
    assert mapping.filters_location.line == line_of(config, "filter_criteria {")


def test_dynamic_filters_and_scaling_are_unknown():
    model, _ = build(
        {
            "aws_lambda_event_source_mapping.m": {
                "function_name": "worker",
                "event_source_arn": UNKNOWN,
                "scaling_config": dynamic(maximum_concurrency=UNKNOWN),
                "filter_criteria": block(filter=dynamic(pattern=UNKNOWN)),
            }
        }
    )
    mapping = model.mappings[0]
    assert mapping.filters is UNKNOWN
    assert mapping.maximum_concurrency.value is UNKNOWN


# ------------------------------------------------------------------- invoke configs


def test_event_invoke_config_defaults_destinations_and_qualifier():
    model, config = build(
        {
            "aws_lambda_function.worker": worker(publish=True),
            "aws_lambda_function.audit": worker(function_name="audit"),
            "aws_sqs_queue.failed": {},
            "aws_lambda_function_event_invoke_config.c": {
                "function_name": ref("aws_lambda_function.worker.function_name"),
                "qualifier": ref("aws_lambda_function.worker.version"),
                "destination_config": block(
                    on_failure=block(destination=ref("aws_sqs_queue.failed.arn")),
                    on_success=block(destination=ref("aws_lambda_function.audit.arn")),
                ),
            },
        }
    )
    worker_fn, audit = (
        model.resources["aws_lambda_function.worker"],
        model.resources["aws_lambda_function.audit"],
    )
    invoke = model.event_invoke_configs[0]
    assert invoke.function is worker_fn and worker_fn.event_invoke_configs == [invoke]
    assert invoke.qualifier == "version"
    assert (invoke.maximum_retry_attempts.value, invoke.maximum_retry_attempts.explicit) == (
        2,
        False,
    )
    assert invoke.maximum_event_age.value == 21_600
    assert invoke.on_failure.target is model.resources["aws_sqs_queue.failed"]
    assert invoke.on_failure.location.line == line_of(config, "on_failure {")
    assert invoke.on_success.target is audit
    (destination,) = model.invocations(audit).asynchronous
    assert destination.service == "lambda" and destination.source is worker_fn


def test_event_invoke_config_settings_and_dynamic_destinations():
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_lambda_function_event_invoke_config.c": {
                "function_name": "worker",
                "qualifier": "$LATEST",
                "maximum_retry_attempts": 5,
                "maximum_event_age_in_seconds": 30,
                "destination_config": dynamic(on_failure=UNKNOWN),
            },
        }
    )
    invoke = model.event_invoke_configs[0]
    assert invoke.qualifier == "$LATEST"
    assert invoke.maximum_retry_attempts.value == 5
    assert invoke.maximum_retry_attempts.location.line == line_of(config, "maximum_retry_att")
    assert invoke.maximum_event_age.value == 30
    assert invoke.on_failure is not None and invoke.on_failure.target is UNKNOWN


# ------------------------------------------------------------------ async triggers


def test_bucket_notification_lambda_blocks():
    model, config = build(
        {
            "aws_s3_bucket.uploads": {"bucket": "uploads"},
            "aws_lambda_function.worker": worker(),
            "aws_s3_bucket_notification.n": {
                "bucket": ref("aws_s3_bucket.uploads.id"),
                "lambda_function": [
                    block(
                        lambda_function_arn=ref("aws_lambda_function.worker.arn"),
                        events=["s3:ObjectCreated:*"],
                        filter_prefix="in/",
                        filter_suffix=".csv",
                    ),
                    block(
                        lambda_function_arn=ref("aws_lambda_function.worker.arn"),
                        events=UNKNOWN,
                    ),
                ],
            },
        }
    )
    first, second = model.async_triggers
    assert isinstance(first, S3Trigger)
    assert first.id == "aws_s3_bucket_notification.n.lambda_function[0]"
    assert first.resource == "aws_s3_bucket_notification.n"
    assert first.location.line == line_of(config, "lambda_function {")
    assert first.source is model.resources["aws_s3_bucket.uploads"]
    assert first.function is model.functions[0]
    assert (first.events, first.prefix, first.suffix) == (("s3:ObjectCreated:*",), "in/", ".csv")
    assert second.events is UNKNOWN and second.prefix is None


def test_bucket_by_literal_name_and_dynamic_notification_blocks():
    model, config = build(
        {
            "aws_s3_bucket.uploads": {"bucket": "uploads"},
            "aws_lambda_function.worker": worker(),
            "aws_s3_bucket_notification.n": {
                "bucket": "uploads",
                "lambda_function": dynamic(
                    lambda_function_arn=ref("aws_lambda_function.worker.arn")
                ),
            },
        }
    )
    assert model.async_triggers == []
    invocations = model.invocations(model.functions[0])
    assert invocations.unknown[0].line == line_of(config, "lambda_function_arn")


def test_sns_subscription():
    model, config = build(
        {
            "aws_sns_topic.t": {"name": "t"},
            "aws_sqs_queue.dlq": {},
            "aws_lambda_function.worker": worker(),
            "aws_sns_topic_subscription.plain": {
                "topic_arn": ref("aws_sns_topic.t.arn"),
                "protocol": "lambda",
                "endpoint": ref("aws_lambda_function.worker.arn"),
            },
            "aws_sns_topic_subscription.safe": {
                "topic_arn": "arn:aws:sns:eu-west-1:123456789012:t",
                "protocol": "lambda",
                "endpoint": ref("aws_lambda_function.worker.arn"),
                "redrive_policy": encoded({"deadLetterTargetArn": ref("aws_sqs_queue.dlq.arn")}),
            },
            "aws_sns_topic_subscription.queue": {
                "topic_arn": ref("aws_sns_topic.t.arn"),
                "protocol": "sqs",
                "endpoint": ref("aws_sqs_queue.dlq.arn"),
            },
        }
    )
    plain, safe = model.async_triggers
    assert isinstance(plain, SnsTrigger) and plain.source is model.resources["aws_sns_topic.t"]
    assert plain.redrive_policy.value is False and not plain.redrive_policy.explicit
    assert safe.source is model.resources["aws_sns_topic.t"]  # matched by name
    assert safe.redrive_policy.value is True
    assert safe.redrive_policy.location.line == line_of(config, "redrive_policy = jsonencode")
    assert model.is_dead_letter_target(model.resources["aws_sqs_queue.dlq"])


def test_event_rule_target_and_its_dead_letter_config():
    model, config = build(
        {
            "aws_cloudwatch_event_rule.nightly": {"schedule_expression": "rate(1 day)"},
            "aws_sqs_queue.dlq": {},
            "aws_lambda_function.worker": worker(),
            "aws_cloudwatch_event_target.t": {
                "rule": ref("aws_cloudwatch_event_rule.nightly.name"),
                "arn": ref("aws_lambda_function.worker.arn"),
                "dead_letter_config": block(arn=ref("aws_sqs_queue.dlq.arn")),
            },
            "aws_cloudwatch_event_target.no_dlq": {
                "rule": ref("aws_cloudwatch_event_rule.nightly.name"),
                "arn": ref("aws_lambda_function.worker.arn"),
            },
            "aws_cloudwatch_event_target.to_queue": {
                "rule": ref("aws_cloudwatch_event_rule.nightly.name"),
                "arn": ref("aws_sqs_queue.dlq.arn"),
            },
        }
    )
    target, bare = model.async_triggers
    assert isinstance(target, EventBridgeTrigger) and target.service == "events"
    assert target.id == target.resource == "aws_cloudwatch_event_target.t"
    assert target.source is model.resources["aws_cloudwatch_event_rule.nightly"]
    assert target.dead_letter.target is model.resources["aws_sqs_queue.dlq"]
    assert target.dead_letter.location.line == line_of(config, "dead_letter_config {")
    assert bare.dead_letter is None
    if hasattr(target, "schedule"):  # once the model tells schedules from event rules
        assert target.schedule is True


def test_scheduler_schedule_and_log_subscription():
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_cloudwatch_log_group.logs": {"name": "/app"},
            "aws_scheduler_schedule.s": {
                "schedule_expression": "rate(5 minutes)",
                "target": block(
                    arn=ref("aws_lambda_function.worker.arn"),
                    role_arn="arn:aws:iam::1:role/r",
                    dead_letter_config=dynamic(arn=UNKNOWN),
                ),
            },
            "aws_cloudwatch_log_subscription_filter.f": {
                "log_group_name": ref("aws_cloudwatch_log_group.logs.name"),
                "destination_arn": ref("aws_lambda_function.worker.arn"),
                "filter_pattern": "",
            },
        }
    )
    schedule, logs = model.async_triggers
    assert schedule.service == "scheduler" and schedule.id == "aws_scheduler_schedule.s.target"
    assert schedule.location.line == line_of(config, "target {")
    assert schedule.dead_letter is UNKNOWN
    assert isinstance(logs, AsyncTrigger) and logs.service == "logs"
    assert logs.source is model.resources["aws_cloudwatch_log_group.logs"]
    assert logs.location.line == line_of(config, "destination_arn")


def test_permission_and_the_async_trigger_it_stands_for():
    model, _ = build(
        {
            "aws_s3_bucket.b": {},
            "aws_lambda_function.worker": worker(),
            "aws_lambda_permission.s3": {
                "function_name": ref("aws_lambda_function.worker.function_name"),
                "principal": "s3.amazonaws.com",
                "source_arn": ref("aws_s3_bucket.b.arn"),
            },
        }
    )
    permission = model.permissions[0]
    assert permission.principal == "s3.amazonaws.com"
    assert permission.source_arn is model.resources["aws_s3_bucket.b"]
    assert permission.action == "lambda:InvokeFunction"
    (trigger,) = model.invocations(model.functions[0]).asynchronous
    assert trigger.service == "s3" and trigger.id == "aws_lambda_permission.s3"


def test_permission_explained_by_a_trigger_adds_nothing_unknown():
    model, _ = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_lambda_function_url.u": {
                "function_name": ref("aws_lambda_function.worker.function_name"),
                "authorization_type": "AWS_IAM",
            },
            "aws_lambda_permission.url": {
                "function_name": ref("aws_lambda_function.worker.function_name"),
                "principal": "*",
                "action": "lambda:InvokeFunctionUrl",
                "function_url_auth_type": "AWS_IAM",
            },
            "aws_lambda_permission.other": {
                "function_name": ref("aws_lambda_function.worker.function_name"),
                "principal": "bedrock.amazonaws.com",
            },
        }
    )
    invocations = model.invocations(model.functions[0])
    assert invocations.only_sync is False  # bedrock's permission: invoked in an unknown way
    assert [location.line for location in invocations.unknown] == [
        model.permissions[1].location.line
    ]


# ------------------------------------------------------------------- sync triggers


def test_function_url():
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_lambda_function_url.open": {
                "function_name": ref("aws_lambda_function.worker.function_name"),
                "authorization_type": "NONE",
                "cors": block(allow_credentials=True, allow_origins=["*"]),
            },
            "aws_lambda_function_url.plain": {
                "function_name": ref("aws_lambda_function.worker.function_name"),
                "authorization_type": UNKNOWN,
            },
        }
    )
    open_url, plain = model.sync_triggers
    assert isinstance(open_url, UrlTrigger) and open_url.service == "lambda-url"
    assert open_url.auth_type.value == "NONE"
    assert open_url.auth_type.location.line == line_of(config, 'authorization_type = "NONE"')
    assert open_url.cors_allow_credentials.value is True
    assert open_url.cors_allow_origins.value == ("*",)
    assert plain.auth_type.value is UNKNOWN
    assert plain.cors_allow_credentials.value is False and not plain.cors_allow_origins.explicit


def test_load_balancer_target_group_attachment():
    model, config = build(
        {
            "aws_lambda_function.web": worker(),
            "aws_lb_target_group.lambda": {
                "target_type": "lambda",
                "lambda_multi_value_headers_enabled": True,
            },
            "aws_lb_target_group.instances": {},
            "aws_lb_target_group_attachment.web": {
                "target_group_arn": ref("aws_lb_target_group.lambda.arn"),
                "target_id": ref("aws_lambda_function.web.arn"),
            },
            "aws_lb_target_group_attachment.ec2": {
                "target_group_arn": ref("aws_lb_target_group.instances.arn"),
                "target_id": "i-123",
            },
        }
    )
    (trigger,) = model.sync_triggers
    assert isinstance(trigger, AlbTrigger)
    assert trigger.id == "aws_lb_target_group_attachment.web"
    assert trigger.resource == "aws_lb_target_group.lambda"
    assert trigger.location.line == line_of(config, "target_id = aws_lambda_function.web.arn")
    assert trigger.multi_value_headers.value is True
    assert model.invocations(model.functions[0]).only_sync


def test_cloudfront_lambda_function_associations_and_qualifiers():
    model, config = build(
        {
            "aws_lambda_function.edge": worker(publish=True),
            "aws_lambda_function.latest": worker(function_name="latest"),
            "aws_lambda_alias.live": {
                "name": "live",
                "function_name": ref("aws_lambda_function.edge.arn"),
            },
            "aws_cloudfront_distribution.cdn": {
                "default_cache_behavior": block(
                    lambda_function_association=[
                        block(
                            event_type="viewer-request",
                            lambda_arn=ref("aws_lambda_function.edge.qualified_arn"),
                        ),
                        block(
                            event_type="origin-response",
                            lambda_arn=ref("aws_lambda_function.latest.qualified_arn"),
                        ),
                    ]
                ),
                "ordered_cache_behavior": [
                    block(
                        lambda_function_association=block(
                            event_type="viewer-response",
                            lambda_arn=ref("aws_lambda_alias.live.arn"),
                        )
                    )
                ],
            },
        }
    )
    published, latest, alias = model.sync_triggers
    assert all(isinstance(t, EdgeTrigger) for t in model.sync_triggers)
    assert published.qualifier == "version" and published.event_type == "viewer-request"
    assert published.function is model.resources["aws_lambda_function.edge"]
    assert published.location.line == line_of(config, "aws_lambda_function.edge.qualified")
    assert published.id == (
        "aws_cloudfront_distribution.cdn.default_cache_behavior.lambda_function_association[0]"
    )
    assert latest.qualifier == "$LATEST"
    assert alias.qualifier == "live" and alias.function is published.function
    assert alias.id.startswith("aws_cloudfront_distribution.cdn.ordered_cache_behavior[0].")


def test_cognito_user_pool_lambda_config():
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_cognito_user_pool.pool": {
                "lambda_config": block(
                    pre_sign_up=ref("aws_lambda_function.worker.arn"),
                    kms_key_id="arn:aws:kms:eu-west-1:1:key/k",
                    custom_email_sender=block(
                        lambda_arn=ref("aws_lambda_function.worker.arn"), lambda_version="V1_0"
                    ),
                )
            },
        }
    )
    (sync,) = model.sync_triggers
    (sender,) = model.async_triggers
    assert isinstance(sync, SyncTrigger) and sync.service == "cognito-idp"
    assert sync.id == "aws_cognito_user_pool.pool.lambda_config.pre_sign_up"
    assert sync.location.line == line_of(config, "pre_sign_up")
    assert sender.id.endswith("custom_email_sender")


# ------------------------------------------------------------------------ API Gateway


def test_rest_integration_and_authorizer():
    model, config = build(
        {
            "aws_lambda_function.api": worker(),
            "aws_api_gateway_rest_api.r": {"name": "r"},
            "aws_api_gateway_integration.get": {
                "rest_api_id": ref("aws_api_gateway_rest_api.r.id"),
                "type": "AWS_PROXY",
                "integration_http_method": "POST",
                "uri": ref("aws_lambda_function.api.invoke_arn"),
            },
            "aws_api_gateway_integration.slow": {
                "rest_api_id": ref("aws_api_gateway_rest_api.r.id"),
                "type": "AWS",
                "uri": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
                "arn:aws:lambda:eu-west-1:123456789012:function:worker/invocations",
                "timeout_milliseconds": 5000,
                "credentials": "arn:aws:iam::123456789012:role/api",
            },
            "aws_api_gateway_integration.mock": {"type": "MOCK"},
            "aws_api_gateway_authorizer.auth": {
                "rest_api_id": ref("aws_api_gateway_rest_api.r.id"),
                "authorizer_uri": ref("aws_lambda_function.api.invoke_arn"),
            },
        }
    )
    get, slow, auth = model.sync_triggers
    function = model.functions[0]
    assert isinstance(get, ApiTrigger) and (get.api, get.proxy) == ("rest", True)
    assert get.function is function and get.source is model.resources["aws_api_gateway_rest_api.r"]
    assert get.integration_timeout.value == 29_000 and not get.integration_timeout.explicit
    assert get.location.line == line_of(config, "uri = aws_lambda_function.api.invoke_arn")
    assert get.credentials is False
    assert slow.function is function and slow.proxy is False  # matched by name
    assert slow.integration_timeout.value == 5000 and slow.credentials is True
    assert auth.authorizer and auth.api == "rest" and auth.integration_timeout is None


def test_rest_integration_invoked_with_event_is_asynchronous():
    model, _ = build(
        {
            "aws_lambda_function.api": worker(),
            "aws_api_gateway_integration.async": {
                "type": "AWS",
                "uri": ref("aws_lambda_function.api.invoke_arn"),
                "request_parameters": {
                    "integration.request.header.X-Amz-Invocation-Type": "'Event'"
                },
            },
            "aws_api_gateway_integration.from_request": {
                "type": "AWS",
                "uri": ref("aws_lambda_function.api.invoke_arn"),
                "request_parameters": {
                    "integration.request.header.X-Amz-Invocation-Type": (
                        "method.request.header.InvocationType"
                    )
                },
            },
        }
    )
    invocations = model.invocations(model.functions[0])
    assert [t.service for t in invocations.asynchronous] == ["apigateway"]
    assert len(invocations.unknown) == 1 and not invocations.synchronous


@pytest.mark.parametrize(
    ("protocol", "api", "timeout"), [("HTTP", "http", 30_000), ("WEBSOCKET", "websocket", 29_000)]
)
def test_v2_integration_takes_the_protocol_of_its_api(protocol, api, timeout):
    model, _ = build(
        {
            "aws_lambda_function.api": worker(),
            "aws_apigatewayv2_api.a": {"name": "a", "protocol_type": protocol},
            "aws_apigatewayv2_integration.i": {
                "api_id": ref("aws_apigatewayv2_api.a.id"),
                "integration_type": "AWS_PROXY",
                "integration_uri": ref("aws_lambda_function.api.arn"),
            },
            "aws_apigatewayv2_route.r": {
                "api_id": ref("aws_apigatewayv2_api.a.id"),
                "route_key": "GET /",
                "target": UNKNOWN,  # "integrations/${aws_apigatewayv2_integration.i.id}"
            },
            "aws_apigatewayv2_integration.sqs": {
                "api_id": ref("aws_apigatewayv2_api.a.id"),
                "integration_type": "AWS_PROXY",
                "integration_subtype": "SQS-SendMessage",
            },
            "aws_apigatewayv2_authorizer.jwt": {
                "api_id": ref("aws_apigatewayv2_api.a.id"),
                "authorizer_type": "JWT",
            },
        }
    )
    (trigger,) = model.sync_triggers
    assert trigger.api == api and trigger.integration_timeout.value == timeout
    assert model.invocations(model.functions[0]).only_sync


def test_v2_quick_create_target_and_lambda_authorizer():
    model, _ = build(
        {
            "aws_lambda_function.api": worker(),
            "aws_apigatewayv2_api.a": {
                "protocol_type": "HTTP",
                "target": ref("aws_lambda_function.api.arn"),
            },
            "aws_apigatewayv2_authorizer.auth": {
                "api_id": ref("aws_apigatewayv2_api.a.id"),
                "authorizer_type": "REQUEST",
                "authorizer_uri": ref("aws_lambda_function.api.invoke_arn"),
            },
        }
    )
    target, authorizer = sorted(model.sync_triggers, key=lambda t: t.id)
    assert target.id == "aws_apigatewayv2_api.a.target" and target.api == "http"
    assert authorizer.authorizer and authorizer.api == "http"


# ---------------------------------------------------------------------- Step Functions


def test_state_machine_tasks_from_jsonencode():
    definition = {
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {
                    "FunctionName": ref("aws_lambda_function.worker.arn"),
                    "Payload.$": "$",
                },
                "Next": "Notify",
            },
            "Notify": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "audit", "InvocationType": "Event"},
                "Next": "Direct",
            },
            "Direct": {
                "Type": "Task",
                "Resource": ref("aws_lambda_function.worker.arn"),
                "End": True,
            },
        },
    }
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_lambda_function.audit": worker(function_name="audit"),
            "aws_sfn_state_machine.flow": {"definition": definition},
        }
    )
    work, direct = model.sync_triggers
    (notify,) = model.async_triggers
    assert work.id == "aws_sfn_state_machine.flow.States.Work" and work.service == "states"
    assert work.location.line == line_of(config, "FunctionName = aws_lambda_function.worker")
    assert direct.function is work.function is model.resources["aws_lambda_function.worker"]
    assert notify.function is model.resources["aws_lambda_function.audit"]
    assert model.invocations(work.function).only_sync


def test_state_machine_definition_as_json_text():
    text = (
        '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": '
        '"arn:aws:lambda:eu-west-1:123456789012:function:worker", "End": true}}}'
    )
    model, config = build(
        {"aws_lambda_function.worker": worker(), "aws_sfn_state_machine.flow": {"definition": text}}
    )
    (task,) = model.sync_triggers
    assert task.function is model.functions[0]
    assert task.location.line == line_of(config, "definition =")


def test_state_machine_with_a_run_time_function_marks_what_it_mentions():
    definition = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName.$": "$.target"},
                "Next": "B",
            },
            "B": {
                "Type": "Pass",
                "Parameters": {"fn": ref("aws_lambda_function.worker.arn")},
                "End": True,
            },
        },
    }
    model, _ = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_lambda_function.other": worker(function_name="other"),
            "aws_sfn_state_machine.flow": {"definition": definition},
        }
    )
    assert model.invocations(model.resources["aws_lambda_function.worker"]).unknown
    assert not model.invocations(model.resources["aws_lambda_function.other"]).unknown


def test_unreadable_state_machine_may_invoke_any_function():
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_sfn_state_machine.flow": {"definition": UNKNOWN},
        }
    )
    (location,) = model.invocations(model.functions[0]).unknown
    assert location.line == line_of(config, "definition =")


# ------------------------------------------------------------ stray references, modules


def test_stray_references_make_invocations_unknown_and_inert_ones_do_not():
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_lambda_function.caller": worker(
                function_name="caller",
                environment=block(
                    variables={"TARGET": ref("aws_lambda_function.worker.function_name")}
                ),
            ),
            "aws_iam_role_policy.p": {
                "policy": {"Resource": ref("aws_lambda_function.worker.arn")}
            },
            "aws_cloudwatch_metric_alarm.a": {
                "dimensions": {"FunctionName": ref("aws_lambda_function.worker.function_name")}
            },
            "aws_lambda_alias.live": {"function_name": ref("aws_lambda_function.worker.arn")},
            "aws_pipes_pipe.p": {"target": ref("aws_lambda_alias.live.arn")},
        }
    )
    unknown = model.invocations(model.resources["aws_lambda_function.worker"]).unknown
    assert sorted(location.line for location in unknown) == [
        line_of(config, "TARGET ="),
        line_of(config, "target = aws_lambda_alias.live.arn"),
    ]
    assert not model.invocations(model.resources["aws_lambda_function.caller"]).unknown


def test_an_opaque_module_may_invoke_any_function():
    model, _ = build({"aws_lambda_function.worker": worker()}, opaque_modules={"module.api": 40})
    (location,) = model.invocations(model.functions[0]).unknown
    assert location.line == 40


def test_resources_of_local_modules_keep_their_address():
    model, _ = build(
        {
            "module.jobs.aws_sqs_queue.q": {},
            "module.jobs.aws_lambda_function.worker": worker(),
            "module.jobs.aws_lambda_event_source_mapping.m": {
                "event_source_arn": ref("module.jobs.aws_sqs_queue.q.arn"),
                "function_name": ref("module.jobs.aws_lambda_function.worker.arn"),
            },
        }
    )
    mapping = model.mappings[0]
    assert mapping.source is model.resources["module.jobs.aws_sqs_queue.q"]
    assert mapping.function is model.resources["module.jobs.aws_lambda_function.worker"]


def test_model_lists_the_configuration_files():
    model, _ = build({"aws_sqs_queue.q": {}}, path="queues.tf")
    assert model.paths == ["queues.tf"]


def test_kinesis_mapping_through_a_consumer_reads_with_enhanced_fan_out():
    model, _ = build(
        {
            "aws_kinesis_stream.k": {"name": "clicks"},
            "aws_kinesis_stream_consumer.c": {"stream_arn": ref("aws_kinesis_stream.k.arn")},
            "aws_lambda_event_source_mapping.shared": {
                "event_source_arn": ref("aws_kinesis_stream.k.arn"),
                "function_name": "worker",
            },
            "aws_lambda_event_source_mapping.fan_out": {
                "event_source_arn": ref("aws_kinesis_stream_consumer.c.arn"),
                "function_name": "worker",
            },
        }
    )
    shared, fan_out = model.mappings
    assert shared.source_kind == fan_out.source_kind == "kinesis"
    if hasattr(shared, "fan_out"):  # once the model tells fan-out consumers apart
        assert (shared.fan_out, fan_out.fan_out) == (False, True)


def test_state_machine_definition_from_jsonencode_with_references():
    """The HCL reader's jsonencode: text UNKNOWN (a reference inside), structure kept."""
    definition = encoded(
        {
            "StartAt": "Work",
            "States": {
                "Work": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {"FunctionName": ref("aws_lambda_alias.live.arn")},
                    "End": True,
                }
            },
        }
    )
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_lambda_alias.live": {
                "name": "live",
                "function_name": ref("aws_lambda_function.worker.function_name"),
            },
            "aws_sfn_state_machine.flow": {"definition": definition},
        }
    )
    (task,) = model.sync_triggers
    assert task.function is model.functions[0]
    assert task.location.line == line_of(config, "FunctionName = aws_lambda_alias.live.arn")
    assert model.invocations(model.functions[0]).only_sync


def test_references_inside_encoded_json_are_stray_references():
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_ssm_parameter.p": {
                "value": encoded({"handler": ref("aws_lambda_function.worker.arn")})
            },
        }
    )
    (location,) = model.invocations(model.functions[0]).unknown
    assert location.line == line_of(config, "handler = aws_lambda_function.worker.arn")


def test_policy_documents_never_invoke():
    model, _ = build(
        {
            "aws_sqs_queue.q": {},
            "aws_lambda_function.worker": worker(),
            "aws_sqs_queue_policy.p": {
                "queue_url": ref("aws_sqs_queue.q.id"),
                "policy": encoded(
                    {"Condition": {"ArnEquals": {"aws:SourceArn": ref(f"{FUNCTION_ADDRESS}.arn")}}}
                ),
            },
        }
    )
    assert not model.invocations(model.functions[0]).unknown


def test_attachment_to_a_target_group_of_unknown_type_needs_a_function():
    model, _ = build(
        {
            "aws_lb_target_group.g": {"target_type": UNKNOWN},
            "aws_lb_target_group_attachment.ip": {
                "target_group_arn": ref("aws_lb_target_group.g.arn"),
                "target_id": UNKNOWN,
            },
        }
    )
    assert model.sync_triggers == []


def test_iot_rules_ses_receipt_rules_and_iot_authorizers():
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_iot_topic_rule.r": {
                "sql": "SELECT * FROM 'topic'",
                "lambda": block(function_arn=ref("aws_lambda_function.worker.arn")),
                "error_action": block(
                    **{"lambda": block(function_arn=ref("aws_lambda_function.worker.arn"))}
                ),
            },
            "aws_ses_receipt_rule.mail": {
                "lambda_action": [
                    block(function_arn=ref("aws_lambda_function.worker.arn"), position=1),
                    block(
                        function_arn=ref("aws_lambda_function.worker.arn"),
                        invocation_type="RequestResponse",
                        position=2,
                    ),
                    block(
                        function_arn=ref("aws_lambda_function.worker.arn"), invocation_type=UNKNOWN
                    ),
                ]
            },
            "aws_iot_authorizer.a": {
                "authorizer_function_arn": ref("aws_lambda_function.worker.arn"),
            },
        }
    )
    invocations = model.invocations(model.functions[0])
    assert [(t.service, t.id) for t in invocations.asynchronous] == [
        ("iot", "aws_iot_topic_rule.r.lambda[0]"),
        ("iot", "aws_iot_topic_rule.r.error_action.lambda"),
        ("ses", "aws_ses_receipt_rule.mail.lambda_action[0]"),
    ]
    assert [(t.service, t.id) for t in invocations.synchronous] == [
        ("ses", "aws_ses_receipt_rule.mail.lambda_action[1]"),
        ("iot", "aws_iot_authorizer.a"),
    ]
    assert invocations.asynchronous[0].location.line == line_of(config, "lambda {")
    (unknown,) = invocations.unknown  # the receipt rule whose invocation type is unknown
    assert unknown.line > line_of(config, 'invocation_type = "RequestResponse"')


def test_openapi_body_integrations_and_authorizers():
    body = encoded(
        {
            "openapi": "3.0.1",
            "paths": {
                "/orders": {
                    "get": {
                        "x-amazon-apigateway-integration": {
                            "type": "aws_proxy",
                            "httpMethod": "POST",
                            "uri": ref("aws_lambda_function.worker.invoke_arn"),
                            "timeoutInMillis": 10000,
                        }
                    },
                    "post": {
                        "x-amazon-apigateway-integration": {"type": "http", "uri": "https://x"}
                    },
                }
            },
            "components": {
                "securitySchemes": {
                    "token": {
                        "x-amazon-apigateway-authorizer": {
                            "type": "token",
                            "authorizerUri": ref("aws_lambda_function.worker.invoke_arn"),
                        }
                    }
                }
            },
        }
    )
    model, config = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_api_gateway_rest_api.api": {"name": "api", "body": body},
        }
    )
    get, authorizer = model.sync_triggers
    assert get.id == "aws_api_gateway_rest_api.api.paths./orders.get"
    assert get.resource == "aws_api_gateway_rest_api.api" and get.api == "rest"
    assert get.integration_timeout.value == 10_000 and get.proxy is True
    assert get.location.line == line_of(config, "uri = aws_lambda_function.worker.invoke_arn")
    assert authorizer.authorizer and authorizer.id.endswith("securitySchemes.token")
    assert model.invocations(model.functions[0]).only_sync


def test_openapi_body_as_json_text_of_an_http_api():
    body = (
        '{"paths": {"/": {"get": {"x-amazon-apigateway-integration": {"type": "AWS_PROXY", '
        '"uri": "arn:aws:lambda:eu-west-1:123456789012:function:worker"}}}}}'
    )
    model, _ = build(
        {
            "aws_lambda_function.worker": worker(),
            "aws_apigatewayv2_api.api": {"protocol_type": "HTTP", "body": body},
        }
    )
    (trigger,) = model.sync_triggers
    assert trigger.api == "http" and trigger.integration_timeout.value == 30_000
    assert trigger.function is model.functions[0]


def test_references_in_a_cycle_resolve_to_unknown():
    """Terraform rejects cycles, but a configuration read from broken files may hold one."""
    model, _ = build(
        {
            "aws_lambda_alias.a": {"name": "a", "function_name": ref("aws_lambda_alias.b.arn")},
            "aws_lambda_alias.b": {"name": "b", "function_name": ref("aws_lambda_alias.a.arn")},
            "data.aws_sqs_queue.q": {"name": ref("data.aws_sqs_queue.q.name")},
            "aws_lambda_permission.p": {
                "function_name": ref("aws_lambda_alias.a.arn"),
                "principal": "s3.amazonaws.com",
            },
            "aws_lambda_event_source_mapping.m": {
                "function_name": ref("aws_lambda_alias.b.arn"),
                "event_source_arn": ref("data.aws_sqs_queue.q.arn"),
            },
        }
    )
    assert model.permissions[0].function is UNKNOWN
    assert model.mappings[0].source is UNKNOWN


def test_a_resource_that_mentions_a_function_often_marks_it_once():
    """One place per resource is enough, and keeps the model linear in references."""
    mentions = {f"K{i}": ref("aws_lambda_function.worker.arn") for i in range(50)}
    model, config = build(
        {"aws_lambda_function.worker": worker(), "aws_ssm_parameter.p": {"value": mentions}}
    )
    (location,) = model.invocations(model.functions[0]).unknown
    assert location.line == line_of(config, "K0 =")
