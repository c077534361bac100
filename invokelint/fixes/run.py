"""``check --fix``/``--diff``: apply fixes in memory until nothing changes, then write.

The project is linted again after each round with the fixed texts as overlays (as an
editor's unsaved buffers), so a fix that enables another is applied too, and the
findings that remain are those of the fixed files. Nothing touches disk before the
last round, and only ``--fix`` writes.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from invokelint.fixes.apply import apply_fixes, offered, planned_files, title

if TYPE_CHECKING:
    from invokelint.engine import LintResult

MAX_ROUNDS = 10  # a fix never undoes another, but a bound keeps a bug from looping


@dataclass
class FixRun:
    result: LintResult  # the findings that remain
    originals: dict[Path, str] = field(default_factory=dict)
    texts: dict[Path, str] = field(default_factory=dict)  # the fixed text of each changed file
    fixed: Counter[str] = field(default_factory=Counter)  # rule id -> findings fixed
    warnings: list[str] = field(default_factory=list)

    def changed(self) -> dict[Path, str]:
        return {p: t for p, t in self.texts.items() if t != self.originals[p]}

    def diff(self, display: Callable[[Path], str]) -> str:
        chunks = []
        for path, text in sorted(self.changed().items()):
            name = display(path)
            chunks.extend(
                difflib.unified_diff(
                    self.originals[path].splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"a/{name}",
                    f"b/{name}",
                )
            )
        return "".join(chunks)


def fix_project(
    result: LintResult,
    relint: Callable[[dict[Path, str]], LintResult],
    *,
    unsafe: bool,
    read_only: set[Path] | frozenset[Path] = frozenset(),
) -> FixRun:
    """Apply every safe (and with ``unsafe`` every) fix in ``result``'s findings."""
    run = FixRun(result)
    reported: set[str] = set()
    for _ in range(MAX_ROUNDS):
        by_file: dict[str, list] = {}
        planned = planned_files(run.result.models)
        for diagnostic in run.result.diagnostics:
            fix = diagnostic.fix
            if (
                fix is not None
                and (unsafe or fix.safety == "safe")
                and offered(diagnostic, planned)
            ):
                by_file.setdefault(fix.path, []).append(diagnostic)
        changed = False
        for display, diagnostics in by_file.items():
            path = Path(display).resolve()
            if path in read_only or not (path in run.texts or path.is_file()):
                continue
            text = run.texts.get(path)
            if text is None:
                text = path.read_bytes().decode("utf-8")
                run.originals[path] = text
            codes = {id(d.fix): d.code for d in diagnostics}
            outcome = apply_fixes(text, display, [d.fix for d in diagnostics])
            for fix in outcome.applied:
                run.fixed[codes[id(fix)]] += 1
            for fix, why in outcome.dropped:
                warning = f"{display}: {codes[id(fix)]} fix not applied ({title(fix)}): {why}"
                if warning not in reported:
                    reported.add(warning)
                    run.warnings.append(warning)
            if outcome.text != text:
                run.texts[path] = outcome.text
                changed = True
        if not changed:
            break
        run.result = relint(dict(run.texts))
    return run


def write(run: FixRun) -> list[str]:
    """Write the fixed files; the errors as one-line messages."""
    errors = []
    for path, text in run.changed().items():
        try:
            path.write_bytes(text.encode("utf-8"))
        except OSError as exc:
            errors.append(f"{path}: cannot write the fixes: {exc.strerror}")
    return errors


def from_command_line(
    args: object,
    result: LintResult,
    relint: Callable[[dict[Path, str]], LintResult],
    *,
    read_only: set[Path],
    display: Callable[[Path], str],
    say: Callable[[str], None],
) -> tuple[LintResult, int | None]:
    """ruff's contract: the remaining findings to report, or the exit status when done.

    ``--diff`` prints the diff and writes nothing (exit 1 when there is something to
    fix); ``--fix`` writes and reports what remains; ``--fix-only`` writes and exits 0.
    """
    quiet = getattr(args, "quiet", False)
    run = fix_project(result, relint, unsafe=args.unsafe_fixes, read_only=read_only)  # type: ignore[attr-defined]
    if not quiet:
        for warning in run.warnings:
            say(f"warning: {warning}")
    fixed = sum(run.fixed.values())
    if args.diff:  # type: ignore[attr-defined]
        import sys

        sys.stdout.write(run.diff(display))
        if not quiet:
            say(f"Would fix {fixed} finding{'s' * (fixed != 1)}{_per_rule(run.fixed)}.")
        return run.result, 1 if run.changed() else 0
    errors = write(run)
    for error in errors:
        say(f"error: {error}")
    if not quiet:
        remain = len(run.result.diagnostics)
        say(
            f"Fixed {fixed} finding{'s' * (fixed != 1)}{_per_rule(run.fixed)}, "
            f"{remain} remain{'s' * (remain == 1)}."
        )
    if errors:
        return run.result, 2
    if args.fix_only:  # type: ignore[attr-defined]
        return run.result, 0
    return run.result, None


def _per_rule(fixed: Counter[str]) -> str:
    if not fixed:
        return ""
    return " (" + ", ".join(f"{code} {count}" for code, count in sorted(fixed.items())) + ")"
