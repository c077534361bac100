"""Project configuration: ``[tool.invokelint]`` in ``pyproject.toml`` or ``.invokelint.toml``.

The file is validated against a JSON Schema assembled from the rules' own options, so a
misspelt key or a wrong value stops the run with the key named (exit status 2) instead
of being silently ignored. The table is found however TOML spells it (``[tool.invokelint]``,
``[tool]`` with ``invokelint = {...}``, dotted keys); whatever a file holds, reading it
ends in a ``Config`` or one ``ConfigError`` line, and files are size-bounded.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from invokelint.diagnostics import Severity
from invokelint.limits import MAX_CONFIG_BYTES
from invokelint.regular_files import Refused, read_regular

CONFIG_FILES = (".invokelint.toml", "pyproject.toml")
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".aws-sam",
    ".terraform",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".invokelint_cache",
    "site-packages",
)


class ConfigError(Exception):
    """A configuration problem: reported as one line, exit status 2."""


@dataclass
class Config:
    """The effective settings for one run (file settings, then command-line overrides)."""

    path: Path | None = None  # the file the settings came from, if any
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING
    exclude: tuple[str, ...] = ()
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    analyse_code: bool = True
    respect_gitignore: bool = True  # skip files git ignores when walking a folder
    cache_dir: Path | None = None  # ``cache-dir``, relative to the config file's folder

    @property
    def root(self) -> Path:
        """Folder that relative globs in the file are matched against."""
        return self.path.parent if self.path is not None else Path.cwd()

    # -- rule selection
    def enabled(self, code: str) -> bool:
        return _matches(code, self.select) and not self.is_ignored(code)

    def is_ignored(self, code: str) -> bool:
        return _matches(code, self.ignore)

    def ignored_in(self, code: str, path: str) -> bool:
        """``per-file-ignores``: ``path`` is compared relative to the config's folder."""
        if not self.per_file_ignores:
            return False
        relative = _relative(path, self.root)
        return any(
            _matches(code, codes) and _glob(relative, pattern)
            for pattern, codes in self.per_file_ignores.items()
        )

    def excluded(self, path: Path) -> bool:
        """Default folders (``.git``, ``node_modules``, ...) and ``exclude`` globs."""
        if any(part in DEFAULT_EXCLUDE for part in path.parts):
            return True
        if not self.exclude:
            return False
        relative = _relative(str(path), self.root)
        return any(_glob(relative, pattern) for pattern in self.exclude)


