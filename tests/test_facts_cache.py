"""Handler facts from the disk cache: used only while every file they read is unchanged."""

from __future__ import annotations

import io
import pickle
import shutil
from pathlib import Path

import pytest
from helpers import REPO, run_main, write_project

from invokelint import engine
from invokelint.cache import DiskCache
from invokelint.code import facts_cache, interpret, parse
from invokelint.config import Config
from invokelint.engine import Linter

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Writer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: a.handler
      Runtime: python3.12
      Environment:
        Variables:
          BUCKET: {bucket}
  Sender:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: b.handler
      Runtime: python3.12
"""

A = """\
import helpers
import utils


def handler(event, context):
    helpers.save(event)
    utils.notify(event)
"""

HELPERS = """\
import os

import boto3


def save(event):
    boto3.client("s3").put_object(Bucket=os.environ["BUCKET"], Key="k", Body="x")
"""

B = """\
import boto3


def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl="q", MessageBody="m")
"""

UTILS = """\
import boto3


def notify(event):
    boto3.client("sns").publish(TopicArn="arn:aws:sns:us-east-1:1:t", Message="m")
"""


def _forget() -> None:
    """Drop the in-memory caches, as a new process starts without them."""
    engine.clear_cache()
    parse._summaries.clear()


@pytest.fixture
def interpreted(monkeypatch) -> list[tuple[str, object]]:
    """Every handler interpreted: its module's name and the facts."""
    calls: list[tuple[str, object]] = []
    real = interpret.handler_facts

    def counting(loader, module, name, environment):
        facts = real(loader, module, name, environment)
        calls.append((module.dotted, facts))
        return facts

    monkeypatch.setattr(interpret, "handler_facts", counting)
    return calls


def _project(tmp_path: Path) -> Path:
    files = {
        "template.yaml": TEMPLATE.format(bucket="bucket-1"),
        "src/a.py": A,
        "src/helpers.py": HELPERS,
        "src/b.py": B,
    }
    return write_project(tmp_path / "project", files)


def _run(project: Path, folder: Path | None, calls: list | None = None) -> list[str]:
    _forget()
    if calls is not None:
        calls.clear()
    cache = DiskCache(folder) if folder is not None else None
    result = Linter(Config(), cwd=project, disk_cache=cache).lint([project])
    return [f"{d.code} {d.location} {d.message}" for d in result.diagnostics]


def _effects(facts: object) -> list[tuple[str, str, object]]:
    return [(e.service, e.operation, e.target) for e in facts.effects]  # type: ignore[attr-defined]


def test_fixtures_cold_and_warm_give_the_same_json_and_a_warm_run_interprets_nothing(
    tmp_path, interpreted
):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(REPO / "fixtures", fixtures)
    folder = tmp_path / "cache"
    outputs = []
    for options in (["--no-cache"], ["--cache-dir", str(folder)], ["--cache-dir", str(folder)]):
        _forget()
        interpreted.clear()
        status, out, err = run_main("check", str(fixtures), "--format", "json", "-j", "1", *options)
        assert '"code": "IL000"' not in out and "internal error" not in err
        outputs.append((status, out, err, len(interpreted)))
    (_, _, _, fresh), (_, _, _, recorded), (_, _, _, again) = outputs
    # the cold run reads the handlers (a template sharing another's code and environment
    # finds its facts already kept), the warm run none of them
    assert fresh > 100 and fresh - 50 < recorded <= fresh
    assert again == 0  # nothing changed: every handler's facts come from the cache
    assert outputs[0][:3] == outputs[1][:3] == outputs[2][:3]


