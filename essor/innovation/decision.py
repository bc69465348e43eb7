"""The answer of a rule function: an outcome and the French reasons behind it."""

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reason:
    """One condition: met (True), not met (False) or not known from the answers (None)."""

    met: bool | None
    text: str


@dataclass(frozen=True)
class Decision:
    outcome: bool | None  # None: the answers do not allow a conclusion
    summary: str
    reasons: list[Reason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Reason]:
        return [r for r in self.reasons if r.met is False]

    @property
    def missing(self) -> list[Reason]:
        return [r for r in self.reasons if r.met is None]


def combine(reasons: Iterable[Reason]) -> bool | None:
    """False if any condition fails, else None if any is unknown, else True."""
    values = [r.met for r in reasons]
    if False in values:
        return False
    if None in values:
        return None
    return True
