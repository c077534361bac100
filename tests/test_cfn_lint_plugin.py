"""The cfn-lint plugin, driven through the real ``cfn-lint`` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, lint, write_project

SAM = (REPO / "fixtures/sam/IL103-default-visibility.fail.yaml").read_text(encoding="utf-8")
CFN = (REPO / "fixtures/cfn/IL208-targets-without-dlq.fail.yaml").read_text(encoding="utf-8")
IGNORED_IN_METADATA = SAM.replace(
    "    Type: AWS::SQS::Queue\n",
    "    Type: AWS::SQS::Queue\n    Metadata:\n      cfn-lint:\n        config:\n"
    "          ignore_checks: [IL103]\n",
)
EXIT_ERROR, EXIT_WARNING, EXIT_INFO = 2, 4, 8  # cfn-lint ORs these into its exit status


def cfn_lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from cfnlint.runner import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, "--append-rules", "invokelint.cfn_lint", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def matches(completed: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int, int]]:
    assert completed.stdout.startswith("["), completed.stderr or completed.stdout
    return [
        (
            Path(m["Filename"]).name,
            m["Rule"]["Id"],
            m["Location"]["Start"]["LineNumber"],
            m["Location"]["Start"]["ColumnNumber"],
        )
        for m in json.loads(completed.stdout)
        if m["Rule"]["Id"].startswith("IL")
    ]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(
        tmp_path_factory.mktemp("cfn-lint"),
        {"sam.yaml": SAM, "cfn.yaml": CFN, "metadata.yaml": IGNORED_IN_METADATA},
    )


@pytest.fixture(scope="module")
def run(project: Path) -> subprocess.CompletedProcess[str]:
    return cfn_lint("--format", "json", "--", "sam.yaml", "cfn.yaml", "metadata.yaml", cwd=project)


def expected(project: Path, name: str) -> list[tuple[str, str, int, int]]:
    result = lint(project / name, cwd=project, ignore=("IL0", "IL4"))
    return [(name, d.code, d.location.line, d.location.column) for d in result.diagnostics]


@pytest.mark.parametrize("name", ["sam.yaml", "cfn.yaml"])
def test_cfn_lint_reports_invokelint_findings_at_their_original_lines(run, project, name):
    wanted = expected(project, name)
    assert wanted, f"{name} should have findings"
    assert sorted(m for m in matches(run) if m[0] == name) == sorted(wanted)


def test_cfn_lint_keeps_messages_and_severities(run, project):
    reported = {(m["Rule"]["Id"], m["Message"], m["Level"]) for m in json.loads(run.stdout)}
    result = lint(project / "sam.yaml", cwd=project)
    levels = {"error": "Error", "warning": "Warning", "info": "Informational"}
    for d in result.diagnostics:
        assert (d.code, d.message, levels[d.severity.value]) in reported
    assert run.returncode & EXIT_ERROR and run.returncode & EXIT_WARNING


def test_cfn_lint_metadata_ignore_checks_apply(run):
    found = {m[1] for m in matches(run) if m[0] == "metadata.yaml"}
    assert "IL102" in found and "IL103" not in found


def test_cfn_lint_ignore_checks_take_invokelint_ids_and_prefixes(project):
    completed = cfn_lint(
        "--format",
        "json",
        "--ignore-checks",
        "IL103",
        "IL2",
        "--",
        "sam.yaml",
        "cfn.yaml",
        cwd=project,
    )
    found = {m[1] for m in matches(completed)}
    assert "IL102" in found
    assert not {code for code in found if code == "IL103" or code.startswith("IL2")}


def test_cfn_lint_lists_every_rule_with_sentences_like_its_own(project):
    from invokelint.rules import all_rules

    completed = cfn_lint("--list-rules", cwd=project)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    listed = [rule for rule in all_rules() if rule.id[:3] in ("IL1", "IL2", "IL3")]
    for rule in listed:
        title = f"{rule.id}: {rule.summary.rstrip('.')}"
        assert title in lines, title
        description = lines[lines.index(title) + 1]
        sentence, _, name = description.rpartition(" (invokelint ")
        assert name == f"{rule.name})" and sentence.endswith("."), description
        assert ". " not in sentence and len(sentence) > 40  # one whole sentence
    assert "IL001" not in completed.stdout  # cfn-lint reports its own parse errors
    from invokelint.cfn_lint import FAMILIES  # every template rule, new ones included
    from invokelint.rules import all_rules

    listed = {f"(invokelint {rule.name})" for rule in all_rules() if rule.id.startswith(FAMILIES)}
    assert {
        "(invokelint sqs-batch-without-partial-response)",
        "(invokelint permission-without-source)",
    } <= listed
    assert all(name in completed.stdout for name in listed)


# ---------------------------------------------------------------- E3505 and IL103


def by_rule(completed: subprocess.CompletedProcess[str]) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = {}
    for m in json.loads(completed.stdout):
        start = m["Location"]["Start"]
        found.setdefault(m["Rule"]["Id"], []).append((start["LineNumber"], start["ColumnNumber"]))
    return found


def test_il103_error_case_is_reported_once_instead_of_beside_e3505(tmp_path):
    """cfn-lint's E3505 is IL103's error case on the same line: only IL103 (which names the
    value to set) stays. Without the plugin, E3505 is there: the test shows a real overlap."""
    from samples import CFN_BAD

    write_project(tmp_path, {"template.yaml": CFN_BAD})
    code = "import sys; from cfnlint.runner import main; sys.exit(main())"
    plain = subprocess.run(
        [sys.executable, "-c", code, "--format", "json", "--", "template.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert by_rule(plain)["E3505"] == [(5, 7)]
    both = by_rule(cfn_lint("--format", "json", "--", "template.yaml", cwd=tmp_path))
    assert both.get("IL103") == [(5, 7)] and "E3505" not in both


def test_e3505_stays_when_il103_is_not_reported(tmp_path):
    from samples import CFN_BAD

    ignored_in_metadata = CFN_BAD.replace(
        "    Type: AWS::SQS::Queue\n",
        "    Type: AWS::SQS::Queue\n    Metadata:\n      cfn-lint:\n        config:\n"
        "          ignore_checks: [IL103]\n",
        1,
    )
    write_project(tmp_path, {"ignored.yaml": CFN_BAD, "metadata.yaml": ignored_in_metadata})
    ignored = cfn_lint(
        "--format", "json", "--ignore-checks", "IL103", "--", "ignored.yaml", cwd=tmp_path
    )
    assert "E3505" in by_rule(ignored) and "IL103" not in by_rule(ignored)
    metadata = by_rule(cfn_lint("--format", "json", "--", "metadata.yaml", cwd=tmp_path))
    assert "E3505" in metadata and "IL103" not in metadata


def test_a_plain_run_imports_neither_cfn_lint_nor_the_language_server(project):
    code = (
        "import sys; from invokelint.cli import main; main(['check', '-q', 'sam.yaml']); "
        "print(sorted(m for m in ('cfnlint', 'pygls', 'lsprotocol') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.stdout.splitlines()[-1] == "[]", completed.stderr


def test_cfn_lint_shows_a_broken_invokelint_config_once(tmp_path):
    write_project(tmp_path, {"sam.yaml": SAM, ".invokelint.toml": "selekt = ['IL1']\n"})
    completed = cfn_lint("--format", "json", "--", "sam.yaml", cwd=tmp_path)
    messages = [m["Message"] for m in json.loads(completed.stdout) if "invokelint" in m["Message"]]
    assert len(messages) == 1 and "unknown key 'selekt'" in messages[0], completed.stdout
