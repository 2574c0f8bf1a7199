"""The guard's circuit breaker: stop dead-lettering when too many entries fail at once."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .model import RuntimeConfigError


class CircuitOpenError(RuntimeError):
    """Too many invalid entries: the guard stopped dead-lettering until `resume()`."""


@dataclass
class CircuitBreaker:
    """Trips when, in enforce mode, the invalid share of the last `window` verdicts passes
    `max_invalid_ratio` (once `min_entries` verdicts are in), or `max_consecutive` in a row fail."""

    window: int = 200
    max_invalid_ratio: float = 0.5
    min_entries: int = 50
    max_consecutive: int = 100
    _verdicts: deque[bool] = field(default_factory=deque, init=False, repr=False)
    _invalid: int = field(default=0, init=False, repr=False)
    _run: int = field(default=0, init=False, repr=False)
    open: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if not (
            1 <= self.min_entries <= self.window
            and 0 <= self.max_invalid_ratio < 1
            and self.max_consecutive >= 1
        ):
            raise RuntimeConfigError(
                f"{self}: expected 1 <= min_entries <= window, 0 <= max_invalid_ratio < 1 "
                "and max_consecutive >= 1"
            )

    def record(self, invalid: bool) -> bool:
        """Count one verdict; True once the breaker is open."""
        verdicts = self._verdicts
        verdicts.append(invalid)
        self._invalid += invalid
        if len(verdicts) > self.window:
            self._invalid -= verdicts.popleft()
        self._run = self._run + 1 if invalid else 0
        if invalid and (
            self._run >= self.max_consecutive
            or (
                len(verdicts) >= self.min_entries
                and self._invalid / len(verdicts) > self.max_invalid_ratio
            )
        ):
            self.open = True
        return self.open

    def reset(self) -> None:
        self._verdicts.clear()
        self._invalid = self._run = 0
        self.open = False
