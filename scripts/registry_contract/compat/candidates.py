"""Lazy witness candidates shared by the checks: chained from inner findings, or built objects."""

from __future__ import annotations

from typing import Any

from .conj import Conj
from .context import Candidates, Finding
from .instance import NOTHING, build_instance


def objects_with(
    a: Conj, include: tuple[str, ...] = (), extra: dict[str, Any] | None = None
) -> Candidates:
    """Minimal objects of SUB with `include` set, plus `extra` properties."""

    def candidates() -> list[Any]:
        built = build_instance(a.doc, a.pointers, kind="object", include=include)
        if built is NOTHING or not extra:
            return [built]
        return [{**built, **extra}]

    return candidates


def chain(findings: list[Finding]) -> Candidates:
    """The candidates of every finding, in order."""

    def candidates() -> list[Any]:
        return [c for f in findings for c in f.candidates()]

    return candidates
