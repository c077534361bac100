"""Rule pages: generated from the rule classes, current in ``rules/``, examples that run."""

from __future__ import annotations

import re

import pytest
from helpers import REPO, codes, lint, write_project

from invokelint.rules import all_rules
from invokelint.rules.docs import REQUIRED_SECTIONS, read_examples, render_page, with_rules_table

PAGES = REPO / "rules"
RULE_CATALOG_ID = re.compile(r"^IL\d{3}$")
RULE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_metadata_is_well_formed(rule):
    assert RULE_CATALOG_ID.match(rule.id)
    assert RULE_NAME.match(rule.name)
    assert rule.summary.endswith(".") and "\n" not in rule.summary
    description = rule.description()
    positions = [description.find(section) for section in REQUIRED_SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.id} docstring lacks {REQUIRED_SECTIONS}"
    assert positions == sorted(positions)


def test_ids_and_names_are_unique():
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_committed_page_is_current(rule):
    page = PAGES / f"{rule.id}.md"
    assert page.is_file(), f"run: python -m invokelint.rules.docs rules/ ({page} is missing)"
    assert page.read_text(encoding="utf-8") == render_page(rule), (
        f"{page} is stale; run: python -m invokelint.rules.docs rules/"
    )


def test_no_page_without_a_rule():
    ids = {rule.id for rule in all_rules()}
    orphans = [p.name for p in PAGES.glob("IL*.md") if p.stem not in ids]
    assert not orphans


PAGE_CASES = [
    pytest.param(rule, example, id=f"{rule.id}-{'bad' if example.bad else 'good'}-{index}")
    for rule in all_rules()
    if (PAGES / f"{rule.id}.md").is_file()
    for index, example in enumerate(
        read_examples((PAGES / f"{rule.id}.md").read_text(encoding="utf-8"))
    )
]


@pytest.mark.parametrize(("rule", "example"), PAGE_CASES)
def test_page_example_runs(rule, example, tmp_path):
    """The examples are read back from the Markdown a user reads, not from the class."""
    write_project(tmp_path, example.files)
    found = codes(lint(tmp_path, select=[rule.id]))
    assert (rule.id in found) is example.bad, example.note


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_page_shows_every_example(rule):
    examples = read_examples(render_page(rule))
    assert len(examples) == len(rule.examples)
    assert [e.bad for e in examples] == [e.bad for e in rule.examples]


def test_readme_rules_table_is_current():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme == with_rules_table(readme), "run: python -m invokelint.rules.docs"
    for rule in all_rules():
        assert f"[{rule.id}](rules/{rule.id}.md)" in readme
