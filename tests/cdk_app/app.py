"""The CDK app behind ``fixtures/cdk/IL*``: one small stack per fixture, each with one
mistake (``.fail``) or its remedy (``.pass``), handler code from ``handlers/`` through
``Code.from_asset`` as a CDK team writes it.

``python tests/cdk_app/app.py OUTROOT [CASE ...]`` synthesizes each case (every case by
default) into ``OUTROOT/<case>/cdk.out`` with what ``cdk synth`` switches on (construct
paths and asset folders in the templates); ``fixtures/cdk/regenerate.sh`` calls it and
commits the result. Needs ``aws-cdk-lib`` (the ``cdk`` extra) and Node.js, no AWS account.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_targets as elb_targets
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

HANDLERS = Path(__file__).parent / "handlers"
CONTEXT = {"aws:cdk:enable-path-metadata": True, "aws:cdk:enable-asset-metadata": True}
STACK = "Orders"
FOURTEEN_DAYS = Duration.days(14)
STRING = dynamodb.AttributeType.STRING


def function(stack: Stack, name: str, handlers: str, **props) -> lambda_.Function:
    """A Python function whose code is the folder ``handlers/<handlers>``."""
    props.setdefault("timeout", Duration.seconds(30))
    return lambda_.Function(
        stack,
        name,
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_asset(str(HANDLERS / handlers)),
        **props,
    )


def failures(stack: Stack, name: str = "Failures", **props) -> sqs.Queue:
    """A queue that receives failures, kept the 14 days IL210 asks for."""
    props.setdefault("retention_period", FOURTEEN_DAYS)
    return sqs.Queue(stack, name, **props)


def work_queue(stack: Stack) -> sqs.Queue:
    """A source queue without IL102-IL105 mistakes for a 30-second function."""
    dlq = sqs.DeadLetterQueue(max_receive_count=5, queue=failures(stack, "WorkDlq"))
    return sqs.Queue(stack, "Work", visibility_timeout=Duration.seconds(180), dead_letter_queue=dlq)


def sqs_consumer(handlers: str, reserved: int | None = None, **mapping):
    """A function reading the work queue; it may write to table ``TABLE`` (IL401) and
    have ``reserved`` concurrency (IL112)."""

    def build(stack: Stack) -> None:
        worker = function(stack, "Worker", handlers, reserved_concurrent_executions=reserved)
        table = dynamodb.TableV2(
            stack, "Customers", partition_key=dynamodb.Attribute(name="customer", type=STRING)
        )
        worker.add_environment("TABLE", table.table_name)
        table.grant_read_write_data(worker)
        worker.add_event_source(sources.SqsEventSource(work_queue(stack), **mapping))

    return build


def stream_consumers(shared: int, handlers: str = "stream_consumer", fan_out: int = 0):
    """``shared`` functions reading one stream with shared-throughput iterators and
    ``fan_out`` through enhanced fan-out consumers, each retry-bounded with an on-failure
    queue (no IL108/IL109)."""

    def build(stack: Stack) -> None:
        stream = kinesis.Stream(stack, "Events", stream_mode=kinesis.StreamMode.ON_DEMAND)
        on_failure = sources.SqsDlq(failures(stack))
        bounded = {
            "starting_position": lambda_.StartingPosition.LATEST,
            "retry_attempts": 2,
            "on_failure": on_failure,
        }
        for number in range(shared):
            reader = function(stack, f"Reader{number + 1}", handlers)
            reader.add_event_source(sources.KinesisEventSource(stream, **bounded))
        for number in range(fan_out):
            consumer = kinesis.StreamConsumer(
                stack, f"Consumer{number + 1}", stream=stream, stream_consumer_name=f"c{number}"
            )
            reader = function(stack, f"FanOut{number + 1}", handlers)
            reader.add_event_source(sources.KinesisConsumerEventSource(consumer, **bounded))

    return build


def sns_subscriber(
    handlers: str, *, capture: bool, redrive: bool = True, retention: Duration = FOURTEEN_DAYS
):
    """A function subscribed to a topic; ``capture``: an on-failure destination (IL201),
    ``redrive``: a subscription DLQ (IL207), ``retention`` of the destination (IL210)."""

    def build(stack: Stack) -> None:
        topic = sns.Topic(stack, "Notifications")
        on_failure = None
        if capture:
            queue = sqs.Queue(stack, "Failures", retention_period=retention)
            on_failure = destinations.SqsDestination(queue)
        notify = function(stack, "Notify", handlers, on_failure=on_failure)
        dlq = failures(stack, "DeliveryFailures") if redrive else None
        topic.add_subscription(subscriptions.LambdaSubscription(notify, dead_letter_queue=dlq))

    return build


def s3_processor(handlers: str, *filters: s3.NotificationKeyFilter) -> Callable[[Stack], None]:
    """A function notified of new objects; it finds the bucket in ``BUCKET`` (IL206)."""

    def build(stack: Stack) -> None:
        bucket = s3.Bucket(stack, "Uploads")
        on_failure = destinations.SqsDestination(failures(stack))
        process = function(stack, "Process", handlers, on_failure=on_failure)
        process.add_environment("BUCKET", bucket.bucket_name)
        bucket.grant_read_write(process)
        destination = s3n.LambdaDestination(process)
        bucket.add_event_notification(s3.EventType.OBJECT_CREATED, destination, *filters)

    return build


def rest_api(handlers: str, timeout: int = 10) -> Callable[[Stack], None]:
    def build(stack: Stack) -> None:
        api = function(stack, "Api", handlers, timeout=Duration.seconds(timeout))
        apigateway.LambdaRestApi(stack, "OrdersApi", handler=api)

    return build


def load_balanced(handlers: str, multi_value: bool) -> Callable[[Stack], None]:
    """A function behind an ALB target group, multi-value headers on or off (IL405)."""

    def build(stack: Stack) -> None:
        web = function(stack, "Web", handlers)
        group = elbv2.ApplicationTargetGroup(
            stack, "WebTargets", targets=[elb_targets.LambdaTarget(web)]
        )
        group.set_attribute("lambda.multi_value_headers.enabled", str(multi_value).lower())

    return build


def sync_only_with_dlq(queue: Callable[[Stack], sqs.Queue] | None = None, api: bool = True):
    """A function with a dead-letter queue (``queue``, a 14-day one by default) behind a
    REST API (IL203 when ``api``) or invoked asynchronously by SNS (IL204 on the queue)."""

    def build(stack: Stack) -> None:
        dlq = (queue or failures)(stack)
        timeout = Duration.seconds(10)
        handler = function(stack, "Api", "api_status", dead_letter_queue=dlq, timeout=timeout)
        if api:
            apigateway.LambdaRestApi(stack, "OrdersApi", handler=handler)
        else:
            sns.Topic(stack, "Notifications").add_subscription(
                subscriptions.LambdaSubscription(handler, dead_letter_queue=failures(stack, "Sub"))
            )

    return build


def every_invoker(stack: Stack) -> None:
    """A function invoked by SNS, EventBridge and S3, another behind a REST API: CDK
    grants each invoker its permission (IL205), scoped to its source (IL209)."""
    on_failure = destinations.SqsDestination(failures(stack))
    notify = function(stack, "Notify", "notify", on_failure=on_failure)
    dlq = failures(stack, "DeliveryFailures")
    sns.Topic(stack, "Notifications").add_subscription(
        subscriptions.LambdaSubscription(notify, dead_letter_queue=dlq)
    )
    rule = events.Rule(stack, "OrderPlaced", event_pattern=events.EventPattern(source=["orders"]))
    rule.add_target(targets.LambdaFunction(notify, dead_letter_queue=dlq))
    bucket = s3.Bucket(stack, "Uploads")
    bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(notify))
    api = function(stack, "Api", "api_status", timeout=Duration.seconds(10))
    apigateway.LambdaRestApi(stack, "OrdersApi", handler=api)


def fifo(stack: Stack) -> sqs.Queue:
    return sqs.Queue(stack, "Failures", fifo=True, retention_period=FOURTEEN_DAYS)


def invoke_permission(scoped: bool) -> Callable[[Stack], None]:
    """A function that SNS may invoke: from one topic, or (``scoped=False``) from any."""

    def build(stack: Stack) -> None:
        topic = sns.Topic(stack, "Notifications")
        on_failure = destinations.SqsDestination(failures(stack))
        notify = function(stack, "Notify", "notify", on_failure=on_failure)
        notify.add_permission(
            "FromSns",
            principal=iam.ServicePrincipal("sns.amazonaws.com"),
            source_arn=topic.topic_arn if scoped else None,
        )

    return build


def function_url(auth: lambda_.FunctionUrlAuthType, **cors) -> Callable[[Stack], None]:
    def build(stack: Stack) -> None:
        api = function(stack, "Api", "api_status")
        options = lambda_.FunctionUrlCorsOptions(**cors) if cors else None
        api.add_function_url(auth_type=auth, cors=options)

    return build


def scheduled(dlq: bool) -> Callable[[Stack], None]:
    """An EventBridge rule targeting a function, with or without a target DLQ (IL208)."""

    def build(stack: Stack) -> None:
        on_failure = destinations.SqsDestination(failures(stack))
        notify = function(stack, "Notify", "notify", on_failure=on_failure)
        rule = events.Rule(
            stack, "OrderPlaced", event_pattern=events.EventPattern(source=["orders"])
        )
        queue = failures(stack, "TargetDlq") if dlq else None
        rule.add_target(targets.LambdaFunction(notify, dead_letter_queue=queue))

    return build


def chained(handlers: str) -> Callable[[Stack], None]:
    def build(stack: Stack) -> None:
        pricing = function(stack, "Pricing", "api_status")
        environment = {"PRICING_FUNCTION": pricing.function_name}
        api = function(
            stack, "Api", handlers, environment=environment, timeout=Duration.seconds(10)
        )
        pricing.grant_invoke(api)
        apigateway.LambdaRestApi(stack, "OrdersApi", handler=api)

    return build


REPORTS = {"batch_size": 10, "report_batch_item_failures": True}
# fixture folder name -> the stack's contents
CASES: dict[str, Callable[[Stack], None]] = {
    "IL112-two-reserved-for-a-queue.fail": sqs_consumer("sqs_reports", reserved=2, **REPORTS),
    "IL112-reserved-above-maximum-concurrency.pass": sqs_consumer(
        "sqs_reports", reserved=10, max_concurrency=5, **REPORTS
    ),
    "IL113-whole-batch-fails.fail": sqs_consumer("sqs_whole_batch", batch_size=10),
    "IL113-reports-failures.pass": sqs_consumer(
        "sqs_reports", batch_size=10, report_batch_item_failures=True
    ),
    "IL114-three-shared-readers.fail": stream_consumers(shared=3),
    "IL114-two-shared-and-fan-out.pass": stream_consumers(shared=2, fan_out=2),
    "IL201-subscriber-without-capture.fail": sns_subscriber("notify", capture=False),
    "IL201-subscriber-with-destination.pass": sns_subscriber("notify", capture=True),
    "IL203-api-function-with-dlq.fail": sync_only_with_dlq(),
    "IL203-subscriber-with-dlq.pass": sync_only_with_dlq(api=False),
    "IL204-fifo-dead-letter-queue.fail": sync_only_with_dlq(fifo, api=False),
    "IL204-standard-dead-letter-queue.pass": sync_only_with_dlq(api=False),
    "IL205-cdk-grants-every-invoker.pass": every_invoker,
    "IL206-writes-back-to-uploads.fail": s3_processor("s3_writes_back"),
    "IL206-only-uploads-prefix-notifies.pass": s3_processor(
        "s3_writes_back", s3.NotificationKeyFilter(prefix="uploads/")
    ),
    "IL207-subscription-without-dlq.fail": sns_subscriber("notify", capture=True, redrive=False),
    "IL208-rule-target-without-dlq.fail": scheduled(dlq=False),
    "IL208-rule-target-with-dlq.pass": scheduled(dlq=True),
    "IL209-any-topic-may-invoke.fail": invoke_permission(scoped=False),
    "IL209-one-topic.pass": invoke_permission(scoped=True),
    "IL210-destination-keeps-four-days.fail": sns_subscriber(
        "notify", capture=True, retention=Duration.days(4)
    ),
    "IL301-api-function-runs-longer.fail": rest_api("api_status", timeout=60),
    "IL302-public-url-with-credentials.fail": function_url(
        lambda_.FunctionUrlAuthType.NONE, allow_credentials=True, allowed_origins=["*"]
    ),
    "IL302-iam-url.pass": function_url(lambda_.FunctionUrlAuthType.AWS_IAM),
    "IL401-counts-every-delivery.fail": sqs_consumer("sqs_counts", batch_size=1),
    "IL401-writes-keyed-by-the-order.pass": sqs_consumer("sqs_idempotent", batch_size=1),
    "IL402-reports-without-setting.fail": sqs_consumer("sqs_reports", batch_size=10),
    "IL403-stream-errors-logged.fail": stream_consumers(shared=1, handlers="stream_swallows"),
    "IL403-stream-errors-raised.pass": stream_consumers(shared=1),
    "IL404-api-without-status.fail": rest_api("api_no_status"),
    "IL404-api-with-status.pass": rest_api("api_status"),
    "IL405-single-value-headers.fail": load_balanced("alb_headers", multi_value=True),
    "IL405-multi-value-headers.pass": load_balanced("alb_multi_value", multi_value=True),
    "IL406-api-calls-pricing.fail": chained("chains"),
    "IL407-raw-object-key.fail": s3_processor("s3_raw_key"),
    "IL407-decoded-object-key.pass": s3_processor("s3_decoded"),
    "IL408-subscriber-returns-on-error.fail": sns_subscriber("sns_swallows", capture=True),
    "IL408-subscriber-raises.pass": sns_subscriber("notify", capture=True),
    "IL409-first-message-only.fail": sqs_consumer("sqs_first_record", batch_size=10),
    "IL409-one-message-per-batch.pass": sqs_consumer("sqs_first_record", batch_size=1),
}


def synthesize(outroot: Path, names: list[str]) -> None:
    for name in names:
        app = App(outdir=str(outroot / name / "cdk.out"), context=CONTEXT)
        CASES[name](Stack(app, STACK))
        app.synth()


if __name__ == "__main__":
    synthesize(Path(sys.argv[1]), sys.argv[2:] or list(CASES))
