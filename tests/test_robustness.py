"""Odd but loadable templates never crash the frontend or a rule.

A half-written template (``Properties:`` left empty, a list where a mapping belongs, an
intrinsic where a literal is expected) is normal in an editor. Such a file must lint
quietly, not end the run with an internal error. The systematic test below replaces, in
every fixture template, each resource's properties and each of its top-level property
values with values of the wrong shape, and runs the frontend and every rule on the result.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO, lint, write_project

from invokelint.frontends.cloudformation import build_model, is_template
from invokelint.frontends.loader import ParseError, load_json, load_yaml
from invokelint.frontends.positioned import Map, Seq
from invokelint.rules import all_rules

TEMPLATES = sorted(
    path
    for path in [*(REPO / "fixtures").glob("*/*"), REPO / "examples" / "template.yaml"]
    if path.suffix in (".yaml", ".yml", ".json") and path.is_file()
)


def _wrong_shapes() -> list[object]:
    seq = Seq()
    seq.extend([1, "x"])
    seq.item_pos = [(1, 1, 1, 2)] * 2
    intrinsic = Map()
    intrinsic["Fn::If"] = "not a list"
    parameter = Map()
    parameter["Ref"] = "SomeParameter"
    return [None, 7, "text", seq, intrinsic, parameter]


WRONG_SHAPES = _wrong_shapes()


def _load(path: Path) -> Map | None:
    text = path.read_text(encoding="utf-8")
    try:
        root = (load_json if path.suffix == ".json" else load_yaml)(text).root
    except ParseError:
        return None
    return root if is_template(root) else None


def _variants(root: Map) -> Iterator[str]:
    """Misshape one resource's properties (or one property) at a time, in place.

    Each variant is undone before the next (copying the tree each time is slower than
    linting it); the frontend never mutates the loaded tree.
    """
    for logical_id, body in root["Resources"].items():
        if not isinstance(body, Map):
            continue
        properties = body.get("Properties", _ABSENT)
        for value in WRONG_SHAPES:
            body["Properties"] = value
            yield f"{logical_id}.Properties={value!r}"
        _restore(body, "Properties", properties)
        if not isinstance(properties, Map):
            continue
        for key, original in list(properties.items()):
            for value in WRONG_SHAPES:
                properties[key] = value
                yield f"{logical_id}.{key}={value!r}"
            properties[key] = original


_ABSENT = object()


def _restore(mapping: Map, key: str, value: object) -> None:
    if value is _ABSENT:
        del mapping[key]
    else:
        mapping[key] = value


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_misshapen_properties_never_crash(path):
    root = _load(path)
    if root is None:
        pytest.skip("not a loadable template")
    rules = [rule() for rule in all_rules()]
    for where in _variants(root):
        try:
            model = build_model(root, path.name, str(path.parent))
            for rule in rules:
                list(rule.check(model))
        except Exception as error:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"{path.name}: {where}: {error!r}") from error


def test_empty_properties_of_a_function_referenced_by_its_sam_alias(tmp_path):
    write_project(
        tmp_path,
        {
            "template.yaml": (
                "Transform: AWS::Serverless-2016-10-31\n"
                "Resources:\n"
                "  Fn:\n"
                "    Type: AWS::Serverless::Function\n"
                "    Properties:\n"
                "  Mapping:\n"
                "    Type: AWS::Lambda::EventSourceMapping\n"
                "    Properties:\n"
                "      FunctionName: !Ref Fn.Alias\n"
                "      EventSourceArn: arn:aws:sqs:us-east-1:123456789012:orders\n"
            )
        },
    )
    result = lint(tmp_path)
    assert result.checked == ["template.yaml"] and result.failed == []
