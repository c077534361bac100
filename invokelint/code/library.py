"""What well-known libraries do: boto3, HTTP clients, Powertools, payment SDKs.

Two questions are answered here, both from names only (nothing is imported):
``result_of`` (what does this call return: a client, a table, a fresh value, ...) and
``effect_of`` (is this call a side effect outside the function, and with what target,
key and guard). Everything else about Python lives in ``interpret``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from invokelint.code import ir
from invokelint.code.facts import NAMED_CREATES, Effect, KeyPattern
from invokelint.code.values import (
    OPAQUE,
    AwsClient,
    AwsMeta,
    AwsObject,
    AwsResource,
    BatchProcessor,
    BatchResponse,
    BoundMethod,
    Collection,
    EnvVar,
    Event,
    HttpClient,
    HttpRequest,
    IdempotentWrapper,
    LocalFunction,
    Opaque,
    Qual,
    Session,
    Text,
    Value,
    opaque,
)
from invokelint.model import UNKNOWN, Unknown

if TYPE_CHECKING:
    from invokelint.code.interpret import Frame

# Values that differ on every attempt: a key built from one is new on every redelivery.
FRESH_CALLS = frozenset(
    {
        "uuid.uuid1",
        "uuid.uuid4",
        "uuid.uuid6",
        "uuid.uuid7",
        "time.time",
        "time.time_ns",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "datetime.date.today",
        "os.urandom",
        "ulid.new",
        "ulid.ULID",
    }
)
FRESH_MODULES = ("random.", "secrets.")
BOTO3_SESSIONS = frozenset({"boto3.Session", "boto3.session.Session"})
HTTP_CLIENTS = {
    "requests.Session": "requests",
    "requests.session": "requests",
    "requests.sessions.Session": "requests",
    "httpx.Client": "httpx",
    "httpx.AsyncClient": "httpx",
    "urllib3.PoolManager": "urllib3",
    "urllib3.poolmanager.PoolManager": "urllib3",
}
HTTP_VERBS = frozenset({"post", "put", "patch", "delete"})
BATCH_PROCESSORS = frozenset({"BatchProcessor", "SqsFifoPartialProcessor", "AsyncBatchProcessor"})
BATCH_RESPONSES = frozenset({"process_partial_response", "async_process_partial_response"})
PASS_THROUGH = frozenset({"enumerate", "list", "sorted", "reversed", "tuple", "iter"})

# Clients of search engines, kept as ``HttpClient`` (they speak HTTP): ``index()`` without
# ``id=`` stores a new document on every call.
SEARCH_CLIENTS = {
    "opensearchpy.OpenSearch": "opensearchpy",
    "elasticsearch.Elasticsearch": "elasticsearch",
}

# boto3 methods that only read: never an effect.
_READS = re.compile(
    r"^(get_|list_|describe_|head_|query$|scan$|batch_get_|generate_|select_|"
    r"receive_message$|can_paginate$|close$|download_)"
)
_TARGET_ARGUMENTS = {
    "s3": ("Bucket",),
    "sqs": ("QueueUrl",),
    "sns": ("TopicArn", "TargetArn"),
    "lambda": ("FunctionName",),
    "dynamodb": ("TableName",),
    "kinesis": ("StreamName", "StreamARN"),
    "firehose": ("DeliveryStreamName",),
    "stepfunctions": ("stateMachineArn",),
}
# upload_file(Filename, Bucket, Key) and friends take the bucket and key by position.
_S3_POSITIONAL = {"upload_file": 1, "upload_fileobj": 1, "copy": 1}
# Methods of boto3 resource objects, as the client operation they perform.
_OBJECT_OPERATIONS = {
    ("Table", "put_item"): "put_item",
    ("Table", "update_item"): "update_item",
    ("Table", "delete_item"): "delete_item",
    ("BatchWriter", "put_item"): "put_item",
    ("BatchWriter", "delete_item"): "delete_item",
    ("Bucket", "put_object"): "put_object",
    ("Bucket", "upload_file"): "upload_file",
    ("Bucket", "upload_fileobj"): "upload_fileobj",
    ("Bucket", "copy"): "copy",
    ("Object", "put"): "put_object",
    ("Object", "upload_file"): "upload_file",
    ("Object", "upload_fileobj"): "upload_fileobj",
    ("Object", "copy_from"): "copy_object",
    ("Object", "copy"): "copy",
    ("Queue", "send_message"): "send_message",
    ("Queue", "send_messages"): "send_message_batch",
    ("Topic", "publish"): "publish",
}
# Arguments that make a repeated call harmless, and how a message names them.
GUARD_ARGUMENTS = {
    "ConditionExpression": "a ConditionExpression",
    "Expected": "an Expected condition",
    "MessageDeduplicationId": "a MessageDeduplicationId",
    "ClientToken": "a ClientToken",
    "ClientRequestToken": "a ClientRequestToken",
    "IdempotencyToken": "an IdempotencyToken",
    "IfNoneMatch": "IfNoneMatch",
    "IfMatch": "IfMatch",
    "idempotency_key": "an idempotency key",
}
_IDEMPOTENCY_HEADER = re.compile(r"idempotency[-_]?key", re.IGNORECASE)
# Attribute names that are a table's key: "pk", "id", "SK"; and names that may be one:
# "order_id", "orderId" (a key unless the item also has a plain "pk"/"id").
_PRIMARY_NAME = re.compile(r"^(id|pk|sk|key|uuid|guid|hash_?key|range_?key)$", re.IGNORECASE)
_KEY_LIKE_NAME = re.compile(r"[_\-.#](id|pk|sk|key|uuid|guid)$|[a-z0-9](Id|ID|Key|PK|SK)$")
_PAYMENT = re.compile(r"^stripe\.(\w+)\.(create|capture|confirm)$")
_ADD_CLAUSE = re.compile(r"(^|\s)ADD\s", re.IGNORECASE)
_APPEND = re.compile(r"list_append\s*\(", re.IGNORECASE)


# ------------------------------------------------------------------------- call results


def result_of(callee: Value, call: ir.Call, frame: Frame) -> Value | None:
    """What calling a library function returns; None when this module does not know."""
    if isinstance(callee, IdempotentWrapper):
        target = frame.value_of(call.args[0]) if call.args else None
        return _guarded(target)
    if not isinstance(callee, Qual):
        return None
    name, last = callee.name, callee.last
    if name == "boto3.client" or name == "boto3.resource":
        service = _service(call, frame)
        if service is None:
            return OPAQUE
        return AwsClient(service) if last == "client" else AwsResource(service)
    if name in BOTO3_SESSIONS:
        return Session()
    if name in ("os.getenv", "os.environ.get"):
        variable = _text_argument(call, frame, 0, "key")
        return EnvVar(variable) if variable is not None else OPAQUE
    if name in FRESH_CALLS or name.startswith(FRESH_MODULES):
        return Opaque(fresh=True)
    if name in HTTP_CLIENTS:
        return HttpClient(HTTP_CLIENTS[name])
    if name in SEARCH_CLIENTS:
        return HttpClient(SEARCH_CLIENTS[name])
    if name == "urllib.request.Request":
        method = _text_argument(call, frame, 5, "method")
        has_data = _present(call.argument(1, "data"))
        return HttpRequest(method.upper() if method else ("POST" if has_data else "GET"))
    if last in BATCH_PROCESSORS:
        return BatchProcessor()
    if last in BATCH_RESPONSES:
        return BatchResponse()
    if last == "idempotent_function" or last == "idempotent":
        if call.args:  # idempotent_function(fn, ...) applied directly
            return _guarded(frame.value_of(call.args[0]))
        return IdempotentWrapper()
    if call.args and (last in PASS_THROUGH or last.endswith("Event")):
        first = frame.value_of(call.args[0])
        if isinstance(first, Event):  # enumerate(event["Records"]), SQSEvent(event)
            return first
    return None


def method_result(base: Value, name: str, call: ir.Call, frame: Frame) -> Value | None:
    """What calling ``base.name(...)`` returns, for the objects this module knows."""
    if isinstance(base, Session) and name in ("client", "resource"):
        service = _service(call, frame)
        if service is None:
            return OPAQUE
        return AwsClient(service) if name == "client" else AwsResource(service)
    if isinstance(base, AwsResource):
        return _resource_object(base.service, name, call, frame)
    if isinstance(base, AwsObject):
        if base.kind == "Table" and name == "batch_writer":
            return AwsObject("BatchWriter", "dynamodb", base.name)
        if base.kind == "Bucket" and name == "Object":
            return AwsObject("Object", "s3", base.name, _argument(call, frame, 0, "key"))
        return None
    if isinstance(base, HttpClient) and name in ("Session", "Client"):
        return base
    if isinstance(base, BatchProcessor) and name == "response":
        return BatchResponse()
    if isinstance(base, Event) and name == "get":
        key = _text_argument(call, frame, 0, "key")
        return base.child(key if key is not None else "[]")
    if isinstance(base, Text) and name == "format":
        arguments = [frame.value_of(a) for a in call.args] + [
            frame.value_of(v) for _, v in call.kwargs
        ]
        head = base.prefix.partition("{")[0] if base.exact else ""
        tail = base.prefix.rpartition("}")[2] if base.exact else ""
        mixed = opaque(*arguments)
        return Text(head, tail, False, base.pieces, mixed.fresh, mixed.from_event)
    return None


def attribute_of(base: Value, name: str) -> Value | None:
    if isinstance(base, (AwsResource, AwsObject)) and name == "meta":
        return AwsMeta(base.service)
    if isinstance(base, AwsMeta) and name == "client":
        return AwsClient(base.service)
    if isinstance(base, (AwsClient, AwsObject, HttpClient)) and not name.startswith("_"):
        return BoundMethod(base, name)  # ``publish = sns.publish``
    return None


def _resource_object(service: str, name: str, call: ir.Call, frame: Frame) -> Value | None:
    if service == "dynamodb" and name == "Table":
        return AwsObject("Table", service, _argument(call, frame, 0, "name"))
    if service == "s3" and name == "Bucket":
        return AwsObject("Bucket", service, _argument(call, frame, 0, "name"))
    if service == "s3" and name == "Object":
        return AwsObject(
            "Object",
            service,
            _argument(call, frame, 0, "bucket_name"),
            _argument(call, frame, 1, "key"),
        )
    if service == "sqs" and name == "Queue":
        return AwsObject("Queue", service, _argument(call, frame, 0, "url"))
    if service == "sqs" and name == "get_queue_by_name":
        return AwsObject("Queue", service, _argument(call, frame, 99, "QueueName"))
    if service == "sns" and name == "Topic":
        return AwsObject("Topic", service, _argument(call, frame, 0, "arn"))
    return None


def _guarded(target: Value | None) -> Value:
    if isinstance(target, LocalFunction):
        return target.guarded("Powertools idempotent_function")
    return OPAQUE


# ------------------------------------------------------------------------------ effects


def effect_of(call: ir.Call, frame: Frame) -> Effect | None:
    """The side effect ``call`` performs, or None when it has none that we know of."""
    func = call.func
    if isinstance(func, ir.Attr):
        return _method_effect(frame, call, frame.value_of(func.value), func.attr)
    callee = frame.value_of(func)
    if isinstance(callee, BoundMethod):
        return _method_effect(frame, call, callee.base, callee.name)
    return _qualified(frame, call, callee.name) if isinstance(callee, Qual) else None


def _method_effect(frame: Frame, call: ir.Call, base: Value, operation: str) -> Effect | None:
    """``base.operation(...)``, written out or through a bound method alias."""
    if isinstance(base, AwsClient):
        return _aws(frame, call, base.service, operation, None)
    if isinstance(base, AwsObject):
        mapped = _OBJECT_OPERATIONS.get((base.kind, operation))
        return _aws(frame, call, base.service, mapped, base) if mapped else None
    if isinstance(base, AwsResource) and operation == "batch_write_item":
        return _aws(frame, call, base.service, operation, None)
    if isinstance(base, HttpClient) and base.library in SEARCH_CLIENTS.values():
        return _search_write(frame, call, base.library, operation)
    if isinstance(base, HttpClient):
        return _http(frame, call, base.library, operation)
    if isinstance(base, Qual):
        return _qualified(frame, call, f"{base.name}.{operation}")
    return None


def _qualified(frame: Frame, call: ir.Call, name: str) -> Effect | None:
    library, _, operation = name.partition(".")
    if library in ("requests", "httpx") and "." not in operation:
        return _http(frame, call, library, operation)
    if name in ("urllib3.request", "urllib3.request_encode_body"):
        return _http(frame, call, "urllib3", "request")
    if name == "urllib.request.urlopen":
        request = frame.value_of(call.args[0]) if call.args else OPAQUE
        if isinstance(request, HttpRequest):
            method = request.method
        else:
            method = "POST" if _present(call.argument(1, "data")) else "GET"
        return _http_effect(frame, call, "urllib", method, None)
    payment = _PAYMENT.match(name)
    if payment:
        guard = GUARD_ARGUMENTS["idempotency_key"] if call.keyword("idempotency_key") else None
        return Effect(
            service="payment",
            operation=f"{payment.group(1)}.{payment.group(2)}",
            location=frame.location(call.pos),
            function=frame.name,
            library="stripe",
            guard=guard or frame.guard,
            arguments_known=not call.has_splat,
        )
    return None


def _search_write(frame: Frame, call: ir.Call, library: str, operation: str) -> Effect | None:
    """``client.index(index=..., body=...)``: a new document unless ``id=`` names it."""
    if operation != "index":
        return None
    named = call.keyword("id") is not None
    return Effect(
        service="opensearch",
        operation="index",
        location=frame.location(call.pos),
        function=frame.name,
        library=library,
        arguments=_literal_arguments(call, frame),
        fresh_key=named and _argument(call, frame, 99, "id").fresh,
        guard=("a document id" if named and not _argument(call, frame, 99, "id").fresh else None)
        or frame.guard,
        arguments_known=not call.has_splat,
    )


def _http(frame: Frame, call: ir.Call, library: str, operation: str) -> Effect | None:
    if operation in HTTP_VERBS:
        return _http_effect(frame, call, library, operation.upper(), call.argument(0, "url"))
    if operation in ("request", "stream", "urlopen", "request_encode_body"):
        method = _text_argument(call, frame, 0, "method")
        return _http_effect(frame, call, library, method, call.argument(1, "url"))
    return None


def _http_effect(
    frame: Frame, call: ir.Call, library: str, method: str | None, url: ir.Expr | None
) -> Effect | None:
    if method is None or method.lower() not in HTTP_VERBS:
        return None
    headers = frame.value_of(call.keyword("headers")) if call.keyword("headers") else None
    guard = None
    if isinstance(headers, Collection) and any(
        isinstance(key, Text) and _IDEMPOTENCY_HEADER.search(key.prefix)
        for key, _ in headers.items()
    ):
        guard = "an Idempotency-Key header"
    target, source = frame.target(frame.value_of(url)) if url is not None else (UNKNOWN, None)
    return Effect(
        service="http",
        operation=method.lower(),
        location=frame.location(call.pos),
        function=frame.name,
        library=library,
        target=target,
        target_source=source,
        guard=guard or frame.guard,
        arguments_known=not call.has_splat,
    )


def _aws(
    frame: Frame, call: ir.Call, service: str, operation: str, owner: AwsObject | None
) -> Effect | None:
    if _READS.match(operation):
        return None
    target_value, key_value = _target_and_key(frame, call, service, operation, owner)
    target, source = frame.target(target_value) if target_value is not None else (UNKNOWN, None)
    return Effect(
        service=service,
        operation=operation,
        location=frame.location(call.pos),
        function=frame.name,
        target=target,
        target_source=source,
        key=_key_pattern(key_value),
        arguments=_literal_arguments(call, frame),
        fresh_key=_fresh_key(frame, call, operation, key_value)
        or _fresh_name(frame, call, service, operation),
        update=_update_kind(frame, call) if operation == "update_item" else None,
        guard=_guard(frame, call),
        arguments_known=not call.has_splat,
    )


def _target_and_key(
    frame: Frame, call: ir.Call, service: str, operation: str, owner: AwsObject | None
) -> tuple[Value | None, Value | None]:
    if owner is not None:
        if owner.kind == "Object":
            return owner.name, owner.key
        if owner.kind == "Bucket":
            index = 1 if operation in ("upload_file", "upload_fileobj", "copy") else 99
            return owner.name, _argument(call, frame, index, "Key")
        return owner.name, None
    target = None
    index = _S3_POSITIONAL.get(operation) if service == "s3" else None
    for name in _TARGET_ARGUMENTS.get(service, ()):
        expr = call.argument(index, name) if index is not None else call.keyword(name)
        if expr is not None:
            target = frame.value_of(expr)
            break
    key = None
    if service == "s3":
        key = _argument(call, frame, index + 1 if index is not None else 99, "Key")
    return target, key


def _fresh_key(frame: Frame, call: ir.Call, operation: str, key: Value | None) -> bool:
    if key is not None:
        return key.fresh
    if operation == "put_item":
        return _item_key_is_fresh(frame.value_of(call.keyword("Item") or ir.Other()))
    if operation == "update_item":
        return _item_key_is_fresh(frame.value_of(call.keyword("Key") or ir.Other()))
    if operation == "batch_write_item":
        requests = frame.value_of(call.keyword("RequestItems") or ir.Other())
        return any(_item_key_is_fresh(item) for item in _nested_items(requests))
    return False


def _fresh_name(frame: Frame, call: ir.Call, service: str, operation: str) -> bool:
    """The name a create/start call is given differs on every attempt (uuid, time)."""
    argument = NAMED_CREATES.get((service, operation))
    return argument is not None and _argument(call, frame, 99, argument).fresh


def _item_key_is_fresh(item: Value) -> bool:
    """A DynamoDB item whose key attribute is fresh: ``{"id": str(uuid4())}``.

    ``orderId`` counts as the key only when no attribute is plainly named ``id``, ``pk``,
    ``sk`` ...: in ``{"pk": event_id, "requestId": uuid4()}`` the item is keyed by ``pk``.
    """
    if not isinstance(item, Collection):
        return False
    named = [(key.prefix, value) for key, value in item.items() if isinstance(key, Text)]
    primary = [value for name, value in named if _PRIMARY_NAME.match(name)]
    if primary:
        return any(value.fresh for value in primary)
    return any(value.fresh for name, value in named if _KEY_LIKE_NAME.search(name))


def _nested_items(value: Value, depth: int = 0) -> list[Value]:
    """Every ``Item`` inside ``batch_write_item``'s ``RequestItems``."""
    if not isinstance(value, Collection) or depth > 4:
        return []
    found = []
    for key, child in value.items():
        if isinstance(key, Text) and key.exact and key.prefix == "Item":
            found.append(child)
        else:
            found.extend(_nested_items(child, depth + 1))
    return found


