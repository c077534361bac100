"""``functions`` and their ``events`` as SAM-shaped resources, positioned in serverless.yml.

Why SAM: the CloudFormation frontend already reads SAM functions and their event
sources natively (SQS/stream mappings, SNS, S3, schedules, APIs, Cognito, URLs,
``EventInvokeConfig``, ``DeadLetterQueue``), so each framework key maps onto one SAM key
and every rule works unchanged. Every translated key carries the position of the key the
user wrote, so findings point at serverless.yml lines. Functions get the framework's
logical ids (``WorkerLambdaFunction``): raw CloudFormation under ``resources`` that
references them resolves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from invokelint.frontends.positioned import Map, Pos, Seq
from invokelint.frontends.serverless import naming

DEFAULT_TIMEOUT = 6  # seconds: the framework's default, not Lambda's 3
EDGE_TIMEOUT = 5  # seconds: its default for a function with cloudFront events
_SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


class _Builder:
    """Positioned SAM-shaped mappings; every key placed where its source key sits."""

    @staticmethod
    def new(pos: Pos) -> Map:
        return Map(pos)

    @staticmethod
    def put(target: Map, key: str, value: Any, source: Map, source_key: str | None) -> None:
        """``target[key] = value``, positioned at ``source[source_key]`` (or ``source``)."""
        target[key] = value
        if source_key is not None and source_key in source:
            target.key_pos[key] = source.key_position(source_key)
            target.val_pos[key] = source.value_position(source_key)
        else:
            target.key_pos[key] = target.val_pos[key] = source.pos

    @classmethod
    def copy(cls, target: Map, key: str, source: Map, source_key: str) -> None:
        if source.get(source_key) is not None:
            cls.put(target, key, source[source_key], source, source_key)


put = _Builder.put
copy = _Builder.copy


@dataclass
class Names:
    """What the user wrote for what the translation named: messages speak serverless.yml."""

    functions: dict[str, str] = field(default_factory=dict)  # logical id -> function name
    # (function logical id, SAM event key ``events[0].sqs``, index in ``events``, kind)
    events: list[tuple[str, str, int, str]] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)  # ``SNSTopicAlerts`` -> ``alerts``
    target_groups: dict[str, tuple[str, int]] = field(default_factory=dict)  # -> (function, index)
    distributions: dict[str, tuple[str, int]] = field(default_factory=dict)  # likewise


def translate(root: Map, names: Names | None = None) -> Map:
    """The CloudFormation template (SAM transform) this service deploys, as far as known.

    ``names``, when given, collects what each generated id stands for in serverless.yml.
    """
    template = Map(root.pos)
    template["Transform"] = _SAM_TRANSFORM
    resources = Map(root.pos)
    raw = root.get("resources")
    for part in raw if isinstance(raw, Seq) else [raw]:  # v3 allows a list of fragments
        if isinstance(part, Map) and isinstance(part.get("Resources"), Map):
            _merge(resources, part["Resources"])
    provider = root.get("provider") if isinstance(root.get("provider"), Map) else Map(root.pos)
    functions = root.get("functions")
    named: dict[str, Map] = {}
    for group in functions if isinstance(functions, Seq) else [functions]:
        if isinstance(group, Map):
            for name, body in group.items():
                if isinstance(body, Map):
                    named[str(name)] = body
    context = _Context(root, provider, resources, set(named), names or Names())
    for name, body in named.items():
        source = group_of(functions, name)
        logical_id = naming.function_id(name)
        context.names.functions[logical_id] = name
        function = Map(body.pos)
        put(function, "Type", "AWS::Serverless::Function", body, None)
        put(function, "Properties", context.function(name, body), body, None)
        resources[logical_id] = function
        resources.key_pos[logical_id] = source.key_position(name)
        resources.val_pos[logical_id] = body.pos
    put(template, "Resources", resources, root, "functions" if functions else "resources")
    return template


def group_of(functions: Any, name: str) -> Map:
    """The mapping under ``functions`` that holds ``name`` (a list in v3 may hold several)."""
    for group in functions if isinstance(functions, Seq) else [functions]:
        if isinstance(group, Map) and name in group:
            return group
    return Map()


def _merge(target: Map, source: Map) -> None:
    for key, value in source.items():
        target[key] = value
        target.key_pos[key] = source.key_position(key)
        target.val_pos[key] = source.value_position(key)


class _Context:
    def __init__(
        self, root: Map, provider: Map, resources: Map, functions: set[str], names: Names
    ) -> None:
        self.root = root
        self.provider = provider
        self.resources = resources
        self.functions = functions
        self.names = names
        self.event: tuple[str, int] = ("", 0)  # the function and index being translated

    def create(
        self, logical_id: str, kind: str, settings: Map, item: Map, key: str, label: str
    ) -> None:
        """A resource the framework creates for an event (``sns: alerts`` -> a topic),
        unless ``resources`` declares it already (to set its properties)."""
        if logical_id not in self.resources:
            self.names.created[logical_id] = label
            resource = Map(settings.pos)
            put(resource, "Type", kind, settings, None)
            self.resources[logical_id] = resource
            self.resources.key_pos[logical_id] = item.key_position(key)

    def free_id(self, stem: str) -> str:
        """``stem1``, or the next number not taken: one id per event of a kind."""
        index = 1
        while f"{stem}{index}" in self.resources:
            index += 1
        return f"{stem}{index}"

    # -- functions
    def function(self, name: str, body: Map) -> Map:
        props = Map(body.pos)
        copy(props, "Handler", body, "handler")
        if self._generated_handler(body.get("handler")):
            unknown = {"Fn::ImportValue": "a handler module a plugin writes at package time"}
            put(props, "Handler", unknown, body, "handler")
        # handlers resolve from the service folder, or from the function's ``module``
        # folder, which python packaging (v4, serverless-python-requirements) zips alone
        # (``handler: module1/app.handler`` names the same file from the service folder)
        module = body.get("module")
        handler = body.get("handler")
        folder = module.strip("./") if isinstance(module, str) else ""
        if folder and not (isinstance(handler, str) and handler.startswith(f"{folder}/")):
            put(props, "CodeUri", module, body, "module")
        else:
            put(props, "CodeUri", ".", body, None)
        # Lambda@Edge (cloudFront events): the framework sets 5 s unless the function
        # sets a timeout itself, and drops environment variables and VPC settings
        edge = _has_event(body, "cloudFront")
        for key, source_key in (
            ("Runtime", "runtime"),
            ("Timeout", "timeout"),
            ("MemorySize", "memorySize"),
        ):
            if source_key in body:
                copy(props, key, body, source_key)
            elif source_key in self.provider and not (edge and key == "Timeout"):
                copy(props, key, self.provider, source_key)
        if "Timeout" not in props:
            put(props, "Timeout", EDGE_TIMEOUT if edge else DEFAULT_TIMEOUT, body, None)
        if "Runtime" not in props and "handler" in body:
            put(props, "Runtime", "nodejs20.x", body, None)  # the framework's default
        copy(props, "ReservedConcurrentExecutions", body, "reservedConcurrency")
        if not edge:
            self._environment(props, body)
        copy(props, "Layers", body, "layers")
        self._dead_letter(props, body)
        self._invoke_config(props, body)
        self._url(props, body)
        events = Map(body.value_position("events") if "events" in body else body.pos)
        raw = body.get("events")
        for index, item in enumerate(raw if isinstance(raw, Seq) else []):
            if isinstance(item, Map) and len(item) == 1:
                kind = next(iter(item))
                self.event = (name, index)
                translated = _EVENTS.get(str(kind), _other_event)(self, name, item, str(kind))
                if translated is not None:
                    key = f"events[{index}].{kind}"  # as the user finds it
                    self.names.events.append((naming.function_id(name), key, index, kind))
                    events[key] = translated
                    events.key_pos[key] = raw.item_position(index)
                    events.val_pos[key] = item.value_position(kind)
        if events:
            put(props, "Events", events, body, "events")
        return props

    def _generated_handler(self, handler: object) -> bool:
        """A handler module that a listed plugin adds when packaging (serverless-wsgi's
        ``wsgi_handler``): not in the service folder, and not missing either."""
        if not isinstance(handler, str):
            return False
        plugins = self.root.get("plugins")
        if isinstance(plugins, Map):
            plugins = plugins.get("modules")
        names = {p for p in plugins if isinstance(p, str)} if isinstance(plugins, list) else set()
        module = handler.rpartition(".")[0]
        return any(_PLUGIN_MODULES.get(name) == module for name in names)

    def _environment(self, props: Map, body: Map) -> None:
        """``provider.environment`` with the function's own variables over it."""
        variables = Map(body.pos)
        for holder in (self.provider, body):
            values = holder.get("environment")
            if isinstance(values, Map):
                for key, value in values.items():
                    put(variables, key, value, values, key)
        if variables:
            environment = Map(variables.pos)
            put(environment, "Variables", variables, body, "environment")
            put(props, "Environment", environment, body, "environment")

    def _dead_letter(self, props: Map, body: Map) -> None:
        if body.get("onError") is None:
            return
        target = body["onError"]
        dlq = Map(body.value_position("onError"))
        put(dlq, "Type", "SQS" if self._kind(target) == "SQS" else "SNS", body, "onError")
        put(dlq, "TargetArn", target, body, "onError")
        put(props, "DeadLetterQueue", dlq, body, "onError")

    def _invoke_config(self, props: Map, body: Map) -> None:
        keys = ("maximumRetryAttempts", "maximumEventAge", "destinations")
        if not any(body.get(k) is not None for k in keys):
            return
        first = next(k for k in keys if body.get(k) is not None)
        config = Map(body.value_position(first))
        copy(config, "MaximumRetryAttempts", body, "maximumRetryAttempts")
        copy(config, "MaximumEventAgeInSeconds", body, "maximumEventAge")
        destinations = body.get("destinations")
        if isinstance(destinations, Map):
            translated = Map(destinations.pos)
            for key, cfn_key in (("onSuccess", "OnSuccess"), ("onFailure", "OnFailure")):
                if destinations.get(key) is not None:
                    put(
                        translated, cfn_key, self._destination(destinations, key), destinations, key
                    )
            put(config, "DestinationConfig", translated, body, "destinations")
        put(props, "EventInvokeConfig", config, body, first)

    def _destination(self, holder: Map, key: str) -> Map:
        """``onFailure: arn | function name | {type, arn}`` as SAM's ``{Type, Destination}``."""
        value = holder[key]
        declared = None
        if isinstance(value, Map) and "arn" in value:
            declared = value.get("type")
            value = value["arn"]
        target = self._function_arn(value)
        destination = Map(holder.value_position(key))
        kind = "Lambda" if target is not value else self._kind(value)
        if isinstance(declared, str):
            kind = {
                "sqs": "SQS",
                "sns": "SNS",
                "function": "Lambda",
                "eventBus": "EventBridge",
            }.get(declared, kind)
        if kind is not None:
            put(destination, "Type", kind, holder, key)
        put(destination, "Destination", target, holder, key)
        return destination

    def _function_arn(self, value: Any) -> Any:
        """A function of this service named as a destination: its ``Fn::GetAtt``."""
        if isinstance(value, str) and value in self.functions:
            return {"Fn::GetAtt": [naming.function_id(value), "Arn"]}
        return value

    def _url(self, props: Map, body: Map) -> None:
        """``url: true`` (no authentication) or ``url: {authorizer: aws_iam}``."""
        url = body.get("url")
        if url is None or url is False:
            return
        config = Map(body.value_position("url"))
        if isinstance(url, Map) and "authorizer" in url:
            auth = "AWS_IAM" if url["authorizer"] == "aws_iam" else url["authorizer"]
            put(config, "AuthType", auth, url, "authorizer")
        else:
            put(config, "AuthType", "NONE", body, "url")
        cors = url.get("cors") if isinstance(url, Map) else None
        if cors:  # the framework's defaults: any origin, no credentials
            settings = cors if isinstance(cors, Map) else Map(url.value_position("cors"))
            translated = Map(url.value_position("cors"))
            origins = settings.get("allowedOrigins", ["*"])
            if origins is not None:
                put(translated, "AllowOrigins", origins, settings, "allowedOrigins")
            copy(translated, "AllowCredentials", settings, "allowCredentials")
            put(config, "Cors", translated, url, "cors")
        put(props, "FunctionUrlConfig", config, body, "url")

    # -- what an ARN or reference names
    def _kind(self, value: Any) -> str | None:
        """``SQS``/``SNS``/``Lambda``/``EventBridge``/``Kinesis``/``DynamoDB`` from an ARN."""
        text = None
        if isinstance(value, str):
            text = value
        elif isinstance(value, dict):
            target = value.get("Fn::GetAtt") or value.get("Ref")
            if isinstance(target, str):
                target = target.split(".")[0]
            elif isinstance(target, list) and target:
                target = target[0]
            body = self.resources.get(target) if isinstance(target, str) else None
            kind = body.get("Type") if isinstance(body, dict) else None
            return _RESOURCE_KINDS.get(kind) if isinstance(kind, str) else None
        if text is None:
            return None
        for marker, kind in _ARN_KINDS:
            if marker in text:
                return kind
        return None


