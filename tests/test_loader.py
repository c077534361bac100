"""The positioned YAML/JSON loader: positions, intrinsic tags, scalars, safety, bounds."""

from __future__ import annotations

import time

import pytest

from invokelint.frontends import loader
from invokelint.frontends.loader import ParseError, load_json, load_yaml
from invokelint.frontends.positioned import Map, Seq


def parse_error(load, text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        load(text)
    return caught.value


# ---------------------------------------------------------------------------- positions


def test_yaml_positions_of_keys_and_values_are_one_based_with_exclusive_end():
    text = (
        "Resources:\n"
        "  Orders:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Properties:\n"
        "      VisibilityTimeout: 60\n"
    )
    root = load_yaml(text).root
    resources = root["Resources"]
    assert root.key_pos["Resources"] == (1, 1, 1, 10)
    assert resources.key_pos["Orders"] == (2, 3, 2, 9)
    orders = resources["Orders"]
    assert orders.key_pos["Type"] == (3, 5, 3, 9)
    assert orders.val_pos["Type"] == (3, 11, 3, 26)
    properties = orders["Properties"]
    assert properties.val_pos["VisibilityTimeout"] == (5, 26, 5, 28)
    assert properties.entry_position("VisibilityTimeout") == (5, 7, 5, 28)


def test_flow_collections_and_their_items_have_positions():
    line = "Tags: [{Key: team, Value: 'orders and more'}]"
    tags = load_yaml(line + "\n").root["Tags"]
    assert isinstance(tags, Seq) and tags.pos == (1, line.index("[") + 1, 1, len(line) + 1)
    assert tags.item_pos == [(1, line.index("{") + 1, 1, line.index("}") + 2)]
    quoted = (line.index("'") + 1, line.rindex("'") + 2)  # quotes included
    assert tags[0].val_pos["Value"] == (1, quoted[0], 1, quoted[1])


def test_block_collections_end_at_their_last_value_not_at_the_next_key():
    text = "A:\n  b: 1\n  c: 22\n\n  # a comment\n\nD:\n  - 1\n  - e: 2\n# tail\n"
    root = load_yaml(text).root
    assert root.val_pos["A"] == (2, 3, 3, 8)
    assert root.val_pos["D"] == (8, 3, 9, 9)
    assert root.pos == (1, 1, 9, 9)  # never past the last line


def test_block_scalar_ends_at_its_last_character():
    text = "Code: |\n  def handler(event, context):\n      return 1\n\n\nNext: 1\n"
    root = load_yaml(text).root
    assert root["Code"] == "def handler(event, context):\n    return 1\n"
    assert root.val_pos["Code"] == (1, 7, 3, 15)
    assert load_yaml("a: >-\n  folded\n  text\n").root.val_pos["a"] == (1, 4, 3, 7)


def test_json_positions():
    text = '{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue", "N": 5}\n  }\n}\n'
    root = load_json(text).root
    assert root.key_pos["Resources"] == (2, 3, 2, 14)
    queue = root["Resources"]["Q"]
    assert queue.val_pos["Type"] == (3, 19, 3, 36)
    assert queue["N"] == 5 and queue.val_pos["N"] == (3, 43, 3, 44)


# --------------------------------------------------------------------------- intrinsics

REF = {"Ref": "Stage"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("!Ref Queue", {"Ref": "Queue"}),
        ("!GetAtt Queue.Arn", {"Fn::GetAtt": ["Queue", "Arn"]}),
        ("!GetAtt [Queue, Arn]", {"Fn::GetAtt": ["Queue", "Arn"]}),
        ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
        ("!Sub 'arn:${AWS::Partition}:sqs'", {"Fn::Sub": "arn:${AWS::Partition}:sqs"}),
        ("!Sub ['${x}-q', {x: !Ref Stage}]", {"Fn::Sub": ["${x}-q", {"x": {"Ref": "Stage"}}]}),
        ("!Join ['', [a, b]]", {"Fn::Join": ["", ["a", "b"]]}),
        (
            "!If [IsProd, 60, !Ref AWS::NoValue]",
            {"Fn::If": ["IsProd", 60, {"Ref": "AWS::NoValue"}]},
        ),
        ("!ImportValue shared-queue-arn", {"Fn::ImportValue": "shared-queue-arn"}),
        ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
        ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
        ("!FindInMap [Stages, !Ref Stage, Timeout]", {"Fn::FindInMap": ["Stages", REF, "Timeout"]}),
        ("!Base64 hello", {"Fn::Base64": "hello"}),
        ("!Cidr [10.0.0.0/16, 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
        ("!GetAZs us-east-1", {"Fn::GetAZs": "us-east-1"}),
        ("!Condition IsProd", {"Condition": "IsProd"}),
        ("{'Fn::GetAtt': Queue.Arn}", {"Fn::GetAtt": "Queue.Arn"}),  # long form kept as written
        ("{'Fn::Sub': 'x'}", {"Fn::Sub": "x"}),
        ("{Ref: Queue}", {"Ref": "Queue"}),
    ],
)
def test_intrinsic_short_and_long_forms(source, expected):
    assert load_yaml(f"Value: {source}\n").root["Value"] == expected


def test_short_form_keeps_the_position_of_the_tagged_value():
    value = load_yaml("Queue: !GetAtt Orders.Arn\n").root["Queue"]
    assert isinstance(value, Map)
    assert value.pos == (1, 8, 1, 26)
    assert value["Fn::GetAtt"].pos == (1, 8, 1, 26)


# ------------------------------------------------------------------------------ scalars


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("30", 30),
        ("-5", -5),
        ("0x1F", 31),
        ("0o17", 15),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("'30'", "30"),
        ('"30"', "30"),
        ("'true'", "true"),
        ("yes", "yes"),  # YAML 1.2: not a boolean
        ("1.2.3", "1.2.3"),
        ("2024-01-01", "2024-01-01"),  # no timestamp objects
        ("!!str 30", "30"),
        ("!!int '30'", 30),
        ("!!float '2'", 2),
        ("!!bool 'true'", True),
    ],
)
def test_scalar_resolution(source, expected):
    value = load_yaml(f"Value: {source}\n").root["Value"]
    assert value == expected and type(value) is type(expected)