def _matches(code: str, selectors: Iterable[str]) -> bool:
    """``ALL``, an exact id, or a prefix such as ``IL1`` (the IL1xx family)."""
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def _relative(path: str, root: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _glob(relative: str, pattern: str) -> bool:
    """A glob matches the path, any of its parent folders, or its file name."""
    pattern = pattern.rstrip("/")
    if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(Path(relative).name, pattern):
        return True
    parts = relative.split("/")
    return any(fnmatch.fnmatch("/".join(parts[:i]), pattern) for i in range(1, len(parts)))


# ------------------------------------------------------------------------------ loading


def find_config(start: Path) -> Path | None:
    """The nearest ``.invokelint.toml``, or ``pyproject.toml`` with a ``[tool.invokelint]``."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory.resolve(), *directory.resolve().parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and not _configures_invokelint(candidate):
                continue
            return candidate
    return None


def _configures_invokelint(pyproject: Path) -> bool:
    """The file holds ``tool.invokelint`` in any TOML spelling. A file that cannot be
    read or parsed counts when it mentions invokelint, so that its error is reported."""
    try:
        data = read_regular(pyproject, MAX_CONFIG_BYTES)
    except (OSError, Refused):
        return False
    if data is None or b"invokelint" not in data:
        return False
    try:
        tool = _toml().loads(data.decode("utf-8")).get("tool")
    except (ValueError, RecursionError):  # TOMLDecodeError and UnicodeDecodeError too
        return True
    return isinstance(tool, dict) and "invokelint" in tool


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    return tomllib


def load_config(path: Path | None) -> Config:
    """Read and validate ``path`` (``None``: defaults). Raises ``ConfigError``."""
    if path is None:
        return Config()
    table = _read_table(path)
    try:
        _validate(table, path)
    except RecursionError:
        raise ConfigError(f"{path}: config values are nested too deeply") from None
    return _from_table(table, path)


def _read_table(path: Path) -> dict[str, Any]:
    tomllib = _toml()
    try:
        data = read_regular(path, MAX_CONFIG_BYTES)
        if data is None:
            limit = MAX_CONFIG_BYTES // 1024
            raise ConfigError(f"{path}: config file is larger than {limit} KiB")
        document = tomllib.loads(data.decode("utf-8"))
    except Refused as refused:
        raise ConfigError(f"{path}: {refused.message}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: values nested too deeply") from None
    if path.name != "pyproject.toml":
        return document
    tool = document.get("tool", {})
    table = tool.get("invokelint", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        shape = "an array of tables" if isinstance(table, list) else "a value"
        raise ConfigError(f"{path}: [tool.invokelint] must be a table, not {shape}")
    return table


def _from_table(table: Mapping[str, Any], path: Path) -> Config:
    config = Config(path=path)
    where = str(path)
    if "select" in table:
        config.select = resolve_selectors(table["select"], "select", where)
    config.ignore = resolve_selectors(table.get("ignore", ()), "ignore", where)
    config.per_file_ignores = {
        pattern: resolve_selectors(codes, "per-file-ignores", where)
        for pattern, codes in table.get("per-file-ignores", {}).items()
    }
    config.severity = {
        code.upper(): Severity(level) for code, level in table.get("severity", {}).items()
    }
    if "fail-on" in table:
        config.fail_on = Severity(table["fail-on"])
    config.exclude = tuple(table.get("exclude", ()))
    if "cache-dir" in table:
        config.cache_dir = path.parent / table["cache-dir"]
    config.rule_options = {
        code.upper(): dict(values) for code, values in table.get("rules", {}).items()
    }
    return config


# --------------------------------------------------------------------------- validation


RULE_SELECTOR = r"^(ALL|[Ii][Ll]\d{0,3}|[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*)$"  # or a name


def config_schema() -> dict[str, Any]:
    """The JSON Schema of the ``[tool.invokelint]`` table, including every rule's options."""
    from invokelint.rules import all_rules

    codes = {"type": "array", "items": {"type": "string", "pattern": RULE_SELECTOR}}
    levels = {"enum": [s.value for s in Severity]}
    rule_tables = {}
    for rule in all_rules():
        if rule.options:
            rule_tables[rule.id] = {
                "type": "object",
                "properties": {name: dict(option.schema) for name, option in rule.options.items()},
                "additionalProperties": False,
            }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "select": codes,
            "ignore": codes,
            "per-file-ignores": {"type": "object", "additionalProperties": codes},
            "severity": {
                "type": "object",
                "propertyNames": {"pattern": r"^[Ii][Ll]\d{3}$"},
                "additionalProperties": levels,
            },
            "fail-on": levels,
            "exclude": {"type": "array", "items": {"type": "string"}},
            "cache-dir": {"type": "string", "minLength": 1},
            "rules": {"type": "object", "properties": rule_tables, "additionalProperties": False},
        },
        "additionalProperties": False,
    }


def _validate(table: Mapping[str, Any], path: Path) -> None:
    from jsonschema import Draft202012Validator

    rules = table.get("rules")
    if isinstance(rules, dict):  # rule ids are case-insensitive everywhere else too
        table = {**table, "rules": {str(code).upper(): value for code, value in rules.items()}}
    validator = Draft202012Validator(config_schema())
    error = next(
        iter(sorted(validator.iter_errors(table), key=lambda e: list(e.absolute_path))), None
    )
    if error is not None:
        raise ConfigError(f"{path}: {_shortened(_describe(error, path))}")
    _check_rule_codes(table, path)


