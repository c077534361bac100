"""Findings in a CDK app's templates, named the way its author wrote them.

A logical id such as ``WorkerD3F5A7B2`` is CDK's invention; the construct path
(``OrdersStack/Worker/Resource``) is what the author recognises. Each finding about a
resource gets its construct path (in the message, so every output format shows it, and as
``construct_path`` for structured outputs); a finding in the template moves to the
construct's source line when the assembly was synthesized with a trace, keeping the
template line as a related location. Findings in handler code stay where they are. No
finding keeps a fix: it would edit a template that the next ``cdk synth`` overwrites.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from invokelint.diagnostics import Diagnostic
from invokelint.frontends.cdk.assembly import Construct, user_frame
from invokelint.model import Location

CDK_PATH = "aws:cdk:path"


def template_constructs(root: Any) -> dict[str, Construct]:
    """Logical id -> construct from the resources' ``aws:cdk:path`` metadata (nested
    stacks' templates, or a manifest written without metadata)."""
    resources = root.get("Resources") if isinstance(root, dict) else None
    if not isinstance(resources, dict):
        return {}
    constructs = {}
    for logical_id, resource in resources.items():
        metadata = resource.get("Metadata") if isinstance(resource, dict) else None
        path = metadata.get(CDK_PATH) if isinstance(metadata, dict) else None
        if isinstance(path, str):
            constructs[logical_id] = Construct(path)
    return constructs


def name_constructs(
    diagnostics: Iterable[Diagnostic],
    constructs: dict[str, Construct],
    template: str,
    display_path: Callable[[Path], str],
    app: Path | None = None,
) -> list[Diagnostic]:
    """``diagnostics`` of the template displayed as ``template``, with their constructs."""
    named = []
    for diagnostic in diagnostics:
        if diagnostic.fix is not None:  # ``cdk synth`` writes the template again: the
            diagnostic = replace(diagnostic, fix=None)  # fix belongs in the app's code
        construct = constructs.get(diagnostic.resource or "")
        if construct is None:
            named.append(diagnostic)
            continue
        diagnostic = replace(
            diagnostic,
            message=f"{diagnostic.message} (construct {construct.path})",
            construct_path=construct.path,
        )
        source = user_frame(construct.trace, app) if construct.trace else None
        if source is not None and diagnostic.location.path == template:
            file, line, column = source
            diagnostic = replace(
                diagnostic,
                location=Location(display_path(file), line, column, line, column + 1),
                related=(diagnostic.location, *diagnostic.related),
                resource_location=diagnostic.resource_location or diagnostic.location,
            )
        named.append(diagnostic)
    return named
