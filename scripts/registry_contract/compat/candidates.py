"""Lazy witness candidates shared by the checks: chained from inner findings, or built objects."""

from __future__ import annotations

from typing import Any

from .conj import Conj
from .context import Candidates, Finding
from .documents import Document
from .instance import NOTHING, build_instance
from .witness import lift


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


def chain(doc: Document, findings: list[Finding], depth: int) -> Candidates:
    """The candidates of every finding, nearest first, each placed in an instance of `doc` at
    frame depth `depth` (a finding met deeper in the payload has its candidates wrapped up)."""
    nearest = sorted(findings, key=lambda f: len(f.frames))

    def candidates() -> list[Any]:
        return [c for f in nearest for c in lift(doc, f, depth)]

    return candidates