# Plugins that write the handler module into the package: plugin -> module.
_PLUGIN_MODULES = {"serverless-wsgi": "wsgi_handler"}

_ARN_KINDS = (
    (":sqs:", "SQS"),
    (":sns:", "SNS"),
    (":lambda:", "Lambda"),
    (":events:", "EventBridge"),
    (":kinesis:", "Kinesis"),
    (":dynamodb:", "DynamoDB"),
)
_RESOURCE_KINDS = {
    "AWS::SQS::Queue": "SQS",
    "AWS::SNS::Topic": "SNS",
    "AWS::Lambda::Function": "Lambda",
    "AWS::Events::EventBus": "EventBridge",
    "AWS::Kinesis::Stream": "Kinesis",
    "AWS::DynamoDB::Table": "DynamoDB",
}


# ---------------------------------------------------------------------------- events


def _event(kind: str, item: Map, event_key: str) -> tuple[Map, Map]:
    """A SAM event ``{Type, Properties}`` and its (empty) properties."""
    event = Map(item.value_position(event_key))
    props = Map(item.value_position(event_key))
    put(event, "Type", kind, item, event_key)
    put(event, "Properties", props, item, event_key)
    return event, props


def _settings(item: Map, key: str, main: str) -> Map:
    """The event's settings: the mapping, or ``{main: value}`` for the short form."""
    value = item[key]
    if isinstance(value, Map) and not _intrinsic(value):
        return value
    settings = Map(item.value_position(key))
    put(settings, main, value, item, key)
    return settings


