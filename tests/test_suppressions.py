"""Inline ``# invokelint: ignore[...]`` comments and resource ``Metadata`` ignores."""

from __future__ import annotations

import json

import pytest
from helpers import codes, lint, sqs_consumer, write_project

from invokelint.suppressions import inline_suppressions

# IL102 on the queue's first line (3), IL103 (an error) on its VisibilityTimeout (6).


def remaining(
    tmp_path, *, resource_comment: str = "", property_comment: str = "", metadata: str = ""
) -> list[str]:
    text = sqs_consumer(
        20,
        queue_comment=resource_comment,
        queue_metadata=metadata,
        visibility_comment=property_comment,
    )
    write_project(tmp_path, {"template.yaml": text})
    return sorted(codes(lint(tmp_path, select=["IL102", "IL103"])))


def test_without_suppressions_both_are_reported(tmp_path):
    assert remaining(tmp_path) == ["IL102", "IL103"]


@pytest.mark.parametrize(
    "comment",
    [
        "  # invokelint: ignore[IL103]",
        "  #invokelint:ignore[il103]",
        "  # invokelint: ignore[sqs-visibility-timeout]",
        "  # visibility is raised by the pipeline  # invokelint: ignore[IL103]",
    ],
)
def test_comment_on_the_reported_line(tmp_path, comment):
    assert remaining(tmp_path, property_comment=comment) == ["IL102"]


def test_comment_on_the_resource_first_line_covers_its_diagnostics(tmp_path):
    assert remaining(tmp_path, resource_comment="  # invokelint: ignore[IL103]") == ["IL102"]


def test_several_rules_in_one_comment(tmp_path):
    comment = "  # invokelint: ignore[IL102, sqs-visibility-timeout]"
    assert remaining(tmp_path, resource_comment=comment) == []


def test_comment_for_another_rule_does_not_suppress(tmp_path):
    assert remaining(tmp_path, property_comment="  # invokelint: ignore[IL104]") == [
        "IL102",
        "IL103",
    ]


def test_comment_on_the_property_line_does_not_cover_the_resource_line(tmp_path):
    """IL102 is reported on the resource's line; a comment further down is not there."""
    assert remaining(tmp_path, property_comment="  # invokelint: ignore[IL102]") == [
        "IL102",
        "IL103",
    ]


@pytest.mark.parametrize(
    "comment",
    ["  # invokelint: ignore", "  # invokelint: ignore[]", "  # noqa: IL103"],
)
def test_there_is_no_ignore_everything_form(tmp_path, comment):
    assert remaining(tmp_path, property_comment=comment) == ["IL102", "IL103"]


@pytest.mark.parametrize(
    "ignore",
    ["[IL103]", "[il103]", "[sqs-visibility-timeout]", "IL103"],
)
def test_resource_metadata(tmp_path, ignore):
    metadata = f"\n    Metadata:\n      invokelint:\n        ignore: {ignore}"
    assert remaining(tmp_path, metadata=metadata) == ["IL102"]


def test_resource_metadata_for_another_rule_does_not_suppress(tmp_path):
    metadata = "\n    Metadata:\n      invokelint:\n        ignore: [IL104]"
    assert remaining(tmp_path, metadata=metadata) == ["IL102", "IL103"]


def test_suppressed_diagnostics_are_counted(tmp_path):
    write_project(
        tmp_path,
        {"template.yaml": sqs_consumer(20, queue_comment="  # invokelint: ignore[IL102, IL103]")},
    )
    result = lint(tmp_path, select=["IL102", "IL103"])
    assert result.diagnostics == [] and result.statistics["suppressed"] == 2


def test_inline_suppressions_by_line():
    text = "a: 1\nb: 2  # invokelint: ignore[IL101, il-name] # invokelint: ignore[IL2]\n"
    assert inline_suppressions(text, {"il-name": "IL999"}) == {
        2: frozenset({"IL101", "IL999", "IL2"})
    }
    assert inline_suppressions("a: 1\n", {}) == {}


def test_comment_on_another_resource_does_not_suppress(tmp_path):
    text = sqs_consumer(20).replace(
        "  Worker:\n", "  Worker:  # invokelint: ignore[IL102, IL103]\n"
    )
    write_project(tmp_path, {"template.yaml": text})
    assert sorted(codes(lint(tmp_path, select=["IL102", "IL103"]))) == ["IL102", "IL103"]


def test_metadata_of_another_resource_does_not_suppress(tmp_path):
    text = sqs_consumer(20).replace(
        "    Type: AWS::Serverless::Function\n",
        "    Type: AWS::Serverless::Function\n    Metadata: {invokelint: {ignore: [IL103]}}\n",
    )
    write_project(tmp_path, {"template.yaml": text})
    assert sorted(codes(lint(tmp_path, select=["IL102", "IL103"]))) == ["IL102", "IL103"]


def test_resource_metadata_in_a_json_template(tmp_path):
    """JSON has no comments: metadata is how a JSON template suppresses."""
    resources = {
        "Orders": {
            "Type": "AWS::SQS::Queue",
            "Metadata": {"invokelint": {"ignore": ["IL103"]}},
            "Properties": {"VisibilityTimeout": 20},
        },
        "Worker": {
            "Type": "AWS::Lambda::Function",
            "Properties": {"Handler": "index.handler", "Timeout": 30, "Code": {"ZipFile": "x"}},
        },
        "Mapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "FunctionName": {"Ref": "Worker"},
                "EventSourceArn": {"Fn::GetAtt": ["Orders", "Arn"]},
            },
        },
    }
    write_project(tmp_path, {"stack.json": json.dumps({"Resources": resources}, indent=2)})
    assert codes(lint(tmp_path, select=["IL103"])) == []
    del resources["Orders"]["Metadata"]
    write_project(tmp_path, {"stack.json": json.dumps({"Resources": resources}, indent=2)})
    assert codes(lint(tmp_path, select=["IL103"])) == ["IL103"]


# -- linear time: a 1 MiB comment line took minutes with a backtracking pattern


def test_a_one_mebibyte_comment_line_is_read_in_linear_time(tmp_path):
    hostile = "#invokelint:ignore[" * (1024 * 1024 // len("#invokelint:ignore["))
    text = sqs_consumer(20, queue_comment=f"  # invokelint: ignore[IL102] {hostile}")
    write_project(tmp_path, {"template.yaml": text})
    from helpers import run_cli_bounded

    result = run_cli_bounded("check", "--select", "IL102,IL103", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert " IL103 " in result.stdout  # the file was linted ...
    assert " IL102 " not in result.stdout  # ... and the comment before the noise counts


def test_the_comment_scanner_agrees_with_the_documented_pattern():
    """``#``, spaces, ``invokelint:``, spaces, ``ignore[``, anything but ``]``, ``]``:
    the scanner finds what that pattern finds, on every line of a random sample."""
    import random
    import re

    from invokelint.suppressions import ignore_comments

    pattern = re.compile(r"#\s*invokelint:\s*ignore\[([^\]]*)\]")
    pieces = ["#", " ", "\t", "invokelint:", "ignore[", "]", "IL101", ",", "x", "["]
    generator = random.Random(16)
    for _ in range(20_000):
        line = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 12)))
        expected = [(m.start(), m.end(), m.group(1)) for m in pattern.finditer(line)]
        assert [(c.start, c.end, c.listed) for c in ignore_comments(line)] == expected, line
