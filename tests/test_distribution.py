"""The name users install: ``invokelint-aws`` everywhere an install is written down.

``invokelint`` on PyPI is an unrelated project, so any other spelling in a recipe, an
error hint or the Action installs the wrong thing. The command and the import package
stay ``invokelint``; this reads every file that tells someone what to install.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from helpers import REPO

from invokelint import __version__

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DISTRIBUTION = "invokelint-aws"
INSTALL_COMMAND = re.compile(r"\b(?:pipx? install|uv (?:pip|tool) install|pip3 install)\b(.*)")
# a requirement naming one of ours: "invokelint...[extras]" or "invokelint...==1.2"
REQUIREMENT = re.compile(r"\binvokelint[\w.-]*(?=\[|[=<>~!]=)")


def documents() -> list[Path]:
    named = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md", "action.yml", "pyproject.toml"]
    named += [".pre-commit-hooks.yaml", ".ci/run", "bench/README.md"]
    files = [REPO / name for name in named if (REPO / name).is_file()]
    files += sorted((REPO / "docs").rglob("*.md")) + sorted((REPO / "invokelint").rglob("*.py"))
    return files


def wrong_names(text: str) -> list[str]:
    """Package names other than ours in install commands and requirement strings."""
    found = [m.group(0) for m in REQUIREMENT.finditer(text) if m.group(0) != DISTRIBUTION]
    for match in INSTALL_COMMAND.finditer(text):
        for token in match.group(1).split():
            name = re.match(r"[\w.-]*", token.strip("'\"`(")).group(0)
            if name.startswith("invokelint") and name != DISTRIBUTION:
                found.append(token)
    return found


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_install_names_the_distribution(path: Path):
    assert wrong_names(path.read_text(encoding="utf-8")) == []


def test_the_checker_catches_the_old_spellings():
    text = "pip install invokelint\npipx install 'invokelint[lsp]'\nspec=\"invokelint==$V\"\n"
    assert wrong_names(text) == ["invokelint", "invokelint", "invokelint", "'invokelint[lsp]'"]
    assert wrong_names("pip install 'invokelint-aws[lsp]' invokelint-aws==0.2.0") == []


def test_pyproject_publishes_the_distribution_at_the_package_version():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"invokelint": "invokelint.cli:main"}
    assert "version" in project["dynamic"]  # read from invokelint.__version__


def test_pins_and_changelog_name_the_current_version():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tag = f"v{__version__}"
    assert re.findall(r"^\s+rev: (\S+)$", readme, re.M) == [tag]
    assert re.findall(r"uses: invokelint/invokelint@(\S+)", readme) == [tag]
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[([^\]]+)\]", changelog, re.M)
    assert versions[:2] == ["Unreleased", __version__]
