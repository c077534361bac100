"""Each rule's declared inputs (``Rule.inputs``, shown on its page) are the inputs it fires on.

The claim is tied to the fixtures both ways: every declared input has a failing fixture of
that input for the rule, and a failing fixture of an input the rule does not declare fails
here; every declared input also has a passing fixture, something the rule must stay
silent on. A fixture's input is its folder (``fixtures/cfn``, ``sam``, ``terraform``,
``serverless``, ``cdk``); a project under ``fixtures/handlers`` is the input of its
template; a rule's own bad examples count by their file names. Python handler code is
declared by the rules that read code facts (``uses_code``) or pin a finding in a ``.py``
file. CDK follows CloudFormation: a cloud assembly's templates are CloudFormation read by
the unchanged frontend, so ``cdk`` is declared exactly with ``cloudformation``, and a
``fixtures/cdk`` fixture that fires a rule must find ``cdk`` declared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_fixtures import EXPECT, _fixtures
from test_rule_examples import WITHOUT_REPRODUCER

from invokelint.rules import all_rules
from invokelint.rules.base import INPUTS, Example

FOLDERS = {
    "cfn": "cloudformation",
    "sam": "sam",
    "terraform": "terraform",
    "serverless": "serverless",
    "cdk": "cdk",
}
SERVICE_FILES = ("serverless.yml", "serverless.yaml")


def template_input(files: dict[str, str]) -> str:
    """The input a project is, from its file names (and SAM's transform)."""
    names = {Path(name).name for name in files}
    if names & set(SERVICE_FILES):
        return "serverless"
    if "manifest.json" in names:
        return "cdk"
    if any(name.endswith((".tf", ".tf.json")) for name in names):
        return "terraform"
    templates = (text for name, text in files.items() if name.endswith((".yaml", ".yml", ".json")))
    return "sam" if any("AWS::Serverless" in text for text in templates) else "cloudformation"


def fixture_input(path: Path) -> str:
    if path.parent.name in FOLDERS:
        return FOLDERS[path.parent.name]
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    return template_input({str(p): p.read_text(encoding="utf-8") for p in files})


def pins_handler_code(path: Path, code: str) -> bool:
    """A ``# expect: <code>`` pin in a ``.py`` file of the fixture."""
    if not path.is_dir():
        return False
    for file in path.rglob("*.py"):
        for line in file.read_text(encoding="utf-8").splitlines():
            match = EXPECT.search(line)
            if match and code in match.group(1):
                return True
    return False


def example_input(example: Example) -> str:
    return template_input(dict(example.files))


def fired_inputs(rule) -> set[str]:
    """The inputs a rule's failing fixtures and bad examples show it firing on."""
    failing = [path for code, fails, path in _fixtures() if fails and code == rule.id]
    fired = {fixture_input(path) for path in failing}
    fired |= {example_input(example) for example in rule.examples if example.bad}
    if "cloudformation" in fired:
        fired.add("cdk")  # the same templates, synthesized by CDK
    if rule.uses_code or any(pins_handler_code(path, rule.id) for path in failing):
        fired.add("handler")
    return fired


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_declared_inputs_are_known_and_listed_once(rule):
    assert rule.inputs, f"{rule.id} declares no inputs"
    assert len(set(rule.inputs)) == len(rule.inputs)
    assert set(rule.inputs) <= set(INPUTS), set(rule.inputs) - set(INPUTS)
    assert ("cdk" in rule.inputs) == ("cloudformation" in rule.inputs)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_declared_inputs_are_the_inputs_fixtures_fire_on(rule):
    declared = set(rule.inputs)
    if rule.id in WITHOUT_REPRODUCER:  # an internal error can happen on any input
        assert declared == set(INPUTS)
        return
    fired = fired_inputs(rule)
    missing = declared - fired
    assert not missing, f"{rule.id} declares {sorted(missing)} but nothing of it fires the rule"
    undeclared = fired - declared
    assert not undeclared, f"{rule.id} fires on {sorted(undeclared)}, not in its inputs"


def test_inputs_are_told_apart_by_path():
    """The classification the tie rests on: a wrong guess would hide a missing fixture."""
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    by_path = {path.name: fixture_input(path) for _, _, path in _fixtures()}
    assert by_path["IL101-onerror-on-queue-consumer.fail.yml"] == "serverless"
    assert by_path["IL402-batch-failures-not-reported.fail"] == "serverless"
    assert by_path["IL101-function-dlq-on-sqs-consumer.fail.tf"] == "terraform"
    assert fixture_input(fixtures / "handlers" / "IL403-log-and-continue.fail") == "sam"
    assert fixture_input(fixtures / "handlers" / "IL405-header-form.fail") == "cloudformation"
    assert template_input({"app/cdk.out/manifest.json": "{}"}) == "cdk"


def silent_inputs(rule) -> set[str]:
    """The inputs of a rule's passing fixtures and good examples (CDK with CloudFormation)."""
    silent = {
        fixture_input(path) for code, fails, path in _fixtures() if not fails and code == rule.id
    }
    silent |= {example_input(example) for example in rule.examples if not example.bad}
    if "cloudformation" in silent:
        silent.add("cdk")
    return silent


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_every_declared_input_has_something_the_rule_stays_silent_on(rule):
    missing = set(rule.inputs) - {"handler"} - silent_inputs(rule)
    assert not missing, f"{rule.id} has no passing fixture for {sorted(missing)}"
