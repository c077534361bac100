"""What a rule reports, independent of how it is printed."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from invokelint.model import Location

if TYPE_CHECKING:
    from invokelint.fixes import Fix


class Severity(str, enum.Enum):
    """Ordered: ``INFO < WARNING < ERROR``; ``--fail-on`` compares against it."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __str__(self) -> str:
        return self.value


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str  # "IL103"
    name: str  # "sqs-visibility-timeout"
    severity: Severity
    message: str
    location: Location
    resource: str | None = None  # logical id / address the message is about
    # The resource's own first line: an inline suppression there covers the diagnostic.
    resource_location: Location | None = None
    related: tuple[Location, ...] = ()
    fix: Fix | None = None  # what ``--fix`` would change (see ``invokelint.fixes``)
    # CDK: the construct the resource was written as (``OrdersStack/Worker/Resource``).
    construct_path: str | None = None

    @property
    def path(self) -> str:
        return self.location.path

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code)


# Quoted text (an apostrophe inside a word, as in "SNS's", opens no quote), or a word:
# dotted (``DestinationConfig.OnFailure``) or a resource type (``AWS::Lambda::Permission``).
_QUOTED_OR_WORD = re.compile(
    r"(?<![A-Za-z0-9])'[^']*'|`[^`]*`|[A-Za-z][A-Za-z0-9]*(?:(?:\.|::)[A-Za-z][A-Za-z0-9]*)*"
)


_QUOTED = re.compile(r"(?<![A-Za-z0-9])'[^']*'")


class PhraseTerms(dict[str, str]):
    """Terms with many phrases (a few per function and event of a service), indexed by
    the first quoted name each holds: a message is matched against the phrases of the
    names it quotes, not against all of them."""

    def __init__(self, terms: Mapping[str, str]) -> None:
        super().__init__(terms)
        self.by_name: dict[str, list[str]] = {}
        self.unnamed: list[str] = []
        for key in self:
            if " " in key:
                names = _QUOTED.findall(key)
                if names:
                    self.by_name.setdefault(names[0], []).append(key)
                else:
                    self.unnamed.append(key)

    def phrases_for(self, message: str) -> list[str]:
        named = (p for name in _QUOTED.findall(message) for p in self.by_name.get(name, ()))
        return [*self.unnamed, *named]


def in_terms(message: str, terms: Mapping[str, str]) -> str:
    """``message`` with property names spelled as the input spells them.

    Rules name properties the CloudFormation way (``VisibilityTimeout``); a Terraform
    user edits ``visibility_timeout_seconds``. Quoted text (resource names, values) is
    left alone unless ``terms`` lists it quoted (``'WorkerLambdaFunction'``), and only
    whole (dotted) words that ``terms`` lists are replaced. A key with a space is a
    phrase, replaced whole before its words (``SAM event 'E' of function 'F'`` reads
    differently in serverless.yml), longest first.
    """
    if not terms:
        return message

    def spell(match: re.Match[str]) -> str:
        word = match.group(0)
        return terms.get(word, word)

    if isinstance(terms, PhraseTerms):
        phrases: Iterable[str] = terms.phrases_for(message)
    else:
        phrases = (key for key in terms if " " in key)
    present = sorted({k for k in phrases if k in message}, key=len, reverse=True)
    if not present:
        return _QUOTED_OR_WORD.sub(spell, message)
    pattern = "|".join([*map(re.escape, present), _QUOTED_OR_WORD.pattern])
    return re.sub(pattern, spell, message)
