"""The public result types of the compatibility engine: levels, changes and results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ContractError, ExitCode

LEVELS = (
    "NONE",
    "BACKWARD",
    "FORWARD",
    "FULL",
    "BACKWARD_TRANSITIVE",
    "FORWARD_TRANSITIVE",
    "FULL_TRANSITIVE",
)
NARROWS = "narrows"
WIDENS = "widens"

# A narrowing change breaks readers on NEW of data written under an earlier version.
BREAKS_BY_DIRECTION = {
    NARROWS: ("BACKWARD", "FULL", "BACKWARD_TRANSITIVE", "FULL_TRANSITIVE"),
    WIDENS: ("FORWARD", "FULL", "FORWARD_TRANSITIVE", "FULL_TRANSITIVE"),
}
TRANSITIVE_LEVELS = ("BACKWARD_TRANSITIVE", "FORWARD_TRANSITIVE", "FULL_TRANSITIVE")


class CompatError(ContractError, ValueError):
    """The engine could not evaluate: a bad level or option, or a schema it cannot read."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class Change:
    """One difference between two schema versions, with proof when it breaks.

    Identity (equality, hashing) is every field but `message`, `has_witness` and `witness`:
    those are evidence. The witness may be JSON `null` itself, so `has_witness` says whether
    there is one.
    """

    rule: str
    path: str
    old_path: str
    new_path: str
    direction: str
    breaks: tuple[str, ...]
    breaking: bool
    message: str = field(compare=False)
    has_witness: bool = field(default=False, compare=False)
    witness: Any = field(default=None, compare=False)
    versions_back: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "path": self.path,
            "old_path": self.old_path,
            "new_path": self.new_path,
            "breaking": self.breaking,
            "message": self.message,
            "witness": self.witness,
            "has_witness": self.has_witness,
            "direction": self.direction,
            "breaks": list(self.breaks),
            "versions_back": self.versions_back,
        }


@dataclass(frozen=True)
class CompatResult:
    """The verdict at one level and every change found, breaking ones first."""

    compatible: bool
    level: str
    changes: list[Change] = field(hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "compatible": self.compatible,
            "level": self.level,
            "changes": [c.to_dict() for c in self.changes],
        }
