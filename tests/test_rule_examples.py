"""Every example a rule declares behaves as its page says: bad ones fire, good ones do not."""

from __future__ import annotations

import pytest
from helpers import codes, lint, write_project

from invokelint.rules import all_rules

CASES = [
    pytest.param(rule, example, id=f"{rule.id}-{'bad' if example.bad else 'good'}-{index}")
    for rule in all_rules()
    for index, example in enumerate(rule.examples)
]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_example(rule, example, tmp_path):
    write_project(tmp_path, example.files)
    found = codes(lint(tmp_path, select=[rule.id]))
    if example.bad:
        assert rule.id in found, f"{rule.id} should fire on: {example.note}"
    else:
        assert rule.id not in found, f"{rule.id} should stay silent on: {example.note}"


# IL000 (internal-error) has no failing example: an input that triggers it is a bug to fix.
# test_isolation.py injects a fault instead.
WITHOUT_REPRODUCER = {"IL000"}


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_every_rule_has_bad_and_good_examples(rule):
    if rule.id not in WITHOUT_REPRODUCER:
        assert any(e.bad for e in rule.examples), f"{rule.id} has no failing example"
    assert any(not e.bad for e in rule.examples), f"{rule.id} has no passing example"
