"""The engine as an editor or a server uses it: unsaved text, repeated runs."""

from __future__ import annotations

from helpers import sqs_consumer, write_project

from invokelint.config import Config
from invokelint.engine import Linter


def test_unsaved_editor_text_is_linted_instead_of_the_file(tmp_path):
    template = write_project(tmp_path, {"template.yaml": sqs_consumer(20)}) / "template.yaml"
    linter = Linter(Config(select=("IL103",)), cwd=tmp_path)
    assert [d.code for d in linter.lint([tmp_path]).diagnostics] == ["IL103"]
    fixed = linter.lint([tmp_path], overlays={template: sqs_consumer(180)})
    assert fixed.diagnostics == [] and fixed.checked == ["template.yaml"]
    broken = linter.lint([tmp_path], overlays={template: "Resources:\n  Q: [\n"})
    assert [(d.code, d.path) for d in broken.diagnostics] == [("IL001", "template.yaml")]


def test_a_second_run_on_the_same_text_gives_the_same_findings(tmp_path):
    write_project(
        tmp_path, {"a/template.yaml": sqs_consumer(20), "b/template.yaml": sqs_consumer(20)}
    )
    linter = Linter(Config(), cwd=tmp_path)
    first = linter.lint([tmp_path]).diagnostics
    second = linter.lint([tmp_path]).diagnostics  # both documents now come from the cache
    assert first == second
    assert sorted({d.path for d in first}) == ["a/template.yaml", "b/template.yaml"]
