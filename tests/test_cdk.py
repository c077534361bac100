"""CDK cloud assemblies: every stack template of ``cdk.out`` (stages, nested stacks),
findings named by construct path, placed at the construct's source line when traced, and
``Code.fromAsset`` handlers read from the staged asset folder."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, lint

from invokelint.cli import main
from invokelint.config import Config
from invokelint.discovery import CloudAssembly, discover

ORDERS_APP = REPO / "fixtures" / "cdk" / "orders-app"
TRACED_APP = REPO / "fixtures" / "cdk" / "traced-app"

# The examples' fulfilment and analytics mistakes (examples/template.yaml reports the
# same codes for them), once per stack: at the top and in stage Prod.
_KINESIS = "Analytics/Analytics/KinesisEventSource:{}OrdersStackAnalyticsOrderEvents{}/Resource"
EXPECTED = Counter(
    {
        (code, f"{prefix}OrdersStack/{construct}"): count
        for prefix, stream in (("", "789E2178"), ("Prod/", "D3895EAF"))
        for code, construct, count in (
            ("IL101", "Fulfilment/Resource", 1),
            ("IL102", "FulfilmentQueue/Resource", 1),
            ("IL103", "FulfilmentQueue/Resource", 1),
            ("IL401", "Fulfilment/Resource", 2),
            ("IL402", "Fulfilment/Resource", 1),
            ("IL108", _KINESIS.format(prefix.strip("/"), stream), 1),
            ("IL109", _KINESIS.format(prefix.strip("/"), stream), 1),
            ("IL401", "Analytics/Analytics/Resource", 1),
            ("IL403", "Analytics/Analytics/Resource", 1),
        )
    }
)


def _findings(assembly: Path) -> Counter[tuple[str, str | None]]:
    result = lint(assembly)
    assert not result.failed
    return Counter((d.code, d.construct_path) for d in result.diagnostics)


def test_assembly_lints_stacks_stages_nested_stacks_and_asset_code() -> None:
    assert _findings(ORDERS_APP / "cdk.out") == EXPECTED


def test_manifest_named_on_its_own_lints_the_assembly() -> None:
    assert _findings(ORDERS_APP / "cdk.out" / "manifest.json") == EXPECTED


def test_walking_the_app_finds_the_assembly_once_and_not_its_loose_templates() -> None:
    units = discover([ORDERS_APP], Config())
    assert units == [CloudAssembly(ORDERS_APP / "cdk.out")]


def test_a_manifest_json_that_is_no_assembly_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"name": "web app", "icons": []}')
    units = discover([tmp_path, tmp_path / "manifest.json"], Config())
    assert units == [tmp_path / "manifest.json"]  # a JSON file, judged by its content


def test_asset_found_by_its_staged_folder_without_asset_metadata(tmp_path: Path) -> None:
    """``App().synth()`` outside the CLI writes no ``aws:asset:path``: ``S3Key`` names it."""
    copy = tmp_path / "cdk.out"
    shutil.copytree(ORDERS_APP / "cdk.out", copy)
    template = copy / "OrdersStack.template.json"
    text = template.read_text()
    assert '"aws:asset:path"' in text
    template.write_text(text.replace('"aws:asset:path"', '"not-asset-path"'))
    found = _findings(copy)
    assert found[("IL402", "OrdersStack/Fulfilment/Resource")] == 1


def test_traced_construct_points_at_its_source_line_with_the_template_related() -> None:
    """The trace names /home/ci/orders/lib/orders-stack.ts (the synthesizing machine's
    path): found here by its tail inside the app folder."""
    (finding,) = lint(TRACED_APP).diagnostics
    assert finding.code == "IL103"
    assert finding.construct_path == "OrdersStack/WorkQueue/Resource"
    assert (finding.location.path, finding.location.line, finding.location.column) == (
        "lib/orders-stack.ts",
        12,
        19,
    )
    template = finding.related[0]
    assert (template.path, template.line) == ("cdk.out/OrdersStack.template.json", 3)


def test_trace_into_the_library_only_stays_in_the_template(tmp_path: Path) -> None:
    copy = tmp_path / "app"
    shutil.copytree(TRACED_APP, copy)
    (copy / "lib" / "orders-stack.ts").unlink()  # the user frame no longer resolves
    (finding,) = lint(copy).diagnostics
    assert finding.location.path == "cdk.out/OrdersStack.template.json"
    assert finding.construct_path == "OrdersStack/WorkQueue/Resource"


@pytest.mark.parametrize(
    "fmt", ["concise", "full", "json", "sarif", "github", "gitlab", "junit", "lsp", "markdown"]
)
def test_every_output_format_names_the_construct(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", str(TRACED_APP / "cdk.out"), "--format", fmt])
    assert "OrdersStack/WorkQueue/Resource" in capsys.readouterr().out


def test_broken_manifest_is_one_line_naming_file_and_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assembly = tmp_path / "cdk.out"
    assembly.mkdir()
    (assembly / "cdk.out").write_text('{"version":"36.0.0"}')
    (assembly / "manifest.json").write_text('{\n  "version": "36.0.0",\n  "artifacts": {\n}')
    assert main(["check", str(assembly), "--format", "concise"]) == 2  # as a broken template
    out = capsys.readouterr().out
    assert "manifest.json:4:" in out and "IL001" in out and "Traceback" not in out


def test_template_file_outside_the_assembly_is_not_read(tmp_path: Path) -> None:
    shutil.copytree(TRACED_APP, tmp_path / "app")
    assembly = tmp_path / "app" / "cdk.out"
    manifest = json.loads((assembly / "manifest.json").read_text())
    outside = tmp_path / "elsewhere.template.json"
    shutil.copy(assembly / "OrdersStack.template.json", outside)
    (assembly / "OrdersStack.template.json").unlink()
    manifest["artifacts"]["OrdersStack"]["properties"]["templateFile"] = (
        "../../elsewhere.template.json"
    )
    (assembly / "manifest.json").write_text(json.dumps(manifest))
    result = lint(assembly)
    assert result.diagnostics == [] and result.checked == []


def _synthesizes() -> bool:
    """Whether aws-cdk-lib is installed and Node.js found; not imported here (that would
    start jsii's Node.js process in every test run that collects this file)."""
    return shutil.which("node") is not None and importlib.util.find_spec("aws_cdk") is not None


def needs_cdk(test):
    """A test that synthesizes a CDK app: skipped without aws-cdk-lib and Node.js, as
    offline, except where CI installed them (``INVOKELINT_REQUIRE_CDK=1``, set by
    ``.ci/run``): there a skip would hide a broken install, so the test runs and fails."""
    required = os.environ.get("INVOKELINT_REQUIRE_CDK") == "1"
    skip = pytest.mark.skipif(
        not required and not _synthesizes(), reason="needs aws-cdk-lib and Node.js"
    )
    return pytest.mark.cdk(skip(test))


# jsii warns on stderr about Node.js versions it was not tested with; the output is read
SYNTH_ENV = {**os.environ, "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1"}


@needs_cdk
def test_synthesized_app_gets_the_same_findings(tmp_path: Path) -> None:
    """The committed assembly is what the app synthesizes today (assets rehashed aside)."""
    out = tmp_path / "cdk.out"
    command = [sys.executable, str(ORDERS_APP / "app.py"), str(out)]
    subprocess.run(command, check=True, env=SYNTH_ENV, timeout=300)
    assert _findings(out) == EXPECTED


_PLUGIN_APP = """
import sys
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_lambda as lambda_, aws_lambda_event_sources as sources, aws_sqs as sqs
from invokelint.cdk_validation import InvokelintValidation

app = App(outdir=sys.argv[1], policy_validation_beta1=[InvokelintValidation()])
stack = Stack(app, "OrdersStack")
queue = sqs.Queue(stack, "WorkQueue", visibility_timeout=Duration.seconds(int(sys.argv[2])))
worker = lambda_.Function(
    stack, "Worker", runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context):\\n    return None\\n"),
    timeout=Duration.seconds(120),
)
worker.add_event_source(sources.SqsEventSource(queue, report_batch_item_failures=True))
app.synth()
"""


def _synth_with_plugin(tmp_path: Path, visibility: int) -> tuple[int, str, dict[str, Any]]:
    """Exit status and output of ``App.synth()`` with the plugin, and CDK's report."""
    tmp_path.mkdir()
    command = [sys.executable, "-c", _PLUGIN_APP, str(tmp_path / "out"), str(visibility)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=SYNTH_ENV, timeout=300, cwd=tmp_path
    )
    output = done.stdout + done.stderr
    report = tmp_path / "out" / "validation-report.json"
    assert report.is_file(), output
    plugins = json.loads(report.read_text())["pluginReports"]  # CDK's own beside ours
    (plugin,) = [plugin for plugin in plugins if plugin["pluginName"] == "invokelint"]
    return done.returncode, output, plugin


def _violations(plugin: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    """Rule -> (severity, construct paths) of a plugin's report."""
    return {
        violation["ruleName"].split()[0]: (
            violation["severity"],
            [c["constructPath"] for c in violation["violatingConstructs"]],
        )
        for violation in plugin["violations"]
    }


@needs_cdk
def test_validation_plugin_fails_synth_on_an_error_and_passes_a_sound_app(
    tmp_path: Path,
) -> None:
    """``App.synth()`` (what ``cdk synth`` runs) raises CDK's ValidationFailed when the
    plugin reports an error, and the report names the construct; warnings pass."""
    status, output, plugin = _synth_with_plugin(tmp_path / "broken", 30)
    assert status != 0 and "ValidationFailed" in output, output
    assert plugin["conclusion"] == "failure"
    assert _violations(plugin)["IL103"] == ("error", ["OrdersStack/WorkQueue/Resource"])
    assert "IL103" in output and "OrdersStack/WorkQueue/Resource" in output  # printed too
    status, output, plugin = _synth_with_plugin(tmp_path / "sound", 720)
    assert status == 0, output
    assert plugin["conclusion"] == "success"
    assert "IL103" not in _violations(plugin)
    assert _violations(plugin)["IL102"][0] == "warning"  # reported, not failing


def test_ci_installs_aws_cdk_lib_for_the_readme_test_command() -> None:
    """CI runs the synthesizing tests: ``.ci/run`` installs the cdk extra (bounded in
    time) into the venv the README's test command reuses, then requires them."""
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    install = next(i for i, line in enumerate(lines) if "-e '.[cdk]'" in line)
    readme = next(i for i, line in enumerate(lines) if "-e '.[test]'" in line)
    assert install < readme and lines[install].lstrip().startswith("elif timeout ")
    assert lines[install + 1].strip() == "export INVOKELINT_REQUIRE_CDK=1"
