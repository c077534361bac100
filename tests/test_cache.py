"""The persistent cache: a warm run parses nothing, and a bad entry is never trusted."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from helpers import run_cli, sqs_consumer, write_project

from invokelint import engine
from invokelint.cache import DiskCache
from invokelint.code import parse
from invokelint.config import Config
from invokelint.engine import Linter

HANDLER = """\
import boto3

def handler(event, context):
    for record in event["Records"]:
        boto3.client("sqs").send_message(QueueUrl="q", MessageBody=record["body"])
"""

TEMPLATE = sqs_consumer(10)  # handler app.handler in src/


def _project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", {"template.yaml": TEMPLATE, "src/app.py": HANDLER})


def _forget() -> None:
    """Drop the in-memory caches, as a new process starts without them."""
    engine.clear_cache()
    parse._summaries.clear()


def _run(project: Path, cache: DiskCache | None) -> list[str]:
    _forget()
    result = Linter(Config(), cwd=project, disk_cache=cache).lint([project])
    return [f"{d.code} {d.location.path}:{d.location.line} {d.message}" for d in result.diagnostics]


def _entries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if len(p.name) == 64]


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if anything is parsed (template or handler)."""

    def refuse(*args, **kwargs):
        raise AssertionError("parsed although cached")

    def arm() -> None:
        monkeypatch.setattr(engine, "load_yaml", refuse)
        monkeypatch.setattr(parse, "_summarise", refuse)

    return arm


def test_a_warm_run_parses_nothing_and_reports_the_same(tmp_path, no_parsing):
    project = _project(tmp_path)
    folder = tmp_path / "cache"
    cold = _run(project, DiskCache(folder))
    # the template, the handler module's summary and the handler's facts
    assert cold and len(_entries(folder)) == 3
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "secret").stat().st_mode & 0o777 == 0o600
    no_parsing()
    assert _run(project, DiskCache(folder)) == cold


def test_an_edited_file_is_parsed_again(tmp_path):
    project = _project(tmp_path)
    folder = tmp_path / "cache"
    _run(project, DiskCache(folder))
    (project / "src/app.py").write_text(HANDLER + "\nx = 1\n")
    before = parse.parsed
    _run(project, DiskCache(folder))
    assert parse.parsed == before + 1
    assert len(_entries(folder)) == 5  # a summary and facts for the edited module


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda data: data[:-7], id="truncated"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="corrupt"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"garbage" * 20, id="garbage"),
    ],
)
def test_a_damaged_entry_is_ignored_and_rewritten(tmp_path, spoil):
    project = _project(tmp_path)
    folder = tmp_path / "cache"
    cold = _run(project, DiskCache(folder))
    for entry in _entries(folder):
        entry.write_bytes(spoil(entry.read_bytes()))
    cache = DiskCache(folder)
    assert _run(project, cache) == cold
    assert cache.hits == 0 and cache.writes == 3
    cache = DiskCache(folder)
    # the template and the handler's facts; its summary is not even needed
    assert _run(project, cache) == cold and cache.hits == 2


def test_an_entry_from_another_cache_is_not_trusted(tmp_path, monkeypatch):
    """Same key, valid format, another secret: a foreign entry is a miss."""
    project = _project(tmp_path)
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    cold = _run(project, DiskCache(ours))
    _run(project, DiskCache(theirs))
    for entry in _entries(theirs):
        os.replace(entry, ours / entry.name)
    cache = DiskCache(ours)
    assert _run(project, cache) == cold and cache.hits == 0


def test_an_authentic_entry_naming_a_foreign_class_is_not_loaded(tmp_path):
    """Even with a valid HMAC (a secret that leaked), only invokelint's data classes load."""
    folder = tmp_path / "cache"
    cache = DiskCache(folder)
    cache.put("yaml", "text", engine.load_yaml("a: 1\n"))
    assert cache.get("yaml", "text") is not None
    cache.put("yaml", "text", os.system)  # pickled as a reference to os.system
    assert DiskCache(folder).get("yaml", "text") is None


def test_a_secret_others_can_read_disables_the_cache(tmp_path):
    project = _project(tmp_path)
    folder = tmp_path / "cache"
    _run(project, DiskCache(folder))
    (folder / "secret").chmod(0o644)
    cache = DiskCache(folder)
    _run(project, cache)
    assert cache.hits == 0 and cache.writes == 0 and not cache.enabled


def test_entries_are_written_only_inside_the_folder(tmp_path):
    folder = tmp_path / "cache"
    cache = DiskCache(folder)
    cache.put("summary", "x = 1\n", None)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(OSError):
        cache._write("../escape", b"data")
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert all(p.parent == folder for p in folder.iterdir())


def test_pickle_is_refused_outside_the_allowed_classes():
    import io

    from invokelint.cache import _Unpickler

    with pytest.raises(pickle.UnpicklingError):
        _Unpickler(io.BytesIO(pickle.dumps(Path("x")))).load()


# -- the command line


def test_the_cache_lives_at_the_first_folder_linted(tmp_path):
    project = _project(tmp_path)
    first = run_cli("check", "project", cwd=tmp_path)
    assert (project / ".invokelint_cache" / ".gitignore").is_file()
    assert not (tmp_path / ".invokelint_cache").exists()
    second = run_cli("check", "project", cwd=tmp_path)
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    assert ".invokelint_cache" not in first.stdout + first.stderr


def test_no_cache_writes_nothing(tmp_path):
    _project(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = run_cli("check", "project", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_standard_input_alone_writes_no_cache(tmp_path):
    run_cli("check", "-", cwd=tmp_path, input=TEMPLATE)
    assert list(tmp_path.iterdir()) == []


def test_cache_dir_option_and_config_key(tmp_path):
    project = _project(tmp_path)
    run_cli("check", "project", "--cache-dir", "elsewhere", cwd=tmp_path)
    assert _entries(tmp_path / "elsewhere")
    assert not (project / ".invokelint_cache").exists()
    (project / ".invokelint.toml").write_text('cache-dir = "build/lint-cache"\n')
    run_cli("check", "project", cwd=tmp_path)
    assert _entries(project / "build" / "lint-cache")
    assert not (project / ".invokelint_cache").exists()


def test_a_read_only_tree_gets_no_cache_even_for_root(tmp_path):
    """A folder without write bits (a CI mount of shared files) is never written, even by
    root, whom the permission bits do not stop."""
    from invokelint.cache import DiskCache

    tree = tmp_path / "tree"
    tree.mkdir()
    tree.chmod(0o555)
    try:
        cache = DiskCache(tree / ".invokelint_cache")
        cache.put("template", "Resources: {}", {"a": 1})
        assert not cache.enabled and not (tree / ".invokelint_cache").exists()
    finally:
        tree.chmod(0o755)


def test_a_warm_run_imports_no_parser(tmp_path):
    """Every document and handler summary comes from the cache: neither PyYAML nor libcst
    is imported (their imports are most of what a warm pre-commit run would cost)."""
    from test_cli import loaded_modules

    _project(tmp_path)
    assert {"yaml", "libcst"} <= loaded_modules(tmp_path / "project", "check", ".")
    assert {"yaml", "libcst"} & loaded_modules(tmp_path / "project", "check", ".") == set()
