"""Project configuration: where it is found, what each key does, how mistakes are told."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli, sqs_consumer, write_project

from invokelint.cli import main
from invokelint.config import ConfigError, find_config, load_config
from invokelint.diagnostics import Severity

# IL102 (warning) and IL103: hidden for 100 s while the function runs 30 s, which is an
# IL103 *warning* at the default multiplier 6 (180 s) and nothing at multiplier 3.
TEMPLATE = sqs_consumer(100)


def check(tmp_path: Path, monkeypatch, capsys, *args: str) -> tuple[int, list[dict], str]:
    """Run ``invokelint check --format json`` in-process from ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    status = main(["check", "--format", "json", *args])
    captured = capsys.readouterr()
    return status, json.loads(captured.out) if captured.out else [], captured.err


def codes(items: list[dict]) -> list[tuple[str, str]]:
    return sorted((item["code"], item["severity"]) for item in items)


# ---------------------------------------------------------------------------- discovery


def test_pyproject_section_is_found_walking_up(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "[tool.invokelint]\nignore = ['IL102']\n"})
    (tmp_path / "services" / "orders").mkdir(parents=True)
    assert find_config(tmp_path / "services" / "orders") == tmp_path / "pyproject.toml"


def test_nearest_config_wins(tmp_path):
    write_project(
        tmp_path,
        {
            "pyproject.toml": "[tool.invokelint]\nignore = ['IL102']\n",
            "services/.invokelint.toml": "ignore = ['IL103']\n",
            "services/orders/template.yaml": TEMPLATE,
        },
    )
    assert find_config(tmp_path / "services" / "orders") == (
        tmp_path / "services" / ".invokelint.toml"
    )
    assert find_config(tmp_path / "services" / "orders" / "template.yaml") == (
        tmp_path / "services" / ".invokelint.toml"
    )


def test_pyproject_without_the_section_is_passed_over(tmp_path):
    write_project(
        tmp_path,
        {
            ".invokelint.toml": "ignore = ['IL102']\n",
            "app/pyproject.toml": "[project]\nname = 'orders'\n\n[tool.ruff]\nline-length = 100\n",
        },
    )
    assert find_config(tmp_path / "app") == tmp_path / ".invokelint.toml"


def test_invokelint_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    write_project(
        tmp_path,
        {".invokelint.toml": "", "pyproject.toml": "[tool.invokelint]\nignore = ['IL1']\n"},
    )
    assert find_config(tmp_path) == tmp_path / ".invokelint.toml"


def test_no_config_means_defaults(tmp_path):
    config = load_config(find_config(tmp_path))
    assert config.path is None and config.select == ("ALL",) and config.fail_on is Severity.WARNING


def test_only_a_rule_table_in_pyproject_counts_as_a_section(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "[tool.invokelint.rules.IL103]\nmultiplier = 3\n"})
    config = load_config(find_config(tmp_path))
    assert config.rule_options == {"IL103": {"multiplier": 3}}


# ----------------------------------------------------------------------------- settings


def test_defaults_report_both(tmp_path, monkeypatch, capsys):
    write_project(tmp_path, {"template.yaml": TEMPLATE})
    status, items, _ = check(tmp_path, monkeypatch, capsys)
    assert (status, codes(items)) == (1, [("IL102", "warning"), ("IL103", "warning")])


@pytest.mark.parametrize(
    ("settings", "status", "expected"),
    [
        ("select = ['IL103']", 1, [("IL103", "warning")]),
        ("select = ['il10']", 1, [("IL102", "warning"), ("IL103", "warning")]),
        ("ignore = ['IL102']", 1, [("IL103", "warning")]),
        ("ignore = ['IL1']", 0, []),
        ("fail-on = 'error'", 0, [("IL102", "warning"), ("IL103", "warning")]),
        ("severity.IL103 = 'error'", 1, [("IL102", "warning"), ("IL103", "error")]),
        (
            "fail-on = 'error'\nseverity = {IL102 = 'info', il103 = 'info'}",
            0,
            [("IL102", "info"), ("IL103", "info")],
        ),
        ("rules.IL103.multiplier = 3", 1, [("IL102", "warning")]),
        ("rules.IL103.multiplier = 3.5", 1, [("IL102", "warning"), ("IL103", "warning")]),
        ("per-file-ignores.'services/*' = ['IL102']", 1, [("IL103", "warning")]),
        (
            "per-file-ignores.'other/*' = ['IL102']",
            1,
            [("IL102", "warning"), ("IL103", "warning")],
        ),
        ("exclude = ['services']", 0, []),
    ],
)
def test_settings(tmp_path, monkeypatch, capsys, settings, status, expected):
    write_project(
        tmp_path,
        {"pyproject.toml": f"[tool.invokelint]\n{settings}\n", "services/template.yaml": TEMPLATE},
    )
    got_status, items, err = check(tmp_path, monkeypatch, capsys)
    excluded_all = settings.startswith("exclude")  # nothing left to lint: said on stderr
    assert (err != "") == excluded_all, err
    assert (got_status, codes(items)) == (status, expected)


