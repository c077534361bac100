"""Fixture projects under ``fixtures/<kind>/``, discovered by name.

``<ID>-<description>.fail.<ext>`` must produce rule ``ID``; ``.pass.<ext>`` must not. A
folder with the same naming is one project (template plus handler code). In a failing
fixture, ``# expect: IL103`` at the end of a line pins a diagnostic to that line: when
any such comment exists, the rule's diagnostics must be exactly on the marked lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REPO, lint
from test_rule_examples import WITHOUT_REPRODUCER

from invokelint.rules import all_rules

FIXTURES = REPO / "fixtures"
NAME = re.compile(r"^(IL\d{3})-[\w-]+\.(fail|pass)(\.[\w.]+)?$")
EXPECT = re.compile(r"#\s*expect:\s*((?:IL\d{3}[\s,]*)+)")


def _fixtures() -> list[tuple[str, bool, Path]]:
    found = []
    for path in sorted(FIXTURES.glob("*/*")):
        match = NAME.match(path.name)
        if match:
            found.append((match.group(1), match.group(2) == "fail", path))
    return found


FIXTURE_CASES = [
    pytest.param(code, fails, path, id=f"{path.parent.name}/{path.name}")
    for code, fails, path in _fixtures()
]


def _expected_lines(path: Path, code: str) -> set[tuple[str, int]]:
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    expected = set()
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            match = EXPECT.search(line)
            if match and code in re.findall(r"IL\d{3}", match.group(1)):
                expected.add((file.resolve().as_posix(), number))
    return expected


@pytest.mark.parametrize(("code", "fails", "path"), FIXTURE_CASES)
def test_fixture(code, fails, path):
    result = lint(path, select=[code], cwd=REPO)
    found = [d for d in result.diagnostics if d.code == code]
    if not fails:
        assert not found, "\n".join(f"{d.location}: {d.message}" for d in found)
        return
    assert found, f"{code} did not fire on {path.name}"
    expected = _expected_lines(path, code)
    if expected:
        actual = {((REPO / d.location.path).resolve().as_posix(), d.location.line) for d in found}
        assert actual == expected


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_every_rule_has_failing_and_passing_fixtures(rule):
    kinds = {fails for code, fails, _ in _fixtures() if code == rule.id}
    if rule.id in WITHOUT_REPRODUCER:
        assert kinds == {False}, f"{rule.id} needs fixtures/<kind>/{rule.id}-*.pass.*"
        return
    assert kinds == {True, False}, f"{rule.id} needs fixtures/<kind>/{rule.id}-*.fail.* and .pass.*"


@pytest.mark.parametrize(
    ("code", "fails", "path"), [case for case in FIXTURE_CASES if case.values[0] != "IL001"]
)
def test_fixture_parses(code, fails, path):
    """A fixture that does not parse (or is no template) passes every rule: it proves nothing."""
    result = lint(path, select=["IL001"], cwd=REPO)
    assert result.checked, f"{path.name} is not recognised as a template"
    assert not result.diagnostics, "\n".join(
        f"{d.location}: {d.message}" for d in result.diagnostics
    )
