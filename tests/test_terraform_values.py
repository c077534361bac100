"""The evaluator: what is known, what is a Ref, what stays UNKNOWN, and its budgets."""

from __future__ import annotations

from pathlib import Path

import pytest

from invokelint.frontends.terraform.configuration import Ref, Value
from invokelint.frontends.terraform.module_loader import load_module
from invokelint.limits import MAX_COLLECTION_SIZE, MAX_STRING_LENGTH
from invokelint.model import UNKNOWN

PRELUDE = """
variable "env" {
  default = "prod"
}
variable "count_default" {
  type    = number
  default = "3"
}
variable "nothing" {}
variable "config" {
  default = { timeout = 30, names = ["a", "b"] }
}
locals {
  n      = 4
  obj    = { x = 1, y = "why" }
  list   = [10, 20, 30]
  json   = "{\\"a\\": [1, 2]}"
  cyc1   = local.cyc2
  cyc2   = local.cyc1
  arn    = aws_sqs_queue.dlq.arn
  mixed  = "${aws_sqs_queue.dlq.arn}/x"
}
"""


def _values(tmp_path: Path, attributes: str) -> dict[str, Value]:
    (tmp_path / "main.tf").write_text(
        PRELUDE + 'resource "test" "r" {\n' + attributes + "\n}\n", encoding="utf-8"
    )
    configuration = load_module(tmp_path, display_path=lambda p: p.name)
    assert not configuration.problems, configuration.problems
    (block,) = [b for b in configuration.blocks if b.address == "test.r"]
    return block.attributes