def test_special_floats():
    root = load_yaml("a: .inf\nb: -.Inf\nc: .nan\n").root
    assert root["a"] == float("inf") and root["b"] == float("-inf")
    assert root["c"] != root["c"]


# ------------------------------------------------------------------------------- safety


@pytest.mark.parametrize(
    "source",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/object:builtins.dict {{a: 1}}",
    ],
)
def test_python_tags_never_construct_anything(tmp_path, source):
    marker = tmp_path / "pwned"
    root = load_yaml("Value: " + source.format(marker=marker) + "\n").root
    assert not marker.exists()
    assert all(type(value) in (str, Map, Seq) for value in root.values())


def test_unknown_local_tags_are_treated_as_unknown_intrinsics_not_objects():
    assert load_yaml("a: !Custom x\n").root["a"] == {"Fn::Custom": "x"}


# --------------------------------------------------------------------------- duplicates


def test_duplicate_key_reports_both_lines_and_keeps_the_later_value():
    document = load_yaml("Resources:\n  Q:\n    Type: A\n    Type: B\n")
    assert document.root["Resources"]["Q"]["Type"] == "B"
    (problem,) = document.problems
    assert problem.pos[:2] == (4, 5)
    assert "first defined on line 3" in problem.message and "'Type'" in problem.message


def test_duplicate_key_in_json_is_reported_too():
    document = load_json('{"a": 1,\n "a": 2}')
    assert document.root["a"] == 2
    (problem,) = document.problems
    assert problem.pos[:2] == (2, 2) and "line 1" in problem.message


# ------------------------------------------------------------------------------- bounds


def test_nesting_depth_is_bounded_in_yaml_and_json():
    deep = "[" * (loader.MAX_DEPTH + 1) + "]" * (loader.MAX_DEPTH + 1)
    assert "nesting deeper than" in parse_error(load_yaml, deep).message
    assert "nesting deeper than" in parse_error(load_json, deep).message
    shallow = "[" * loader.MAX_DEPTH + "]" * loader.MAX_DEPTH
    assert load_yaml(shallow).root is not None


def test_json_nested_beyond_the_interpreter_stack_is_a_parse_error():
    error = parse_error(load_json, "[" * 100_000 + "]" * 100_000)
    assert "nesting deeper than" in error.message


