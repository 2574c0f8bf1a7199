"""Split a conjunction into branches free of anyOf, oneOf and if/then/else."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .conj import Conj, flatten
from .documents import Document

BRANCH_LIMIT = 32


@dataclass(frozen=True, slots=True)
class Branch:
    """One way to satisfy every disjunction of a conjunction; `approx` says why it may be wide."""

    conj: Conj
    approx: str | None


_Work = tuple[tuple[str, ...], frozenset[tuple[str, str]], tuple[str, ...], str | None]


def expand(doc: Document, pointers: tuple[str, ...]) -> list[Branch] | None:
    """Split a conjunction into branches free of disjunctions; None when there are too many."""
    done: list[Branch] = []
    work: list[_Work] = [(pointers, frozenset(), (), None)]
    while work:
        ptrs, skip, negatives, approx = work.pop(0)
        conj = flatten(doc, ptrs, skip)
        if conj.unsatisfiable():
            continue
        if not conj.choices:
            if negatives:
                conj = replace(conj, negatives=[*conj.negatives, *negatives])
            done.append(Branch(conj, approx or ("not" if conj.nots else None)))
        else:
            choice = conj.choices[0]
            for extra, excluded, why in choice.alternatives():
                work.append(
                    (ptrs + extra, skip | {choice.key}, negatives + excluded, approx or why)
                )
        if len(done) + len(work) > BRANCH_LIMIT:
            return None
    return done
