"""The time a comparison may take: past it, the engine gives up on the pair, never hangs."""

from __future__ import annotations

import time

DEFAULT_BUDGET_S = 10.0


class OverBudgetError(Exception):
    """Raised inside the engine when the budget is spent; check_compatibility catches it."""


class Budget:
    """A deadline on the monotonic clock, checked at every step of the work."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def spend(self) -> None:
        if time.monotonic() > self.deadline:
            raise OverBudgetError
