"""SUP-side anyOf, oneOf, not and if/then/else, and the disjointness proofs they need."""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise
from typing import Any

from .branches import expand
from .conj import Choice, Conj, flatten
from .context import Ctx, Finding, Run
from .instance import build_instance, kind_of
from .numbers import Extreme, extreme, grid_for, is_empty
from .witness import lift

_KIND_ORDER = ("null", "boolean", "object", "array", "string", "integer", "fraction")


def check_combinators(a: Conj, b: Conj, ctx: Ctx, kinds: frozenset[str]) -> list[Finding]:
    findings: list[Finding] = []
    ours = [*a.choices, *a.resolved]
    for choice in b.choices:
        if any(_same_choice(ctx, mine, choice) for mine in ours):
            continue
        for kind in [k for k in _KIND_ORDER if k in kinds]:
            if choice.keyword == "if":
                findings.extend(_conditional(a, choice, ctx, kind, bool(a.resolved or a.choices)))
            else:
                findings.extend(_alternatives(a, choice, ctx, kind))
    for negative in b.nots:
        if any(ctx.run.sub.draft == ctx.run.sup.draft and _same(ctx, n, negative) for n in a.nots):
            continue
        if disjoint(a, (negative,), ctx, kinds):
            continue
        code = "not-other" if a.nots else "not-new"
        message = (
            f"{ctx.sup_label} excludes the instances of its `not` schema;"
            f" {ctx.sub_label} may allow some"
        )
        findings.append(
            ctx.finding(
                code,
                a.pointer,
                negative,
                message,
                _built(a, None, ctx, negative),
                undecided="undecidable-not",
            )
        )
    return findings


def _same(ctx: Ctx, sub: str, sup: str) -> bool:
    from .equality import same_schema

    return same_schema(ctx.run.sub, sub, ctx.run.sup, sup)


def _same_choice(ctx: Ctx, mine: Choice, theirs: Choice) -> bool:
    if mine.keyword != theirs.keyword:
        return False
    if mine.keyword == "if":
        pairs = [
            (mine.owner.if_, theirs.owner.if_),
            (mine.owner.then, theirs.owner.then),
            (mine.owner.else_, theirs.owner.else_),
        ]
        return all((x is None and y is None) or (x and y and _same(ctx, x, y)) for x, y in pairs)
    ours = mine.owner.any_of if mine.keyword == "anyOf" else mine.owner.one_of
    theirs_ = theirs.owner.any_of if theirs.keyword == "anyOf" else theirs.owner.one_of
    return len(ours) == len(theirs_) and all(
        _same(ctx, x, y) for x, y in zip(ours, theirs_, strict=True)
    )


def _built(
    a: Conj, kind: str | None = None, ctx: Ctx | None = None, probe: str | None = None
) -> Any:
    """Instances of SUB, and instances of the SUP schema `probe` (which SUB may also allow)."""

    def candidates() -> list[Any]:
        built = [build_instance(a.doc, a.pointers, kind=kind, variant=i) for i in range(3)]
        if ctx is not None and probe is not None:
            names = tuple(flatten(ctx.run.sup, (probe,)).required)
            built += [build_instance(ctx.run.sup, (probe,), kind=kind, variant=i) for i in range(2)]
            built.append(build_instance(a.doc, a.pointers, kind=kind, include=names))
        return built

    return candidates


def _alternatives(a: Conj, choice: Choice, ctx: Ctx, kind: str) -> list[Finding]:
    run = ctx.run
    only = frozenset({kind})
    options = choice.owner.any_of if choice.keyword == "anyOf" else choice.owner.one_of
    results = [run.recurse(a.pointers, (p,), ctx, only) for p in options]
    covering = [p for p, found in zip(options, results, strict=True) if not found]
    if covering:
        return _exclusive(a, choice, ctx, kind, covering[0]) if choice.keyword == "oneOf" else []
    if _ranges_cover(a, options, results, ctx, kind, choice.keyword == "oneOf"):
        return []
    candidates = [
        (p, found)
        for p, found in zip(options, results, strict=True)
        if kind in (c := flatten(run.sup, (p,))).kinds and not c.empty
    ]
    where = choice.owner.at(choice.keyword)
    if not candidates:
        message = (
            f"{ctx.sub_label} allows {kind} values here;"
            f" no {choice.keyword} branch of {ctx.sup_label} does"
        )
        return [ctx.finding("type", a.where("kinds", "type"), where, message, _built(a, kind))]
    if len(candidates) == 1:
        return candidates[0][1]
    closest, found = min(candidates, key=lambda c: len(c[1]))
    message = (
        f"{ctx.sub_label} allows {kind} values that no {choice.keyword} branch of {ctx.sup_label}"
        f" accepts; closest is {closest}: {found[0].message}"
    )
    findings = [f for _, found in candidates for f in found]

    def lifted() -> list[Any]:
        return [x for f in findings for x in lift(a.doc, f, len(ctx.frames))]

    code = "any-of" if choice.keyword == "anyOf" else "one-of"
    undecided = "undecidable-any-of" if choice.keyword == "anyOf" else "undecidable-one-of"
    return [ctx.finding(code, a.pointer, where, message, lifted, undecided)]


