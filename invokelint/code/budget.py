"""How much handler code one run may read: bytes, modules and wall time.

A lint run (the CLI, or one re-lint in the editor) shares one ``CodeBudget`` across all
its templates. Past a budget, further modules are not analysed and handlers get no
facts (rules stay silent about them); each overrun is counted, shown by
``--statistics`` and turned into one warning. Bounds are read from ``limits`` when the
budget is made, so tests can lower them.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from invokelint import limits

BYTES = "modules not analysed: the run's handler code exceeds its byte budget"
MODULES = "modules not analysed: the run follows too many modules"
TIME = "modules or handlers not analysed: the run's time for handler code is spent"
STEPS = "handlers not fully analysed: too many expressions to evaluate"
TOO_DEEP = "modules not analysed: expressions nested too deeply for the parser"
TOO_LARGE = "modules not analysed: larger than the size limit"


@dataclass
class CodeBudget:
    max_bytes: int = field(default_factory=lambda: limits.MAX_PROJECT_CODE_BYTES)
    max_modules: int = field(default_factory=lambda: limits.MAX_PROJECT_MODULES)
    seconds: float = field(default_factory=lambda: limits.MAX_CODE_SECONDS)
    used_bytes: int = 0
    read: set[object] = field(default_factory=set)  # files counted already
    notes: Counter[str] = field(default_factory=Counter)  # overrun -> how many times
    _deadline: float | None = None

    def start(self) -> None:
        """The clock runs from the first handler read, not from the start of the run."""
        if self._deadline is None:
            self._deadline = time.monotonic() + self.seconds

    def admit(self, key: object, size: int) -> bool:
        """May this module (``size`` bytes, identified by ``key``) be analysed?"""
        if key in self.read:
            return True
        if self.expired():
            self.notes[TIME] += 1
            return False
        if len(self.read) >= self.max_modules:
            self.notes[MODULES] += 1
            return False
        if self.used_bytes + size > self.max_bytes:
            self.notes[BYTES] += 1
            return False
        self.read.add(key)
        self.used_bytes += size
        return True

    def expired(self) -> bool:
        """The time budget is spent (the caller counts what it gives up)."""
        return self._deadline is not None and time.monotonic() > self._deadline

    def warnings(self) -> list[str]:
        """One line per kind of overrun, naming the bound to look up in the README."""
        bounds = {
            BYTES: f"{self.max_bytes // (1024 * 1024)} MiB (MAX_PROJECT_CODE_BYTES)",
            MODULES: f"{self.max_modules} modules (MAX_PROJECT_MODULES)",
            TIME: f"{self.seconds:g} s (MAX_CODE_SECONDS)",
            STEPS: f"{limits.MAX_STEPS_PER_HANDLER} per handler (MAX_STEPS_PER_HANDLER)",
            TOO_DEEP: "Python's recursion limit",
            TOO_LARGE: f"{limits.MAX_SOURCE_BYTES // 1024} KiB (MAX_SOURCE_BYTES)",
        }
        return [f"{note} ({bounds[note]}): {count}" for note, count in sorted(self.notes.items())]
