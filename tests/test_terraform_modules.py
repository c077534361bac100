"""``load_module``: files of a folder, variable values, modules, count/for_each, .tf.json."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from invokelint.frontends.terraform.configuration import Configuration, Ref
from invokelint.frontends.terraform.module_loader import load_module
from invokelint.model import UNKNOWN


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def _load(folder: Path, **options) -> Configuration:
    return load_module(folder, display_path=lambda p: p.relative_to(folder).as_posix(), **options)


def _attr(configuration: Configuration, address: str, name: str):
    return configuration.by_address()[address].attributes[name]


# -- variable values


PRECEDENCE = {
    "main.tf": 'variable "v" {\n  default = "default"\n}\nresource "r" "x" {\n  value = var.v\n}\n',
}


@pytest.mark.parametrize(
    ("files", "options", "expected", "origin"),
    [
        ({}, {}, "default", "main.tf"),
        ({"terraform.tfvars": 'v = "tfvars"\n'}, {}, "tfvars", "terraform.tfvars"),
        (
            {"terraform.tfvars.json": '{"v": "tfvars-json"}'},
            {},
            "tfvars-json",
            "terraform.tfvars.json",
        ),
        (
            {"terraform.tfvars": 'v = "tfvars"\n', "a.auto.tfvars": 'v = "auto-a"\n'},
            {},
            "auto-a",
            "a.auto.tfvars",
        ),
        (
            {"b.auto.tfvars": 'v = "auto-b"\n', "a.auto.tfvars": 'v = "auto-a"\n'},
            {},
            "auto-b",
            "b.auto.tfvars",
        ),
        (
            {
                "b.auto.tfvars": 'v = "auto-b"\n',
                "one.tfvars": 'v = "one"\n',
                "two.tfvars": 'v = "two"\n',
            },
            {"var_files": ["one.tfvars", "two.tfvars"]},
            "two",
            "two.tfvars",
        ),
        (
            {"one.tfvars": 'v = "one"\n'},
            {"var_files": ["one.tfvars"], "variables": {"v": "command line"}},
            "command line",
            "main.tf",  # a --var is located where it is read
        ),
    ],
)
def test_variable_precedence(tmp_path, files, options, expected, origin):
    _write(tmp_path, {**PRECEDENCE, **files})
    if "var_files" in options:
        options["var_files"] = [tmp_path / name for name in options["var_files"]]
    configuration = _load(tmp_path, **options)
    value = _attr(configuration, "r.x", "value")
    assert value.value == expected
    assert value.location.path == origin
    if origin != "main.tf":
        assert value.location.line == 1
        assert [r.path for r in value.related] == ["main.tf"]


def test_command_line_values_follow_the_declared_type(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": 'variable "n" {\n  type = number\n}\n'
            'variable "l" {\n  type = list(string)\n}\n'
            'variable "s" {}\nresource "r" "x" {\n  n = var.n\n  l = var.l[1]\n  s = var.s\n}\n'
        },
    )
    configuration = _load(tmp_path, variables={"n": "30", "l": '["a", "b"]', "s": "[1]"})
    assert _attr(configuration, "r.x", "n").value == 30
    assert _attr(configuration, "r.x", "l").value == "b"
    assert _attr(configuration, "r.x", "s").value == "[1]"  # untyped: the text itself


def test_tfvars_syntax_error_is_a_problem(tmp_path):
    _write(tmp_path, {**PRECEDENCE, "terraform.tfvars": "v = \n"})
    configuration = _load(tmp_path)
    assert [p.location.path for p in configuration.problems] == ["terraform.tfvars"]
    assert _attr(configuration, "r.x", "value").value == "default"


# -- files of one module


def test_every_file_of_the_folder_is_one_module(tmp_path):
    _write(
        tmp_path,
        {
            "a.tf": 'resource "aws_sqs_queue" "a" {\n  name = local.name\n}\n',
            "b.tf": 'locals {\n  name = "from-b"\n}\n',
            "c.tf.json": '{"resource": {"aws_sqs_queue": {"c": {"name": "${local.name}"}}}}',
            "main.tf": 'resource "aws_sqs_queue" "m" {}\n',
            "main.tofu": 'resource "aws_sqs_queue" "t" {}\n',
            ".hidden.tf": 'resource "aws_sqs_queue" "h" {}\n',
            "backup.tf~": 'resource "aws_sqs_queue" "b" {}\n',
            ".terraform/x.tf": 'resource "aws_sqs_queue" "x" {}\n',
        },
    )
    configuration = _load(tmp_path)
    assert sorted(configuration.by_address()) == [
        "aws_sqs_queue.a",
        "aws_sqs_queue.c",
        "aws_sqs_queue.t",  # main.tofu replaces main.tf
    ]
    assert _attr(configuration, "aws_sqs_queue.c", "name").value == "from-b"
    assert configuration.statistics == {"modules": 1, "tf files": 4}
    assert set(configuration.sources) == set(configuration.files)


def test_override_files_merge_into_their_blocks(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": 'resource "aws_lambda_function" "f" {\n  timeout = 3\n'
            '  runtime = "python3.12"\n'
            '  dead_letter_config {\n    target_arn = "a"\n  }\n}\n',
            "main_override.tf": 'resource "aws_lambda_function" "f" {\n  timeout = 60\n'
            '  dead_letter_config {\n    target_arn = "b"\n  }\n}\n',
        },
    )
    block = _load(tmp_path).by_address()["aws_lambda_function.f"]
    assert block.attributes["timeout"].value == 60
    assert block.attributes["timeout"].location.path == "main_override.tf"
    assert block.attributes["runtime"].value == "python3.12"
    assert [b.attributes["target_arn"].value for b in block.nested("dead_letter_config")] == ["b"]


def test_syntax_error_drops_only_its_file(tmp_path):
    _write(
        tmp_path,
        {
            "bad.tf": 'resource "aws_sqs_queue" "bad" {\n  name = "x"\n',
            "good.tf": 'resource "aws_sqs_queue" "good" {}\n',
        },
    )
    configuration = _load(tmp_path)
    assert list(configuration.by_address()) == ["aws_sqs_queue.good"]
    (problem,) = configuration.problems
    assert (problem.location.path, problem.location.line, problem.location.column) == (
        "bad.tf",
        1,
        32,
    )
    assert "Unclosed configuration block" in problem.message
    assert "bad.tf" in configuration.files


def test_unreadable_inputs_are_problems(tmp_path):
    (tmp_path / "latin1.tf").write_bytes(b'resource "a" "b" {\n  x = "caf\xe9"\n}\n')
    configuration = _load(tmp_path)
    (problem,) = configuration.problems
    assert problem.message == "file is not UTF-8 text"
    assert (problem.location.line, problem.location.column) == (2, 11)


def test_overlays_replace_file_text(tmp_path):
    _write(tmp_path, {"main.tf": 'resource "aws_sqs_queue" "q" {\n  name = "disk"\n}\n'})
    overlay = {tmp_path / "main.tf": 'resource "aws_sqs_queue" "q" {\n  name = "editor"\n}\n'}
    configuration = _load(tmp_path, overlays=overlay)
    assert _attr(configuration, "aws_sqs_queue.q", "name").value == "editor"
    assert "editor" in configuration.sources["main.tf"]


def test_block_shape(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": 'resource "aws_lambda_function" "f" {\n  count = 1\n  depends_on = [x.y]\n'
            '  environment {\n    variables = { A = "1" }\n  }\n  lifecycle {\n'
            "    ignore_changes = [tags]\n  }\n}\n"
            'data "archive_file" "code" {\n  source_dir = "${path.module}/src"\n}\n'
        },
    )
    configuration = _load(tmp_path)
    function = configuration.by_address()["aws_lambda_function.f"]
    assert (function.type, function.labels, function.mode) == (
        "aws_lambda_function",
        ("aws_lambda_function", "f"),
        "managed",
    )
    assert (function.location.line, function.location.column, function.location.end_column) == (
        1,
        1,
        37,
    )
    assert (function.end.line, function.end.column) == (10, 1)
    assert list(function.attributes) == []  # count and depends_on are meta-arguments
    assert [b.type for b in function.blocks] == ["environment"]  # lifecycle skipped
    assert function.first("environment").attributes["variables"].plain() == {"A": "1"}
    assert function.expanded == "literal"
    data = configuration.by_address()["data.archive_file.code"]
    assert data.mode == "data" and data.type == "archive_file"
    assert data.attributes["source_dir"].value == "./src"


# -- count, for_each, dynamic


def test_count_and_for_each(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": """
variable "queues" {
  default = { a = 30, b = 30 }
}
variable "mixed" {
  default = { a = 30, b = 60 }
}
variable "unknown" {}
resource "aws_sqs_queue" "same" {
  for_each                   = var.queues
  visibility_timeout_seconds = each.value
  name                       = "q-${each.key}"
}
resource "aws_sqs_queue" "mixed" {
  for_each                   = var.mixed
  visibility_timeout_seconds = each.value
}
resource "aws_sqs_queue" "counted" {
  count = 2
  name  = "q-${count.index}"
  delay_seconds = 5
}
resource "aws_sqs_queue" "unknown" {
  count = var.unknown
  name  = "q-${count.index}"
  delay_seconds = 5
}
resource "aws_sqs_queue" "none" {
  count = 0
}
resource "aws_sqs_queue" "empty" {
  for_each = toset([])
}
resource "aws_sqs_queue" "set" {
  for_each = toset(["x", "y"])
  name     = each.value
}
"""
        },
    )
    configuration = _load(tmp_path)
    blocks = configuration.by_address()
    assert "aws_sqs_queue.none" not in blocks and "aws_sqs_queue.empty" not in blocks
    same = blocks["aws_sqs_queue.same"]
    assert same.expanded == "literal"
    assert same.attributes["visibility_timeout_seconds"].value == 30
    assert same.attributes["name"].value is UNKNOWN  # differs between instances
    assert blocks["aws_sqs_queue.mixed"].attributes["visibility_timeout_seconds"].value is UNKNOWN
    counted = blocks["aws_sqs_queue.counted"]
    assert (counted.expanded, counted.attributes["delay_seconds"].value) == ("literal", 5)
    assert counted.attributes["name"].value is UNKNOWN
    unknown = blocks["aws_sqs_queue.unknown"]
    assert unknown.expanded == "unknown"
    assert unknown.attributes["name"].value is UNKNOWN
    assert unknown.attributes["delay_seconds"].value == 5
    assert blocks["aws_sqs_queue.set"].attributes["name"].value is UNKNOWN
    assert blocks["aws_sqs_queue.set"].expanded == "literal"


def test_dynamic_blocks(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": """
variable "unknown" {}
resource "aws_lambda_function" "f" {
  dynamic "dead_letter_config" {
    for_each = ["arn:a", "arn:b"]
    content {
      target_arn = dead_letter_config.value
    }
  }
  dynamic "vpc_config" {
    for_each = var.unknown
    iterator = vpc
    content {
      subnet_ids = vpc.value.subnets
      security_group_ids = ["sg"]
    }
  }
  dynamic "environment" {
    for_each = []
    content {}
  }
  dynamic "tracing_config" {
    for_each = [{ mode = "Active" }]
    content {
      mode = tracing_config.value.mode
      index = tracing_config.key
    }
  }
}
"""
        },
    )
    function = _load(tmp_path).by_address()["aws_lambda_function.f"]
    dlqs = function.nested("dead_letter_config")
    assert [b.attributes["target_arn"].value for b in dlqs] == ["arn:a", "arn:b"]
    assert not any(b.dynamic for b in dlqs)
    (vpc,) = function.nested("vpc_config")
    assert vpc.dynamic
    assert vpc.attributes["subnet_ids"].value is UNKNOWN
    assert vpc.attributes["security_group_ids"].plain() == ["sg"]
    assert function.nested("environment") == []
    (tracing,) = function.nested("tracing_config")
    assert tracing.attributes["mode"].value == "Active"
    assert tracing.attributes["index"].value == 0


# -- modules


MODULE_ROOT = """
variable "timeout" {
  default = 45
}
module "jobs" {
  source  = "./modules/jobs"
  timeout = var.timeout
  name    = "orders"
}
resource "aws_lambda_event_source_mapping" "m" {
  event_source_arn = module.jobs.queue_arn
  function_name    = module.jobs.function.name
  batch_size       = module.jobs.batch
}
"""

MODULE_JOBS = """
variable "timeout" {}
variable "name" {}
variable "batch" {
  default = 10
}
resource "aws_sqs_queue" "q" {
  name                       = "${var.name}-queue"
  visibility_timeout_seconds = var.timeout
}
resource "aws_lambda_function" "f" {
  timeout  = var.timeout
  filename = "${path.module}/build.zip"
}
module "inner" {
  source = "../inner"
  arn    = aws_sqs_queue.q.arn
}
output "queue_arn" {
  value = aws_sqs_queue.q.arn
}
output "function" {
  value = aws_lambda_function.f
}
output "batch" {
  value = var.batch
}
"""

MODULE_INNER = """
variable "arn" {}
resource "aws_lambda_event_source_mapping" "inner" {
  event_source_arn = var.arn
}
"""


def test_local_modules_are_followed_with_arguments_and_outputs(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": MODULE_ROOT,
            "modules/jobs/main.tf": MODULE_JOBS,
            "modules/inner/main.tf": MODULE_INNER,
        },
    )
    configuration = _load(tmp_path)
    blocks = configuration.by_address()
    assert set(blocks) == {
        "aws_lambda_event_source_mapping.m",
        "module.jobs.aws_sqs_queue.q",
        "module.jobs.aws_lambda_function.f",
        "module.jobs.module.inner.aws_lambda_event_source_mapping.inner",
    }
    queue = blocks["module.jobs.aws_sqs_queue.q"]
    assert (queue.module, queue.module_path) == ("module.jobs", "modules/jobs")
    assert queue.attributes["name"].value == "orders-queue"
    timeout = queue.attributes["visibility_timeout_seconds"]
    assert timeout.value == 45
    # passed from the root's variable default, through the call, into the module
    assert (timeout.location.path, timeout.location.line) == ("main.tf", 3)
    assert [(r.path, r.line) for r in timeout.related] == [
        ("main.tf", 7),
        ("modules/jobs/main.tf", 9),
    ]
    function = blocks["module.jobs.aws_lambda_function.f"]
    assert function.attributes["filename"].value == "modules/jobs/build.zip"
    mapping = blocks["aws_lambda_event_source_mapping.m"]
    assert mapping.attributes["event_source_arn"].value == Ref("module.jobs.aws_sqs_queue.q", "arn")
    assert mapping.attributes["function_name"].value == Ref(
        "module.jobs.aws_lambda_function.f", "name"
    )
    assert mapping.attributes["batch_size"].value == 10
    inner = blocks["module.jobs.module.inner.aws_lambda_event_source_mapping.inner"]
    assert inner.attributes["event_source_arn"].value == Ref("module.jobs.aws_sqs_queue.q", "arn")
    assert inner.module_path == "modules/inner"
    assert set(configuration.module_calls) == {"module.jobs", "module.jobs.module.inner"}
    assert configuration.module_calls["module.jobs"].line == 5
    assert configuration.opaque_modules == set()
    assert configuration.statistics == {"modules": 3, "tf files": 3}


def test_argument_written_at_the_call_points_at_the_call(tmp_path):
    _write(
        tmp_path,
        {"main.tf": MODULE_ROOT.replace("var.timeout", "90"), "modules/jobs/main.tf": MODULE_JOBS},
    )
    configuration = _load(tmp_path)
    timeout = _attr(configuration, "module.jobs.aws_sqs_queue.q", "visibility_timeout_seconds")
    assert (timeout.value, timeout.location.path, timeout.location.line) == (90, "main.tf", 7)
    assert [(r.path, r.line) for r in timeout.related] == [("modules/jobs/main.tf", 9)]


def test_registry_modules_are_opaque_unless_installed(tmp_path):
    root = _write(
        tmp_path,
        {
            "main.tf": 'module "vpc" {\n  source = "terraform-aws-modules/lambda/aws"\n}\n'
            'module "git" {\n  source = "git::https://example.com/x.git"\n}\n'
            'resource "r" "x" {\n  arn = module.vpc.lambda_function_arn\n}\n',
        },
    )
    configuration = _load(root)
    assert configuration.opaque_modules == {"module.vpc", "module.git"}
    assert _attr(configuration, "r.x", "arn").value is UNKNOWN
    _write(
        root,
        {
            ".terraform/modules/modules.json": json.dumps(
                {
                    "Modules": [
                        {"Key": "", "Dir": "."},
                        {"Key": "vpc", "Dir": ".terraform/modules/vpc"},
                    ]
                }
            ),
            ".terraform/modules/vpc/main.tf": 'resource "aws_lambda_function" "this" {}\n'
            'output "lambda_function_arn" {\n  value = aws_lambda_function.this.arn\n}\n',
        },
    )
    configuration = _load(root)
    assert configuration.opaque_modules == {"module.git"}
    assert "module.vpc.aws_lambda_function.this" in configuration.by_address()
    assert _attr(configuration, "r.x", "arn").value == Ref(
        "module.vpc.aws_lambda_function.this", "arn"
    )


def test_modules_never_leave_the_project(tmp_path):
    _write(
        tmp_path,
        {
            "outside/main.tf": 'resource "r" "outside" {}\n',
            "project/main.tf": 'module "m" {\n  source = "../outside"\n}\n',
        },
    )
    configuration = _load(tmp_path / "project")
    assert configuration.opaque_modules == {"module.m"}
    assert configuration.blocks == []
    wider = load_module(tmp_path / "project", root=tmp_path)
    assert "module.m.r.outside" in wider.by_address()


def test_module_cycles_and_self_calls_end(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": 'module "a" {\n  source = "./a"\n}\nmodule "self" {\n  source = "./"\n}\n',
            "a/main.tf": 'module "b" {\n  source = "../b"\n}\nresource "r" "a" {}\n',
            "b/main.tf": 'module "a" {\n  source = "../a"\n}\nresource "r" "b" {}\n',
        },
    )
    started = time.perf_counter()
    configuration = _load(tmp_path)
    assert time.perf_counter() - started < 5
    assert set(configuration.by_address()) == {"module.a.r.a", "module.a.module.b.r.b"}
    assert configuration.opaque_modules == {"module.self", "module.a.module.b.module.a"}


def test_module_output_cycles_are_unknown(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": 'module "m" {\n  source = "./m"\n  x = module.m.y\n}\n'
            'resource "r" "x" {\n  v = module.m.y\n}\n',
            "m/main.tf": 'variable "x" {}\noutput "y" {\n  value = var.x\n}\n',
        },
    )
    assert _attr(_load(tmp_path), "r.x", "v").value is UNKNOWN


def test_module_with_count_zero_is_left_out(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": 'module "off" {\n  source = "./m"\n  count = 0\n}\n'
            'module "one" {\n  source = "./m"\n  count = 1\n  name = "n-${count.index}"\n}\n',
            "m/main.tf": 'variable "name" {\n  default = "d"\n}\n'
            'resource "r" "x" {\n  name = var.name\n}\n',
        },
    )
    configuration = _load(tmp_path)
    assert list(configuration.by_address()) == ["module.one.r.x"]
    assert _attr(configuration, "module.one.r.x", "name").value == "n-0"


# -- .tf.json


TF_JSON = """{
  "//": "a comment",
  "variable": {
    "timeout": {"default": 30, "type": "number"},
    "literal": {"default": "${not.a.template}"}
  },
  "locals": {"name": "orders"},
  "resource": {
    "aws_sqs_queue": {
      "q": {
        "//": "another comment",
        "name": "${local.name}-q",
        "visibility_timeout_seconds": "${var.timeout * 6}",
        "redrive_policy":
          "{\\"deadLetterTargetArn\\": \\"${aws_sqs_queue.dlq.arn}\\", \\"maxReceiveCount\\": 3}",
        "tags": {"Team": "x"}
      },
      "dlq": [{"name": "dlq"}]
    },
    "aws_lambda_function": {
      "f": {
        "timeout": 30,
        "dead_letter_config": {"target_arn": "${aws_sqs_queue.dlq.arn}"},
        "environment": [{"variables": {"A": "${local.name}"}}],
        "dynamic": {"vpc_config": {"for_each": ["a"], "content": {"subnet_ids": ["s"]}}}
      }
    }
  },
  "output": {"arn": {"value": "${aws_sqs_queue.q.arn}"}}
}
"""


def test_tf_json_reads_like_hcl(tmp_path):
    _write(tmp_path, {"main.tf.json": TF_JSON})
    configuration = _load(tmp_path)
    assert not configuration.problems
    blocks = configuration.by_address()
    queue = blocks["aws_sqs_queue.q"]
    assert queue.attributes["name"].value == "orders-q"
    assert queue.attributes["visibility_timeout_seconds"].value == 180
    assert queue.attributes["tags"].plain() == {"Team": "x"}
    policy = queue.attributes["redrive_policy"].json()
    assert policy.plain() == {
        "deadLetterTargetArn": Ref("aws_sqs_queue.dlq", "arn"),
        "maxReceiveCount": 3,
    }
    name = queue.attributes["name"]
    assert (name.location.line, name.location.column) == (12, 9)  # "name": "..."
    assert (queue.location.line, queue.location.column) == (10, 7)
    assert "dlq" in blocks["aws_sqs_queue.dlq"].attributes["name"].value
    function = blocks["aws_lambda_function.f"]
    dlq = function.first("dead_letter_config")
    assert dlq.attributes["target_arn"].value == Ref("aws_sqs_queue.dlq", "arn")
    assert function.first("environment").attributes["variables"].plain() == {"A": "orders"}
    assert function.first("vpc_config").attributes["subnet_ids"].plain() == ["s"]
    assert configuration.statistics["tf files"] == 1


def test_tf_json_variable_defaults_are_literal(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf.json": '{"variable": {"v": {"default": "${not.a.template}"}},'
            '"resource": {"r": {"x": {"v": "${var.v}"}}}}'
        },
    )
    assert _attr(_load(tmp_path), "r.x", "v").value == "${not.a.template}"


def test_tf_json_errors_are_problems(tmp_path):
    _write(
        tmp_path,
        {
            "a.tf.json": '{"resource": {"x": {"y": {"a": 1,}}}}',
            "b.tf.json": '{"resource": {"x": {"y": {"a": "${"}}}}',
        },
    )
    configuration = _load(tmp_path)
    assert sorted(p.location.path for p in configuration.problems) == ["a.tf.json", "b.tf.json"]
    assert configuration.blocks == []


# -- real Terraform


CORPUS = os.environ.get("INVOKELINT_CORPUS")


@pytest.mark.skipif(not CORPUS, reason="set INVOKELINT_CORPUS to read the shared corpus")
def test_corpus_reads_without_errors():
    base = Path(CORPUS) / "terraform"
    folders = sorted({p.parent for p in base.rglob("*.tf") if ".terraform" not in p.parts})
    assert folders
    blocks = 0
    for folder in folders:
        unit = base / folder.relative_to(base).parts[0]
        configuration = load_module(folder, root=unit)
        assert configuration.problems == [], folder
        blocks += len(configuration.blocks)
    assert blocks > 1000


# -- bounds


def test_expanded_instances_bound(tmp_path):
    from invokelint.limits import MAX_EXPANDED_INSTANCES

    _write(
        tmp_path,
        {
            "main.tf": f'resource "r" "inside" {{\n  count = {MAX_EXPANDED_INSTANCES}\n'
            "  x = 1\n}\n"
            f'resource "r" "past" {{\n  count = {MAX_EXPANDED_INSTANCES + 1}\n  x = 1\n}}\n'
        },
    )
    blocks = _load(tmp_path).by_address()
    assert blocks["r.inside"].expanded == "literal"
    assert blocks["r.past"].expanded == "unknown"
    assert blocks["r.past"].attributes["x"].value == 1


def test_module_depth_bound(tmp_path):
    from invokelint.limits import MAX_MODULE_DEPTH

    levels = MAX_MODULE_DEPTH + 3
    files = {"main.tf": 'module "m" {\n  source = "./m0"\n}\n'}
    for level in range(levels):
        files[f"m{level}/main.tf"] = (
            f'resource "r" "x" {{}}\nmodule "m" {{\n  source = "../m{level + 1}"\n}}\n'
        )
    configuration = _load(_write(tmp_path, files))
    assert len(configuration.opaque_modules) == 1
    assert configuration.statistics["modules"] == MAX_MODULE_DEPTH + 1


def test_module_count_bound(tmp_path):
    from invokelint.limits import MAX_MODULES

    calls = "".join(f'module "m{n}" {{\n  source = "./m"\n}}\n' for n in range(MAX_MODULES + 5))
    configuration = _load(
        _write(tmp_path, {"main.tf": calls, "m/main.tf": 'resource "r" "x" {}\n'})
    )
    assert configuration.statistics["modules"] == MAX_MODULES
    assert len(configuration.opaque_modules) == 6  # the root counts as one module


def test_evaluation_steps_bound(tmp_path, monkeypatch):
    from invokelint.frontends.terraform import expressions

    monkeypatch.setattr(expressions, "MAX_EVALUATION_STEPS", 20)
    attributes = "".join(f"  a{n} = {n}\n" for n in range(40))
    configuration = _load(_write(tmp_path, {"main.tf": f'resource "r" "x" {{\n{attributes}}}\n'}))
    values = [value.value for value in configuration.by_address()["r.x"].attributes.values()]
    assert values[:20] == list(range(20))
    assert values[20:] == [UNKNOWN] * 20


def test_a_module_called_twice_is_read_once(tmp_path):
    _write(
        tmp_path,
        {
            "main.tf": 'module "a" {\n  source = "./m"\n}\nmodule "b" {\n  source = "./m"\n}\n',
            "m/main.tf": 'resource "r" "x" {}\n',
            "m/broken.tf": "x = \n",
        },
    )
    configuration = _load(tmp_path)
    assert set(configuration.by_address()) == {"module.a.r.x", "module.b.r.x"}
    assert [p.location.path for p in configuration.problems] == ["m/broken.tf"]
    assert configuration.statistics == {"modules": 3, "tf files": 3}
    assert sorted(configuration.files) == ["m/broken.tf", "m/main.tf", "main.tf"]


def test_symbolic_links_out_of_the_project_are_not_read(tmp_path):
    outside = _write(tmp_path / "outside", {"secret.tf": 'resource "r" "outside" {}\n'})
    project = _write(tmp_path / "project", {"main.tf": 'resource "r" "inside" {}\n'})
    (project / "linked.tf").symlink_to(outside / "secret.tf")
    (project / "terraform.tfvars").symlink_to(outside / "secret.tf")
    configuration = _load(project)
    assert list(configuration.by_address()) == ["r.inside"]
    assert configuration.files == ["main.tf"]
