"""``[tool.invokelint]`` / ``.invokelint.toml``: discovery, every setting, validation errors."""

from __future__ import annotations

import pytest
from helpers import REPO, write_project

from invokelint.cli import main
from invokelint.config import Config, ConfigError, find_config, load_config
from invokelint.diagnostics import Severity
from invokelint.engine import Linter

# IL103 (error: 30 s < 60 s) at line 3 and IL102 (warning: no RedrivePolicy) at line 3.
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: {visibility}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 60
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
"""


def template(visibility: int = 30) -> str:
    return TEMPLATE.format(visibility=visibility)


def run(capsys, monkeypatch, cwd, *args: str) -> tuple[int, str, str]:
    """The command in-process (faster than a child process for many small cases)."""
    monkeypatch.chdir(cwd)
    status = main(["check", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def lint_with(path, config: Config) -> list[tuple[str, str]]:
    result = Linter(config, cwd=path).lint([path])
    return [(d.code, d.severity.value) for d in result.diagnostics]


# ------------------------------------------------------------------------- discovery


def test_no_config_file_means_defaults(tmp_path):
    assert find_config(tmp_path) is None
    config = load_config(None)
    assert config.select == ("ALL",) and config.fail_on is Severity.WARNING


def test_pyproject_with_a_tool_invokelint_table(tmp_path):
    write_project(tmp_path, {"pyproject.toml": '[tool.invokelint]\nignore = ["IL102"]\n'})
    found = find_config(tmp_path)
    assert found == (tmp_path / "pyproject.toml").resolve()
    assert load_config(found).ignore == ("IL102",)


def test_pyproject_without_the_table_is_passed_over_for_a_parent(tmp_path):
    write_project(
        tmp_path,
        {
            ".invokelint.toml": 'ignore = ["IL103"]\n',
            "service/pyproject.toml": '[project]\nname = "service"\n[tool.ruff]\nfix = true\n',
            "service/stacks/template.yaml": template(),
        },
    )
    assert find_config(tmp_path / "service" / "stacks") == (tmp_path / ".invokelint.toml").resolve()
    # a file path starts the search in its folder
    found = find_config(tmp_path / "service" / "stacks" / "template.yaml")
    assert found == (tmp_path / ".invokelint.toml").resolve()


def test_nearest_config_wins(tmp_path):
    write_project(
        tmp_path,
        {
            "pyproject.toml": '[tool.invokelint]\nignore = ["IL103"]\n',
            "service/pyproject.toml": '[tool.invokelint]\nignore = ["IL102"]\n',
        },
    )
    assert find_config(tmp_path / "service") == (tmp_path / "service" / "pyproject.toml").resolve()


def test_invokelint_toml_beats_pyproject_in_the_same_folder(tmp_path):
    write_project(
        tmp_path,
        {
            "pyproject.toml": '[tool.invokelint]\nignore = ["IL103"]\n',
            ".invokelint.toml": 'ignore = ["IL102"]\n',
        },
    )
    assert find_config(tmp_path) == (tmp_path / ".invokelint.toml").resolve()
    assert load_config(find_config(tmp_path)).ignore == ("IL102",)


def test_the_command_finds_the_config_above_the_linted_folder(tmp_path, capsys, monkeypatch):
    write_project(
        tmp_path,
        {
            "pyproject.toml": '[tool.invokelint]\nignore = ["IL102"]\n',
            "stacks/template.yaml": template(),
        },
    )
    status, out, _ = run(capsys, monkeypatch, tmp_path / "stacks", ".", "-q")
    assert status == 1
    assert "IL103" in out and "IL102" not in out


def test_config_option_names_a_file(tmp_path, capsys, monkeypatch):
    write_project(
        tmp_path,
        {"ci.toml": 'ignore = ["IL1"]\n', "template.yaml": template()},
    )
    status, out, _ = run(capsys, monkeypatch, tmp_path, "--config", "ci.toml", "-q")
    assert (status, out) == (0, "")


def test_config_option_with_a_missing_file(tmp_path, capsys, monkeypatch):
    write_project(tmp_path, {"template.yaml": template()})
    status, out, err = run(capsys, monkeypatch, tmp_path, "--config", "nope.toml")
    assert status == 2 and out == ""
    assert err == "invokelint: error: nope.toml: config file not found\n"


# -------------------------------------------------------------------------- settings


def test_select_and_ignore_take_ids_and_prefixes(tmp_path):
    write_project(tmp_path, {"template.yaml": template()})
    assert lint_with(tmp_path, Config(select=("IL103",))) == [("IL103", "error")]
    assert lint_with(tmp_path, Config(select=("IL1",), ignore=("IL103",))) == [("IL102", "warning")]
    assert lint_with(tmp_path, Config(ignore=("IL1",))) == []


def test_per_file_ignores_match_paths_relative_to_the_config(tmp_path):
    write_project(
        tmp_path,
        {
            "pyproject.toml": (
                "[tool.invokelint.per-file-ignores]\n"
                '"sandbox/*" = ["IL103"]\n'
                '"*.legacy.yaml" = ["IL1"]\n'
            ),
            "sandbox/template.yaml": template(),
            "prod/template.yaml": template(),
            "prod/orders.legacy.yaml": template(),
        },
    )
    config = load_config(tmp_path / "pyproject.toml")
    result = Linter(config, cwd=tmp_path).lint([tmp_path])
    found = sorted((d.path, d.code) for d in result.diagnostics)
    assert found == [
        ("prod/template.yaml", "IL102"),
        ("prod/template.yaml", "IL103"),
        ("sandbox/template.yaml", "IL102"),
    ]


def test_per_file_ignores_do_not_depend_on_the_process_folder(tmp_path, monkeypatch):
    """A server lints with its own ``cwd``; globs must still be read against the config."""
    write_project(
        tmp_path,
        {
            "service/pyproject.toml": (
                '[tool.invokelint.per-file-ignores]\n"stacks/*" = ["IL103"]\n'
            ),
            "service/stacks/template.yaml": template(),
        },
    )
    monkeypatch.chdir(REPO)
    config = load_config(tmp_path / "service" / "pyproject.toml")
    result = Linter(config, cwd=tmp_path).lint([tmp_path / "service"])
    assert [d.code for d in result.diagnostics] == ["IL102"]


def test_severity_overrides_change_what_fails(tmp_path, capsys, monkeypatch):
    write_project(
        tmp_path,
        {
            "pyproject.toml": '[tool.invokelint.severity]\nIL103 = "warning"\nil102 = "info"\n',
            "template.yaml": template(),
        },
    )
    config = load_config(tmp_path / "pyproject.toml")
    assert sorted(lint_with(tmp_path, config)) == [("IL102", "info"), ("IL103", "warning")]
    status, out, _ = run(capsys, monkeypatch, tmp_path, "--fail-on", "error", "-q")
    assert status == 0 and "IL103 warning:" in out and "IL102 info:" in out


@pytest.mark.parametrize(("fail_on", "status"), [("error", 1), ("warning", 1), ("info", 1)])
def test_fail_on_with_an_error(tmp_path, capsys, monkeypatch, fail_on, status):
    write_project(
        tmp_path, {".invokelint.toml": f'fail-on = "{fail_on}"\n', "template.yaml": template()}
    )
    assert run(capsys, monkeypatch, tmp_path, "-q")[0] == status


@pytest.mark.parametrize(("fail_on", "status"), [("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on_with_a_warning_only(tmp_path, capsys, monkeypatch, fail_on, status):
    # 200 s covers the 60 s timeout (no error) but not 6 x 60 s (IL103 warning); no IL102.
    write_project(
        tmp_path,
        {
            ".invokelint.toml": f'fail-on = "{fail_on}"\nignore = ["IL102"]\n',
            "template.yaml": template(visibility=200),
        },
    )
    assert run(capsys, monkeypatch, tmp_path, "-q")[0] == status


def test_command_line_fail_on_beats_the_file(tmp_path, capsys, monkeypatch):
    write_project(
        tmp_path,
        {
            ".invokelint.toml": 'fail-on = "info"\nignore = ["IL102"]\n',
            "template.yaml": template(visibility=200),
        },
    )
    assert run(capsys, monkeypatch, tmp_path, "-q", "--fail-on", "error")[0] == 0


def test_exclude_globs_skip_files_and_folders(tmp_path):
    write_project(
        tmp_path,
        {
            "pyproject.toml": '[tool.invokelint]\nexclude = ["generated/", "*.old.yaml"]\n',
            "template.yaml": template(),
            "generated/deep/template.yaml": template(),
            "stack.old.yaml": template(),
        },
    )
    config = load_config(tmp_path / "pyproject.toml")
    result = Linter(config, cwd=tmp_path).lint([tmp_path])
    assert result.checked == ["template.yaml"]


def test_rule_option_changes_the_threshold(tmp_path):
    """IL103 warns below multiplier x timeout: 6 x 60 = 360 by default, 8 x 60 = 480 here."""
    write_project(tmp_path, {"template.yaml": template(visibility=400)})
    assert lint_with(tmp_path, Config(select=("IL103",))) == []
    write_project(tmp_path, {"pyproject.toml": "[tool.invokelint.rules.IL103]\nmultiplier = 8\n"})
    config = load_config(tmp_path / "pyproject.toml")
    config.select = ("IL103",)
    result = Linter(config, cwd=tmp_path).lint([tmp_path])
    (diagnostic,) = result.diagnostics
    assert diagnostic.severity is Severity.WARNING
    assert "at least 480" in diagnostic.message


# ------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('selct = ["IL1"]', "[tool.invokelint]: unknown key 'selct'"),
        ('fail-on = "fatal"', "[tool.invokelint] fail-on: 'fatal' is not one of"),
        ('select = "IL1"', "[tool.invokelint] select: 'IL1' is not of type 'array'"),
        ('select = ["IL9"]', "select: unknown rule 'IL9'"),
        ('ignore = ["E501"]', "[tool.invokelint] ignore.0: 'E501' is not a rule id or prefix"),
        ("exclude = [1]", "[tool.invokelint] exclude.0: 1 is not of type 'string'"),
        ("[tool.invokelint.rules.IL103]\nmultipler = 8", "rules.IL103: unknown key 'multipler'"),
        ("[tool.invokelint.rules.IL103]\nmultiplier = 0", "rules.IL103.multiplier: 0 is less"),
        ('[tool.invokelint.rules.IL103]\nmultiplier = "8"', "multiplier: '8' is not of type"),
        ("[tool.invokelint.rules.IL999]\nx = 1", "rules: unknown rule 'IL999'"),
        ("[tool.invokelint.rules.IL102]\nx = 1", "rules: rule 'IL102' has no options"),
        ('[tool.invokelint.severity]\nIL103 = "fatal"', "severity.IL103: 'fatal' is not one of"),
        ('[tool.invokelint.severity]\nIL999 = "info"', "severity: unknown rule 'IL999'"),
        ('[tool.invokelint.severity]\nIL1 = "info"', "severity: 'IL1' is not a rule id such as"),
        ('[tool.invokelint.per-file-ignores]\n"x/*" = ["IL9"]', "per-file-ignores: unknown rule"),
        ("[tool.invokelint", "invalid TOML: "),
    ],
)
def test_a_bad_setting_exits_2_naming_the_key(tmp_path, capsys, monkeypatch, table, message):
    body = table if table.startswith("[") else f"[tool.invokelint]\n{table}"
    write_project(tmp_path, {"pyproject.toml": body + "\n", "template.yaml": template()})
    status, out, err = run(capsys, monkeypatch, tmp_path)
    assert status == 2 and out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"invokelint: error: {(tmp_path / 'pyproject.toml').resolve()}: ")
    assert message in err


def test_errors_in_invokelint_toml_do_not_mention_pyproject(tmp_path):
    write_project(tmp_path, {".invokelint.toml": 'fail_on = "error"\n'})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / ".invokelint.toml")
    assert str(caught.value).endswith("config: unknown key 'fail_on'")


def test_a_config_that_is_not_utf8(tmp_path):
    (tmp_path / ".invokelint.toml").write_bytes(b'ignore = ["\xff"]\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path / ".invokelint.toml")
