"""``examples/`` is what the README shows first: its findings must stay true."""

from __future__ import annotations

import json

from helpers import REPO, run_cli

# (code, resource) pairs the example project is written to show. Handler-code rules add
# their own as they land (IL401, IL402, IL403 on fulfilment.py and analytics.py).
EXPECTED = {
    ("IL101", "FulfilmentFunction"),  # a function DLQ on an SQS consumer
    ("IL102", "FulfilmentQueue"),  # a source queue without a redrive policy
    ("IL103", "FulfilmentQueue"),  # visibility timeout shorter than the function timeout
    ("IL108", "AnalyticsFunction"),  # a Kinesis mapping that retries until records expire
    ("IL109", "AnalyticsFunction"),  # ... and drops them without an on-failure destination
    ("IL201", "InvoiceImportFunction"),  # an S3-triggered function without failure capture
}

# Written as good practice: no rule may find anything wrong with them.
GOOD_PRACTICE = {
    "OrdersTable",
    "CreateOrderFunction",
    "PaymentsQueue",
    "PaymentsDeadLetters",
    "PaymentsFunction",
    "ShippingTopic",
    "InvoiceBucket",
}


def test_examples_show_their_findings_and_nothing_on_good_practice():
    result = run_cli("check", "examples/", "--format", "json", cwd=REPO)
    assert result.returncode == 1, result.stderr
    found = {(item["code"], item["resource"]) for item in json.loads(result.stdout)}
    assert EXPECTED.issubset(found)
    assert not {pair for pair in found if pair[1] in GOOD_PRACTICE}


def test_examples_text_report_reads_as_the_readme_shows():
    result = run_cli("check", "examples/", cwd=REPO)
    lines = result.stdout.splitlines()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = [line for line in readme.splitlines() if line.startswith("examples/template.yaml:")]
    assert shown and all(line in lines for line in shown)
    paths = {line.split(":")[0] for line in lines[:-2]}
    assert lines[-2].startswith("Found ") and lines[-2].endswith(f" in {len(paths)} files.")
    assert lines[-1].startswith("[*] ") and "--unsafe-fixes" in lines[-1]