def test_each_change_a_handler_read_invalidates_exactly_its_entry(tmp_path, interpreted):
    project = _project(tmp_path)
    folder = tmp_path / "cache"
    _run(project, folder, interpreted)
    cold = {module: _effects(facts) for module, facts in interpreted}
    assert sorted(cold) == ["a", "b"]
    assert _run(project, folder, interpreted) == _run(project, None)
    _run(project, folder, interpreted)
    assert not interpreted

    def changed(change) -> list[tuple[str, str, object]]:
        """Apply ``change``: only handler ``a`` is read again, as without the cache."""
        change()
        warm = _run(project, folder, interpreted)
        assert [module for module, _ in interpreted] == ["a"]
        effects = _effects(interpreted[0][1])
        assert warm == _run(project, None)
        assert _run(project, folder, interpreted) == warm and not interpreted  # kept again
        return effects

    # an imported local module is edited
    helpers = project / "src/helpers.py"
    edited = HELPERS + '    boto3.client("dynamodb").put_item(TableName="t", Item={})\n'
    after_edit = changed(lambda: helpers.write_text(edited))
    assert len(after_edit) == len(cold["a"]) + 1
    # a module appears where ``import utils`` found none: it shadows the library name
    shadowed = changed(lambda: (project / "src/utils.py").write_text(UTILS))
    assert ("sns", "publish") in [effect[:2] for effect in shadowed]
    # an imported module is deleted
    deleted = changed(helpers.unlink)
    assert [effect for effect in deleted if effect[0] == "s3"] == []
    helpers.write_text(HELPERS)
    _run(project, folder, interpreted)
    # the environment the facts read changes in the template
    template = project / "template.yaml"
    renamed = changed(lambda: template.write_text(TEMPLATE.format(bucket="bucket-2")))
    assert ("s3", "put_object", "bucket-2") in renamed


def test_a_problem_in_an_imported_module_is_replayed(tmp_path, interpreted):
    """What loading a module added to the run (IL001 for an imported module that does
    not parse) is reported the same from the cache."""
    project = _project(tmp_path)
    (project / "src/utils.py").write_text("def notify(event:\n")
    folder = tmp_path / "cache"
    cold = _run(project, folder, interpreted)
    assert any(line.startswith("IL001") and "utils.py" in line for line in cold)
    assert _run(project, folder, interpreted) == cold
    assert not interpreted
    assert _run(project, None) == cold


def test_an_entry_that_cannot_be_trusted_is_ignored(tmp_path, interpreted, monkeypatch):
    """A facts entry naming a class outside the facts, or recording malformed
    questions, is read as a miss: the handler is interpreted again."""
    project = _project(tmp_path)
    folder = tmp_path / "cache"
    cold = _run(project, folder, interpreted)
    entries = []
    real_put = DiskCache.put

    def capture(self, kind, text, value):
        if kind == facts_cache.KIND:
            entries.append(text)
        real_put(self, kind, text, value)

    monkeypatch.setattr(DiskCache, "put", capture)
    _run(project, tmp_path / "other", interpreted)  # learn the keys
    assert len(entries) == 2
    disk = DiskCache(folder)
    hostile = io.BytesIO()
    pickle.dump(shutil.rmtree, hostile)  # a callable: never rebuilt from an entry
    malformed = io.BytesIO()
    pickle.dump(facts_cache.Entry(loads=(("a", "not", "effects"),), handler=None), malformed)
    real_put(disk, facts_cache.KIND, entries[0], hostile.getvalue())
    real_put(disk, facts_cache.KIND, entries[1], malformed.getvalue())
    assert _run(project, folder, interpreted) == cold
    assert sorted(module for module, _ in interpreted) == ["a", "b"]


def test_a_run_past_a_budget_keeps_nothing(tmp_path, interpreted, monkeypatch):
    """Facts cut short by a budget depend on the run, not the files: never stored."""
    project = _project(tmp_path)
    folder = tmp_path / "cache"
    monkeypatch.setattr(interpret, "MAX_STEPS_PER_HANDLER", 3)
    _run(project, folder, interpreted)
    assert sorted(module for module, _ in interpreted) == ["a", "b"]
    _run(project, folder, interpreted)
    assert sorted(module for module, _ in interpreted) == ["a", "b"]  # read again: nothing was kept
