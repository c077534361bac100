"""What a handler's code does, as rules read it: plain dataclasses, no libcst.

The analysis (``invokelint.code.parse`` and ``invokelint.code.interpret``) fills these
from the Python source reachable from a function's handler; rules read them through
``InvocationModel.handler(function)``. Every fact carries the ``Location`` of the Python
code it describes (the file inside the project, or the template line of inline code).

A value the analysis could not work out is ``UNKNOWN`` (or a fact is simply absent):
rules stay silent on it, exactly as with template values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from invokelint.model import UNKNOWN, Location, Target, Unknown


@dataclass(frozen=True, slots=True)
class FromEvent:
    """A value read out of the invocation event: ``("Records", "[]", "s3", "bucket", "name")``.

    ``"[]"`` stands for "any item" (a loop over a list or an index).
    """

    path: tuple[str, ...]

    def endswith(self, *tail: str) -> bool:
        return self.path[-len(tail) :] == tail


@dataclass(frozen=True, slots=True)
class KeyPattern:
    """What is known of a string built in code: its literal start and end.

    ``f"thumbnails/{name}.png"`` is ``KeyPattern("thumbnails/", ".png")``; a literal is
    ``exact``. ``KeyPattern("", "")`` means "nothing known", not "empty".
    """

    prefix: str
    suffix: str
    exact: bool = False


# boto3 calls (service, operation) that create or start something under the name given
# in the argument named here: a name made new on every attempt (uuid, time) creates it
# again on a redelivery; one derived from the event makes the second attempt fail.
NAMED_CREATES = {
    ("transcribe", "start_transcription_job"): "TranscriptionJobName",
    ("stepfunctions", "start_execution"): "name",
    ("elasticache", "create_snapshot"): "SnapshotName",
    ("lightsail", "create_instance_snapshot"): "instanceSnapshotName",
    ("rds", "create_db_snapshot"): "DBSnapshotIdentifier",
}

# Where a call sends its data: a resource of the template (through an environment
# variable), a literal name/URL/ARN written in code or in the template, a field of the
# event, or UNKNOWN.
CallTarget = Target | str | FromEvent


@dataclass(frozen=True, slots=True)
class Effect:
    """A call with a side effect outside the function: an AWS API call or an HTTP request.

    ``service`` is the boto3 service name (``"s3"``, ``"sqs"``, ``"dynamodb"``, ``"lambda"``
    ...), ``"http"`` for HTTP clients or ``"payment"`` for payment SDKs; ``operation`` the
    boto3 client method (``put_object``, ``update_item``; resource methods are mapped to
    their client operation, e.g. ``Object.put`` is ``put_object``), the HTTP method in
    lower case, or the SDK call.
    """

    service: str
    operation: str
    location: Location
    function: str  # the Python function that makes the call
    library: str = "boto3"  # "boto3", "requests", "httpx", "urllib3", "urllib", "stripe"
    target: CallTarget = UNKNOWN  # the bucket, queue, topic or function it writes to
    target_source: str | None = None  # how code names it: "os.environ['BUCKET']"
    key: KeyPattern | None = None  # S3 object key, when known
    arguments: dict[str, str | Unknown] = field(default_factory=dict)  # literal str arguments
    fresh_key: bool = False  # the written key comes from uuid4()/time/datetime.now()/random
    update: Literal["counter", "append"] | None = None  # a DynamoDB update that accumulates
    guard: str | None = None  # why a repeat is harmless: "ConditionExpression", ...
    arguments_known: bool = True  # False when called with ``**kwargs`` we cannot read


@dataclass(frozen=True, slots=True)
class ReturnShape:
    """One ``return`` of the handler (following ``return helper(...)`` into local helpers).

    ``kind``: ``"mapping"`` (a dict; ``keys`` are its literal keys, ``complete`` is False
    when more keys may exist), ``"none"`` (``return``, ``return None`` or a handler that
    never returns a value), ``"other"`` (a string, number, list, ``json.dumps(...)``),
    ``"batch-response"`` (Powertools ``process_partial_response`` or
    ``BatchProcessor.response()``) or ``"unknown"``.
    """

    kind: Literal["mapping", "none", "other", "batch-response", "unknown"]
    location: Location
    keys: frozenset[str] = frozenset()
    complete: bool = True
    key_locations: dict[str, Location] = field(default_factory=dict)
    implicit: bool = False  # "none" because the function can end without a ``return``

    @property
    def reports_batch_failures(self) -> bool:
        return self.kind == "batch-response" or "batchItemFailures" in self.keys


@dataclass(frozen=True, slots=True)
class BroadExcept:
    """An ``except:``/``except Exception``/``except BaseException`` clause.

    ``outcome`` says what its body does: ``"reraises"`` (``raise``), ``"records"`` (reports
    it in ``batchItemFailures``, sends the record somewhere), ``"swallows"`` (only logs,
    prints, passes or continues, or keeps it in a list or flag nothing acts on) or
    ``"unknown"`` (calls code that cannot be followed, or the function may act on what
    it kept: it raises elsewhere or returns the list).
    """

    location: Location
    function: str
    in_record_loop: bool  # inside a ``for`` over the event's records
    outcome: Literal["reraises", "records", "swallows", "unknown"]
    returns: bool = False  # its body ends the function with a ``return``


@dataclass(frozen=True, slots=True)
class Signature:
    """Whether the handler ``def`` can be called as ``handler(event, context)``."""

    accepts_two_positional: bool
    parameters: str  # as written, for messages: "(event)"
    decorated: bool  # a decorator not known to keep (event, context) may change the call


@dataclass(frozen=True, slots=True)
class HandlerFacts:
    """Everything known about one function's handler code."""

    file: str  # display path of the handler module (the template for inline code)
    name: str  # the handler function's name
    definition: Location  # the ``def`` line (the name), or the binding that defines it
    signature: Signature | None  # None: bound by an assignment or import, not a ``def``
    effects: tuple[Effect, ...] = ()
    returns: tuple[ReturnShape, ...] = ()
    excepts: tuple[BroadExcept, ...] = ()
    idempotent: bool = False  # the handler itself is wrapped by Powertools ``@idempotent``
    # ``event["Records"][0]`` reads, when the code uses the records in no other way
    first_record_reads: tuple[Location, ...] = ()
    # S3 calls or file paths given ``Records[].s3.object.key`` without decoding it
    raw_s3_keys: tuple[Location, ...] = ()


@dataclass(frozen=True, slots=True)
class HandlerMissing:
    """The handler names a module or function that is not in the function's code."""

    reason: str  # "src/app.py has no top-level function 'handler'"


Handler = HandlerFacts | HandlerMissing
