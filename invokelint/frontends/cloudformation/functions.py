"""``AWS::Lambda::Function`` and ``AWS::Serverless::Function`` (with SAM ``Globals``)."""

from __future__ import annotations

import os
import re
from typing import Any

from invokelint.frontends.cloudformation.references import Resolver
from invokelint.frontends.cloudformation.template import (
    Template,
    as_int,
    as_str,
    child,
    is_intrinsic,
)
from invokelint.frontends.positioned import Map, Seq
from invokelint.model import (
    UNKNOWN,
    CodeSource,
    FailureTarget,
    Function,
    InvocationModel,
    Location,
    Setting,
    Unknown,
)

LAMBDA_FUNCTION = "AWS::Lambda::Function"
SAM_FUNCTION = "AWS::Serverless::Function"
FUNCTION_TYPES = (LAMBDA_FUNCTION, SAM_FUNCTION)
DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY = 128


def function_properties(template: Template, logical_id: str, properties: Map) -> Map:
    """The properties SAM would see: ``Globals.Function`` merged under the function's own.

    Values keep the position they were written at, so a timeout set in ``Globals`` is
    reported in ``Globals``. ``properties`` are the resource's own; every part of the
    frontend asks for them, so the merge is done once per function.
    """
    merged = template.merged_properties.get(logical_id)
    if merged is not None:
        return merged
    if template.resource_type(logical_id) != SAM_FUNCTION:
        return properties
    defaults = child(template.root, "Globals", "Function")
    if not isinstance(defaults, Map):
        return properties
    merged = template.merged_properties[logical_id] = _merge(defaults, properties)
    return merged


def _merge(base: Map, override: Map) -> Map:
    """SAM's rules: the resource wins for scalars, maps merge, lists concatenate.

    Run for every SAM function: a key of both keeps its place, takes the function's
    value (or the merge of both) and its positions."""
    merged = Map(override.pos)
    key_pos, val_pos = merged.key_pos, merged.val_pos
    keys, values, default = base.key_pos, base.val_pos, base.pos
    for key, value in base.items():
        merged[key] = value
        key_pos[key] = keys.get(key, default)
        val_pos[key] = values.get(key, default)
    keys, values, default = override.key_pos, override.val_pos, override.pos
    for key, value in override.items():
        previous = merged.get(key, _ABSENT)
        if previous is not _ABSENT:
            if _plain(previous, Map) and _plain(value, Map):
                value = _merge(previous, value)
            elif _plain(previous, Seq) and _plain(value, Seq):
                combined = Seq(value.pos)
                combined.extend(previous + value)
                combined.item_pos = previous.item_pos + value.item_pos
                value = combined
        merged[key] = value
        key_pos[key] = keys.get(key, default)
        val_pos[key] = values.get(key, default)
    return merged


_ABSENT = object()


def _plain(value: Any, kind: type) -> bool:
    return isinstance(value, kind) and not is_intrinsic(value)


def add_functions(template: Template, model: InvocationModel) -> None:
    """Create every function first, so that later references can find them."""
    for logical_id, kind, raw in template.iter_resources():
        if kind not in FUNCTION_TYPES:
            continue
        properties = function_properties(template, logical_id, raw)
        location = template.resource_location(logical_id)
        model.add(
            Function(
                id=logical_id,
                type=kind,
                location=location,
                ignores=template.ignores(logical_id),
                name=as_str(properties.get("FunctionName")),
                runtime=template.setting(properties, "Runtime", as_str, None, location),
                handler=template.setting(properties, "Handler", as_str, None, location),
                timeout=template.setting(properties, "Timeout", as_int, DEFAULT_TIMEOUT, location),
                memory_size=template.setting(
                    properties, "MemorySize", as_int, DEFAULT_MEMORY, location
                ),
                reserved_concurrency=template.setting(
                    properties, "ReservedConcurrentExecutions", as_int, None, location
                ),
                code=_code(template, kind, properties, location, logical_id),
                vpc_config=_vpc(template, properties, location),
                package_type=_package_type(properties),
                sam=kind == SAM_FUNCTION,
                layers=bool(properties.get("Layers")),
            )
        )


def link_functions(template: Template, model: InvocationModel, resolver: Resolver) -> None:
    """Fill what needs references: environment variables and dead-letter queues."""
    for function in model.functions:
        body = template.resources.get(function.id)
        raw = body.get("Properties") if isinstance(body, Map) else None
        properties = function_properties(
            template, function.id, raw if isinstance(raw, Map) else Map()
        )
        function.environment, function.environment_location = _environment(
            template, resolver, properties
        )
        function.dead_letter = _dead_letter(template, resolver, function, properties)


def _environment(
    template: Template, resolver: Resolver, properties: Map
) -> tuple[dict[str, Setting[Any]] | Unknown, Location | None]:
    environment = properties.get("Environment")
    if environment is None:
        return {}, None
    location = template.entry_location(properties, "Environment")
    variables = environment.get("Variables") if _plain(environment, Map) else UNKNOWN
    if variables is None:
        return {}, location
    if not _plain(variables, Map):
        return UNKNOWN, location
    values: dict[str, Setting[Any]] = {}
    for name, value in variables.items():
        literal = as_str(value)
        resolved = literal if isinstance(literal, str) else resolver.resolve(value)
        values[str(name)] = Setting(resolved, template.entry_location(variables, name))
    return values, location


