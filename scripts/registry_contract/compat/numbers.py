"""Exact reasoning about the numbers a schema allows, split into integers and fractions."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor
from typing import Literal

from .conj import Conj, frac_lcm


@dataclass(frozen=True, slots=True)
class Extreme:
    """The least (or greatest) allowed number: None when unbounded; `attained` if allowed."""

    value: Fraction | None
    attained: bool


def grid_for(conj: Conj, kind: str) -> Fraction | Literal[False] | None:
    """The step between allowed numbers of `kind`: None when dense, False when there are none."""
    grid = conj.grid
    if kind == "integer":
        return frac_lcm([grid, Fraction(1)]) if grid is not None else Fraction(1)
    if grid is None:
        return None
    return False if grid.denominator == 1 else grid


def extreme(conj: Conj, kind: str, lower: bool) -> Extreme:
    found = conj.bound(lower)
    if found is None:
        return Extreme(None, False)
    bound = found[0]
    grid = grid_for(conj, kind)
    if not grid:
        integral = bound.value.denominator == 1
        return Extreme(bound.value, not bound.exclusive and not (kind == "fraction" and integral))
    k = ceil(bound.value / grid) if lower else floor(bound.value / grid)
    if k * grid == bound.value and bound.exclusive:
        k += 1 if lower else -1
    if kind == "fraction":
        for _ in range(grid.denominator + 1):
            if (k * grid).denominator != 1:
                break
            k += 1 if lower else -1
    return Extreme(k * grid, True)


def is_empty(low: Extreme, high: Extreme) -> bool:
    if low.value is None or high.value is None:
        return False
    return low.value > high.value or (
        low.value == high.value and not (low.attained and high.attained)
    )


def beyond(ext: Extreme, bound_value: Fraction, exclusive: bool, lower: bool) -> bool:
    """True when numbers reaching `ext` break the bound (a lower bound if `lower`)."""
    if ext.value is None:
        return True
    if ext.value == bound_value:
        return ext.attained and exclusive
    return ext.value < bound_value if lower else ext.value > bound_value


def small_range(
    low: Extreme, high: Extreme, grid: Fraction, limit: int = 32
) -> list[Fraction] | None:
    """Every grid point between two attained extremes, when there are at most `limit`."""
    if low.value is None or high.value is None or not (low.attained and high.attained):
        return None
    count = (high.value - low.value) / grid
    if count > limit:
        return None
    return [low.value + i * grid for i in range(int(count) + 1)]


def to_json(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)
