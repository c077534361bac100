"""Re-parsing only the edited resource gives what a full parse gives, positions included,
and falls back to the full parse wherever the resource could read differently alone."""

from __future__ import annotations

import random
from typing import Any

import pytest

from invokelint.frontends.loader import ParseError, load_yaml
from invokelint.frontends.positioned import Map, Seq
from invokelint.frontends.reparse import reparse

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Stage:\n    Type: String\n"
# Lines an editor might type: keys at every depth, flow and block collections, a block
# scalar, short forms, comments, a new resource, and things that break the structure.
SNIPPETS = [
    "      VisibilityTimeout: 180\n",
    "  NewQueue:\n    Type: AWS::SQS::Queue\n",
    "\n",
    "# a comment\n",
    "    Properties: {a: 1}\n",
    "        - x\n",
    "      Bar: [1, 2,\n        3]\n",
    "      Text: |\n        hello\n\n",
    "      Ref: !GetAtt Queue1.Arn\n",
    "      Description: héllo wörld ✓ 😀\n",
    "      Script: >\n        folded 😀\n          more  \n\n",
    "  Queue1:\n",
    "Outputs:\n",
    "      Anchored: &a 1\n",
    "---\n",
    "x",
    ":",
    "'",
    " ",
]


def template(resources: int, outputs: bool) -> str:
    parts = [HEAD, "Resources:\n"]
    for i in range(resources):
        parts.append(
            f"  Queue{i}:\n"
            f"    Type: AWS::SQS::Queue\n"
            f"    Properties:\n"
            f"      QueueName: !Sub '${{AWS::StackName}}-{i}'\n"
            f"      RedrivePolicy:\n"
            f"        deadLetterTargetArn: !GetAtt Dead{i}.Arn\n"
            f"      Tags:\n"
            f"        - Key: team\n"
            f"          Value: orders\n"
        )
    if outputs:
        parts.append("Outputs:\n  First:\n    Value: !Ref Queue0\n")
    return "".join(parts)


def same(a: Any, b: Any, where: str = "$") -> None:
    """Equal values, key order and every position."""
    assert type(a) is type(b), where
    if isinstance(a, Map):
        assert list(a) == list(b), where
        assert (a.pos, a.key_pos, a.val_pos) == (b.pos, b.key_pos, b.val_pos), where
        for key in a:
            same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, Seq):
        assert (len(a), a.pos, a.item_pos) == (len(b), b.pos, b.item_pos), where
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{index}]")
    else:
        assert a == b, where


def edited(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    index = rng.randrange(len(lines) + 1)
    choice = rng.random()
    if choice < 0.4 or index == len(lines):
        lines.insert(index, rng.choice(SNIPPETS))
    elif choice < 0.6:
        del lines[index]
    else:
        line = lines[index]
        at = rng.randrange(len(line))
        lines[index] = (
            line[:at] + (rng.choice(SNIPPETS) if rng.random() < 0.5 else "") + line[at + 1 :]
        )
    return "".join(lines)


@pytest.mark.parametrize("crlf", [False, True])
def test_random_edits_read_as_a_full_parse_reads_them(crlf: bool):
    rng = random.Random(11)
    spliced = 0
    for _ in range(60):
        text = template(rng.choice([1, 3, 6]), outputs=rng.random() < 0.7)
        if crlf:
            text = text.replace("\n", "\r\n")
        document = load_yaml(text)
        for _ in range(8):
            new = edited(rng, text)
            if crlf:
                new = new.replace("\r\n", "\n").replace("\n", "\r\n")
            try:
                full = load_yaml(new)
            except ParseError:
                assert reparse(text, document, new) is None
                continue
            partial = reparse(text, document, new)
            if partial is not None:
                spliced += 1
                assert not full.problems
                same(partial.root, full.root)
            text, document = new, partial or full
    assert spliced >= 60  # the edits inside one resource were re-parsed in part


def test_an_edit_inside_a_resource_parses_that_resource_alone(monkeypatch):
    import invokelint.frontends.reparse as module

    text = template(50, outputs=True)
    new = text.replace(
        "  Queue7:\n    Type: AWS::SQS::Queue\n", "  Queue7:\n    Type: X\n    A: 1\n"
    )
    parsed: list[str] = []
    monkeypatch.setattr(module, "load_yaml", lambda t: parsed.append(t) or load_yaml(t))
    document = reparse(text, load_yaml(text), new)
    assert document is not None
    [entry] = parsed
    assert entry.lstrip("\n").startswith("  Queue7:\n") and entry.count("Type:") == 1
    same(document.root, load_yaml(new).root)


TWO = "Resources:\n  A:\n    Type: X\n  B:\n    Type: Y\n"


@pytest.mark.parametrize(
    "old, new",
    [
        # an anchor in the resource that another one's alias repeats
        (TWO.replace("X", "&t X").replace("Y", "*t"), TWO.replace("X", "&t Z").replace("Y", "*t")),
        # a line typed less indented than the resource's key ends the Resources mapping
        (TWO, TWO.replace("X\n", "X\nB: 1\n")),
        # a duplicate of another resource: the full parse reports it
        (TWO, TWO.replace("  A:", "  B:")),
        # outside Resources
        ("Parameters: {}\n" + TWO, "Parameters: {x: 1}\n" + TWO),
        # flow style
        (
            "Resources: {A: {Type: X},\n  B: {Type: Y}}\n",
            "Resources: {A: {Type: Z},\n  B: {Type: Y}}\n",
        ),
    ],
)
def test_falls_back_where_the_resource_could_read_differently_alone(old: str, new: str):
    assert reparse(old, load_yaml(old), new) is None
