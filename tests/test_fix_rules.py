"""Every rule's fix on its own bad examples, on examples/ and on the real corpus.

A fix must leave a file that parses, clears the finding it was made for, adds no
finding, keeps every comment line, and changes nothing on a second run.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from helpers import REPO

from invokelint.config import Config
from invokelint.engine import Linter
from invokelint.fixes.run import fix_project, write
from invokelint.rules import all_rules

FIXING = [rule for rule in all_rules() if rule.fix_safety]
TEMPLATES = (".yaml", ".yml", ".json")


def fix_folder(folder: Path, *, unsafe: bool, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    linter = Linter(Config())
    before = linter.lint([Path(".")])
    run = fix_project(before, lambda texts: linter.lint([Path(".")], texts), unsafe=unsafe)
    assert not write(run)
    return before, run


def comment_lines(text: str) -> Counter[str]:
    return Counter(line.strip() for line in text.splitlines() if line.strip().startswith("#"))


def findings(result) -> set[tuple[str, str | None]]:
    return {(d.code, d.resource) for d in result.diagnostics}


def check_fixed(before, run, folder: Path, *, unsafe: bool) -> None:
    broken = {d.path for d in before.diagnostics if d.code == "IL001"}  # the input's own
    assert {d.path for d in run.result.diagnostics if d.code == "IL001"} <= broken
    assert findings(run.result) <= findings(before)  # nothing new
    left = [
        d
        for d in run.result.diagnostics
        if d.fix is not None and (unsafe or d.fix.safety == "safe")
    ]
    assert not left, [(d.code, d.path, d.fix) for d in left]
    for path, original in run.originals.items():
        assert comment_lines(original) <= comment_lines(path.read_text())
    # idempotent: a second run over the written files changes nothing
    linter = Linter(Config())
    again = fix_project(run.result, lambda t: linter.lint([Path(".")], t), unsafe=unsafe)
    assert not again.changed()


@pytest.mark.parametrize("rule", FIXING, ids=lambda rule: rule.id)
def test_each_fix_clears_its_bad_examples(
    rule, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed = 0
    for index, example in enumerate(e for e in rule.examples if e.bad):
        if not any(name.endswith(TEMPLATES) for name in example.files):
            continue  # Terraform: reported, not fixed
        folder = tmp_path / str(index)
        for name, text in example.files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
        before, run = fix_folder(folder, unsafe=True, monkeypatch=monkeypatch)
        check_fixed(before, run, folder, unsafe=True)
        fixed += run.fixed[rule.id]
        if run.fixed[rule.id]:
            assert rule.id not in {code for code, _ in findings(run.result)}
    assert fixed, f"{rule.id} fixed none of its bad examples"


def test_examples_keep_only_unfixable_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "examples"
    shutil.copytree(REPO / "examples", copy)
    before, run = fix_folder(copy, unsafe=True, monkeypatch=monkeypatch)
    check_fixed(before, run, copy, unsafe=True)
    assert {"IL101", "IL103", "IL108", "IL402"} <= set(run.fixed)
    template = (REPO / "examples" / "template.yaml").read_text()
    fixed = (copy / "template.yaml").read_text()
    # the function's dead-letter queue (IL101, moved into the queue's RedrivePolicy) is
    # the one removal: every other line of the original is still there, in order
    dlq = (
        "      DeadLetterQueue:\n        Type: SQS\n"
        "        TargetArn: !GetAtt FulfilmentFailures.Arn\n"
    )
    assert dlq in template and dlq not in fixed
    lines = iter(fixed.splitlines())
    kept = template.replace(dlq, "").splitlines()
    assert all(any(line == other for other in lines) for line in kept)


CORPUS = os.environ.get("INVOKELINT_CORPUS")


@pytest.mark.skipif(not CORPUS, reason="set INVOKELINT_CORPUS to run over the real corpus")
def test_corpus_safe_fixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "templates"
    shutil.copytree(Path(CORPUS) / "templates", copy)  # type: ignore[arg-type]
    before, run = fix_folder(copy, unsafe=False, monkeypatch=monkeypatch)
    check_fixed(before, run, copy, unsafe=False)
    assert sum(run.fixed.values()) > 0
    print("fixed per rule:", dict(sorted(run.fixed.items())), "warnings:", len(run.warnings))


def test_rule_pages_say_how_safe_their_fix_is() -> None:
    from invokelint.rules.docs import render_page

    for rule in all_rules():
        page = render_page(rule)
        assert ("## Fix safety" in page) == bool(rule.fix_safety), rule.id
        if rule.fix_safety:
            assert f"**{rule.fix_safety[0]}**" in page
