"""Plan JSON (``terraform show -json``) into a Terraform ``Configuration``.

The fixtures under ``fixtures/terraform/plans/`` were made by ``terraform`` itself
(``regenerate.sh``); the small plans built here follow the same documented format for
what those cannot show (resources that already exist, dynamic blocks, bad shapes).
"""

from __future__ import annotations

import copy
import json
import re
import time

import pytest
from helpers import REPO

from invokelint.frontends.terraform.configuration import Block, Configuration, Ref, Value
from invokelint.frontends.terraform.plan import (
    attach_source_locations,
    instance_base,
    instances_by_base,
    instances_for,
    is_plan,
    load_plan,
    looks_like_plan,
)
from invokelint.model import UNKNOWN, Location

PLANS = REPO / "fixtures" / "terraform" / "plans"


def load_fixture(name: str) -> Configuration:
    path = PLANS / name / "plan.json"
    return load_plan(path.read_text(encoding="utf-8"), f"{name}/plan.json", str(path.parent))


def load_dict(plan: dict, path: str = "plan.json") -> Configuration:
    return load_plan(json.dumps(plan, indent=1), path, ".")


def blocks(configuration: Configuration) -> dict[str, Block]:
    found = configuration.by_address()
    assert len(found) == len(configuration.blocks), "block addresses must be unique"
    return found


