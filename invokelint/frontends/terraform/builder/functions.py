"""``aws_lambda_function``: settings with the provider's defaults, code, DLQ, environment."""

from __future__ import annotations

import os
from typing import Any

from invokelint.frontends.terraform.builder.references import FUNCTION, Resolver
from invokelint.frontends.terraform.builder.values import (
    as_int,
    as_str,
    child,
    setting,
    text,
    where,
)
from invokelint.frontends.terraform.configuration import Block, Configuration, Ref, Value
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

DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY = 128
UNRESERVED = -1  # reserved_concurrent_executions: -1 removes the reservation
ARCHIVE = "archive_file"


def add_functions(configuration: Configuration, model: InvocationModel) -> None:
    """Create every function first, so that later references can find them."""
    archives = _Archives(configuration)
    for block in configuration.resources(FUNCTION):
        name = text(block, "function_name")
        package = text(block, "package_type")
        model.add(
            Function(
                id=block.address,
                type=block.type,
                location=block.location,
                name=name,
                runtime=setting(block, "runtime", as_str, None),
                handler=setting(block, "handler", as_str, None),
                timeout=setting(block, "timeout", as_int, DEFAULT_TIMEOUT),
                memory_size=setting(block, "memory_size", as_int, DEFAULT_MEMORY),
                reserved_concurrency=_reserved(block),
                code=archives.code(block),
                vpc_config=_vpc(block),
                package_type="Zip" if package is None else package,
                layers=_has_layers(block),
            )
        )


def link_functions(
    configuration: Configuration, model: InvocationModel, resolver: Resolver
) -> None:
    """Fill what needs references: environment variables and dead-letter queues."""
    for block in configuration.resources(FUNCTION):
        function = model.resources.get(block.address)
        if not isinstance(function, Function):
            continue
        function.environment, function.environment_location = _environment(resolver, block)
        function.dead_letter = dead_letter_config(resolver, block)


def _reserved(block: Block) -> Setting[int | None]:
    found = setting(block, "reserved_concurrent_executions", as_int, UNRESERVED)
    value = None if found.value == UNRESERVED else found.value
    return Setting(value, found.location, found.explicit)


def _has_layers(block: Block) -> bool:
    layers = block.get("layers")
    if layers is None or layers.value is None:
        return False
    return layers.value != []  # a list of layers, or unknown: a handler may come from one


def _vpc(block: Block) -> Setting[bool]:
    config = child(block, "vpc_config")
    if config is None:
        return Setting(False, block.location, explicit=False)
    if config is UNKNOWN:
        return Setting(UNKNOWN, where(block, "vpc_config"))
    subnets = config.get("subnet_ids")  # type: ignore[union-attr]
    location = config.location  # type: ignore[union-attr]
    if subnets is None or subnets.value is None:
        return Setting(False, location)
    if isinstance(subnets.value, list):
        return Setting(bool(subnets.value), location)
    return Setting(UNKNOWN, location)


def _environment(
    resolver: Resolver, block: Block
) -> tuple[dict[str, Setting[Any]] | Unknown, Location | None]:
    environment = child(block, "environment")
    if environment is None:
        return {}, None
    if environment is UNKNOWN:
        return UNKNOWN, where(block, "environment")
    location = environment.location  # type: ignore[union-attr]
    variables = environment.get("variables")  # type: ignore[union-attr]
    if variables is None or variables.value is None:
        return {}, location
    if not isinstance(variables.value, dict):
        return UNKNOWN, location
    values: dict[str, Setting[Any]] = {}
    for name, value in variables.value.items():
        literal = as_str(value.value)
        resolved = literal if isinstance(literal, str) else resolver.resolve(value)
        values[name] = Setting(resolved, value.location)
    return values, location


def dead_letter_config(
    resolver: Resolver, block: Block, key: str = "target_arn"
) -> FailureTarget | Unknown | None:
    """A ``dead_letter_config { <key> = ... }`` block: a function's (``target_arn``), an
    EventBridge or Scheduler target's (``arn``). UNKNOWN for a dynamic block, which may
    stand for no dead-letter queue at all."""
    config = child(block, "dead_letter_config")
    if not isinstance(config, Block):
        return config  # None or UNKNOWN
    target = config.get(key)
    if target is None or target.value is None:
        return None
    return FailureTarget(role="dlq", target=resolver.resolve(target), location=config.location)


class _Archives:
    """``archive_file`` data sources (and resources): what each zips, by address and by
    the ``output_path`` it writes, so a function's ``filename`` leads to its source."""

    def __init__(self, configuration: Configuration) -> None:
        self.directory = configuration.directory
        self.by_address: dict[str, Block] = {}
        self.by_output: dict[str, Block] = {}
        for block in configuration.blocks:
            if block.type != ARCHIVE or block.mode == "nested":
                continue
            self.by_address[block.address] = block
            output = text(block, "output_path")
            if isinstance(output, str):
                self.by_output[self._path(output)] = block

    def code(self, block: Block) -> CodeSource:
        location = block.location
        if text(block, "image_uri") is not None or text(block, "package_type") == "Image":
            return CodeSource(kind="image", location=location)
        filename = block.get("filename")
        if filename is not None and filename.value is not None:
            return self._file(block, filename)
        if text(block, "s3_bucket") is not None:
            return CodeSource(kind="remote", location=block.get("s3_bucket").location)  # type: ignore[union-attr]
        return CodeSource(kind="unknown", location=location)

    def _file(self, block: Block, filename: Value) -> CodeSource:
        inner = filename.value
        archive = None
        if isinstance(inner, Ref):
            archive = self.by_address.get(inner.address)
        elif isinstance(inner, str):
            archive = self.by_output.get(self._path(inner)) or self._hashed(block)
            if archive is None:
                return CodeSource(kind="path", location=filename.location, path=self._path(inner))
        if archive is None:
            return CodeSource(kind="unknown", location=filename.location)
        return self._archived(archive, filename.location)

    def _hashed(self, block: Block) -> Block | None:
        """``source_code_hash = data.archive_file.x.output_base64sha256``: that archive."""
        digest = block.get("source_code_hash")
        if digest is not None and isinstance(digest.value, Ref):
            return self.by_address.get(digest.value.address)
        return None

    def _archived(self, archive: Block, location: Location) -> CodeSource:
        for key in ("source_dir", "source_file"):
            source = text(archive, key)
            if isinstance(source, str):
                return CodeSource(kind="path", location=location, path=self._path(source))
        return CodeSource(kind="unknown", location=location)  # inline ``source`` blocks

    def _path(self, path: str) -> str:
        """Relative paths are relative to the root module, as Terraform resolves them."""
        return os.path.normpath(os.path.join(self.directory, path))
