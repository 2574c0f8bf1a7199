"""The doctor's checklist line: what was checked, how it went, and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["ok", "warn", "fail", "skip"]


@dataclass(frozen=True)
class Check:
    """One line of the checklist: what was checked, how it went and the one-line fix."""

    id: str
    status: Status
    subject: str
    message: str
    fix: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "subject": self.subject,
            "message": self.message,
            "fix": self.fix,
        }