def _intrinsic(value: Map) -> bool:
    return len(value) == 1 and any(str(k) == "Ref" or str(k).startswith("Fn::") for k in value)


def _filters(props: Map, settings: Map) -> None:
    patterns = settings.get("filterPatterns")
    if not isinstance(patterns, Seq):
        copy(props, "FilterCriteria", settings, "filterPatterns")
        return
    filters = Seq(patterns.pos)
    for index, pattern in enumerate(patterns):
        entry = Map(patterns.item_position(index))
        text = _json(pattern)
        entry["Pattern"] = text if text is not None else pattern
        entry.key_pos["Pattern"] = entry.val_pos["Pattern"] = patterns.item_position(index)
        filters.append(entry)
        filters.item_pos.append(patterns.item_position(index))
    criteria = Map(settings.value_position("filterPatterns"))
    put(criteria, "Filters", filters, settings, "filterPatterns")
    put(props, "FilterCriteria", criteria, settings, "filterPatterns")


def _json(value: Any) -> str | None:
    """The JSON text the framework sends for a pattern; None if a part is unknown."""
    if isinstance(value, dict):
        if _intrinsic(value):  # type: ignore[arg-type]
            return None
        parts = {str(k): _plain(v) for k, v in value.items()}
        if any(v is _MISSING for v in parts.values()):
            return None
        return json.dumps(parts)
    return None


