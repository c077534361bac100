"""The event-filtering grammar (JSON Schema) and mapping pattern offsets back to the file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import REPO, lint, write_project

from invokelint.model import Location
from invokelint.rules.filter_patterns import check_pattern, scalar_position

# Patterns from the Lambda and EventBridge filtering guides and from real templates.
VALID = [
    '{"eventName": ["INSERT"]}',
    '{"body": {"color": ["red", "blue"]}}',
    '{"dynamodb": {"NewImage": {"kind": {"S": ["Event"]}}}}',
    '{"value": {"zip": [{"prefix": "2000"}]}}',
    '{"body": {"address": {"state": [{"anything-but": "GA"}]}}}',
    '{"body": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}}',
    '{"body": {"rating": [{"numeric": [">", 0, "<=", 5]}], "street": [{"exists": true}]}}',
    '{"value": {"code": [{"numeric": ["=", 300]}], "RBAC": [true]}}',
    '{"UserID": [null], "LastName": [""]}',
    '{"Name": [{"equals-ignore-case": "alice"}]}',
    '{"service": [{"prefix": {"equals-ignore-case": "eventb"}}]}',
    '{"service": [{"suffix": {"equals-ignore-case": "tBridge"}}]}',
    '{"Weather": [{"anything-but": ["Raining", "Snowing"]}], "Price": [{"anything-but": [1, 2]}]}',
    '{"Region": [{"anything-but": {"prefix": ["us-", "eu-"]}}]}',
    '{"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}',
    '{"FileName": [{"wildcard": "dir/*.png"}]}',
    '{"ProductName": [{"exists": false}]}',
    '{"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]}',
    '{"d": {"$or": [{"c": [{"numeric": [">", 0, "<=", 5]}]}, {"e": [{"numeric": ["<", 10]}]}]}}',
    '{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"PK": {"S": [{"prefix": "Message#"}]}}}}',
    '\n{\n  "body": {"kind": ["job"]}\n}\n',
]


@pytest.mark.parametrize("pattern", VALID)
def test_valid_patterns_pass(pattern):
    assert check_pattern(pattern) is None


# (pattern, what the message must say)
BREAKS_GRAMMAR = [
    ('{"body": "x"}', "pattern at body: must be an object of fields or an array of values"),
    ("{}", "pattern: must not be an empty object"),
    ('["INSERT"]', 'pattern: must be a JSON object of fields, not ["INSERT"]'),
    ('{"a": []}', "pattern at a: must not be an empty array"),
    ('{"a": [["x"]]}', "pattern at a: a value must be a string, number, true, false, null"),
    ('{"body": {"status": [{"prefix": 5}]}}', 'at body.status: "prefix" must be a string'),
    ('{"a": [{"prefix": {"x": "y"}}]}', '"prefix" as an object must be {"equals-ignore-case"'),
    ('{"a": [{"numeric": [">", "5"]}]}', '"numeric" must be ["=", n]'),
    ('{"a": [{"numeric": ["<", 5, ">", 1]}]}', '"numeric" must be'),
    ('{"a": [{"numeric": [">", 1, "<"]}]}', '"numeric" must be'),
    ('{"a": [{"exists": "true"}]}', '"exists" must be true or false, not "true"'),
    ('{"a": [{"anything-but": ["x", 1]}]}', '"anything-but" must list only strings or only'),
    (
        '{"a": [{"anything-but": {"prefix": ""}}]}',
        '"prefix" in "anything-but" must not be an empty',
    ),
    ('{"a": [{"anything-but": {"numeric": [1]}}]}', '"anything-but" as an object only takes'),
    ('{"a": [{"regex": "x"}]}', 'pattern at a: "regex" is not an operator'),
    ('{"a": [{"prefix": "x", "suffix": "y"}]}', "takes exactly one operator, found several"),
    ('{"a": [{"cidr": "10.0.0.1"}]}', '"cidr" must be an IP range'),
    ('{"$or": [{"a": ["x"]}]}', 'pattern at $or: "$or" must list at least two alternatives'),
    ('{"$or": [{"prefix": ["x"]}, {"b": ["y"]}]}', 'at $or[0]: "prefix" is an operator'),
    ('{"a": {"$or": [{"b": [1]}, {"c": {"d": 5}}]}}', "at a.$or[1].c.d: must be an object"),
    ('{"a.b": [{"suffix": 1}]}', 'pattern at "a.b": "suffix" must be a string'),
    ('{"a": ["' + "x" * 4096 + '"]}', "more than the 4096 Lambda accepts"),
]


@pytest.mark.parametrize(("pattern", "message"), BREAKS_GRAMMAR)
def test_grammar_errors_name_the_field_and_the_operator(pattern, message):
    problem = check_pattern(pattern)
    assert problem is not None
    assert message in problem.message
    assert problem.offset is None


# (pattern, what the message must say, offset of the error in the pattern)
NOT_JSON = [
    ('{"a": ["x",]}', "not valid JSON: Expecting value at character 12", 11),
    ('{"a": ["x"] "b": ["y"]}', "not valid JSON: Expecting ',' delimiter at character 13", 12),
    ("{'a': ['x']}", "not valid JSON: Expecting property name enclosed in double quotes", 1),
    ('{"a": [NaN]}', "not valid JSON: NaN is not a JSON value", 7),
    ('{\n  "a": ["x",]\n}', "not valid JSON: Expecting value at line 2 column 13", 14),
]


@pytest.mark.parametrize(("pattern", "message", "offset"), NOT_JSON)
def test_json_errors_say_where(pattern, message, offset):
    problem = check_pattern(pattern)
    assert problem is not None
    assert message in problem.message
    assert problem.offset == offset


def test_schema_is_a_valid_draft_2020_12_schema():
    from jsonschema import Draft202012Validator

    schema = REPO / "invokelint" / "rules" / "schemas" / "filter-pattern.schema.json"
    Draft202012Validator.check_schema(json.loads(schema.read_text(encoding="utf-8")))


def _written(line: int, column: int, width: int) -> Location:
    return Location("t.yaml", line, column, line, column + width)


PATTERN = '{"a": ["it\'s" "b"]}'  # the error (a missing comma) is at offset 14


@pytest.mark.parametrize(
    ("source", "expected_column"),
    [
        (PATTERN, 14 + 1),  # plain scalar (as written after "Pattern: ")
        ("'" + PATTERN.replace("'", "''") + "'", 1 + 1 + 14 + 1),  # single-quoted, '' escape
        (json.dumps(PATTERN), 1 + 1 + 14 + 4),  # double-quoted/JSON: four \" before it
    ],
    ids=["plain", "single-quoted", "double-quoted"],
)
def test_scalar_position_maps_offsets_through_quoting(source, expected_column):
    offset = check_pattern(PATTERN).offset
    assert offset == 14
    assert scalar_position(PATTERN, _written(7, 1, len(source)), offset) == (7, expected_column)
    # the character the offset names, or the backslash that starts its escape
    assert source[expected_column - 1 :].lstrip("\\").startswith('"b')


def test_scalar_position_gives_up_when_unsure():
    text = '{"a": 1}'
    # a block scalar spans lines
    assert scalar_position(text, Location("t", 3, 5, 5, 1), 2) is None
    # an unusual escape (\/ or \u0041) makes the source longer than any known encoding
    assert scalar_position(text, _written(3, 5, len(text) + 9), 2) is None
    # an offset outside the text
    assert scalar_position(text, _written(3, 5, len(text)), len(text) + 1) is None


def test_json_template_error_points_inside_the_escaped_pattern(tmp_path):
    pattern = '{"body": {"kind": ["job"] "size": [1]}}'
    line = '          {"Pattern": ' + json.dumps(pattern) + "}"
    template = (
        '{"Resources": {\n'
        '  "Jobs": {"Type": "AWS::SQS::Queue"},\n'
        '  "Map": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {\n'
        '    "FunctionName": "worker",\n'
        '    "EventSourceArn": {"Fn::GetAtt": ["Jobs", "Arn"]},\n'
        '    "FilterCriteria": {"Filters": [\n' + line + "\n"
        "    ]}}}\n"
        "}}\n"
    )
    write_project(tmp_path, {"template.json": template})
    [found] = lint(tmp_path, select=["IL111"]).diagnostics
    assert found.location.line == 7
    assert line[found.location.column - 1 :].startswith('\\"size\\"')


def test_filter_quota_is_an_option(tmp_path):
    filters = "\n".join(f'            - Pattern: \'{{"body": {{"n": [{n}]}}}}\'' for n in range(7))
    template = (
        "Resources:\n"
        "  Jobs:\n"
        "    Type: AWS::SQS::Queue\n"
        "  Map:\n"
        "    Type: AWS::Lambda::EventSourceMapping\n"
        "    Properties:\n"
        "      FunctionName: worker\n"
        "      EventSourceArn: !GetAtt Jobs.Arn\n"
        "      FilterCriteria:\n"
        "        Filters:\n" + filters + "\n"
    )
    write_project(tmp_path, {"template.yaml": template})
    [warning] = lint(tmp_path, select=["IL111"]).diagnostics
    assert "has 7 filters, more than the 5" in warning.message
    assert warning.location.line == 16  # the sixth filter, the first over the quota
    raised = lint(tmp_path, select=["IL111"], rule_options={"IL111": {"max-filters": 10}})
    assert raised.diagnostics == []


def test_jsonschema_is_only_imported_for_templates_with_filters():
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from invokelint.engine import Linter\n"
        "Linter().lint([Path(sys.argv[1])])\n"
        "print('jsonschema' in sys.modules)\n"
    )

    def imports_jsonschema(fixture: str) -> bool:
        run = subprocess.run(
            [sys.executable, "-c", code, str(REPO / "fixtures" / fixture)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout.strip() == "True"

    assert not imports_jsonschema("sam/IL108-stream-default-retries.fail.yaml")
    assert imports_jsonschema("sam/IL111-valid-patterns.pass.yaml")
