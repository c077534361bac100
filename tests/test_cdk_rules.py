"""The rules on CDK apps: ``fixtures/cdk/IL*/cdk.out``, synthesized by ``tests/cdk_app``.

Each fixture is one small stack with one mistake (``.fail``) or its remedy (``.pass``),
handler code staged from ``Code.from_asset``. tests/test_fixtures.py already runs them as
fixtures of their rule; here every finding of each is pinned (rule, construct path, file,
line): nothing else fires on what CDK generates around the mistake, and the construct path
is in the message. Staged asset folders are named ``asset`` here (their hash changes with
the handler's text).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, lint
from test_cdk import SYNTH_ENV, needs_cdk

FIXTURES = REPO / "fixtures" / "cdk"
APP = REPO / "tests" / "cdk_app" / "app.py"
TEMPLATE = "Orders.template.json"
INDEX = "asset/index.py"
MAPPING = "Orders/Worker/SqsEventSource:OrdersWorkE0A4575B/Resource"
WEB = "Orders/Web/Resource"
ALB_GRANT = "Orders/Web/Invoke2UTWxhlfyqbT5FTn--5jvgbLgj+FfJwzswGk55DU1H--Y="

# fixture -> (rule, construct path, file in cdk.out, line) of every finding
PINNED: dict[str, list[tuple[str, str, str, int]]] = {
    "IL112-two-reserved-for-a-queue.fail": [("IL112", "Orders/Worker/Resource", TEMPLATE, 123)],
    "IL112-reserved-above-maximum-concurrency.pass": [],
    "IL113-whole-batch-fails.fail": [("IL113", MAPPING, TEMPLATE, 143)],
    "IL113-reports-failures.pass": [],
    "IL114-three-shared-readers.fail": [("IL114", "Orders/Events/Resource", TEMPLATE, 3)],
    "IL114-two-shared-and-fan-out.pass": [],
    "IL201-subscriber-without-capture.fail": [("IL201", "Orders/Notify/Resource", TEMPLATE, 43)],
    "IL201-subscriber-with-destination.pass": [],
    "IL203-api-function-with-dlq.fail": [("IL203", "Orders/Api/Resource", TEMPLATE, 86)],
    "IL203-subscriber-with-dlq.pass": [],
    "IL204-fifo-dead-letter-queue.fail": [("IL204", "Orders/Api/Resource", TEMPLATE, 87)],
    "IL204-standard-dead-letter-queue.pass": [],
    "IL205-cdk-grants-every-invoker.pass": [],  # SNS, EventBridge, S3 and API Gateway
    "IL206-writes-back-to-uploads.fail": [("IL206", "Orders/Process/Resource", INDEX, 14)],
    "IL206-only-uploads-prefix-notifies.pass": [],
    "IL207-subscription-without-dlq.fail": [
        ("IL207", "Orders/Notify/Notifications/Resource", TEMPLATE, 158)
    ],
    "IL208-rule-target-without-dlq.fail": [("IL208", "Orders/OrderPlaced/Resource", TEMPLATE, 143)],
    "IL208-rule-target-with-dlq.pass": [],
    "IL209-any-topic-may-invoke.fail": [("IL209", "Orders/Notify/FromSns", TEMPLATE, 139)],
    "IL209-one-topic.pass": [],
    "IL210-destination-keeps-four-days.fail": [("IL210", "Orders/Failures/Resource", TEMPLATE, 12)],
    "IL301-api-function-runs-longer.fail": [("IL301", "Orders/Api/Resource", TEMPLATE, 54)],
    "IL302-public-url-with-credentials.fail": [
        ("IL302", "Orders/Api/FunctionUrl/Resource", TEMPLATE, 69),  # AuthType NONE
        ("IL302", "Orders/Api/FunctionUrl/Resource", TEMPLATE, 75),  # credentials from *
    ],
    "IL302-iam-url.pass": [],
    "IL401-counts-every-delivery.fail": [("IL401", "Orders/Worker/Resource", INDEX, 12)],
    "IL401-writes-keyed-by-the-order.pass": [],
    "IL402-reports-without-setting.fail": [("IL402", "Orders/Worker/Resource", INDEX, 11)],
    "IL403-stream-errors-logged.fail": [("IL403", "Orders/Reader1/Resource", INDEX, 11)],
    "IL403-stream-errors-raised.pass": [],
    "IL404-api-without-status.fail": [("IL404", "Orders/Api/Resource", INDEX, 5)],
    "IL404-api-with-status.pass": [],
    # CDK's LambdaTarget grants elasticloadbalancing.amazonaws.com without a SourceArn
    "IL405-single-value-headers.fail": [
        ("IL209", ALB_GRANT, TEMPLATE, 66),
        ("IL405", WEB, INDEX, 4),
    ],
    "IL405-multi-value-headers.pass": [("IL209", ALB_GRANT, TEMPLATE, 66)],
    "IL406-api-calls-pricing.fail": [("IL406", "Orders/Api/Resource", INDEX, 10)],
    "IL407-raw-object-key.fail": [("IL407", "Orders/Process/Resource", INDEX, 10)],
    "IL407-decoded-object-key.pass": [],
    "IL408-subscriber-returns-on-error.fail": [("IL408", "Orders/Notify/Resource", INDEX, 11)],
    "IL408-subscriber-raises.pass": [],
    "IL409-first-message-only.fail": [
        ("IL113", MAPPING, TEMPLATE, 143),  # ten messages a batch, none reported
        ("IL409", "Orders/Worker/Resource", INDEX, 5),
    ],
    "IL409-one-message-per-batch.pass": [],
}
_ASSET = re.compile(r"asset\.[0-9a-f]{64}")


def _findings(assembly: Path) -> list[tuple[str, str | None, str, int]]:
    """Every finding of the assembly, its file relative to the assembly."""
    result = lint(assembly, cwd=REPO)
    assert not result.failed and result.checked
    found = []
    for diagnostic in result.diagnostics:
        assert diagnostic.construct_path, f"{diagnostic.code} names no construct"
        assert f"(construct {diagnostic.construct_path})" in diagnostic.message
        file = Path(REPO, diagnostic.location.path).resolve().relative_to(assembly.resolve())
        path = _ASSET.sub("asset", file.as_posix())
        found.append((diagnostic.code, diagnostic.construct_path, path, diagnostic.location.line))
    return sorted(found)


def _cases() -> list[str]:
    """The app's cases, read from its source (importing it needs aws-cdk-lib)."""
    source = APP.read_text(encoding="utf-8")
    return re.findall(r'^    "(IL\d{3}-[\w-]+\.(?:fail|pass))":', source, re.MULTILINE)