def _exclusive(a: Conj, choice: Choice, ctx: Ctx, kind: str, chosen: str) -> list[Finding]:
    """oneOf: SUB fits `chosen`; it must also stay out of every other branch."""
    run = ctx.run
    findings: list[Finding] = []
    for other in choice.owner.one_of:
        if other == chosen or disjoint(a, (other,), ctx, frozenset({kind})):
            continue
        inside = not run.recurse(a.pointers, (other,), ctx, frozenset({kind}))
        message = (
            f"{ctx.sub_label} instances match both {chosen} and {other} of {ctx.sup_label}'s oneOf"
            if inside
            else f"{ctx.sub_label} instances may match both {chosen} and {other}"
            f" of {ctx.sup_label}'s oneOf"
        )
        undecided = None if inside else "undecidable-one-of"
        findings.append(
            ctx.finding("one-of-ambiguous", a.pointer, other, message, _built(a, kind), undecided)
        )
    return findings


def _conditional(a: Conj, choice: Choice, ctx: Ctx, kind: str, ours: bool) -> list[Finding]:
    run = ctx.run
    only = frozenset({kind})
    v = choice.owner
    assert v.if_ is not None

    def fits(pointer: str | None) -> bool:
        return pointer is None or not run.recurse(a.pointers, (pointer,), ctx, only)

    then_ok, else_ok = fits(v.then), fits(v.else_)
    if then_ok and else_ok:
        return []
    if else_ok and disjoint(a, (v.if_,), ctx, only):
        return []
    if then_ok and fits(v.if_):
        return []
    code = "conditional-other" if ours else "conditional-new"
    message = f"{ctx.sup_label} adds if/then/else constraints that {ctx.sub_label} may not meet"
    return [
        ctx.finding(
            code,
            a.pointer,
            v.at("if"),
            message,
            _built(a, kind, ctx, v.if_),
            undecided="undecidable-conditional",
        )
    ]


def disjoint(
    a: Conj, others: tuple[str, ...], ctx: Ctx, kinds: frozenset[str], depth: int = 0
) -> bool:
    """True when no instance of SUB (of `kinds`) is an instance of the SUP schemas `others`."""
    run = ctx.run
    if a.enum is not None:
        values = [v for v, _ in a.enum if kind_of(v) in kinds and a.is_valid(v)]
        return not any(all(run.sup.validity(v, p) is not False for p in others) for v in values)
    reverse = ctx.run.reverse()
    rctx = Ctx(reverse)
    for negative in a.negatives:  # SUB excludes `negative`; if the others sit inside it, done
        if not reverse.recurse(others, (negative,), rctx, kinds):
            return True
    branches = expand(run.sup, others)
    if branches is None:
        return False
    return all(
        _disjoint_branch(a, br.conj, ctx, kinds, depth) or _excluded_branch(a, br.conj, reverse)
        for br in branches
    )


def _excluded_branch(a: Conj, y: Conj, reverse: Run) -> bool:
    """One branch of the others sits inside a schema SUB excludes (De Morgan: `not anyOf`
    excludes each branch)."""
    return any(not reverse.recurse(y.pointers, (n,), Ctx(reverse)) for n in a.negatives)


def _disjoint_branch(a: Conj, y: Conj, ctx: Ctx, kinds: frozenset[str], depth: int) -> bool:
    for negative in y.nots:  # `not X` misses every SUB instance when SUB sits inside X
        if not ctx.run.recurse(a.pointers, (negative,), Ctx(ctx.run), kinds):
            return True
    common = a.kinds & y.kinds & kinds
    if y.enum is not None:
        return not any(a.is_valid(v) for v, _ in y.enum if kind_of(v) in common and y.is_valid(v))
    return all(_disjoint_kind(a, y, ctx, k, depth) for k in common)


