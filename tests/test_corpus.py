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
