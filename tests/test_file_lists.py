"""A file list (what pre-commit passes) costs what its folder costs: finding a template's
project folder walks up its parents instead of comparing it with every given path."""

from __future__ import annotations

from pathlib import Path, PurePath

from helpers import lint, write_project

from invokelint.config import Config
from invokelint.engine import Linter

TEMPLATE = "Resources:\n  Orders:\n    Type: AWS::SQS::Queue\n"


def comparisons(tmp_path: Path, count: int, monkeypatch) -> int:
    """``is_relative_to`` calls made linting ``count`` templates given one by one."""
    root = write_project(tmp_path / str(count), {f"t{i}.yaml": TEMPLATE for i in range(count)})
    calls = 0
    real = PurePath.is_relative_to

    def counting(self, *other):
        nonlocal calls
        calls += 1
        return real(self, *other)

    monkeypatch.setattr(PurePath, "is_relative_to", counting)
    lint(sorted(root.glob("*.yaml")), cwd=root)
    monkeypatch.undo()
    return calls


def test_a_file_list_costs_linear_comparisons(tmp_path, monkeypatch):
    small, large = comparisons(tmp_path, 20, monkeypatch), comparisons(tmp_path, 80, monkeypatch)
    assert large <= 4 * small + 8  # was 20 x 20 against 80 x 80: sixteen times, not four


def test_code_is_read_inside_the_outermost_given_folder(tmp_path):
    root = write_project(tmp_path / "p", {"a/b/template.yaml": TEMPLATE})
    linter = Linter(Config())
    template = root / "a/b/template.yaml"
    linter.lint([root / "a", template])
    assert linter.code_root(template) == (root / "a").resolve()
    linter.lint([template])
    assert linter.code_root(template) == (root / "a/b").resolve()
    assert linter.code_root(tmp_path / "elsewhere/t.yaml") == (tmp_path / "elsewhere").resolve()