def _plain(tmp_path: Path, expression: str):
    return _values(tmp_path, f"x = {expression}")["x"].plain()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"plain"', "plain"),
        ("42", 42),
        ("1.5", 1.5),
        ("true", True),
        ("null", None),
        ('"${var.env}-${local.n}"', "prod-4"),
        ("var.count_default", 3),  # converted to the declared number
        ("var.config.timeout", 30),
        ('var.config["names"][1]', "b"),
        ("local.obj.y", "why"),
        ("local.list[2]", 30),
        ("path.module", "."),
        ("path.root", "."),
        ('var.env == "prod" ? 900 : 30', 900),
        ('var.env != "prod" ? 900 : 30', 30),
        ("1 + 2 * 3 - 4 / 2", 5),
        ("7 % 3", 1),
        ("-local.n", -4),
        ("local.n > 3 && !false", True),
        ("false && var.nothing", False),  # a known false operand decides
        ("true || var.nothing", True),
        ("[1, local.n]", [1, 4]),
        ('{ a = 1, "b" = local.n }', {"a": 1, "b": 4}),
        ('jsonencode({ b = [1, "<x>"], a = true })', '{"a":true,"b":[1,"\\u003cx\\u003e"]}'),
        ("jsondecode(local.json).a[1]", 2),
        ("try(local.obj.missing, 5)", 5),
        ("try(local.obj.x, 5)", 1),
        ('lookup(local.obj, "y", "d")', "why"),
        ('lookup(local.obj, "z", "d")', "d"),
        ("merge(local.obj, { x = 2 })", {"x": 2, "y": "why"}),
        ('coalesce(null, "", "c")', "c"),
        ("concat([1], [2, 3])", [1, 2, 3]),
        ("tostring(5)", "5"),
        ('tonumber("12")', 12),
        ('tobool("true")', True),
        ('format("%s-%03d %v %%", "q", 7, true)', "q-007 true %"),
        ('lower("AbC")', "abc"),
        ('upper("abc")', "ABC"),
        ("length(local.list)", 3),
        ("element(local.list, 4)", 20),
        ("min(3, 1, 2)", 1),
        ("max(3, 1, 2)", 3),
        ("[for v in local.list : v * 2 if v > 10]", [40, 60]),
        ("{ for k, v in local.obj : k => v }", {"x": 1, "y": "why"}),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ("keys(local.obj)", ["x", "y"]),
        ('join("-", ["a", "b"])', "a-b"),
        ("can(local.obj.missing)", False),
        ("flatten([1, [2, [3]], []])", [1, 2, 3]),
        ('compact(["a", "", null, "b"])', ["a", "b"]),
        ("distinct([1, 2, 1])", [1, 2]),
        ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
        ("slice(local.list, 1, 3)", [20, 30]),
        ('substr("hello", 1, 3)', "ell"),
        ('trimprefix("arn:x", "arn:")', "x"),
        ('trimsuffix("f.zip", ".zip")', "f"),
        ('startswith("arn:aws", "arn:")', True),
        ('endswith("a.py", ".zip")', False),
        ('split(",", "a,b")', ["a", "b"]),
        ('sort(["b", "a"])', ["a", "b"]),
        ("sensitive(local.n)", 4),
        ("one([7])", 7),
        ("one([])", None),
        ("sum(local.list)", 60),
        ("ceil(1.2)", 2),
        ("floor(1.8)", 1),
    ],
)
def test_known_values(tmp_path, expression, expected):
    assert _plain(tmp_path, expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("aws_sqs_queue.q.arn", Ref("aws_sqs_queue.q", "arn")),
        ("aws_sqs_queue.q[0].arn", Ref("aws_sqs_queue.q", "arn")),
        ('aws_sqs_queue.q["k"].url', Ref("aws_sqs_queue.q", "url")),
        ("aws_sqs_queue.q", Ref("aws_sqs_queue.q", None)),
        ('"${aws_sqs_queue.q.arn}"', Ref("aws_sqs_queue.q", "arn")),
        ("data.archive_file.code.output_path", Ref("data.archive_file.code", "output_path")),
        ("local.arn", Ref("aws_sqs_queue.dlq", "arn")),
        (
            "aws_lambda_function.f.environment[0].variables",
            Ref("aws_lambda_function.f", "environment"),
        ),
    ],
)
def test_references_are_refs_by_address(tmp_path, expression, expected):
    assert _plain(tmp_path, expression) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "var.nothing",
        "var.undeclared",
        "local.undeclared",
        "local.cyc1",
        '"arn:${aws_sqs_queue.q.arn}"',
        "each.value",
        "count.index",
        "self.arn",
        "aws_sqs_queue.q[*].arn",
        "aws_sqs_queue.q.*.arn",
        "timestamp()",
        'file("x.json")',
        "unknown_function(1)",
        "var.nothing ? 1 : 2",
        "var.nothing + 1",
        "[for v in var.nothing : v]",
        "{ (var.nothing) = 1 }",
        "module.absent.output",
        "terraform.workspace",
        "jsonencode({ a = aws_sqs_queue.q.arn })",
        "data.aws_caller_identity.current",
        "1 / 0",
        "local.obj.missing",
        '"a${null}"',
        'replace("a", "/a/", "b")',
        'format("%s %s", "only one")',
        'format("%d", "x")',
        "one([1, 2])",
        "slice(local.list, 2, 9)",
        "flatten([var.nothing])",
        'zipmap(["a"], [1, 2])',
    ],
)
def test_unknown_values(tmp_path, expression):
    value = _plain(tmp_path, expression)
    assert value is UNKNOWN or (isinstance(value, Ref) and expression.startswith("data."))


def test_data_source_without_attribute_is_a_ref(tmp_path):
    assert _plain(tmp_path, "data.aws_caller_identity.current") == Ref(
        "data.aws_caller_identity.current", None
    )


def test_jsonencode_keeps_refs_and_entry_positions(tmp_path):
    values = _values(
        tmp_path,
        "  redrive_policy = jsonencode({\n"
        "    deadLetterTargetArn = aws_sqs_queue.dlq.arn\n"
        "    maxReceiveCount     = local.n\n"
        "  })",
    )
    policy = values["redrive_policy"]
    assert policy.value is UNKNOWN  # a Ref has no text before apply
    document = policy.json()
    assert document is not None
    target = document.value["deadLetterTargetArn"]
    assert target.value == Ref("aws_sqs_queue.dlq", "arn")
    line = PRELUDE.count("\n") + 3  # the entry's own line, "key = value"
    assert (target.location.line, target.location.column) == (line, 5)
    count = document.value["maxReceiveCount"]
    assert count.value == 4
    assert count.location.path == "main.tf"
    assert count.related[-1].line == line + 1  # written through local.n