_MISSING = object()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        if _intrinsic(value):  # type: ignore[arg-type]
            return _MISSING
        parts = {str(k): _plain(v) for k, v in value.items()}
        return _MISSING if any(v is _MISSING for v in parts.values()) else parts
    if isinstance(value, list):
        items = [_plain(v) for v in value]
        return _MISSING if any(v is _MISSING for v in items) else items
    return value


def _response_types(props: Map, settings: Map) -> None:
    if settings.get("functionResponseType") is not None:
        types = Seq(settings.value_position("functionResponseType"))
        types.append(settings["functionResponseType"])
        types.item_pos.append(settings.value_position("functionResponseType"))
        put(props, "FunctionResponseTypes", types, settings, "functionResponseType")


def _sqs(context: _Context, name: str, item: Map, key: str) -> Map:
    settings = _settings(item, key, "arn")
    event, props = _event("SQS", item, key)
    copy(props, "Queue", settings, "arn")
    copy(props, "BatchSize", settings, "batchSize")
    copy(props, "MaximumBatchingWindowInSeconds", settings, "maximumBatchingWindow")
    copy(props, "Enabled", settings, "enabled")
    if isinstance(settings.get("maximumConcurrency"), (int, str, Map)):
        scaling = Map(settings.value_position("maximumConcurrency"))
        copy(scaling, "MaximumConcurrency", settings, "maximumConcurrency")
        put(props, "ScalingConfig", scaling, settings, "maximumConcurrency")
    _response_types(props, settings)
    _filters(props, settings)
    return event