def test_multiplier_changes_the_number_in_the_message(tmp_path, monkeypatch, capsys):
    write_project(
        tmp_path,
        {
            ".invokelint.toml": "[rules.IL103]\nmultiplier = 8\n",
            "template.yaml": sqs_consumer(200),
        },
    )
    _, items, _ = check(tmp_path, monkeypatch, capsys, "--select", "IL103")
    (item,) = items
    assert "at least 240" in item["message"] and "8 x Timeout 30 s" in item["message"]


def test_command_line_overrides_the_file(tmp_path, monkeypatch, capsys):
    write_project(
        tmp_path,
        {
            ".invokelint.toml": "select = ['IL102']\nfail-on = 'error'\n",
            "template.yaml": TEMPLATE,
        },
    )
    status, items, _ = check(tmp_path, monkeypatch, capsys, "--select", "IL103")
    assert (status, codes(items)) == (0, [("IL103", "warning")])
    status, _, _ = check(tmp_path, monkeypatch, capsys, "--fail-on", "warning")
    assert status == 1


def test_per_file_ignores_are_relative_to_the_config_folder(tmp_path, monkeypatch, capsys):
    write_project(
        tmp_path,
        {
            "repo/.invokelint.toml": "[per-file-ignores]\n'stacks/template.yaml' = ['IL102']\n",
            "repo/stacks/template.yaml": TEMPLATE,
        },
    )
    _, items, _ = check(tmp_path, monkeypatch, capsys, "repo")
    assert codes(items) == [("IL103", "warning")]


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("selct = ['IL1']", "[tool.invokelint]: unknown key 'selct'"),
        ("fail-on = 'fatal'", "[tool.invokelint] fail-on: 'fatal' is not one of"),
        ("select = 'IL1'", "[tool.invokelint] select: 'IL1' is not of type 'array'"),
        ("select = ['X1']", "select: unknown rule 'X1'"),
        (
            "select = ['IL 1']",
            "[tool.invokelint] select.0: 'IL 1' is not a rule id, prefix or name",
        ),
        ("select = ['IL999']", "select: unknown rule 'IL999'"),
        ("ignore = ['IL9']", "ignore: unknown rule 'IL9'"),
        ("per-file-ignores.'*.yaml' = ['IL998']", "per-file-ignores: unknown rule 'IL998'"),
        ("severity.IL103 = 'fatal'", "[tool.invokelint] severity.IL103: 'fatal' is not one of"),
        ("severity.IL1 = 'info'", "[tool.invokelint] severity: 'IL1' is not a rule id"),
        ("severity.IL999 = 'info'", "severity: unknown rule 'IL999'"),
        ("exclude = 'build'", "[tool.invokelint] exclude: 'build' is not of type 'array'"),
        ("rules.IL103.multipler = 8", "[tool.invokelint] rules.IL103: unknown key 'multipler'"),
        (
            "rules.IL103.multiplier = 0",
            "rules.IL103.multiplier: 0 is less than the minimum of 1",
        ),
        (
            "rules.IL103.multiplier = 'six'",
            "rules.IL103.multiplier: 'six' is not of type 'number'",
        ),
        ("rules.IL999.x = 1", "[tool.invokelint] rules: unknown rule 'IL999'"),
        ("rules.IL102.x = 1", "[tool.invokelint] rules: rule 'IL102' has no options"),
        ("severity.IL1 = 'info'", "severity: 'IL1' is not a rule id such as IL103"),
        ("select = [", "invalid TOML"),
    ],
)
def test_mistakes_exit_2_naming_the_key_in_one_line(tmp_path, settings, message):
    write_project(
        tmp_path,
        {"pyproject.toml": f"[tool.invokelint]\n{settings}\n", "template.yaml": TEMPLATE},
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"invokelint: error: {tmp_path / 'pyproject.toml'}: ")
    assert message in result.stderr


def test_mistake_in_an_invokelint_toml_is_named_by_its_file(tmp_path):
    path = write_project(tmp_path, {".invokelint.toml": "fail_on = 'error'\n"}) / ".invokelint.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: config: unknown key 'fail_on'"


