"""Rules by name as well as by id, wherever rules are chosen; typos get a suggestion."""

from __future__ import annotations

import pytest
from helpers import run_cli, sqs_consumer, write_project

from invokelint.config import ConfigError, load_config, resolve_selectors


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["sqs-visibility-timeout"], ("IL103",)),
        (["SQS-Visibility-Timeout", "il1", "all"], ("IL103", "IL1", "ALL")),
        (["IL103", "parse-error"], ("IL103", "IL001")),
    ],
)
def test_names_ids_and_prefixes_resolve_to_ids(typed, expected):
    assert resolve_selectors(typed, "--select", "command line") == expected


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("sqs-visiblity-timeout", "'sqs-visibility-timeout'"),
        ("IL1O3", "'IL103'"),
        ("il1o3", "'IL103'"),
    ],
)
def test_a_typo_is_suggested_in_the_form_it_was_typed(typed, suggested):
    with pytest.raises(ConfigError) as error:
        resolve_selectors([typed], "--ignore", "command line")
    assert str(error.value) == (
        f"command line: --ignore: unknown rule {typed!r}; did you mean {suggested}?"
    )


def test_nothing_close_gets_no_suggestion():
    with pytest.raises(ConfigError, match=r"unknown rule 'zzz'$"):
        resolve_selectors(["zzz"], "--select", "x")


def test_config_accepts_names_in_select_ignore_and_per_file_ignores(tmp_path):
    config_file = tmp_path / ".invokelint.toml"
    config_file.write_text(
        'select = ["sqs-visibility-timeout", "IL1"]\nignore = ["sqs-source-without-redrive"]\n'
        '[per-file-ignores]\n"legacy/*" = ["fifo-mismatch"]\n',
        encoding="utf-8",
    )
    config = load_config(config_file)
    assert config.select == ("IL103", "IL1")
    assert config.ignore == ("IL102",)
    assert config.per_file_ignores == {"legacy/*": ("IL106",)}


def test_config_typo_names_the_file_and_suggests(tmp_path):
    config_file = tmp_path / ".invokelint.toml"
    config_file.write_text('ignore = ["sqs-source-without-redrve"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(config_file)
    assert str(error.value) == (
        f"{config_file}: ignore: unknown rule 'sqs-source-without-redrve'; "
        "did you mean 'sqs-source-without-redrive'?"
    )


def test_command_line_selects_by_name(tmp_path):
    write_project(tmp_path, {"template.yaml": sqs_consumer(20)})
    completed = run_cli("check", "-q", "--select", "sqs-visibility-timeout", cwd=tmp_path)
    assert completed.returncode == 1
    assert [line.split()[1] for line in completed.stdout.splitlines()] == ["IL103"]
    typo = run_cli("check", "--select", "sqs-visibility-timout", cwd=tmp_path)
    assert typo.returncode == 2
    assert typo.stderr == (
        "invokelint: error: command line: --select: unknown rule 'sqs-visibility-timout'; "
        "did you mean 'sqs-visibility-timeout'?\n"
    )