def _update_kind(frame: Frame, call: ir.Call) -> str | None:
    expression = call.keyword("UpdateExpression")
    if expression is not None:
        text = frame.value_of(expression)
        if isinstance(text, Text):
            if _APPEND.search(text.pieces):
                return "append"
            if _ADD_CLAUSE.search(text.pieces) or _arithmetic_set(text.pieces):
                return "counter"
    updates = call.keyword("AttributeUpdates")
    if updates is not None and _mentions(frame.value_of(updates), "Action", "ADD"):
        return "counter"
    return None


def _arithmetic_set(expression: str) -> bool:
    """``SET n = n + :one`` or ``SET n = if_not_exists(n, :zero) - :x``: a ``+``/``-``
    outside parentheses on the right of an ``=``."""
    for _, right in re.findall(r"(=)([^=]*)", expression):
        depth = 0
        for char in right:
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif depth == 0 and char == ",":
                break
            elif depth == 0 and char in "+-":
                return True
    return False


def _guard(frame: Frame, call: ir.Call) -> str | None:
    for name, value in call.kwargs:
        if name in GUARD_ARGUMENTS:
            return GUARD_ARGUMENTS[name]
        if name is not None and isinstance(value, (ir.Dict, ir.Sequence, ir.Name)):
            found = _nested_guard(frame.value_of(value))
            if found:
                return found
    return frame.guard


