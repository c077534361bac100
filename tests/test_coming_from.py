"""docs/coming-from.md and the rule pages: which rules of other linters meet ours."""

from __future__ import annotations

import re

import pytest
import yaml
from helpers import REPO

from invokelint.rules import all_rules, get_rule
from invokelint.rules.docs import render_page, with_counterparts_table

PAGE = REPO / "docs" / "coming-from.md"
TEXT = PAGE.read_text(encoding="utf-8")

# The pairs users of cfn-lint, cfn-lint-serverless and checkov ask about.
PAIRS = [
    ("E3505", "IL103", "overlaps"),
    ("CKV_AWS_116", "IL101", "contradicts"),
    ("CKV_AWS_116", "IL203", "contradicts"),
    ("ES1001", "IL109", "overlaps"),
    ("ES1001", "IL110", "contradicts"),
    ("ES6000", "IL102", "overlaps"),
    ("ES1007", "IL201", "overlaps"),
    ("ES4000", "IL208", "overlaps"),
    ("ES7000", "IL207", "overlaps"),
]


def test_the_table_is_generated_from_the_rules():
    assert with_counterparts_table(TEXT) == TEXT, (
        "docs/coming-from.md is stale; run: python -m invokelint.rules.docs"
    )


@pytest.mark.parametrize(("theirs", "ours", "relation"), PAIRS)
def test_each_pair_is_in_the_table_and_on_the_rule_page(theirs, ours, relation):
    rule = get_rule(ours)
    assert rule is not None
    assert re.search(rf"^\| [\w-]+ \| {theirs} \| \[{ours}\]\(.*?\| {relation} \|", TEXT, re.M)
    page = render_page(rule)
    assert "## Counterparts in other linters" in page and f"**{theirs}** ({relation})" in page


def test_every_counterpart_is_well_formed():
    for rule in all_rules():
        for counterpart in rule.counterparts:
            assert counterpart.tool in ("cfn-lint", "cfn-lint-serverless", "checkov")
            assert counterpart.relation in ("overlaps", "contradicts")
            assert counterpart.note.endswith(".") and rule.id in counterpart.note


def test_the_checkov_skip_example_is_valid_yaml():
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", TEXT, re.S) if "checkov" in b]
    (worker,) = yaml.safe_load(block).values()
    (skip,) = worker["Metadata"]["checkov"]["skip"]
    assert skip["id"] == "CKV_AWS_116" and "IL101" in skip["comment"]
