"""The provider-neutral invocation model that every rule reads.

Frontends (CloudFormation/SAM today, Terraform later) translate their input into these
objects; rules never see YAML or HCL. Three ideas run through it:

* Every element carries a ``Location``: the place a user would edit to fix it.
* A value that cannot be known statically (a parameter, an import, a condition) is the
  ``UNKNOWN`` singleton, never a guess. Rules check ``Setting.known`` and stay silent.
* A property that is absent takes the AWS default, recorded with ``explicit=False`` and
  the location of the resource, so a rule can say "set X" and point at the resource.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from invokelint.code.facts import Handler

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Location:
    """A span in a file: 1-based lines and columns, ``end_column`` just past the end."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Unknown:
    """The type of ``UNKNOWN``: a value that cannot be known without deploying."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


def is_known(value: object) -> bool:
    return value is not UNKNOWN


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One property value with where it is written (or where it would be written).

    ``explicit`` is False when the value is an AWS default because the property is
    absent; ``location`` then points at the resource that would hold it.
    """

    value: T | Unknown
    location: Location
    explicit: bool = True
    # When ``value`` is UNKNOWN because a template parameter supplies it: the least value
    # that parameter admits (its ``MinValue``, its smallest ``AllowedValues``, else 0 for
    # a setting that cannot be negative); None when nothing bounds it.
    floor: int | None = None

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN


# --------------------------------------------------------------------------- resources


@dataclass(eq=False, slots=True, kw_only=True)
class Resource:
    """Anything a frontend found in the input: identity by object, not by value."""

    id: str  # CloudFormation logical id or Terraform address
    type: str  # e.g. "AWS::SQS::Queue" or "aws_sqs_queue"
    location: Location  # the resource's first line (its logical id)
    ignores: frozenset[str] = frozenset()  # rule ids suppressed in resource metadata

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


@dataclass(eq=False, slots=True, kw_only=True)
class ExternalArn:
    """A literal ARN that names nothing in the project; only its text is known."""

    arn: str
    service: str  # "sqs", "sns", "lambda", "s3", "events", "kinesis", "dynamodb", ...
    resource: str  # the part after the account, e.g. "orders.fifo" or "table/T/stream/..."

    @property
    def fifo(self) -> bool | Unknown:
        if self.service in ("sqs", "sns"):
            return self.resource.endswith(".fifo")
        return UNKNOWN

    @property
    def is_function(self) -> bool:
        return self.service == "lambda"


# What a reference resolves to: a resource of the project, a foreign ARN, or unknown.
Target = Resource | ExternalArn | Unknown


@dataclass(eq=False, slots=True, kw_only=True)
class Redrive:
    """A queue's redrive policy: where messages go after ``max_receive_count`` receives."""

    dead_letter: Target
    max_receive_count: Setting[int]
    location: Location


@dataclass(eq=False, slots=True, kw_only=True, repr=False)
class Queue(Resource):
    name: str | Unknown | None = None
    fifo: Setting[bool]
    visibility_timeout: Setting[int]
    retention_period: Setting[int]
    redrive: Redrive | Unknown | None = None


@dataclass(eq=False, slots=True, kw_only=True, repr=False)
class Topic(Resource):
    name: str | Unknown | None = None
    fifo: Setting[bool]


@dataclass(eq=False, slots=True, kw_only=True, repr=False)
class Stream(Resource):
    """A Kinesis data stream or a DynamoDB table's stream."""

    kind: Literal["kinesis", "dynamodb"]
    name: str | Unknown | None = None


@dataclass(eq=False, slots=True, kw_only=True, repr=False)
class Bucket(Resource):
    name: str | Unknown | None = None


@dataclass(eq=False, slots=True, kw_only=True, repr=False)
class EventBus(Resource):
    name: str | Unknown | None = None


