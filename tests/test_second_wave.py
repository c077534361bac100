"""Rules of the second wave and the false alarms it fixed: what fixtures cannot pin
(severities, messages, options)."""

from __future__ import annotations

from helpers import REPO, lint

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