def test_billion_laughs_is_stopped_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 10):
        previous, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    start = time.perf_counter()
    error = parse_error(load_yaml, "\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1
    assert "after expanding aliases" in error.message


def test_aliases_within_the_bound_are_shared():
    root = load_yaml("base: &tags [a, b]\nother: *tags\n").root
    assert root["other"] == ["a", "b"]
    assert root.val_pos["other"] == (2, 8, 2, 13)  # where the alias is written


def test_recursive_and_unknown_aliases_are_errors():
    recursive = parse_error(load_yaml, "a: &x [1, *x]\n")
    assert "refers to itself" in recursive.message and recursive.line == 1
    unknown = parse_error(load_yaml, "a: 1\nb: *nowhere\n")
    assert "unknown alias" in unknown.message and (unknown.line, unknown.column) == (2, 4)


def test_several_documents_are_an_error_at_the_second():
    error = parse_error(load_yaml, "a: 1\n---\nb: 2\n")
    assert "several" in error.message and error.line == 2


def test_complex_keys_are_an_error():
    assert "key must be a scalar" in parse_error(load_yaml, "? [a]\n: b\n").message


# --------------------------------------------------------------------------------- JSON


def test_json_tabs_are_whitespace_and_keep_positions():
    root = load_json('{\n\t"Resources": {\n\t\t"Q": {"Type": "AWS::SQS::Queue"}\n\t}\n}\n').root
    assert root["Resources"]["Q"]["Type"] == "AWS::SQS::Queue"
    assert root["Resources"].key_pos["Q"] == (3, 3, 3, 6)


def test_json_surrogate_escapes_decode_and_keep_positions():
    text = '{"a": "\\ud83d\\ude00 ok", "b": "\\ud83d", "c": 1}'
    root = load_json(text).root
    assert root["a"] == "\U0001f600 ok"
    assert root["b"] == "\ufffd"  # a lone surrogate cannot be printed: replaced
    column = text.index("1}") + 1
    assert root.val_pos["c"] == (1, column, 1, column + 1)


def test_json_line_separators_inside_strings_do_not_shift_lines():
    root = load_json('{"a": "x\u2028y\x85z",\n "b": 1}').root
    assert root["a"] == "x\u2028y\x85z"
    assert root.key_pos["b"][:2] == (2, 2)


def test_invalid_json_reports_the_message_and_position():
    error = parse_error(load_json, '{\n  "a": 1\n  "b": 2\n}')
    assert error.message == "invalid JSON: Expecting ',' delimiter"
    assert (error.line, error.column) == (3, 3)


@pytest.mark.parametrize(
    ("text", "kind", "line", "column"),
    [
        ('{"a": [1, 2,]}', "array", 1, 12),
        ('{"a": [1, 2, ]}', "array", 1, 12),
        ('{"a": 1,}', "object", 1, 8),
        ('{\n  "a": {"b": 1},\n  }', "object", 2, 16),
    ],
)
def test_json_trailing_comma_is_rejected_at_the_comma(text, kind, line, column):
    """One message and position on every Python (3.13 words it so; older ones did not)."""
    error = parse_error(load_json, text)
    assert error.message == f"invalid JSON: Illegal trailing comma before end of {kind}"
    assert (error.line, error.column) == (line, column)


def test_other_json_errors_keep_the_json_module_message():
    error = parse_error(load_json, '{"a": }')
    assert (error.message, error.line, error.column) == ("invalid JSON: Expecting value", 1, 7)


def test_json_key_too_long_for_libyaml_still_loads_without_positions():
    key = "k" * 2000
    root = load_json('{"' + key + '": {"a": 1}}').root
    assert root[key] == {"a": 1}


# ------------------------------------------------------------------------------- errors


def test_yaml_error_has_line_and_column():
    error = parse_error(load_yaml, "Resources:\n  Q:\n    Type: a\n   bad: [\n")
    assert error.line >= 4 and error.column >= 1
    assert "\n" not in error.message


@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
def test_error_at_end_of_file_is_placed_inside_the_file(ending):
    error = parse_error(load_yaml, "a: 1\nb: [1, 2" + ending)
    assert (error.line, error.column) == (2, 9)


def test_json_error_at_end_of_file_is_placed_inside_the_file():
    error = parse_error(load_json, '{\n  "a": [1,\n')
    assert (error.line, error.column) == (2, 11)


def test_control_character_is_reported_where_it_is():
    error = parse_error(load_yaml, "é: ééé\nb: x\x01\n")
    assert (error.line, error.column) == (2, 5)
    assert error.message == "unacceptable character #x0001: control characters are not allowed"


def test_lone_surrogate_in_editor_text_is_a_parse_error():
    error = parse_error(load_yaml, 'a: 1\nb: "x\ud83d"\n')
    assert (error.line, error.column) == (2, 6)


def test_empty_document_has_no_root():
    assert load_yaml("").root is None
    assert load_yaml("# only a comment\n").root is None