@dataclass(eq=False, slots=True, kw_only=True, repr=False)
class OtherResource(Resource):
    """A resource the model has no special type for (a state machine, a role, ...)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeSource:
    """Where a function's code lives, as far as the input says.

    ``kind`` is ``"inline"`` (``Code.ZipFile``: ``inline`` holds the text and
    ``inline_location`` where it starts), ``"path"`` (a local directory, file or
    ``.zip``: ``path`` is resolved against the template's folder but not checked),
    ``"remote"`` (S3), ``"image"`` or ``"unknown"``.
    """

    kind: Literal["inline", "path", "remote", "image", "unknown"]
    location: Location
    path: str | None = None
    inline: str | None = None
    inline_location: Location | None = None


@dataclass(eq=False, slots=True, kw_only=True)
class FailureTarget:
    """Where failed invocations go: a function DLQ or an invocation destination."""

    role: Literal["dlq", "on-failure", "on-success"]
    target: Target
    location: Location
    declared_type: str | None = None  # SAM's ``Type: SQS|SNS|Lambda|EventBridge|S3``


@dataclass(eq=False, slots=True, kw_only=True)
class EventInvokeConfig:
    """Asynchronous invocation settings of a function (or one of its qualifiers)."""

    id: str
    location: Location
    function: Function | ExternalArn | Unknown
    maximum_retry_attempts: Setting[int]
    maximum_event_age: Setting[int]
    on_success: FailureTarget | None = None
    on_failure: FailureTarget | None = None
    qualifier: str | Unknown | None = None
    ignores: frozenset[str] = frozenset()


@dataclass(eq=False, slots=True, kw_only=True, repr=False)
class Function(Resource):
    name: str | Unknown | None = None
    runtime: Setting[str | None]
    handler: Setting[str | None]
    timeout: Setting[int]
    memory_size: Setting[int]
    reserved_concurrency: Setting[int | None]
    code: CodeSource
    # Environment variable -> literal string, resolved resource, ExternalArn or UNKNOWN.
    environment: dict[str, Setting[Any]] | Unknown = field(default_factory=dict)
    environment_location: Location | None = None
    dead_letter: FailureTarget | Unknown | None = None
    vpc_config: Setting[bool] | None = None
    package_type: str | Unknown = "Zip"
    sam: bool = False  # AWS::Serverless::Function: SAM adds permissions for its events
    layers: bool = False  # declares Layers: a handler module may come from one
    event_invoke_configs: list[EventInvokeConfig] = field(default_factory=list)

    @property
    def is_python(self) -> bool:
        runtime = self.runtime.value
        return isinstance(runtime, str) and runtime.startswith("python")


# ------------------------------------------------------------------------------- edges


PollSource = Literal["sqs", "kinesis", "dynamodb", "mq", "kafka", "documentdb"]


@dataclass(eq=False, slots=True, kw_only=True)
class FilterPattern:
    """One ``FilterCriteria.Filters[].Pattern``: a JSON string, or UNKNOWN.

    ``location`` is the ``Pattern`` entry; ``text_location`` is where the string itself
    is written (quotes included), so a rule can point inside it.
    """

    pattern: str | Unknown
    location: Location
    text_location: Location | None = None


@dataclass(eq=False, slots=True, kw_only=True)
class EventSourceMapping:
    """Lambda polls ``source`` and invokes ``function`` synchronously with batches."""

    id: str  # ESM logical id, or "<Function>.<EventName>" for a SAM event
    resource: str  # the resource a user edits: the ESM, or the SAM function
    location: Location
    function: Function | ExternalArn | Unknown
    source: Target
    source_kind: PollSource | Unknown
    batch_size: Setting[int]
    batching_window: Setting[int | None]  # None: not set (AWS behaves as 0)
    maximum_retry_attempts: Setting[int]
    maximum_record_age: Setting[int]
    bisect_on_error: Setting[bool]
    function_response_types: Setting[tuple[str, ...]]
    maximum_concurrency: Setting[int | None]
    enabled: Setting[bool]
    # Kinesis only: True when Lambda reads through an enhanced fan-out consumer (its own
    # 2 MB/s per shard), False for a shared-throughput iterator on the stream itself;
    # UNKNOWN when the frontend cannot tell (or does not say).
    fan_out: bool | Unknown = UNKNOWN
    # False when the template declares the mapping through a shorthand that exposes only
    # some settings (SAM SNS ``SqsSubscription``: BatchSize and Enabled), so advice to set
    # others (``FunctionResponseTypes``) cannot be followed there.
    settable: bool = True
    destination_config: Location | None = None  # where ``DestinationConfig`` is written
    on_failure: FailureTarget | None = None
    filters: tuple[FilterPattern, ...] | Unknown = ()
    filters_location: Location | None = None
    sam: bool = False
    ignores: frozenset[str] = frozenset()

    @property
    def reports_batch_item_failures(self) -> bool | Unknown:
        types = self.function_response_types.value
        if types is UNKNOWN:
            return UNKNOWN
        return "ReportBatchItemFailures" in types  # type: ignore[operator]


@dataclass(eq=False, slots=True, kw_only=True)
class Trigger:
    """Something that invokes a function directly (not by polling)."""

    id: str
    resource: str  # the resource a user edits to change this trigger
    location: Location
    function: Function | ExternalArn | Unknown
    service: str  # "s3", "sns", "events", "apigateway", "elasticloadbalancing", ...
    source: Target = UNKNOWN
    sam: bool = False  # declared as a SAM event: SAM creates the invoke permission
    ignores: frozenset[str] = frozenset()


@dataclass(eq=False, slots=True, kw_only=True)
class AsyncTrigger(Trigger):
    """The service invokes with ``InvocationType=Event``: Lambda queues and retries."""


@dataclass(eq=False, slots=True, kw_only=True)
class SyncTrigger(Trigger):
    """The caller waits for the response; Lambda does not retry."""


@dataclass(eq=False, slots=True, kw_only=True)
class S3Trigger(AsyncTrigger):
    """A bucket notification (``source`` is the bucket)."""

    events: tuple[str, ...] | Unknown = ()  # e.g. ("s3:ObjectCreated:*",)
    prefix: str | Unknown | None = None  # key filter; None: no filter
    suffix: str | Unknown | None = None


@dataclass(eq=False, slots=True, kw_only=True)
class SnsTrigger(AsyncTrigger):
    """A subscription of the function to a topic (``source`` is the topic)."""

    redrive_policy: Setting[bool]  # whether the subscription has an SNS-side DLQ


@dataclass(eq=False, slots=True, kw_only=True)
class EventBridgeTrigger(AsyncTrigger):
    """A rule target (``source`` is the rule; ``resource`` the rule's logical id)."""

    dead_letter: FailureTarget | Unknown | None = None  # the target's DeadLetterConfig
    # The rule or schedule fires on a timetable (``ScheduleExpression``, SAM ``Schedule``
    # and ``ScheduleV2``, EventBridge Scheduler): its event carries no data of its own.
    schedule: bool | Unknown = False


@dataclass(eq=False, slots=True, kw_only=True)
class ApiTrigger(SyncTrigger):
    """An API Gateway route or method that integrates the function, or a Lambda authorizer.

    ``integration_timeout`` is how long API Gateway waits, in milliseconds (None for an
    authorizer); ``credentials`` is True when API Gateway invokes with an IAM role of its
    own, so no resource-based permission is needed.
    """

    api: Literal["rest", "http", "websocket"] | Unknown
    proxy: bool | Unknown = True  # AWS_PROXY (Lambda proxy) integration
    authorizer: bool = False
    integration_timeout: Setting[int] | None = None
    credentials: bool | Unknown = False
    # WebSocket APIs: the route keys (``$connect``, ``$disconnect``, ``sendMessage``) that
    # use this integration; UNKNOWN when the routes cannot be read (or for other APIs).
    routes: tuple[str, ...] | Unknown = UNKNOWN


@dataclass(eq=False, slots=True, kw_only=True)
class AlbTrigger(SyncTrigger):
    """An Application Load Balancer target group of ``TargetType: lambda``."""

    multi_value_headers: Setting[bool]


@dataclass(eq=False, slots=True, kw_only=True)
class UrlTrigger(SyncTrigger):
    """A function URL."""

    auth_type: Setting[str]
    cors_allow_credentials: Setting[bool]
    cors_allow_origins: Setting[tuple[str, ...]]


@dataclass(eq=False, slots=True, kw_only=True)
class EdgeTrigger(SyncTrigger):
    """A CloudFront ``LambdaFunctionAssociation`` (Lambda@Edge)."""

    event_type: str | Unknown  # viewer-request, viewer-response, origin-request, ...
    qualifier: str | Unknown | None = None  # None: unqualified ARN, i.e. $LATEST


@dataclass(eq=False, slots=True, kw_only=True)
class Permission:
    """``AWS::Lambda::Permission``: lets ``principal`` invoke ``function``."""

    id: str
    location: Location
    function: Function | ExternalArn | Unknown
    principal: str | Unknown
    source_arn: Target | None = None  # None: no SourceArn
    # None: no SourceAccount; UNKNOWN: from a parameter, or a frontend that does not say
    source_account: str | Unknown | None = UNKNOWN
    action: str | Unknown = "lambda:InvokeFunction"
    ignores: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Invocations:
    """How one function is invoked, as far as the project shows."""

    poll: tuple[EventSourceMapping, ...]
    asynchronous: tuple[AsyncTrigger, ...]
    synchronous: tuple[SyncTrigger, ...]
    unknown: tuple[Location, ...]  # references that may invoke it in a way we cannot tell

    @property
    def only_poll(self) -> bool:
        """Every trigger is an event source mapping (and there is at least one)."""
        return bool(self.poll) and not (self.asynchronous or self.synchronous or self.unknown)

    @property
    def only_sync(self) -> bool:
        return bool(self.synchronous) and not (self.asynchronous or self.poll or self.unknown)

    @property
    def fully_known(self) -> bool:
        return not self.unknown


# ------------------------------------------------------------------------------- model


@dataclass(eq=False)
class InvocationModel:
    """Everything one project (a template, a Terraform module) says about invocation.

    Frontends append to the lists and call ``unknown_invoker``; rules use the lookup
    methods, which are served from indexes built on first use.
    """

    paths: list[str] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)
    mappings: list[EventSourceMapping] = field(default_factory=list)
    async_triggers: list[AsyncTrigger] = field(default_factory=list)
    sync_triggers: list[SyncTrigger] = field(default_factory=list)
    permissions: list[Permission] = field(default_factory=list)
    event_invoke_configs: list[EventInvokeConfig] = field(default_factory=list)
    # Filled by the engine when code is analysed: what each Python handler does.
    handlers: dict[Function, Handler] = field(default_factory=dict)
    # How this input spells the properties rules name (CloudFormation's spelling ->
    # e.g. Terraform's ``visibility_timeout_seconds``), so that messages say what to edit.
    terms: Mapping[str, str] = field(default_factory=dict)
    # The lines of the input file a fix may edit, where only part of it is written in the
    # model's own spelling (serverless.yml: its raw ``resources``); None: anywhere.
    fixable_lines: tuple[int, int] | None = None
    # function -> where it may be invoked unknowably, in order (a dict: a set that keeps it)
    _unknown: dict[Function, dict[Location, None]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    _named_dead_letters: set[Resource] = field(default_factory=set)
    _index: dict[str, Any] | None = None
    _final: bool = False

    # -- building
    def add(self, resource: Resource) -> None:
        self.resources[resource.id] = resource

    def unknown_invoker(self, function: Function, location: Location) -> None:
        """Record that something may invoke ``function`` in a way the model cannot tell."""
        self._unknown[function][location] = None

    def named_as_dead_letter(self, resource: Resource) -> None:
        """Record that ``resource`` is named as a failure target in a way the model has no
        edge for (a conditional redrive policy, an SNS subscription's or an EventBridge
        target's dead-letter queue, ...), so that no rule takes it for a plain queue."""
        self._named_dead_letters.add(resource)

    def finalize(self) -> InvocationModel:
        """Called by the frontend when it is done: from now on lookups are indexed."""
        self._final = True
        self._index = None
        return self

    # -- typed views
    def of_type(self, kind: type[T]) -> Iterator[T]:
        return (r for r in self.resources.values() if isinstance(r, kind))

    @property
    def functions(self) -> list[Function]:
        return self._indexes()["functions"]

    @property
    def queues(self) -> list[Queue]:
        return self._indexes()["queues"]

    def handler(self, function: Function) -> Handler | None:
        """The analysed handler code of ``function``; None when it could not be read."""
        return self.handlers.get(function)

    # -- joins
    def invocations(self, function: Function) -> Invocations:
        index = self._indexes()
        return Invocations(
            poll=tuple(index["poll"].get(function, ())),
            asynchronous=tuple(index["async"].get(function, ())),
            synchronous=tuple(index["sync"].get(function, ())),
            unknown=tuple(self._unknown.get(function, ())),
        )

    def mappings_from(self, source: Resource) -> list[EventSourceMapping]:
        """Event source mappings that poll ``source`` (a queue or stream)."""
        return self._indexes()["by_source"].get(source, [])

    def dead_letter_sources(self, queue: Queue) -> list[Queue]:
        """Queues whose redrive policy sends messages to ``queue``."""
        return self._indexes()["dlq_sources"].get(queue, [])

    def is_dead_letter_target(self, resource: Resource) -> bool:
        """``resource`` receives failures: a redrive DLQ, a function DLQ, a destination."""
        index = self._indexes()
        return (
            resource in index["dlq_sources"]
            or resource in index["failure_targets"]
            or resource in self._named_dead_letters
        )

    def _indexes(self) -> dict[str, Any]:
        if not self._final:  # still being built: never serve a stale index
            return _build_indexes(self)
        if self._index is None:
            self._index = _build_indexes(self)
        return self._index


def _build_indexes(model: InvocationModel) -> dict[str, Any]:
    functions = [r for r in model.resources.values() if isinstance(r, Function)]
    queues = [r for r in model.resources.values() if isinstance(r, Queue)]
    poll: dict[Any, list[EventSourceMapping]] = defaultdict(list)
    by_source: dict[Any, list[EventSourceMapping]] = defaultdict(list)
    for mapping in model.mappings:
        poll[mapping.function].append(mapping)
        if isinstance(mapping.source, Resource):
            by_source[mapping.source].append(mapping)
    by_function = _group(model.async_triggers), _group(model.sync_triggers)
    dlq_sources: dict[Any, list[Queue]] = defaultdict(list)
    for queue in queues:
        redrive = queue.redrive
        if isinstance(redrive, Redrive) and isinstance(redrive.dead_letter, Resource):
            dlq_sources[redrive.dead_letter].append(queue)
    failure_targets = set()
    for target in _failure_targets(model, functions):
        if isinstance(target.target, Resource):
            failure_targets.add(target.target)
    return {
        "functions": functions,
        "queues": queues,
        "poll": poll,
        "by_source": by_source,
        "async": by_function[0],
        "sync": by_function[1],
        "dlq_sources": dlq_sources,
        "failure_targets": failure_targets,
    }


def _group(triggers: Iterable[Trigger]) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for trigger in triggers:
        grouped[trigger.function].append(trigger)
    return grouped


def _failure_targets(model: InvocationModel, functions: list[Function]) -> Iterator[FailureTarget]:
    for function in functions:
        if isinstance(function.dead_letter, FailureTarget):
            yield function.dead_letter
    for config in model.event_invoke_configs:
        yield from (t for t in (config.on_success, config.on_failure) if t is not None)
    for mapping in model.mappings:
        if mapping.on_failure is not None:
            yield mapping.on_failure
    for trigger in model.async_triggers:
        if isinstance(trigger, EventBridgeTrigger) and isinstance(
            trigger.dead_letter, FailureTarget
        ):
            yield trigger.dead_letter