def _stream(context: _Context, name: str, item: Map, key: str) -> Map | None:
    settings = _settings(item, key, "arn")
    declared = settings.get("type")
    kind = {"kinesis": "Kinesis", "dynamodb": "DynamoDB"}.get(str(declared))
    kind = kind or context._kind(settings.get("arn"))
    if kind not in ("Kinesis", "DynamoDB"):
        return None  # which service polls it is unknown: the unknown-invoker scan says so
    event, props = _event(kind, item, key)
    copy(props, "Stream", settings, "arn")
    consumer = settings.get("consumer")
    if kind == "Kinesis" and consumer is True:  # enhanced fan-out: the framework makes one
        logical_id = context.free_id(f"{naming.alphanumeric(name)}KinesisConsumer")
        resource, consumer_props = Map(settings.pos), Map(settings.pos)
        put(resource, "Type", "AWS::Kinesis::StreamConsumer", settings, "consumer")
        put(consumer_props, "ConsumerName", logical_id, settings, "consumer")
        copy(consumer_props, "StreamARN", settings, "arn")
        put(resource, "Properties", consumer_props, settings, "consumer")
        context.resources[logical_id] = resource
        context.resources.key_pos[logical_id] = settings.key_position("consumer")
        stream = {"Fn::GetAtt": [logical_id, "ConsumerARN"]}
        put(props, "Stream", stream, settings, "arn" if "arn" in settings else "consumer")
    elif kind == "Kinesis" and isinstance(consumer, (str, Map)):  # an existing consumer
        put(props, "Stream", consumer, settings, "consumer")
    put(
        props,
        "StartingPosition",
        settings.get("startingPosition", "TRIM_HORIZON"),
        settings,
        "startingPosition",
    )
    for cfn_key, source_key in (
        ("BatchSize", "batchSize"),
        ("MaximumBatchingWindowInSeconds", "batchWindow"),
        ("MaximumRetryAttempts", "maximumRetryAttempts"),
        ("BisectBatchOnFunctionError", "bisectBatchOnFunctionError"),
        ("MaximumRecordAgeInSeconds", "maximumRecordAgeInSeconds"),
        ("ParallelizationFactor", "parallelizationFactor"),
        ("TumblingWindowInSeconds", "tumblingWindowInSeconds"),
        ("Enabled", "enabled"),
    ):
        copy(props, cfn_key, settings, source_key)
    destinations = settings.get("destinations")
    if isinstance(destinations, Map) and destinations.get("onFailure") is not None:
        failure = destinations["onFailure"]
        target = failure.get("arn") if isinstance(failure, Map) and "arn" in failure else failure
        on_failure = Map(destinations.value_position("onFailure"))
        put(on_failure, "Destination", target, destinations, "onFailure")
        config = Map(settings.value_position("destinations"))
        put(config, "OnFailure", on_failure, destinations, "onFailure")
        put(props, "DestinationConfig", config, settings, "destinations")
    _response_types(props, settings)
    _filters(props, settings)
    return event


