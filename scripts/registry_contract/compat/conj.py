"""A conjunction of schema nodes, flattened through `allOf` and `$ref`, and its tightest limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from math import gcd, lcm
from typing import Any

from .documents import Document
from .equality import is_true_schema, same_schema
from .regexes import search
from .views import KINDS, Bound, View, read_view, tighter


@dataclass(frozen=True, slots=True)
class Choice:
    """A disjunction found while flattening: `anyOf`, `oneOf` or `if`/`then`/`else` at `owner`."""

    owner: View
    keyword: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.owner.pointer, self.keyword)

    def alternatives(self) -> list[tuple[tuple[str, ...], tuple[str, ...], str | None]]:
        """Each alternative: pointers it adds, pointers it excludes, and why it is approximate.

        Excluded schemas are kept as negatives, which only prove disjointness; so a branch
        with exclusions may be wider than the truth, and says why.
        """
        v = self.owner
        if self.keyword == "anyOf":
            return [((p,), (), None) for p in v.any_of]
        if self.keyword == "oneOf":
            return [((p,), tuple(q for q in v.one_of if q != p), "one-of") for p in v.one_of]
        assert v.if_ is not None
        then = (v.if_, v.then) if v.then else (v.if_,)
        return [(then, (), None), ((v.else_,) if v.else_ else (), (v.if_,), "conditional")]


def frac_lcm(values: list[Fraction]) -> Fraction | None:
    if not values:
        return None
    num, den = values[0].numerator, values[0].denominator
    for v in values[1:]:
        num, den = lcm(num, v.numerator), gcd(den, v.denominator)
    return Fraction(num, den)


@dataclass(eq=False)
class Conj:
    """Every node that one instance must satisfy at once, from one document."""

    doc: Document
    pointers: tuple[str, ...]
    views: list[View] = field(default_factory=list)
    empty: bool = False
    choices: list[Choice] = field(default_factory=list)
    negatives: list[str] = field(default_factory=list)
    nots: list[str] = field(default_factory=list)
    resolved: list[Choice] = field(default_factory=list)
    remote: list[tuple[str, str]] = field(default_factory=list)
    dynamic: list[tuple[str, str]] = field(default_factory=list)
    unevaluated: list[str] = field(default_factory=list)

    @property
    def pointer(self) -> str:
        """Where this conjunction's own keywords live: the first node that is not just a `$ref`."""
        for v in self.views:
            if v.ref is None or v.kinds is not None or v.properties or v.enum is not None:
                return v.pointer
        return self.pointers[0] if self.pointers else (self.views[0].pointer if self.views else "")

    def where(self, attr: str, keyword: str) -> str:
        """The pointer of `keyword` in the first node that sets `attr`, else of the node."""
        for v in self.views:
            if getattr(v, attr) not in (None, (), False, {}):
                return v.at(keyword)
        return self.pointer

    @cached_property
    def kinds(self) -> frozenset[str]:
        kinds = KINDS
        for v in self.views:
            if v.kinds is not None:
                kinds &= v.kinds
        return kinds

    @cached_property
    def enum(self) -> tuple[tuple[Any, str], ...] | None:
        """The listed values of the first node with `enum`/`const` (others filter by validation)."""
        return next((v.enum for v in self.views if v.enum is not None), None)

    def unsatisfiable(self) -> bool:
        """True when provably no instance exists: `false`, no common type, no listed value left."""
        if self.empty or not self.kinds:
            return True
        return self.enum is not None and not any(self.is_valid(v) for v, _ in self.enum)

    def is_valid(self, instance: Any) -> bool:
        return all(self.doc.is_valid(instance, p) for p in self.pointers)

    def first(self, attr: str) -> Any:
        return next((getattr(v, attr) for v in self.views if getattr(v, attr) is not None), None)

    def least(self, attr: str) -> tuple[int, str] | None:
        found = [
            (getattr(v, attr), v.at(_KEYWORD[attr]))
            for v in self.views
            if getattr(v, attr) is not None
        ]
        return min(found, key=lambda f: f[0]) if found else None

    def most(self, attr: str) -> tuple[int, str] | None:
        found = [
            (getattr(v, attr), v.at(_KEYWORD[attr]))
            for v in self.views
            if getattr(v, attr) is not None
        ]
        return max(found, key=lambda f: f[0]) if found else None

    def bound(self, lower: bool) -> tuple[Bound, str] | None:
        best: Bound | None = None
        where = ""
        for v in self.views:
            b = v.lower if lower else v.upper
            if b is not None and tighter(best, b, lower) is b:
                best, where = b, v.at(b.keyword)
        return (best, where) if best is not None else None

    @cached_property
    def grid(self) -> Fraction | None:
        """Every number here is a multiple of this (the lcm of every `multipleOf`)."""
        return frac_lcm([v.multiple_of for v in self.views if v.multiple_of is not None])

    def strings_of(self, attr: str) -> list[tuple[str, str]]:
        keyword = _KEYWORD[attr]
        return [
            (getattr(v, attr), v.at(keyword)) for v in self.views if getattr(v, attr) is not None
        ]

    @cached_property
    def required(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for v in self.views:
            for i, name in enumerate(v.required):
                found.setdefault(name, v.at("required") + f"/{i}")
        return found

    def item_pointers(self, index: int) -> tuple[str, ...]:
        found: list[str] = []
        for v in self.views:
            if index < len(v.prefix):
                found.append(v.prefix[index])
            elif v.items is not None:
                found.append(v.items)
        return tuple(found)

    def prefix_length(self) -> int:
        return max((len(v.prefix) for v in self.views), default=0)

    def property_pointers(self, name: str) -> tuple[str, ...]:
        found: list[str] = []
        for v in self.views:
            if name in v.properties:
                found.append(v.properties[name])
            # A regex ECMA-262 cannot run (None) is applied: witnesses are confirmed anyway.
            matched = [
                p for pat, p in v.pattern_properties.items() if search(pat, name) is not False
            ]
            found.extend(matched)
            if name not in v.properties and not matched and v.additional is not None:
                found.append(v.additional)
        return tuple(found)

    def declared(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for v in self.views:
            names.update({n: p for n, p in v.properties.items() if n not in names})
        return names

    @cached_property
    def object_views(self) -> list[View]:
        return [v for v in self.views if v.properties or v.pattern_properties or v.additional]


_KEYWORD = {
    "min_length": "minLength",
    "max_length": "maxLength",
    "min_items": "minItems",
    "max_items": "maxItems",
    "min_properties": "minProperties",
    "max_properties": "maxProperties",
    "min_contains": "minContains",
    "max_contains": "maxContains",
    "pattern": "pattern",
    "format": "format",
    "format_note": "format",
    "contains": "contains",
    "property_names": "propertyNames",
}


def flatten(
    doc: Document, pointers: tuple[str, ...], skip: frozenset[tuple[str, str]] = frozenset()
) -> Conj:
    """Gather the nodes at `pointers` and everything they reach through `allOf` and `$ref`.

    Results are cached per document; callers must not mutate them.
    """
    key = (pointers, skip)
    cached = doc.flat_cache.get(key)
    if cached is None:
        cached = doc.flat_cache[key] = _flatten(doc, pointers, skip)
    assert isinstance(cached, Conj)
    return cached


def _flatten(doc: Document, pointers: tuple[str, ...], skip: frozenset[tuple[str, str]]) -> Conj:
    conj = Conj(doc, pointers)
    seen: set[str] = set()
    stack = list(reversed(pointers))
    while stack:
        pointer = stack.pop()
        if pointer in seen:
            continue
        seen.add(pointer)
        view = read_view(doc, pointer)
        if view.false:
            conj.empty = True
            continue
        conj.views.append(view)
        if view.ref is not None:
            target = doc.resolve(view.ref, pointer)
            if target is None:
                conj.remote.append((view.at("$ref"), view.ref))
            else:
                stack.append(target)
        if view.dynamic_ref is not None:
            conj.dynamic.append((pointer, view.dynamic_ref))
        stack.extend(reversed(view.all_of))
        decided = _decided_conditional(doc, view)
        if decided is not None:
            stack.extend(reversed(decided))
        conditional = view.if_ is not None and decided is None
        for keyword, present in (
            ("anyOf", bool(view.any_of)),
            ("oneOf", bool(view.one_of)),
            ("if", conditional),
        ):
            if present:
                bucket = conj.resolved if (pointer, keyword) in skip else conj.choices
                bucket.append(Choice(view, keyword))
        if view.not_ is not None:
            conj.nots.append(view.not_)
            conj.negatives.append(view.not_)
        if view.unevaluated:
            conj.unevaluated.append(pointer)
    return conj


def _decided_conditional(doc: Document, view: View) -> tuple[str, ...] | None:
    """What an `if`/`then`/`else` adds when no branching is needed: nothing when both outcomes
    are vacuous, the one outcome a constant condition selects, or the outcome both share."""
    if view.if_ is None:
        return None
    then, else_ = view.then, view.else_
    vacuous_then = then is None or is_true_schema(doc, (then,))
    vacuous_else = else_ is None or is_true_schema(doc, (else_,))
    if vacuous_then and vacuous_else:
        return ()
    condition = doc.node(view.if_)
    if condition is True or is_true_schema(doc, (view.if_,)):
        return () if vacuous_then or then is None else (then,)
    if condition is False:
        return () if vacuous_else or else_ is None else (else_,)
    if then is not None and else_ is not None and same_schema(doc, then, doc, else_):
        return (then,)
    return None