def test_config_that_is_not_utf8(tmp_path):
    path = tmp_path / ".invokelint.toml"
    path.write_bytes(b"select = ['\xff']\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def test_rule_tables_are_case_insensitive_like_every_other_rule_id(tmp_path):
    write_project(tmp_path, {".invokelint.toml": "[rules.il103]\nmultiplier = 3\n"})
    assert load_config(tmp_path / ".invokelint.toml").rule_options == {"IL103": {"multiplier": 3}}


def test_per_file_ignores_do_not_depend_on_the_process_folder(tmp_path, monkeypatch):
    """A server lints with its own ``cwd``; globs are still read against the config's folder."""
    from helpers import REPO

    from invokelint.engine import Linter

    write_project(
        tmp_path,
        {
            "service/.invokelint.toml": "[per-file-ignores]\n'stacks/*' = ['IL103']\n",
            "service/stacks/template.yaml": TEMPLATE,
        },
    )
    monkeypatch.chdir(REPO)
    config = load_config(tmp_path / "service" / ".invokelint.toml")
    result = Linter(config, cwd=tmp_path).lint([tmp_path / "service"])
    assert [d.code for d in result.diagnostics] == ["IL102"]


def test_exclude_globs_match_folders_at_any_depth_and_file_names(tmp_path, monkeypatch, capsys):
    write_project(
        tmp_path,
        {
            ".invokelint.toml": "exclude = ['generated/', '*.old.yaml']\n",
            "template.yaml": TEMPLATE,
            "generated/deep/template.yaml": TEMPLATE,
            "stacks/queue.old.yaml": TEMPLATE,
        },
    )
    _, items, _ = check(tmp_path, monkeypatch, capsys)
    assert {item["path"] for item in items} == {"template.yaml"}


# -- every TOML spelling of the table; hostile values; size


@pytest.mark.parametrize(
    "text",
    [
        '[tool.invokelint]\nselect = ["IL103"]\n',
        '[tool]\ninvokelint = { select = ["IL103"] }\n',
        '[tool]\ninvokelint.select = ["IL103"]\n',
        'tool.invokelint.select = ["IL103"]\n',
        '["tool" . "invokelint"]\nselect = ["IL103"]\n',
        '[project]\nname = "x"\n[tool.black]\nline-length = 99\n'
        '[ tool . invokelint ]\nselect = ["IL103"]\n',
    ],
)
def test_every_toml_spelling_of_the_section_is_read(tmp_path, text):
    write_project(tmp_path, {"pyproject.toml": text, "sub/t.yaml": ""})
    found = find_config(tmp_path / "sub")
    assert found == tmp_path / "pyproject.toml"
    assert load_config(found).select == ("IL103",)


def test_a_pyproject_that_mentions_invokelint_elsewhere_is_passed_over(tmp_path):
    write_project(tmp_path, {"pyproject.toml": '[project]\ndependencies = ["invokelint"]\n'})
    assert find_config(tmp_path) is None


HOSTILE_PYPROJECT = [
    ('[[tool.invokelint]]\nselect = ["IL1"]\n', "must be a table, not an array of tables"),
    ('tool.invokelint = "IL1"\n', "must be a table, not a value"),
    ("[tool.invokelint\n", "invalid TOML"),
]
HOSTILE_TABLE = [
    'select = "IL1"\n',
    "select = [1, 2]\n",
    'per-file-ignores = { "a" = [ { x = 1 } ] }\n',
    "[[rules]]\nx = 1\n",
    "[[severity]]\nIL103 = 'error'\n",
    "severity = { IL103 = [1] }\n",
    "fail-on = 1979-05-27T07:32:00Z\n",
    'exclude = [[["deep"]]]\n',
    "rules = { IL103 = 1 }\n",
    'rules = { "" = {} }\n',
    "[rules.IL103]\nx = { y = { z = [1, { w = 2 }] } }\n",
    'per-file-ignores = { "' + "x" * 100_000 + '" = ["IL9"] }\n',
    "select = [" + "[" * 5_000 + "]" * 5_000 + "]\n",
    "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
]


def _one_line_error(path: Path) -> str:
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert "\n" not in message and len(message) < 500, message[:200]
    return message


@pytest.mark.parametrize(("text", "message"), HOSTILE_PYPROJECT)
def test_hostile_pyproject_tables_are_one_config_error(tmp_path, text, message):
    write_project(tmp_path, {"pyproject.toml": text})
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"
    assert message in _one_line_error(tmp_path / "pyproject.toml")


@pytest.mark.parametrize("text", HOSTILE_TABLE)
@pytest.mark.parametrize("name", [".invokelint.toml", "pyproject.toml"])
def test_hostile_values_are_one_config_error(tmp_path, text, name):
    if name == "pyproject.toml":  # the same values under [tool.invokelint]
        text = "[tool.invokelint]\n" + text.replace("[rules", "[tool.invokelint.rules").replace(
            "[[rules", "[[tool.invokelint.rules"
        ).replace("[[severity", "[[tool.invokelint.severity")
    write_project(tmp_path, {name: text})
    _one_line_error(tmp_path / name)


def test_hostile_values_end_the_cli_with_exit_2_and_one_line(tmp_path):
    write_project(tmp_path, {"pyproject.toml": HOSTILE_PYPROJECT[0][0], "t.yaml": ""})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr


def test_a_config_file_past_the_size_bound_is_not_read(tmp_path, monkeypatch):
    from invokelint import config

    write_project(tmp_path, {".invokelint.toml": "# padding\n" * 200})
    load_config(tmp_path / ".invokelint.toml")
    monkeypatch.setattr(config, "MAX_CONFIG_BYTES", 1_000)
    assert "larger than" in _one_line_error(tmp_path / ".invokelint.toml")


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs")
def test_a_config_that_is_a_fifo_is_refused_not_opened(tmp_path):
    import os

    os.mkfifo(tmp_path / ".invokelint.toml")
    result = run_cli("check", "--config", ".invokelint.toml", cwd=tmp_path, timeout=20)
    assert result.returncode == 2
    assert result.stderr == "invokelint: error: .invokelint.toml: not read: it is a FIFO\n"