def _sns(context: _Context, name: str, item: Map, key: str) -> Map:
    settings = _settings(item, key, "arn")
    event, props = _event("SNS", item, key)
    topic = settings.get("arn")
    if topic is None or (isinstance(topic, str) and not topic.startswith("arn:")):
        topic_name = settings.get("topicName", topic)
        if isinstance(topic_name, str):  # the framework creates the topic
            logical_id = naming.topic_id(topic_name)
            context.create(logical_id, "AWS::SNS::Topic", settings, item, key, topic_name)
            topic = {"Ref": logical_id}
    put(props, "Topic", topic, settings, "arn" if "arn" in settings else None)
    redrive = settings.get("redrivePolicy")
    if redrive is not None:
        put(props, "RedrivePolicy", redrive, settings, "redrivePolicy")
    copy(props, "FilterPolicy", settings, "filterPolicy")
    return event


def _s3(context: _Context, name: str, item: Map, key: str) -> Map:
    settings = _settings(item, key, "bucket")
    event, props = _event("S3", item, key)
    bucket = settings.get("bucket")
    if isinstance(bucket, str) and settings.get("existing") is not True:
        logical_id = naming.bucket_id(bucket)
        context.create(logical_id, "AWS::S3::Bucket", settings, item, key, bucket)
        bucket = {"Ref": logical_id}
    put(props, "Bucket", bucket, settings, "bucket")
    put(props, "Events", settings.get("event", "s3:ObjectCreated:*"), settings, "event")
    rules = settings.get("rules")
    if isinstance(rules, Seq):
        key_rules = Seq(rules.pos)
        for index, rule in enumerate(rules):
            if isinstance(rule, Map) and len(rule) == 1:
                ((rule_name, value),) = rule.items()
                entry = Map(rules.item_position(index))
                put(entry, "Name", str(rule_name), rule, None)
                put(entry, "Value", value, rule, rule_name)
                key_rules.append(entry)
                key_rules.item_pos.append(rules.item_position(index))
        filter_ = Map(rules.pos)
        key_map = Map(rules.pos)
        put(key_map, "Rules", key_rules, settings, "rules")
        put(filter_, "S3Key", key_map, settings, "rules")
        put(props, "Filter", filter_, settings, "rules")
    return event


def _schedule(context: _Context, name: str, item: Map, key: str) -> Map:
    settings = _settings(item, key, "rate")
    event, props = _event("Schedule", item, key)
    copy(props, "Schedule", settings, "rate")
    copy(props, "Input", settings, "input")
    return event