def _describe(error: Any, path: Path) -> str:
    section = "[tool.invokelint]" if path.name == "pyproject.toml" else "config"
    keys = [str(part) for part in error.absolute_path]
    where = ".".join(keys)
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if keys == ["rules"]:
            return f"{section} rules: {_rule_table_problem(extra[0])}"
        scope = f"{section} {where}".rstrip() if where else section
        return f"{scope}: unknown key {', '.join(repr(k) for k in extra)}"
    value = error.instance
    if "propertyNames" in error.schema_path:  # a key of ``severity``: one rule, no prefix
        return f"{section} {where}: {value!r} is not a rule id such as IL103"
    if error.validator == "pattern":
        return f"{section} {where}: {value!r} is not a rule id, prefix or name (IL103, IL1, ALL)"
    return f"{section} {where}: {error.message}"


def _shortened(message: str, limit: int = 300) -> str:
    """One line of reasonable length, whatever value the message quotes."""
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _rule_table_problem(code: str) -> str:
    from invokelint.rules import get_rule

    rule = get_rule(code) if code.startswith("IL") else None
    if rule is None:
        return f"unknown rule {code!r}"
    return f"rule {code!r} has no options"


def _check_rule_codes(table: Mapping[str, Any], path: Path) -> None:
    from invokelint.rules import all_rules

    known = {rule.id for rule in all_rules()}
    for code in table.get("severity", {}):
        if code.upper() not in known:
            raise ConfigError(f"{path}: severity: unknown rule {code!r}")
    resolve_selectors(table.get("select", ()), "select", str(path))
    resolve_selectors(table.get("ignore", ()), "ignore", str(path))
    for codes in table.get("per-file-ignores", {}).values():
        resolve_selectors(codes, "per-file-ignores", str(path))


def resolve_selectors(selectors: Iterable[str], option: str, where: str) -> tuple[str, ...]:
    """Rule ids, id prefixes (``IL1``), ``ALL`` or rule names (``sqs-visibility-timeout``),
    in any case, as upper-case ids and prefixes. An unknown one stops the run with the
    closest spelling of the same kind: a typo must not quietly select or skip nothing."""
    from invokelint.rules import all_rules

    rules = all_rules()
    ids = [rule.id for rule in rules]
    names = {rule.name: rule.id for rule in rules}
    resolved = []
    for selector in selectors:
        text = selector.strip()
        if text.lower() in names:
            resolved.append(names[text.lower()])
        elif text.upper() == "ALL" or (text and any(i.startswith(text.upper()) for i in ids)):
            resolved.append(text.upper())
        else:
            raise ConfigError(
                f"{where}: {option}: unknown rule {selector!r}{_suggestion(text, ids, names)}"
            )
    return tuple(resolved)


def _suggestion(typed: str, ids: Sequence[str], names: Iterable[str]) -> str:
    """``; did you mean 'X'?`` in the form the user typed: a name for a name, else an id."""
    import difflib
    import re

    if re.fullmatch(r"[A-Za-z]{2}\w*", typed) and typed[:2].upper() == "IL":
        # the letters O, I and L typed for the digits 0 and 1 are the likeliest slips
        digits = typed[2:].upper().translate(str.maketrans("OIL", "011"))
        close = difflib.get_close_matches("IL" + digits, ids, n=1, cutoff=0.8)
    else:
        close = difflib.get_close_matches(typed.lower(), list(names), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def check_selectors(selectors: Sequence[str], option: str, where: str) -> None:
    """Every selector must match at least one rule: a typo must not disable nothing."""
    from invokelint.rules import all_rules

    codes = [rule.id for rule in all_rules()]
    for selector in selectors:
        upper = selector.upper()
        if upper != "ALL" and not any(code.startswith(upper) for code in codes):
            raise ConfigError(f"{where}: {option}: unknown rule {selector!r}")