def _disjoint_kind(a: Conj, y: Conj, ctx: Ctx, kind: str, depth: int) -> bool:
    if kind in ("null", "boolean"):
        values = [None] if kind == "null" else [False, True]
        return not any(a.is_valid(v) and y.is_valid(v) for v in values)
    if kind in ("integer", "fraction"):
        lows = [extreme(c, kind, True) for c in (a, y)]
        highs = [extreme(c, kind, False) for c in (a, y)]
        low = max(lows, key=lambda e: (e.value is not None, e.value or 0, not e.attained))
        high = min(highs, key=lambda e: (e.value is None, e.value or 0, e.attained))
        return is_empty(low, high)
    if kind == "string":
        return _apart(
            a.most("min_length"), a.least("max_length"), y.most("min_length"), y.least("max_length")
        )
    if kind == "array":
        return _apart(
            a.most("min_items"), a.least("max_items"), y.most("min_items"), y.least("max_items")
        )
    if depth > 3:
        return False
    for name in set(a.required) & set(y.required):
        sub = flatten(a.doc, a.property_pointers(name))
        if disjoint(sub, y.property_pointers(name), ctx, sub.kinds, depth + 1):
            return True
    return False


def _apart(a_low: Any, a_high: Any, y_low: Any, y_high: Any) -> bool:
    low = max(a_low[0] if a_low else 0, y_low[0] if y_low else 0)
    highs = [h[0] for h in (a_high, y_high) if h]
    return bool(highs) and low > min(highs)


_BOUND_CODES = ("minimum-tighter", "minimum-new", "maximum-tighter", "maximum-new")


def _ranges_cover(
    a: Conj,
    options: tuple[str, ...],
    results: list[list[Finding]],
    ctx: Ctx,
    kind: str,
    exclusive: bool,
) -> bool:
    """Numbers: branches that differ from SUB only by their bounds cover SUB's range together
    (and, for oneOf, do not overlap while every other branch misses SUB)."""
    if kind not in ("integer", "fraction"):
        return False
    ranges: list[tuple[Extreme, Extreme]] = []
    others: list[str] = []
    for option, found in zip(options, results, strict=True):
        only_bounds = all(f.code in _BOUND_CODES and f.frames == ctx.frames for f in found)
        branch = flatten(ctx.run.sup, (option,))
        if only_bounds and kind in branch.kinds and not branch.choices and not branch.nots:
            ranges.append((extreme(branch, kind, True), extreme(branch, kind, False)))
        else:
            others.append(option)
    if not ranges:
        return False
    ranges.sort(key=_low_order)
    low, high = extreme(a, kind, True), extreme(a, kind, False)
    if not _covers(ranges, low, high, grid_for(a, kind) or None, kind == "fraction"):
        return False
    if not exclusive:
        return True
    apart = all(_before(first[1], second[0]) for first, second in pairwise(ranges))
    return apart and all(disjoint(a, (o,), ctx, frozenset({kind})) for o in others)


def _low_order(r: tuple[Extreme, Extreme]) -> tuple[bool, Fraction, bool]:
    low = r[0]
    return (low.value is not None, low.value or Fraction(0), not low.attained)


def _covers(
    ranges: list[tuple[Extreme, Extreme]],
    low: Extreme,
    high: Extreme,
    grid: Fraction | None,
    fractions: bool,
) -> bool:
    """Sorted ranges leave no number of [low, high] (on `grid` when given; non-integers
    only when `fractions`) uncovered."""
    # Everything below `edge` is covered; `edge` itself still needs covering when `closed`.
    edge, closed = low.value, low.attained or low.value is None
    for r_low, r_high in ranges:
        reaches = (
            r_low.value is None
            or (edge is not None and r_low.value < edge)
            or (edge is not None and r_low.value == edge and (r_low.attained or not closed))
            or (grid is not None and edge is not None and r_low.value <= edge)
        )
        if not reaches:
            break
        if r_high.value is None:
            return True
        if grid is not None:
            step = (r_high.value // grid + 1) * grid
            candidate, needed = step, True
        else:
            integral = r_high.value.denominator == 1
            candidate, needed = r_high.value, not r_high.attained and not (fractions and integral)
        if edge is None or candidate > edge or (candidate == edge and closed and not needed):
            edge, closed = candidate, needed
    if high.value is None or edge is None:
        return False
    return edge > high.value or (edge == high.value and not (closed and high.attained))


def _before(first: Extreme, second: Extreme) -> bool:
    """The range ending at `first` ends before the one starting at `second` begins."""
    if first.value is None or second.value is None:
        return False
    return first.value < second.value or (
        first.value == second.value and not (first.attained and second.attained)
    )