def line_of(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` at or after ``start``."""
    offset = text.index(needle, start)
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


# --------------------------------------------------------------------------- recognising


def test_is_plan_needs_format_version_and_planned_values():
    assert is_plan({"format_version": "1.2", "planned_values": {}})
    assert not is_plan({"format_version": "1.2", "values": {}})  # `terraform show -json` state
    assert not is_plan({"Resources": {}})
    assert not is_plan(["format_version", "planned_values"])


def test_looks_like_plan_is_a_cheap_text_check():
    text = (PLANS / "sqs-consumer" / "plan.json").read_text(encoding="utf-8")
    assert looks_like_plan(text)
    assert not looks_like_plan('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}')
    assert not looks_like_plan('["format_version", "planned_values"]')


@pytest.mark.parametrize("folder", sorted(p.parent.name for p in PLANS.glob("*/plan.json")))
def test_each_plan_fixture_matches_its_sources(folder):
    """A ``.tf`` edited without running regenerate.sh leaves a stale plan: caught here."""
    plan = json.loads((PLANS / folder / "plan.json").read_text(encoding="utf-8"))
    planned = {r["address"] for r in _configuration_resources(plan["configuration"]["root_module"])}
    written = set()
    for source in (PLANS / folder).rglob("*.tf"):
        text = source.read_text(encoding="utf-8")
        written |= {f"{t}.{n}" for t, n in re.findall(r'^resource "(\w+)" "(\w+)"', text, re.M)}
        written |= {f"data.{t}.{n}" for t, n in re.findall(r'^data "(\w+)" "(\w+)"', text, re.M)}
    assert written == planned


def _configuration_resources(module: dict):
    yield from module.get("resources", [])
    for call in module.get("module_calls", {}).values():
        yield from _configuration_resources(call["module"])


# -------------------------------------------------------------------- blocks and values


def test_one_block_per_resource_with_written_values():
    plan = load_fixture("sqs-consumer")
    assert not plan.problems
    found = blocks(plan)
    assert set(found) == {
        "aws_iam_role.worker",
        "aws_lambda_event_source_mapping.jobs",
        "aws_lambda_function.worker",
        "aws_sqs_queue.jobs",
        "aws_sqs_queue.worker_dlq",
        "data.aws_iam_policy_document.assume",
    }
    worker = found["aws_lambda_function.worker"]
    assert worker.type == "aws_lambda_function"
    assert worker.labels == ("aws_lambda_function", "worker")
    assert worker.name == "worker"
    assert (worker.mode, worker.module, worker.expanded) == ("managed", "", "single")
    assert worker.get("timeout").value == 60
    assert worker.get("handler").value == "app.handler"
    assert found["aws_sqs_queue.jobs"].get("visibility_timeout_seconds").value == 30
    assert worker.first("environment").get("variables").plain() == {"STAGE": "prod"}


def test_values_the_provider_fills_in_are_absent_as_in_hcl():
    """The plan says reserved concurrency -1 and retention 345600; nobody wrote them."""
    text = (PLANS / "sqs-consumer" / "plan.json").read_text(encoding="utf-8")
    assert '"reserved_concurrent_executions": -1' in text
    found = blocks(load_fixture("sqs-consumer"))
    worker = found["aws_lambda_function.worker"]
    assert worker.get("reserved_concurrent_executions") is None
    assert worker.get("memory_size") is None
    assert worker.nested("vpc_config") == []  # [] in the plan: no block
    assert found["aws_sqs_queue.jobs"].get("message_retention_seconds") is None
    assert found["aws_sqs_queue.jobs"].get("redrive_policy") is None
    assert found["aws_sqs_queue.worker_dlq"].get("message_retention_seconds").value == 1209600


def test_unknown_after_apply_without_a_single_link_is_unknown_and_computed_ones_absent():
    found = blocks(load_fixture("stream-mapping"))
    clicks = found["aws_lambda_event_source_mapping.clicks"]
    # computed by the provider (unknown in after_unknown) but not written: absent
    assert clicks.get("maximum_retry_attempts") is None
    assert clicks.get("maximum_record_age_in_seconds") is None
    assert clicks.nested("destination_config") == []
    orders = found["aws_lambda_event_source_mapping.orders"]
    assert orders.get("maximum_retry_attempts").value == 3
    assert orders.get("bisect_batch_on_function_error").value is True


def test_data_sources_read_during_planning_come_from_prior_state():
    assume = blocks(load_fixture("sqs-consumer"))["data.aws_iam_policy_document.assume"]
    assert (assume.mode, assume.type, assume.labels) == (
        "data",
        "aws_iam_policy_document",
        ("aws_iam_policy_document", "assume"),
    )
    assert json.loads(assume.get("json").value)["Statement"][0]["Action"] == "sts:AssumeRole"
    plan = _plan_with_existing_queue()
    found = blocks(load_dict(plan))
    code = found["data.archive_file.code"]
    assert code.mode == "data"
    assert code.labels == ("archive_file", "code")
    assert code.get("source_dir").value == "src"
    assert code.get("output_path").value == "build/code.zip"
    assert code.get("output_sha") is None  # null: absent


# ---------------------------------------------------------------------------- references


def test_links_come_from_configuration_references():
    found = blocks(load_fixture("sqs-consumer"))
    mapping = found["aws_lambda_event_source_mapping.jobs"]
    assert mapping.get("event_source_arn").value == Ref("aws_sqs_queue.jobs", "arn")
    assert mapping.get("function_name").value == Ref("aws_lambda_function.worker", "arn")
    assert mapping.get("batch_size").value == 10
    dead_letter = found["aws_lambda_function.worker"].first("dead_letter_config")
    assert dead_letter.mode == "nested"
    assert dead_letter.get("target_arn").value == Ref("aws_sqs_queue.worker_dlq", "arn")


def test_a_known_string_equal_to_the_referenced_attribute_is_a_ref():
    """``function_name = aws_lambda_function.worker.function_name`` is known ("worker")."""
    mapping = blocks(load_fixture("sqs-consumer-redrive"))["aws_lambda_event_source_mapping.jobs"]
    assert mapping.get("function_name").value == Ref("aws_lambda_function.worker", "function_name")
    assert mapping.get("function_response_types").plain() == ["ReportBatchItemFailures"]
    assert mapping.first("scaling_config").get("maximum_concurrency").value == 5


def test_a_known_string_that_only_mentions_a_reference_stays_a_string():
    plan = _plan_with_existing_queue()
    found = blocks(load_dict(plan))
    assert found["aws_ssm_parameter.url"].get("value").value == "queue: jobs"


def test_unknown_redrive_policy_keeps_the_dlq_link_and_an_unknown_count():
    queue = blocks(load_fixture("sqs-consumer-redrive"))["aws_sqs_queue.jobs"]
    policy = queue.get("redrive_policy")
    assert policy.plain() == {
        "deadLetterTargetArn": Ref("aws_sqs_queue.jobs_dlq", "arn"),
        "maxReceiveCount": UNKNOWN,
    }


def test_known_redrive_policy_naming_an_existing_queue_links_by_address():
    """A DLQ already in state has a known ARN: the JSON string holds it as text."""
    found = blocks(load_dict(_plan_with_existing_queue()))
    policy = found["aws_sqs_queue.jobs"].get("redrive_policy")
    assert policy.plain() == {
        "deadLetterTargetArn": Ref("aws_sqs_queue.dlq", "arn"),
        "maxReceiveCount": 3,
    }
    # a JSON string without a referenced value stays a string for the builder to parse
    pattern = found["aws_lambda_event_source_mapping.jobs"].first("filter_criteria")
    assert pattern.first("filter").get("pattern").value == '{"body": {"k": ["v"]}}'


def test_known_strings_inside_a_map_link_to_the_referenced_attribute():
    reader = blocks(load_dict(_plan_with_existing_queue()))["aws_lambda_function.reader"]
    variables = reader.first("environment").get("variables")
    assert variables.plain() == {"QUEUE": Ref("aws_sqs_queue.jobs", "url"), "STAGE": "prod"}


def test_an_existing_dlq_named_by_arn_text_in_a_real_plan_links_by_address():
    """terraform wrote the DLQ's ARN into the JSON string: it came from state."""
    text = (PLANS / "existing-dlq" / "plan.json").read_text(encoding="utf-8")
    assert 'deadLetterTargetArn\\":\\"arn:aws:sqs:us-east-1:123456789012:jobs-dlq' in text
    found = blocks(load_fixture("existing-dlq"))
    assert found["aws_sqs_queue.jobs"].get("redrive_policy").plain() == {
        "deadLetterTargetArn": Ref("aws_sqs_queue.jobs_dlq", "arn"),
        "maxReceiveCount": 2,
    }
    assert found["aws_sqs_queue.jobs_dlq"].get("message_retention_seconds").value == 1209600


def test_unknown_with_several_links_or_a_local_is_unknown():
    found = blocks(load_dict(_plan_with_existing_queue()))
    mapping = found["aws_lambda_event_source_mapping.jobs"]
    assert mapping.get("function_name").value is UNKNOWN  # reads local.function
    assert found["aws_ssm_parameter.both"].get("value").value is UNKNOWN  # two queues


def test_an_unknown_collection_reading_one_attribute_is_not_a_ref():
    """``subnet_ids = [aws_subnet.a.id]`` reads one attribute but is a list, not a link."""
    plan = _plan_with_existing_queue()
    change = plan["resource_changes"][0]["change"]["after_unknown"]
    change["vpc_config"] = [{"subnet_ids": True}]
    change["environment"] = [{"variables": True}]
    function = plan["planned_values"]["root_module"]["resources"][2]["values"]
    function["environment"] = [{}]
    function["vpc_config"] = [{"vpc_id": None}]
    expressions = plan["configuration"]["root_module"]["resources"][2]["expressions"]
    expressions["vpc_config"] = [
        {"subnet_ids": {"references": ["aws_subnet.a.id", "aws_subnet.a"]}}
    ]
    expressions["environment"] = [
        {"variables": {"references": ["aws_sqs_queue.jobs.url", "aws_sqs_queue.jobs"]}}
    ]
    worker = blocks(load_dict(plan))["aws_lambda_function.worker"]
    assert worker.first("vpc_config").get("subnet_ids").value is UNKNOWN
    assert worker.first("environment").get("variables").value is UNKNOWN


def test_nested_blocks_of_a_set_pair_with_their_expressions_by_constants():
    """The provider returns ``filter`` blocks sorted, not in written order."""
    orders = blocks(load_fixture("stream-mapping"))["aws_lambda_event_source_mapping.orders"]
    on_failure = orders.first("destination_config").first("on_failure")
    assert on_failure.get("destination_arn").value == Ref("aws_sqs_queue.orders_failures", "arn")
    patterns = [f.get("pattern").value for f in orders.first("filter_criteria").nested("filter")]
    assert sorted(json.loads(p)["eventName"][0] for p in patterns) == ["INSERT", "MODIFY"]


def test_async_trigger_links():
    found = blocks(load_fixture("async-triggers"))
    notification = found["aws_s3_bucket_notification.uploads"]
    assert notification.get("bucket").value == Ref("aws_s3_bucket.uploads", "id")
    target = notification.first("lambda_function")
    assert target.get("lambda_function_arn").value == Ref("aws_lambda_function.thumbnails", "arn")
    assert target.get("events").plain() == ["s3:ObjectCreated:*"]
    assert target.get("filter_suffix") is None
    subscription = found["aws_sns_topic_subscription.alerts"]
    assert subscription.get("endpoint").value == Ref("aws_lambda_function.notifier", "arn")
    permission = found["aws_lambda_permission.uploads"]
    assert permission.get("source_arn").value == Ref("aws_s3_bucket.uploads", "arn")
    assert permission.get("principal").value == "s3.amazonaws.com"


# ---------------------------------------------------------------------------- instances


def test_count_and_for_each_instances_stay_distinct():
    plan = load_fixture("module-instances")
    found = blocks(plan)
    assert {"aws_sqs_queue.extra[0]", "aws_sqs_queue.extra[1]"} <= set(found)
    assert found["aws_sqs_queue.extra[1]"].get("name").value == "extra-1"
    assert found["aws_sqs_queue.extra[0]"].expanded == "literal"
    assert found["aws_sqs_queue.shared_dlq"].expanded == "single"
    by_base = instances_by_base(plan)
    assert [b.address for b in by_base["aws_sqs_queue.extra"]] == [
        "aws_sqs_queue.extra[0]",
        "aws_sqs_queue.extra[1]",
    ]
    queues = by_base["module.consumer.aws_sqs_queue.input"]
    assert [q.get("name").value for q in queues] == ["invoices", "orders"]
    assert instance_base('module.consumer["a.b]"].aws_sqs_queue.q[0]') == (
        "module.consumer.aws_sqs_queue.q"
    )


def test_a_ref_inside_a_module_instance_means_that_instance():
    plan = load_fixture("module-instances")
    found, by_base = blocks(plan), instances_by_base(plan)
    mapping = found['module.consumer["orders"].aws_lambda_event_source_mapping.input']
    queue = mapping.get("event_source_arn").value
    assert [b.address for b in instances_for(queue, mapping, by_base)] == [
        'module.consumer["orders"].aws_sqs_queue.input'
    ]
    # from another module the key is lost: every instance is a candidate
    replica = found["module.replica[0].aws_sqs_queue.input"]
    dlq = replica.get("redrive_policy").value["deadLetterTargetArn"].value
    assert len(instances_for(dlq, replica, by_base)) == 2
    root = found["aws_sqs_queue.shared_dlq"]
    assert [b.address for b in instances_for(Ref("aws_sqs_queue.extra"), root, by_base)] == [
        "aws_sqs_queue.extra[0]",
        "aws_sqs_queue.extra[1]",
    ]


def test_module_instances_and_links_through_variables_and_outputs():
    plan = load_fixture("module-instances")
    found = blocks(plan)
    queue = found['module.consumer["orders"].aws_sqs_queue.input']
    assert (queue.module, queue.module_path, queue.expanded) == (
        "module.consumer",
        "modules/consumer",
        "literal",
    )
    assert queue.labels == ("aws_sqs_queue", "input")
    assert queue.get("visibility_timeout_seconds").value == 120  # 6 * var.timeout
    # var.dlq_arn -> the call's argument aws_sqs_queue.shared_dlq.arn
    policy = queue.get("redrive_policy").value
    assert policy["deadLetterTargetArn"].value == Ref("aws_sqs_queue.shared_dlq", "arn")
    # var.dlq_arn -> module.consumer["orders"].queue_arn -> the output's expression
    replica = found["module.replica[1].aws_sqs_queue.input"].get("redrive_policy").value
    assert replica["deadLetterTargetArn"].value == Ref("module.consumer.aws_sqs_queue.input", "arn")
    mapping = found["module.replica[0].aws_lambda_event_source_mapping.input"]
    assert mapping.get("event_source_arn").value == Ref("module.replica.aws_sqs_queue.input", "arn")
    handler = found['module.consumer["invoices"].aws_lambda_function.handler']
    assert handler.get("timeout").value == 20
    assert handler.get("filename").value == "modules/consumer/consumer.zip"
    assert set(plan.module_calls) == {"module.consumer", "module.replica"}
    assert plan.statistics["modules"] == 4
    assert plan.statistics["resources"] == len(plan.blocks) == 15


# ---------------------------------------------------------------------------- positions


def test_positions_point_at_the_resource_and_the_value_in_the_plan():
    text = (PLANS / "sqs-consumer" / "plan.json").read_text(encoding="utf-8")
    found = blocks(load_fixture("sqs-consumer"))
    worker = found["aws_lambda_function.worker"]
    line, column = line_of(text, '"address": "aws_lambda_function.worker"')
    assert worker.location == Location(
        "sqs-consumer/plan.json",
        line,
        column,
        line,
        column + len('"address": ""') + len("aws_lambda_function.worker"),
    )
    timeout_line, timeout_column = line_of(
        text, '"timeout": 60', text.index('"address": "aws_lambda_function.worker"')
    )
    timeout = worker.get("timeout").location
    assert (timeout.line, timeout.column) == (timeout_line, timeout_column)
    assert timeout.end_column == timeout_column + len('"timeout": 60')
    dead_letter = worker.first("dead_letter_config")
    dlq_line, _ = line_of(
        text, '"dead_letter_config"', text.index('"address": "aws_lambda_function.worker"')
    )
    assert dead_letter.location.line == dlq_line
    # an unknown value is not in `values`: it points at its expression in `configuration`
    arn = found["aws_lambda_event_source_mapping.jobs"].get("event_source_arn").location
    config_line, _ = line_of(text, '"event_source_arn"', text.index('"configuration"'))
    assert arn.line == config_line


def test_positions_do_not_depend_on_address_coming_first():
    """Terraform writes ``address`` first; a hand-written plan may not (slow path)."""
    plan = _plan_with_existing_queue()
    resources = plan["planned_values"]["root_module"]["resources"]
    resources[1] = dict(reversed(list(resources[1].items())))  # "values" first, "address" last
    text = json.dumps(plan, indent=1)
    found = blocks(load_plan(text, "plan.json", "."))
    jobs = found["aws_sqs_queue.jobs"]
    line, column = line_of(text, '"address": "aws_sqs_queue.jobs"')
    assert (jobs.location.line, jobs.location.column) == (line, column)
    name_line, _ = line_of(text, '"name": "jobs"')
    assert jobs.get("name").location.line == name_line
    assert jobs.get("redrive_policy").value["maxReceiveCount"].value == 3


def test_values_stay_when_no_position_can_be_found():
    """A key over 1,024 characters is valid JSON that libyaml cannot position."""
    plan = _plan_with_existing_queue()
    resources = plan["planned_values"]["root_module"]["resources"]
    resources[1] = {"x" * 1100: 1, **resources[1]}  # "address" no longer first
    jobs = blocks(load_dict(plan))["aws_sqs_queue.jobs"]
    assert jobs.get("name").value == "jobs"
    assert jobs.location.path == "plan.json"


def test_module_calls_point_at_the_call_in_configuration():
    text = (PLANS / "module-instances" / "plan.json").read_text(encoding="utf-8")
    plan = load_fixture("module-instances")
    configuration = text.index('"configuration"')
    for name in ("consumer", "replica"):
        line, column = line_of(text, f'"{name}": {{', configuration)
        call = plan.module_calls[f"module.{name}"]
        assert (call.line, call.column) == (line, column)


# --------------------------------------------------------------------- source locations


def test_attach_source_locations_moves_blocks_values_and_nested_blocks_to_the_tf_file():
    plan = load_fixture("stream-mapping")
    hcl_mapping = Block(
        type="aws_lambda_event_source_mapping",
        labels=("aws_lambda_event_source_mapping", "orders"),
        location=tf(40),
        address="aws_lambda_event_source_mapping.orders",
        attributes={
            "maximum_retry_attempts": Value(3, tf(44)),
            "event_source_arn": Value(Ref("aws_dynamodb_table.orders", "stream_arn"), tf(41)),
        },
        blocks=[
            Block(
                "destination_config",
                (),
                tf(48),
                mode="nested",
                blocks=[
                    Block(
                        "on_failure",
                        (),
                        tf(49),
                        mode="nested",
                        attributes={
                            "destination_arn": Value(
                                Ref("aws_sqs_queue.orders_failures", "arn"), tf(50)
                            ),
                        },
                    ),
                ],
            ),
            Block(
                "filter_criteria",
                (),
                tf(54),
                mode="nested",
                blocks=[
                    Block(
                        "filter",
                        (),
                        tf(55),
                        mode="nested",
                        attributes={
                            "pattern": Value(
                                {"eventName": Value([Value("INSERT", tf(56))], tf(56))}, tf(56)
                            ),
                        },
                    ),
                    Block(
                        "filter",
                        (),
                        tf(58),
                        mode="nested",
                        attributes={
                            "pattern": Value('{"eventName": ["MODIFY"]}', tf(59)),
                        },
                    ),
                ],
            ),
        ],
        end=tf(62),
    )
    hcl = Configuration(directory=".", files=["main.tf"], sources={"main.tf": "# hcl\n"})
    hcl.blocks.append(hcl_mapping)
    attach_source_locations(plan, hcl)

    orders = blocks(plan)["aws_lambda_event_source_mapping.orders"]
    assert orders.location == tf(40)
    assert orders.end == tf(62)
    assert orders.get("maximum_retry_attempts").location == tf(44)
    assert orders.get("maximum_retry_attempts").value == 3  # the plan's value stays
    assert orders.get("event_source_arn").location == tf(41)
    on_failure = orders.first("destination_config").first("on_failure")
    assert on_failure.location == tf(49)
    assert on_failure.get("destination_arn").location == tf(50)
    # set blocks came back sorted (MODIFY first): paired by value, not by order
    by_pattern = {
        f.get("pattern").value: f for f in orders.first("filter_criteria").nested("filter")
    }
    assert by_pattern['{"eventName": ["MODIFY"]}'].location == tf(58)
    assert by_pattern['{"eventName":["INSERT"]}'].location == tf(55)
    # no HCL counterpart: the plan position stays
    assert orders.get("starting_position").location.path == "stream-mapping/plan.json"
    clicks = blocks(plan)["aws_lambda_event_source_mapping.clicks"]
    assert clicks.location.path == "stream-mapping/plan.json"
    assert plan.sources["main.tf"] == "# hcl\n"
    assert "main.tf" in plan.files


def test_attach_source_locations_matches_instances_and_fills_what_only_hcl_knows():
    plan = load_fixture("module-instances")
    hcl_queue = Block(
        type="aws_sqs_queue",
        labels=("aws_sqs_queue", "input"),
        location=tf(12, "modules/consumer/main.tf"),
        address="module.consumer.aws_sqs_queue.input",
        module="module.consumer",
        module_path="modules/consumer",
        attributes={
            "visibility_timeout_seconds": Value(
                UNKNOWN, tf(14, "modules/consumer/main.tf"), (tf(16),)
            ),
            "redrive_policy": Value(
                {
                    "deadLetterTargetArn": Value(Ref("aws_sqs_queue.shared_dlq", "arn"), tf(18)),
                    "maxReceiveCount": Value(5, tf(19, "modules/consumer/main.tf")),
                },
                tf(17, "modules/consumer/main.tf"),
            ),
        },
        expanded="literal",
    )
    hcl = Configuration(directory=".", blocks=[hcl_queue])
    hcl.module_calls["module.consumer"] = tf(14)
    attach_source_locations(plan, hcl)
    for key in ("invoices", "orders"):
        queue = blocks(plan)[f'module.consumer["{key}"].aws_sqs_queue.input']
        assert queue.location == tf(12, "modules/consumer/main.tf")
        timeout = queue.get("visibility_timeout_seconds")
        assert timeout.value == 120  # known in the plan: the plan's value
        assert timeout.related == (tf(16),)
        policy = queue.get("redrive_policy").value
        assert policy["maxReceiveCount"].value == 5  # unknown in the plan, known in HCL
        assert policy["maxReceiveCount"].location == tf(19, "modules/consumer/main.tf")
        assert policy["deadLetterTargetArn"].value == Ref("aws_sqs_queue.shared_dlq", "arn")
    assert plan.module_calls["module.consumer"] == tf(14)
    # module.replica has no HCL block here: untouched
    replica = blocks(plan)["module.replica[0].aws_sqs_queue.input"]
    assert replica.get("redrive_policy").value["maxReceiveCount"].value is UNKNOWN


def test_attach_source_locations_points_every_expanded_block_at_its_dynamic_block():
    plan = load_fixture("stream-mapping")
    dynamic_filter = Block("filter", (), tf(55), mode="nested", dynamic=True)
    criteria = Block("filter_criteria", (), tf(54), mode="nested", blocks=[dynamic_filter])
    hcl = Configuration(directory=".")
    hcl.blocks.append(
        Block(
            type="aws_lambda_event_source_mapping",
            labels=("aws_lambda_event_source_mapping", "orders"),
            location=tf(40),
            address="aws_lambda_event_source_mapping.orders",
            blocks=[criteria],
        )
    )
    attach_source_locations(plan, hcl)
    filters = blocks(plan)["aws_lambda_event_source_mapping.orders"].first("filter_criteria")
    assert [f.location for f in filters.nested("filter")] == [tf(55), tf(55)]


def tf(line: int, path: str = "main.tf") -> Location:
    return Location(path, line, 1, line, 10)


# ------------------------------------------------------------------ dynamic blocks


def test_blocks_from_dynamic_blocks_are_kept_though_configuration_omits_them():
    plan = _plan_with_existing_queue()
    found = blocks(load_dict(plan))
    function = found["aws_lambda_function.worker"]
    vpc = function.first("vpc_config")
    assert vpc is not None and not vpc.dynamic
    assert vpc.get("subnet_ids").plain() == ["subnet-1"]
    dead_letter = function.first("dead_letter_config")  # its for_each unknown at plan time
    assert dead_letter is not None and dead_letter.dynamic
    assert function.nested("environment") == []


# ---------------------------------------------------------------------- malformed plans


def test_invalid_json_is_one_problem_at_its_position():
    plan = load_plan('{\n "format_version": "1.2",\n "planned_values": {,}\n}', "bad.json", ".")
    assert plan.blocks == []
    (problem,) = plan.problems
    assert problem.location.path == "bad.json"
    assert problem.location.line == 3
    assert "\n" not in problem.message


def test_json_that_is_not_a_plan_is_one_problem():
    plan = load_plan('{"format_version": "1.0", "values": {}}', "state.json", ".")
    (problem,) = plan.problems
    assert "not a Terraform plan" in problem.message
    assert plan.blocks == []


def _paths(node, path=()):
    """Every path into a JSON tree, containers and scalars alike."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _replaced(plan: dict, path: tuple, value) -> dict:
    changed = copy.deepcopy(plan)
    node = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed


WRONG = [None, 7, "text", [1, "x"], {"k": [1]}]


def test_wrong_types_anywhere_never_raise():
    plan = _plan_with_existing_queue()
    loads = 0
    for path in _paths(plan):
        if not path:
            continue
        for wrong in WRONG:
            result = load_dict(_replaced(plan, path, wrong), "broken.json")
            loads += 1
            for problem in result.problems:
                assert problem.location.path == "broken.json"
                assert "\n" not in problem.message and problem.message
    assert loads > 500


def test_deeply_nested_values_never_raise():
    plan = _plan_with_existing_queue()
    deep: object = "bottom"
    for _ in range(900):
        deep = [deep]
    plan["planned_values"]["root_module"]["resources"][0]["values"]["name"] = deep
    result = load_dict(plan)
    (problem,) = result.problems
    assert problem.message == "plan nests values deeper than 128 levels"


@pytest.mark.parametrize(
    ("path", "wrong", "expected"),
    [
        (("planned_values",), [], "planned_values should be an object, found an array"),
        (("planned_values", "root_module", "resources"), "x", "resources should be an array"),
        (("planned_values", "root_module", "resources", 0), 3, "resources[0] should be an object"),
        (
            ("planned_values", "root_module", "resources", 1, "address"),
            5,
            "address should be a string",
        ),
        (
            ("planned_values", "root_module", "resources", 1, "values"),
            [],
            "values should be an object",
        ),
        (("resource_changes", 0, "change"), "x", "resource_changes[0].change should be an object"),
        (("planned_values", "root_module"), None, "root_module should be an object, found null"),
        (
            ("planned_values", "root_module", "resources", 2, "address"),
            "aws_sqs_queue.dlq",
            "address aws_sqs_queue.dlq appears twice",
        ),
    ],
)
def test_a_wrong_shape_is_named_where_it_is(path, wrong, expected):
    plan = _plan_with_existing_queue()
    text = json.dumps(_replaced(plan, path, wrong), indent=1)
    result = load_plan(text, "broken.json", ".")
    messages = [problem.message for problem in result.problems]
    assert any(expected in message for message in messages), messages
    good = load_dict(plan)
    assert len(result.blocks) <= len(good.blocks)  # the rest is still read
    assert result.blocks or path == ("planned_values", "root_module")


# ---------------------------------------------------------------------------- size


def test_a_thousand_resource_plan_loads_quickly(capsys):
    """Measured, not asserted: the figure is printed for bench/README.md."""
    base = json.loads((PLANS / "sqs-consumer" / "plan.json").read_text(encoding="utf-8"))
    text = json.dumps(_multiplied(base, 200), indent=1)
    start, cpu = time.perf_counter(), time.process_time()
    plan = load_plan(text, "big.json", ".")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert len(list(plan.resources())) == 1000 and not plan.problems
    mappings = [b for b in plan.blocks if b.type == "aws_lambda_event_source_mapping"]
    assert mappings[7].get("event_source_arn").value == Ref("aws_sqs_queue.jobs7", "arn")
    with capsys.disabled():
        print(
            f"\n1,000-resource plan ({len(text) / 1e6:.1f} MB) loaded in {elapsed:.3f} s"
            f" ({cpu:.3f} s CPU)"
        )


def _multiplied(base: dict, copies: int) -> dict:
    """``copies`` renamed copies of every resource of ``base`` (5 resources each)."""
    plan = copy.deepcopy(base)
    resources, changes, config = [], [], []
    for i in range(copies):
        renamed = json.loads(
            json.dumps(
                [
                    base["planned_values"]["root_module"]["resources"],
                    base["resource_changes"],
                    base["configuration"]["root_module"]["resources"],
                ]
            )
            .replace(".jobs", f".jobs{i}")
            .replace(".worker", f".worker{i}")
            .replace('"name": "jobs"', f'"name": "jobs{i}"')
            .replace('"name": "worker"', f'"name": "worker{i}"')
            .replace('"name": "worker_dlq"', f'"name": "worker_dlq{i}"')
        )
        resources += renamed[0]
        changes += renamed[1]
        config += renamed[2]
    plan["planned_values"]["root_module"]["resources"] = resources
    plan["resource_changes"] = changes
    plan["configuration"]["root_module"]["resources"] = config
    return plan


# ---------------------------------------------------------------------- a small plan


def _plan_with_existing_queue() -> dict:
    """A plan over resources that exist already (known ARNs), a read data source, a
    dynamic block, and values that are unknown for reasons other than one link."""
    dlq_arn = "arn:aws:sqs:us-east-1:123456789012:dlq"
    jobs_arn = "arn:aws:sqs:us-east-1:123456789012:jobs"

    def resource(address, values, mode="managed"):
        kind, name = address.removeprefix("data.").split(".")
        return {
            "address": address,
            "mode": mode,
            "type": kind,
            "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": values,
        }

    def change(address, after_unknown):
        kind, name = address.split(".")
        return {
            "address": address,
            "mode": "managed",
            "type": kind,
            "name": name,
            "change": {"actions": ["update"], "after_unknown": after_unknown},
        }

    def config(address, expressions):
        kind, name = address.removeprefix("data.").split(".")
        mode = "data" if address.startswith("data.") else "managed"
        return {
            "address": address,
            "mode": mode,
            "type": kind,
            "name": name,
            "expressions": expressions,
        }

    def refs(*references):
        return {"references": list(references)}

    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {
            "root_module": {
                "resources": [
                    resource("aws_sqs_queue.dlq", {"arn": dlq_arn, "name": "dlq"}),
                    resource(
                        "aws_sqs_queue.jobs",
                        {
                            "arn": jobs_arn,
                            "name": "jobs",
                            "url": "https://sqs/jobs",
                            "redrive_policy": json.dumps(
                                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}
                            ),
                        },
                    ),
                    resource(
                        "aws_lambda_function.worker",
                        {
                            "function_name": "worker",
                            "dead_letter_config": [],
                            "environment": [],
                            "vpc_config": [{"subnet_ids": ["subnet-1"], "vpc_id": None}],
                        },
                    ),
                    resource(
                        "aws_lambda_event_source_mapping.jobs",
                        {
                            "event_source_arn": jobs_arn,
                            "filter_criteria": [
                                {"filter": [{"pattern": '{"body": {"k": ["v"]}}'}]}
                            ],
                        },
                    ),
                    resource("aws_ssm_parameter.url", {"value": "queue: jobs"}),
                    resource(
                        "aws_lambda_function.reader",
                        {
                            "function_name": "reader",
                            "environment": [
                                {"variables": {"QUEUE": "https://sqs/jobs", "STAGE": "prod"}}
                            ],
                        },
                    ),
                    resource("aws_ssm_parameter.both", {}),
                ]
            }
        },
        "resource_changes": [
            change("aws_lambda_function.worker", {"dead_letter_config": True}),
            change("aws_lambda_event_source_mapping.jobs", {"function_name": True}),
            change("aws_ssm_parameter.both", {"value": True}),
        ],
        "prior_state": {
            "format_version": "1.0",
            "values": {
                "root_module": {
                    "resources": [
                        resource("aws_sqs_queue.dlq", {"arn": dlq_arn}),
                        resource(
                            "data.archive_file.code",
                            {
                                "source_dir": "src",
                                "output_path": "build/code.zip",
                                "output_sha": None,
                            },
                            mode="data",
                        ),
                    ]
                }
            },
        },
        "configuration": {
            "root_module": {
                "resources": [
                    config("aws_sqs_queue.dlq", {"name": {"constant_value": "dlq"}}),
                    config(
                        "aws_sqs_queue.jobs",
                        {
                            "name": {"constant_value": "jobs"},
                            "redrive_policy": refs("aws_sqs_queue.dlq.arn", "aws_sqs_queue.dlq"),
                        },
                    ),
                    config(
                        "aws_lambda_function.worker",
                        {
                            "function_name": {"constant_value": "worker"},
                        },
                    ),
                    config(
                        "aws_lambda_event_source_mapping.jobs",
                        {
                            "event_source_arn": refs(
                                "aws_sqs_queue.jobs.arn", "aws_sqs_queue.jobs"
                            ),
                            "function_name": refs("local.function"),
                            "filter_criteria": [{"filter": [{"pattern": {}}]}],
                        },
                    ),
                    config(
                        "aws_lambda_function.reader",
                        {
                            "function_name": {"constant_value": "reader"},
                            "environment": [
                                {"variables": refs("aws_sqs_queue.jobs.url", "aws_sqs_queue.jobs")}
                            ],
                        },
                    ),
                    config(
                        "aws_ssm_parameter.url",
                        {
                            "value": refs("aws_sqs_queue.jobs.name", "aws_sqs_queue.jobs"),
                        },
                    ),
                    config(
                        "aws_ssm_parameter.both",
                        {
                            "value": refs("aws_sqs_queue.jobs.url", "aws_sqs_queue.dlq.url"),
                        },
                    ),
                    config(
                        "data.archive_file.code",
                        {
                            "source_dir": {"constant_value": "src"},
                        },
                    ),
                ]
            }
        },
    }
