"""``examples/`` is what the README shows first: its findings must stay true."""

from __future__ import annotations

import json

from helpers import REPO, run_cli

# (code, resource) pairs the example project is written to show.
EXPECTED = {
    ("IL101", "ChargePaymentFunction"),  # a function DLQ on an SQS consumer
    ("IL102", "NotificationsQueue"),  # a source queue without redrive
    ("IL103", "PaymentsQueue"),  # visibility timeout shorter than the function timeout
    ("IL109", "TrackShipmentFunction"),  # a Kinesis mapping without on-failure destination
    ("IL201", "RenderInvoiceFunction"),  # an S3-triggered function without failure capture
}

# Written as good practice: no rule may find anything wrong with them.
GOOD_PRACTICE = {
    "OrdersTable",
    "CreateOrderFunction",
    "OrdersQueue",
    "OrdersDeadLetterQueue",
    "ProcessOrderFunction",
    "NightlyReportFunction",
    "NightlyReportFailures",
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
    assert lines[0].startswith("examples/")  # paths as typed, relative to the working folder
    assert lines[-1].startswith("Found ") and lines[-1].endswith(" in 1 file.")