@pytest.mark.parametrize("fixture", sorted(PINNED))
def test_fixture_findings_are_pinned(fixture: str) -> None:
    assert _findings(FIXTURES / fixture / "cdk.out") == sorted(PINNED[fixture])


def test_every_case_of_the_app_is_committed_and_pinned() -> None:
    committed = {path.parent.name for path in FIXTURES.glob("IL*/cdk.out")}
    assert set(_cases()) == committed == set(PINNED)


def test_a_fail_fixture_fires_its_rule_and_a_pass_fixture_stays_silent_on_it() -> None:
    for fixture, findings in PINNED.items():
        code, kind = fixture[:5], fixture.rsplit(".", 1)[1]
        assert (code in {f[0] for f in findings}) == (kind == "fail"), fixture


@needs_cdk
def test_the_app_synthesizes_the_committed_fixtures(tmp_path: Path) -> None:
    """What today's aws-cdk-lib synthesizes gets the pinned findings. Template lines may
    move between releases (fixtures/cdk/regenerate.sh then updates the fixtures): here
    they are compared without them; handler lines are the handler's own."""
    subprocess.run(
        [sys.executable, str(APP), str(tmp_path)], check=True, env=SYNTH_ENV, timeout=600
    )

    def placed(findings):
        return sorted((c, p, f, line if f == INDEX else 0) for c, p, f, line in findings)

    for fixture, pinned in PINNED.items():
        assert placed(_findings(tmp_path / fixture / "cdk.out")) == placed(pinned), fixture