def _nested_guard(value: Value, depth: int = 0) -> str | None:
    """A guard argument inside ``Entries=[{...}]`` or ``TransactItems=[...]``."""
    if not isinstance(value, Collection) or depth > 3:
        return None
    for key, child in value.items():
        if isinstance(key, Text) and key.exact and key.prefix in GUARD_ARGUMENTS:
            return GUARD_ARGUMENTS[key.prefix]
        found = _nested_guard(child, depth + 1)
        if found:
            return found
    return None


def _mentions(value: Value, key_name: str, literal: str, depth: int = 0) -> bool:
    if not isinstance(value, Collection) or depth > 3:
        return False
    for key, child in value.items():
        named = isinstance(key, Text) and key.prefix == key_name
        if named and isinstance(child, Text) and child.exact and child.prefix.upper() == literal:
            return True
        if _mentions(child, key_name, literal, depth + 1):
            return True
    return False


def _literal_arguments(call: ir.Call, frame: Frame) -> dict[str, str | Unknown]:
    found: dict[str, str | Unknown] = {}
    for name, expr in call.kwargs:
        if name is None:
            continue
        value = frame.value_of(expr)
        found[name] = value.prefix if isinstance(value, Text) and value.exact else UNKNOWN
    return found


def _key_pattern(value: Value | None) -> KeyPattern | None:
    if isinstance(value, Text):
        return KeyPattern(value.prefix, value.suffix, value.exact)
    return None


# ------------------------------------------------------------------------------ helpers


def _argument(call: ir.Call, frame: Frame, index: int, name: str) -> Value:
    expr = call.argument(index, name)
    return frame.value_of(expr) if expr is not None else OPAQUE


def _text_argument(call: ir.Call, frame: Frame, index: int, name: str) -> str | None:
    value = _argument(call, frame, index, name)
    return value.prefix if isinstance(value, Text) and value.exact else None


def _service(call: ir.Call, frame: Frame) -> str | None:
    return _text_argument(call, frame, 0, "service_name")


def _present(expr: ir.Expr | None) -> bool:
    return expr is not None and not (isinstance(expr, ir.Const) and expr.value is None)
