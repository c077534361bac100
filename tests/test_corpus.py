"""Real public templates (../shared/corpus): each lints or reports IL001; none crashes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import REPO

from invokelint.config import Config
from invokelint.engine import Linter

CORPUS = Path(os.environ.get("INVOKELINT_CORPUS", REPO.parent / "shared" / "corpus"))
TEMPLATES = sorted((CORPUS / "templates").glob("*")) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(
    not TEMPLATES, reason=f"no corpus at {CORPUS} (set INVOKELINT_CORPUS)"
)


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(Config(), cwd=CORPUS)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name[:80])
def test_template_lints_without_crashing(linter, template):
    result = linter.lint([template])
    if result.failed:
        assert any(d.code == "IL001" for d in result.diagnostics)
    else:
        assert result.checked, f"{template.name} was not recognised as a template"
    for diagnostic in result.diagnostics:
        assert diagnostic.location.line >= 1 and diagnostic.location.column >= 1


TERRAFORM = CORPUS / "terraform"
UNITS = sorted(p for p in TERRAFORM.iterdir() if p.is_dir()) if TERRAFORM.is_dir() else []


def _findings(result) -> set[tuple[str, int, str, str]]:
    return {(d.path, d.location.line, d.code, d.message) for d in result.diagnostics}


@pytest.fixture(scope="module")
def terraform_result():
    return Linter(Config(), cwd=CORPUS).lint([TERRAFORM])


@pytest.mark.skipif(not UNITS, reason=f"no Terraform corpus at {TERRAFORM}")
def test_terraform_corpus_lints_whole_without_internal_or_parse_errors(terraform_result):
    codes = {d.code for d in terraform_result.diagnostics}
    assert "IL000" not in codes and "IL001" not in codes, terraform_result.diagnostics
    assert not terraform_result.failed
    checked = {Path(CORPUS / p).resolve() for p in terraform_result.checked}
    for unit in UNITS:  # every unit's .tf files were read
        assert any(path.is_relative_to(unit.resolve()) for path in checked), unit.name
    for diagnostic in terraform_result.diagnostics:
        assert (CORPUS / diagnostic.path).is_file(), diagnostic.path
        assert diagnostic.location.line >= 1 and diagnostic.location.column >= 1


@pytest.mark.skipif(not UNITS, reason=f"no Terraform corpus at {TERRAFORM}")
@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name[:80])
def test_terraform_unit_alone_gives_its_share_of_the_whole_run(unit, terraform_result):
    """Each unit linted on its own finds what the whole-folder run found in it: no
    module leaks into another unit's model, and nothing depends on the order of units."""
    result = Linter(Config(), cwd=CORPUS).lint([unit])
    assert not {d.code for d in result.diagnostics} & {"IL000", "IL001"}
    prefix = unit.relative_to(CORPUS).as_posix() + "/"
    whole = {f for f in _findings(terraform_result) if f[0].startswith(prefix)}
    assert _findings(result) == whole
