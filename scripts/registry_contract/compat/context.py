"""What a subschema check carries along: both documents, where it is, and the findings it makes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .budget import Budget
from .conj import Conj
from .documents import Document

STEP_LIMIT = 20_000

Candidates = Callable[[], list[Any]]
CheckFn = Callable[
    ["tuple[str, ...]", "tuple[str, ...]", "Ctx", "frozenset[str] | None"], "list[Finding]"
]


@dataclass(frozen=True, slots=True)
class Frame:
    """One step from a container to a child: kind "prop" (key: name), "item" (key: index), or
    "name" (the child is a property name)."""

    pointers: tuple[str, ...]
    kind: str
    key: Any


@dataclass(frozen=True, slots=True)
class Finding:
    """Instances of SUB that are not instances of SUP, seen from the subschema check.

    `code` maps to a rule id once the orientation (which side is OLD) is known. When
    `undecided` is set the finding is a suspicion: it stands only if a witness is found,
    and otherwise becomes the undecidable rule `undecided`. An `annotation` finding is a
    change to a keyword that asserts nothing here (`format` when formats are off): it is
    reported, never breaking.
    """

    code: str
    sub_path: str
    sup_path: str
    message: str
    frames: tuple[Frame, ...]
    candidates: Candidates
    undecided: str | None = None
    annotation: bool = False


def no_candidates() -> list[Any]:
    return []


@dataclass(eq=False)
class Run:
    """State shared by every step of one subschema check."""

    sub: Document
    sup: Document
    lenient: bool
    budget: Budget
    active: set[tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]] = field(
        default_factory=set
    )
    steps: int = 0
    same_cache: dict[tuple[str, str], bool] = field(default_factory=dict)
    check: CheckFn | None = None
    reverse_run: Run | None = None
    self_run: Run | None = None
    plain: bool = False  # ignore SUB's negatives: used by the run that tests them

    def recurse(
        self,
        sub: tuple[str, ...],
        sup: tuple[str, ...],
        ctx: Ctx,
        only: frozenset[str] | None = None,
    ) -> list[Finding]:
        assert self.check is not None, "find_differences installs the checker"
        return self.check(sub, sup, ctx, only)

    def within_sub(self) -> Run:
        """A run comparing SUB with itself, to test SUB parts against SUB's own negatives."""
        if self.self_run is None:
            self.self_run = Run(
                self.sub, self.sub, self.lenient, self.budget, check=self.check, plain=True
            )
        return self.self_run

    def reverse(self) -> Run:
        """A run with the documents swapped, for trial checks of SUP parts inside SUB parts."""
        if self.reverse_run is None:
            self.reverse_run = Run(self.sup, self.sub, self.lenient, self.budget, check=self.check)
            self.reverse_run.reverse_run = self
        return self.reverse_run


@dataclass(frozen=True, slots=True)
class Ctx:
    """Where the check is: the shared run, the path from the root instance, any approximation."""

    run: Run
    frames: tuple[Frame, ...] = ()
    approx: str | None = None

    @property
    def sub_label(self) -> str:
        return self.run.sub.label

    @property
    def sup_label(self) -> str:
        return self.run.sup.label

    def enter(self, sub: Conj, kind: str, key: Any) -> Ctx:
        return replace(self, frames=(*self.frames, Frame(sub.pointers, kind, key)))

    def widened(self, why: str | None) -> Ctx:
        return self if why is None or self.approx is not None else replace(self, approx=why)

    def finding(
        self,
        code: str,
        sub_path: str,
        sup_path: str,
        message: str,
        candidates: Candidates = no_candidates,
        undecided: str | None = None,
        annotation: bool = False,
    ) -> Finding:
        if undecided is None and code.startswith("undecidable-"):
            undecided = code
        if undecided is None and self.approx is not None:
            undecided = "undecidable-" + self.approx
        return Finding(
            code, sub_path, sup_path, message, self.frames, candidates, undecided, annotation
        )
