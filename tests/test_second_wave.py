"""Rules of the second wave and the false alarms it fixed: what fixtures cannot pin
(severities, messages, options)."""

from __future__ import annotations

import pytest
from helpers import REPO, lint, run_cli, sqs_consumer, write_project

from invokelint.config import ConfigError, load_config
from invokelint.diagnostics import Severity

FIXTURES = REPO / "fixtures"


def _found(path, code, **options):
    result = lint(path, select=[code], cwd=REPO, **options)
    return [d for d in result.diagnostics if d.code == code]


def test_il201_schedule_only_functions_are_info_and_data_triggers_stay_warnings():
    found = {
        d.resource: d for d in _found(FIXTURES / "sam/IL201-schedules-only.fail.yaml", "IL201")
    }
    assert found["Nightly"].severity is Severity.INFO
    assert found["Cleanup"].severity is Severity.INFO
    assert "next tick" in found["Cleanup"].message
    assert found["Mixed"].severity is Severity.WARNING


def test_il114_max_shared_consumers_option_raises_the_limit():
    path = FIXTURES / "sam/IL114-three-readers.fail.yaml"
    [found] = _found(path, "IL114")
    assert "3 event source mappings" in found.message and len(found.related) == 3
    assert not _found(path, "IL114", rule_options={"IL114": {"max-shared-consumers": 3}})


def test_il113_min_batch_size_option_and_the_handler_named_when_read():
    path = FIXTURES / "handlers/IL113-whole-batch-fails.fail"
    messages = {d.resource: d.message for d in _found(path, "IL113")}
    assert "handler of function 'Worker' never reports" in messages["Worker"]
    assert "never reports" not in messages["RemoteMapping"]  # its code is not on disk
    quieter = _found(path, "IL113", rule_options={"IL113": {"min-batch-size": 11}})
    assert [d.resource for d in quieter] == ["Worker"]  # 25 per batch; the default is 10


def test_options_of_the_new_rules_are_validated(tmp_path):
    (tmp_path / ".invokelint.toml").write_text(
        "[rules.IL114]\nmax-shared-consumers = 0\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="max-shared-consumers"):
        load_config(tmp_path / ".invokelint.toml")
    (tmp_path / ".invokelint.toml").write_text(
        "[rules.IL113]\nmin-batch-size = 'ten'\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="min-batch-size"):
        load_config(tmp_path / ".invokelint.toml")


def test_a_duplicate_key_is_its_own_finding_and_the_rest_of_the_file_is_linted(tmp_path):
    write_project(
        tmp_path,
        {
            "template.yaml": sqs_consumer(100).replace(
                "      VisibilityTimeout: 100\n",
                "      VisibilityTimeout: 100\n      VisibilityTimeout: 120\n",
            )
        },
    )
    result = run_cli("check", "--select", "IL001,IL103", cwd=tmp_path)
    assert result.returncode == 1, result.stdout  # an error finding, not a broken file
    lines = result.stdout.splitlines()
    assert "IL001 error: duplicate key 'VisibilityTimeout' (first defined on line 6)" in lines[0]
    assert any("IL103" in line and "120 s" in line for line in lines)  # the later value
    assert run_cli("check", "--exit-zero", cwd=tmp_path).returncode == 0
