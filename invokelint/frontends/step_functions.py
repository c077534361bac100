"""The Amazon States Language shapes every frontend reads the same way.

A definition is a plain mapping (a template's ``Definition``, parsed JSON text, a
Terraform ``jsonencode``); this module finds its Task states at any depth and says which
of them call ``lambda:invoke``. What a value means (a function reference, a placeholder)
is each frontend's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

LAMBDA_INVOKE = re.compile(
    r"arn:[^:]*:states:::(?:aws-sdk:)?lambda:invoke(?:\.waitForTaskToken)?", re.IGNORECASE
)
INVOCATION_TYPES = frozenset({"Event", "RequestResponse", "DryRun"})


def task_states(definition: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(label, state)`` of every Task, in ``Map`` and ``Parallel`` states too.

    Labels read like ``States.Fan.ItemProcessor.States.Work``: a trigger id that tells
    a user which state invokes the function.
    """
    yield from _walk(definition, "States")


def task_arguments(state: dict[str, Any]) -> Any:
    """A task's ``Parameters`` (JSONPath) or ``Arguments`` (JSONata), or None."""
    return state.get("Parameters", state.get("Arguments"))


def _walk(container: Any, prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    states = container.get("States") if isinstance(container, dict) else None
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        label = f"{prefix}.{name}"
        kind = state.get("Type")
        if kind == "Task":
            yield label, state
        elif kind == "Map":
            for key in ("ItemProcessor", "Iterator"):
                yield from _walk(state.get(key), f"{label}.{key}.States")
        elif kind == "Parallel":
            branches = state.get("Branches")
            for index, branch in enumerate(branches if isinstance(branches, list) else ()):
                yield from _walk(branch, f"{label}.Branches[{index}].States")