def _dead_letter(
    template: Template, resolver: Resolver, function: Function, properties: Map
) -> FailureTarget | Unknown | None:
    for key, declared in (("DeadLetterConfig", False), ("DeadLetterQueue", True)):
        config = properties.get(key)
        if config is None:
            continue
        if not _plain(config, Map):
            return UNKNOWN
        target = config.get("TargetArn")
        if target is None:
            return None
        if _conditional(target):  # may be AWS::NoValue: whether there is a DLQ is unknown
            return UNKNOWN
        kind = as_str(config.get("Type")) if declared else None
        return FailureTarget(
            role="dlq",
            target=resolver.resolve(target),
            location=template.entry_location(properties, key),
            declared_type=kind if isinstance(kind, str) else None,
        )
    return None


def _conditional(value: Any) -> bool:
    return is_intrinsic(value) and "Fn::If" in value


def _code(
    template: Template, kind: str, properties: Map, absent: Location, logical_id: str = ""
) -> CodeSource:
    if properties.get("ImageUri") is not None or properties.get("PackageType") == "Image":
        return CodeSource(kind="image", location=absent)
    if kind == SAM_FUNCTION:
        if properties.get("InlineCode") is not None:
            return _inline(template, properties, "InlineCode")
        key = "CodeUri"
    else:
        code = properties.get("Code")
        if _plain(code, Map) and code.get("ZipFile") is not None:
            return _inline(template, code, "ZipFile")
        key = "Code"
    value = properties.get(key)
    if value is None and kind == SAM_FUNCTION and key not in properties:
        # ``sam build`` packages the template's own folder when CodeUri is not set
        return CodeSource(kind="path", location=absent, path=template.directory)
    if value is None:
        return CodeSource(kind="unknown", location=absent)
    location = template.entry_location(properties, key)
    if isinstance(value, str):
        if value.startswith("s3://") or value.startswith("https://"):
            return CodeSource(kind="remote", location=location)
        path = os.path.normpath(os.path.join(template.directory, value))
        return CodeSource(kind="path", location=location, path=path)
    if _plain(value, Map) and (value.get("S3Bucket") or value.get("Bucket")):
        asset = _asset_folder(template, logical_id, key) or _staged_asset(template, value)
        if asset is not None:  # CDK's ``Code.fromAsset``: the folder is in ``cdk.out``
            return CodeSource(kind="path", location=location, path=asset)
        return CodeSource(kind="remote", location=location)
    return CodeSource(kind="unknown", location=location)


def _asset_folder(template: Template, logical_id: str, key: str) -> str | None:
    """The staged asset folder CDK names in ``aws:asset:path`` metadata (relative to the
    cloud assembly) when the asset is this property's code; ``None`` otherwise."""
    body = template.resources.get(logical_id)
    metadata = body.get("Metadata") if isinstance(body, Map) else None
    if not isinstance(metadata, Map) or metadata.get("aws:asset:property") != key:
        return None
    folder = metadata.get("aws:asset:path")
    if not isinstance(folder, str) or not folder:
        return None
    return os.path.normpath(os.path.join(template.directory, folder))


def _staged_asset(template: Template, code: Map) -> str | None:
    """CDK stages an asset whose ``S3Key`` is ``<hash>.zip`` as folder ``asset.<hash>``
    beside the template (synthesized without asset metadata, as ``App().synth()`` does)."""
    key = code.get("S3Key")
    match = _ASSET_KEY.fullmatch(key) if isinstance(key, str) else None
    if match is None:
        return None
    folder = os.path.join(template.directory, f"asset.{match.group(1)}")
    return folder if os.path.isdir(folder) else None


_ASSET_KEY = re.compile(r"([0-9a-f]{64})\.zip")


def _inline(template: Template, properties: Map, key: str) -> CodeSource:
    text = properties[key]
    location = template.entry_location(properties, key)
    if not isinstance(text, str):  # !Sub / !Join around the code: not knowable
        return CodeSource(kind="unknown", location=location)
    return CodeSource(
        kind="inline",
        location=location,
        inline=text,
        inline_location=template.location(properties.value_position(key)),
    )


def _vpc(template: Template, properties: Map, absent: Location) -> Setting[bool]:
    config = properties.get("VpcConfig")
    if config is None:
        return Setting(False, absent, explicit=False)
    location = template.entry_location(properties, "VpcConfig")
    if not _plain(config, Map):
        return Setting(UNKNOWN, location)
    subnets = config.get("SubnetIds")
    if subnets is None:
        return Setting(False, location)
    if isinstance(subnets, list):
        return Setting(bool(subnets), location)
    return Setting(UNKNOWN, location)


def _package_type(properties: Map) -> str | Unknown:
    value = as_str(properties.get("PackageType"))
    return value if value is not None else "Zip"