def test_known_jsonencode_is_text_and_a_document(tmp_path):
    policy = _values(tmp_path, "p = jsonencode({ maxReceiveCount = 5 })")["p"]
    assert policy.value == '{"maxReceiveCount":5}'
    assert policy.json().plain() == {"maxReceiveCount": 5}


def test_heredoc_json_with_interpolated_refs_decodes_to_a_document(tmp_path):
    values = _values(
        tmp_path,
        '  a = <<EOF\n{"deadLetterTargetArn": "${aws_sqs_queue.dlq.arn}", '
        '"maxReceiveCount": ${local.n}}\nEOF\n'
        '  b = "{\\"deadLetterTargetArn\\":\\"${aws_sqs_queue.dlq.arn}\\",'
        '\\"maxReceiveCount\\":${var.nothing}}"\n'
        '  c = <<-EOF\n    {"maxReceiveCount": 3}\n    EOF\n'
        '  d = "arn:${aws_sqs_queue.dlq.arn}"',
    )
    dlq = Ref("aws_sqs_queue.dlq", "arn")
    assert values["a"].value is UNKNOWN
    assert values["a"].json().plain() == {"deadLetterTargetArn": dlq, "maxReceiveCount": 4}
    assert values["b"].json().plain() == {"deadLetterTargetArn": dlq, "maxReceiveCount": UNKNOWN}
    assert values["c"].value == '{"maxReceiveCount": 3}\n'
    assert values["c"].json().plain() == {"maxReceiveCount": 3}
    assert values["d"].json() is None


def test_locations_written_here_or_passed_through(tmp_path):
    values = _values(tmp_path, '  a = 30\n  b = local.n\n  c = var.env == "prod" ? 1 : 2')
    line = PRELUDE.count("\n") + 2
    assert (values["a"].location.line, values["a"].location.column) == (line, 3)
    assert values["a"].location.end_column == 9  # the whole "a = 30"
    assert values["a"].related == ()
    local = values["b"]
    assert local.location.line == PRELUDE.splitlines().index("  n      = 4") + 1
    assert [r.line for r in local.related] == [line + 1]
    assert values["c"].location.line == line + 2 and values["c"].related == ()


def test_variable_default_location(tmp_path):
    value = _values(tmp_path, "x = var.env")["x"]
    assert value.location.line == PRELUDE.splitlines().index('  default = "prod"') + 1


def test_string_doubling_stops_at_the_budget(tmp_path):
    doublings = 22  # 2**22 characters: past MAX_STRING_LENGTH
    assert 2**doublings > MAX_STRING_LENGTH
    lines = ['  s0 = "x"'] + [
        f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"' for i in range(1, 40)
    ]
    (tmp_path / "locals.tf").write_text("locals {\n" + "\n".join(lines) + "\n}\n", encoding="utf-8")
    values = _values(tmp_path, "  small = local.s3\n  big = local.s39")
    assert values["small"].value == "x" * 8
    assert values["big"].value is UNKNOWN


def test_collection_sharing_stops_at_the_budget(tmp_path):
    lines = ["  l0 = [1, 2]"] + [f"  l{i} = [local.l{i - 1}, local.l{i - 1}]" for i in range(1, 60)]
    (tmp_path / "locals.tf").write_text("locals {\n" + "\n".join(lines) + "\n}\n", encoding="utf-8")
    values = _values(
        tmp_path, "  small = local.l2\n  big = local.l59\n  text = jsonencode(local.l59)"
    )
    assert values["small"].plain() == [[[1, 2], [1, 2]], [[1, 2], [1, 2]]]
    # past the bound a level is UNKNOWN, so the value stays small enough to walk
    nodes, unknown, pending = 0, False, [values["big"].plain()]
    while pending:
        item = pending.pop()
        nodes += 1
        unknown = unknown or item is UNKNOWN
        if isinstance(item, list):
            pending.extend(item)
    assert unknown
    assert nodes < 2**59 and nodes <= 2 * MAX_COLLECTION_SIZE
    assert values["text"].value is UNKNOWN