def _event_bridge(context: _Context, name: str, item: Map, key: str) -> Map:
    settings = _settings(item, key, "pattern")
    if "schedule" in settings and "pattern" not in settings:
        event, props = _event("Schedule", item, key)
        copy(props, "Schedule", settings, "schedule")
    else:
        event, props = _event("EventBridgeRule", item, key)
        copy(props, "Pattern", settings, "pattern")
        copy(props, "EventBusName", settings, "eventBus")
    dead_letter = settings.get("deadLetterQueueArn")
    if dead_letter is not None:
        config = Map(settings.value_position("deadLetterQueueArn"))
        put(config, "Arn", dead_letter, settings, "deadLetterQueueArn")
        put(props, "DeadLetterConfig", config, settings, "deadLetterQueueArn")
    return event


def _log(context: _Context, name: str, item: Map, key: str) -> Map:
    settings = _settings(item, key, "logGroup")
    event, props = _event("CloudWatchLogs", item, key)
    copy(props, "LogGroupName", settings, "logGroup")
    put(props, "FilterPattern", settings.get("filter", ""), settings, "filter")
    return event


def _http(context: _Context, name: str, item: Map, key: str) -> Map:
    settings = _settings(item, key, "path")
    event, props = _event("Api" if key == "http" else "HttpApi", item, key)
    short = settings.get("path")
    if "method" not in settings and isinstance(short, str) and " " in short.strip():
        method, _, path = short.strip().partition(" ")
        put(props, "Method", method, settings, "path")
        put(props, "Path", path.strip(), settings, "path")
    else:
        copy(props, "Path", settings, "path")
        copy(props, "Method", settings, "method")
    if key == "http" and isinstance(settings.get("async"), bool) and settings["async"]:
        return _permission_event(context, name, item, key, "apigateway.amazonaws.com")
    return event


def _other_event(context: _Context, name: str, item: Map, key: str) -> None:
    """An event this frontend does not translate (``kafka``, ``msk``, ``alexaSkill``, a
    plugin's): something invokes the function, in a way not known, so no rule may take
    its other triggers for all of them."""
    return _permission_event(context, name, item, key, {"Fn::ImportValue": f"{name}.{key}"})


def _permission_event(
    context: _Context, name: str, item: Map, key: str, principal: str | dict[str, str]
) -> None:
    """A source SAM has no event for: the permission the framework grants its service."""
    logical_id = context.free_id(f"{naming.alphanumeric(name)}{naming.alphanumeric(key)}Permission")
    resource = Map(item.value_position(key))
    props = Map(item.value_position(key))
    put(resource, "Type", "AWS::Lambda::Permission", item, key)
    put(props, "Action", "lambda:InvokeFunction", item, key)
    put(props, "FunctionName", {"Fn::GetAtt": [naming.function_id(name), "Arn"]}, item, key)
    put(props, "Principal", principal, item, key)
    # the framework scopes it to the API or target group it creates: not known here
    put(props, "SourceArn", {"Fn::ImportValue": f"{name}.events.{key}"}, item, key)
    put(resource, "Properties", props, item, key)
    context.resources[logical_id] = resource
    context.resources.key_pos[logical_id] = item.key_position(key)
    return None


def _websocket(context: _Context, name: str, item: Map, key: str) -> None:
    return _permission_event(context, name, item, key, "apigateway.amazonaws.com")


def _alb(context: _Context, name: str, item: Map, key: str) -> None:
    """The target group the framework creates (``multiValueHeaders`` sets its attribute),
    and the permission it grants the load balancer."""
    settings = _settings(item, key, "listenerArn")
    logical_id = context.free_id(f"{naming.alphanumeric(name)}AlbTargetGroup")
    context.names.target_groups[logical_id] = context.event
    group = Map(item.value_position(key))
    props = Map(item.value_position(key))
    put(group, "Type", "AWS::ElasticLoadBalancingV2::TargetGroup", item, key)
    put(props, "TargetType", "lambda", item, key)
    target = Map(item.value_position(key))
    put(target, "Id", {"Fn::GetAtt": [naming.function_id(name), "Arn"]}, item, key)
    targets = Seq(item.value_position(key))
    targets.append(target)
    targets.item_pos.append(item.value_position(key))
    put(props, "Targets", targets, item, key)
    headers = settings.get("multiValueHeaders")
    if headers is not None:
        attribute = Map(settings.value_position("multiValueHeaders"))
        put(attribute, "Key", "lambda.multi_value_headers.enabled", settings, "multiValueHeaders")
        put(attribute, "Value", headers, settings, "multiValueHeaders")
        attributes = Seq(settings.value_position("multiValueHeaders"))
        attributes.append(attribute)
        attributes.item_pos.append(settings.value_position("multiValueHeaders"))
        put(props, "TargetGroupAttributes", attributes, settings, "multiValueHeaders")
    put(group, "Properties", props, item, key)
    context.resources[logical_id] = group
    context.resources.key_pos[logical_id] = item.key_position(key)
    context.resources.val_pos[logical_id] = item.value_position(key)
    return _permission_event(context, name, item, key, "elasticloadbalancing.amazonaws.com")


