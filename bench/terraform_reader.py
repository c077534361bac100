"""How long reading Terraform takes: ``python bench/terraform_reader.py [CONSUMERS]``.

Generates a root module with CONSUMERS (default 1,000) SQS consumers, each a queue, its
dead-letter queue (``redrive_policy = jsonencode({...})``), a function and an event
source mapping, with names from a variable and a local, in a temporary folder. Then it
reads it with ``load_module``: once cold (every file parsed; tree-sitter's import and its
bare parse are timed on their own first) and once warm (parses cached by content, as an
editor re-linting sees). Milliseconds of wall clock and, since benchmark machines are
often shared, of this process's CPU time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from invokelint.frontends.terraform.module_loader import load_module  # noqa: E402

HEADER = """variable "prefix" {
  type    = string
  default = "orders"
}

locals {
  timeout = 30
}
"""

CONSUMER = """
resource "aws_sqs_queue" "dlq_{n}" {{
  name = "${{var.prefix}}-{n}-dlq"
}}

resource "aws_sqs_queue" "queue_{n}" {{
  name                       = "${{var.prefix}}-{n}"
  visibility_timeout_seconds = local.timeout * 6
  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.dlq_{n}.arn
    maxReceiveCount     = 5
  }})
}}

resource "aws_lambda_function" "worker_{n}" {{
  function_name = "${{var.prefix}}-worker-{n}"
  handler       = "app.handler"
  runtime       = "python3.12"
  timeout       = local.timeout
  filename      = "build/worker.zip"
  role          = aws_iam_role.worker.arn
  environment {{
    variables = {{
      QUEUE_URL = aws_sqs_queue.queue_{n}.url
    }}
  }}
}}

resource "aws_lambda_event_source_mapping" "mapping_{n}" {{
  event_source_arn        = aws_sqs_queue.queue_{n}.arn
  function_name           = aws_lambda_function.worker_{n}.arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]
}}
"""


def generate(folder: Path, consumers: int, files: int = 10) -> None:
    (folder / "variables.tf").write_text(HEADER, encoding="utf-8")
    per_file = max(1, consumers // files)
    for start in range(0, consumers, per_file):
        text = "".join(CONSUMER.format(n=n) for n in range(start, min(consumers, start + per_file)))
        (folder / f"consumers_{start:05d}.tf").write_text(text, encoding="utf-8")


def main(consumers: int) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        generate(folder, consumers)
        imported, _ = _timed(_import_tree_sitter)
        texts = [path.read_bytes() for path in sorted(folder.glob("*.tf"))]
        parsing, _ = _timed(lambda: [_import_tree_sitter().parse(text) for text in texts])
        cold, configuration = _timed(lambda: load_module(folder))
        warm, _ = _timed(lambda: load_module(folder))
        assert not configuration.problems, configuration.problems
        print(
            f"{consumers} consumers: {len(configuration.blocks)} blocks in "
            f"{configuration.statistics['tf files']} files\n"
            f"import tree-sitter: {imported[0]:.0f} ms wall, {imported[1]:.0f} ms CPU\n"
            f"tree-sitter parse alone: {parsing[0]:.0f} ms wall, {parsing[1]:.0f} ms CPU\n"
            f"cold: {cold[0]:.0f} ms wall, {cold[1]:.0f} ms CPU\n"
            f"warm (parses cached): {warm[0]:.0f} ms wall, {warm[1]:.0f} ms CPU"
        )


def _import_tree_sitter():
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


def _timed(run):
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000), result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
