"""The language server on a Terraform project: ``.tf`` and ``.tfvars`` edits re-lint the
module (and the module that calls it), and unsaved buffers are read instead of the disk."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from helpers import write_project
from lsprotocol import types
from pytest_lsp import LanguageClient
from samples import TF_ROOT as ROOT
from samples import TF_WORKER as WORKER
from test_lsp import CONFIG, capabilities, codes, replace_all, start, until, uri

pytestmark = pytest.mark.asyncio

REDRIVE = """\
resource "aws_sqs_queue" "orders" {
  visibility_timeout_seconds = var.visibility
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_sqs_queue" "dlq" {
  message_retention_seconds = 1209600
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "infra",
        {"main.tf": ROOT, "modules/worker/main.tf": WORKER, "terraform.tfvars": ""},
    )


@pytest_lsp.fixture(config=CONFIG)
async def vscode(lsp_client: LanguageClient, project: Path):
    await start(lsp_client, project, capabilities("visual-studio-code@v1.65.2"), {"debounce": 0.1})
    yield
    await lsp_client.shutdown_session()


def open_terraform(client: LanguageClient, project: Path, relative: str) -> str:
    path = project / relative
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id="terraform", version=1, text=path.read_text()
            )
        )
    )
    return path.as_uri()


def all_codes(client: LanguageClient) -> set[str]:
    return {str(d.code) for found in client.diagnostics.values() for d in found}


async def test_opening_a_module_file_publishes_its_findings_at_their_lines(vscode, project):
    client = vscode
    worker = open_terraform(client, project, "modules/worker/main.tf")
    await until(lambda: "IL102" in codes(client, worker), "IL102 on the module's queue")
    (finding,) = [d for d in client.diagnostics[worker] if d.code == "IL102"]
    assert finding.range.start.line == 2  # resource "aws_sqs_queue" "orders" (0-based)
    assert "IL103" not in all_codes(client)  # the caller passes 400 s


async def test_an_unsaved_tf_edit_relints_the_module(vscode, project):
    client = vscode
    worker = open_terraform(client, project, "modules/worker/main.tf")
    await until(lambda: "IL102" in codes(client, worker), "IL102")
    fixed = WORKER.replace(
        WORKER[WORKER.index('resource "aws_sqs_queue"') :].split("\n\n")[0], REDRIVE
    )
    replace_all(client, worker, 2, fixed)
    await until(lambda: "IL102" not in codes(client, worker), "IL102 to clear after the edit")
    assert (project / "modules/worker/main.tf").read_text() == WORKER  # nothing written


async def test_an_unsaved_tfvars_edit_changes_the_value_the_module_receives(vscode, project):
    client = vscode
    worker = open_terraform(client, project, "modules/worker/main.tf")
    tfvars = open_terraform(client, project, "terraform.tfvars")
    await until(lambda: "IL102" in codes(client, worker), "IL102")
    replace_all(client, tfvars, 2, "visibility = 20\n")  # below the 30 s function timeout
    await until(lambda: "IL103" in all_codes(client), "IL103 from the tfvars buffer")
    replace_all(client, tfvars, 3, "visibility = 400\n")
    await until(lambda: "IL103" not in all_codes(client), "IL103 to clear")


async def test_a_caller_edit_updates_findings_in_the_called_module(vscode, project):
    client = vscode
    root = open_terraform(client, project, "main.tf")
    await until(lambda: "IL102" in all_codes(client), "IL102")
    replace_all(client, root, 2, ROOT.replace("default = 400", "default = 20"))
    await until(lambda: "IL103" in all_codes(client), "IL103 after the caller's edit")
    # the value comes from the caller's variable default: the finding is where to change it
    (finding,) = [d for d in client.diagnostics.get(root, []) if d.code == "IL103"]
    assert finding.range.start.line == 1  # default = 20
    assert "IL103" not in codes(client, uri(project, "modules/worker/main.tf"))