def _has_event(body: Map, kind: str) -> bool:
    events = body.get("events")
    return isinstance(events, Seq) and any(isinstance(e, Map) and kind in e for e in events)


def _cloud_front(context: _Context, name: str, item: Map, key: str) -> None:
    """The version the framework publishes and the distribution behaviour that runs it
    at the edge (``eventType``), as CloudFormation the edge rules read."""
    settings = _settings(item, key, "eventType")
    where = item.value_position(key)
    version_id = context.free_id(f"{naming.alphanumeric(name)}LambdaVersionEdge")
    version, version_props = Map(where), Map(where)
    put(version, "Type", "AWS::Lambda::Version", item, key)
    put(version_props, "FunctionName", {"Ref": naming.function_id(name)}, item, key)
    put(version, "Properties", version_props, item, key)
    association = Map(where)
    copy(association, "EventType", settings, "eventType")
    put(association, "LambdaFunctionARN", {"Ref": version_id}, item, key)
    associations = Seq(where)
    associations.append(association)
    associations.item_pos.append(where)
    behavior, config, distribution, props = Map(where), Map(where), Map(where), Map(where)
    put(behavior, "LambdaFunctionAssociations", associations, item, key)
    put(config, "DefaultCacheBehavior", behavior, item, key)
    put(props, "DistributionConfig", config, item, key)
    put(distribution, "Type", "AWS::CloudFront::Distribution", item, key)
    put(distribution, "Properties", props, item, key)
    distribution_id = context.free_id("CloudFrontDistribution")
    context.names.distributions[distribution_id] = context.event
    for logical_id, resource in ((version_id, version), (distribution_id, distribution)):
        context.resources[logical_id] = resource
        context.resources.key_pos[logical_id] = item.key_position(key)
        context.resources.val_pos[logical_id] = where
    return None


def _iot(context: _Context, name: str, item: Map, key: str) -> Map:
    settings = _settings(item, key, "sql")
    event, props = _event("IoTRule", item, key)
    copy(props, "Sql", settings, "sql")
    return event


def _cognito(context: _Context, name: str, item: Map, key: str) -> Map:
    settings = _settings(item, key, "pool")
    event, props = _event("Cognito", item, key)
    pool = settings.get("pool")
    if isinstance(pool, str) and settings.get("existing") is not True:
        logical_id = naming.user_pool_id(pool)
        context.create(logical_id, "AWS::Cognito::UserPool", settings, item, key, pool)
        pool = {"Ref": logical_id}
    put(props, "UserPool", pool, settings, "pool")
    copy(props, "Trigger", settings, "trigger")
    return event


_EVENTS = {
    "sqs": _sqs,
    "stream": _stream,
    "sns": _sns,
    "s3": _s3,
    "schedule": _schedule,
    "eventBridge": _event_bridge,
    "cloudwatchEvent": _event_bridge,
    "cloudwatchLog": _log,
    "http": _http,
    "httpApi": _http,
    "websocket": _websocket,
    "alb": _alb,
    "iot": _iot,
    "cognitoUserPool": _cognito,
    "cloudFront": _cloud_front,
}