def test_long_reference_chains_are_unknown_not_a_crash(tmp_path):
    lines = ["  c0 = 1"] + [f"  c{i} = local.c{i - 1} + 1" for i in range(1, 3000)]
    (tmp_path / "locals.tf").write_text("locals {\n" + "\n".join(lines) + "\n}\n", encoding="utf-8")
    values = _values(tmp_path, "  near = local.c10\n  far = local.c2999")
    assert values["near"].value == 11
    assert values["far"].value is UNKNOWN


def test_nested_for_expressions_stop_at_the_step_budget(tmp_path):
    numbers = ", ".join(str(n) for n in range(100))
    (tmp_path / "locals.tf").write_text(
        f"locals {{\n  l = [{numbers}]\n"
        "  x = [for a in local.l : [for b in local.l : [for c in local.l : a + b + c]]]\n}\n",
        encoding="utf-8",
    )
    # 100 ** 3 additions: past MAX_EVALUATION_STEPS, so unknown rather than a long wait
    assert _values(tmp_path, "  n = length(local.x)")["n"].value is UNKNOWN


def test_json_of_strings(tmp_path):
    from invokelint.limits import MAX_EVALUATION_DEPTH

    deep = "[" * (MAX_EVALUATION_DEPTH + 1) + "]" * (MAX_EVALUATION_DEPTH + 1)
    values = _values(
        tmp_path,
        f'  text = "{{\\"a\\": [1, true]}}"\n  not_json = "{{oops"\n'
        f'  deep = "{deep}"\n  number = 5',
    )
    decoded = values["text"].json()
    assert decoded.plain() == {"a": [1, True]}
    assert decoded.value["a"].location == values["text"].location
    assert values["not_json"].json() is None
    assert values["deep"].json() is None  # deeper than any walk of it may go
    assert values["number"].json() is None


def test_unknown_strings_name_the_resources_they_mention(tmp_path):
    values = _values(
        tmp_path,
        '  arn = "${aws_api_gateway_rest_api.api.execution_arn}/*/${aws_lambda_function.f.id}"\n'
        '  through_local = "x-${local.mixed}"\n'
        '  known = "${var.env}-x"\n'
        "  ref = aws_sqs_queue.q.arn",
    )
    assert values["arn"].value is UNKNOWN
    assert values["arn"].mentions == (
        Ref("aws_api_gateway_rest_api.api", "execution_arn"),
        Ref("aws_lambda_function.f", "id"),
    )
    assert values["through_local"].mentions == (Ref("aws_sqs_queue.dlq", "arn"),)
    assert values["known"].mentions == ()
    assert values["ref"].mentions == ()  # a Ref itself, nothing mixed in


def test_heredoc_json_entries_are_located_on_their_lines(tmp_path):
    values = _values(
        tmp_path,
        "  policy = <<-EOF\n"
        "    {\n"
        '      "deadLetterTargetArn": "${aws_sqs_queue.dlq.arn}",\n'
        '      "maxReceiveCount": 1\n'
        "    }\n"
        "  EOF",
    )
    first = PRELUDE.count("\n") + 2  # the "policy = <<-EOF" line
    document = values["policy"].json()
    target = document.value["deadLetterTargetArn"]
    assert target.value == Ref("aws_sqs_queue.dlq", "arn")
    assert target.location.line == first + 2
    count = document.value["maxReceiveCount"]
    assert count.value == 1
    location = count.location
    assert (location.line, location.column, location.end_column) == (first + 3, 7, 27)
