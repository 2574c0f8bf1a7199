"""Subschema checks for arrays: lengths, uniqueness, item schemas by position, contains."""

from __future__ import annotations

from typing import Any

from .candidates import chain
from .conj import Conj
from .context import Ctx, Finding
from .emptiness import array_lengths, unsatisfiable
from .equality import is_true_schema
from .instance import build_instance
from .views import View
from .witness import lift


def check_array(a: Conj, b: Conj, ctx: Ctx) -> list[Finding]:
    low, high = array_lengths(a)
    high_found = a.least("max_items")
    if high is not None and low > high:
        return []
    findings = _counts(a, b, ctx, low, high, high_found)
    if (
        any(v.unique for v in b.views)
        and not any(v.unique for v in a.views)
        and (high is None or high >= 2)
    ):
        where = next(v.at("uniqueItems") for v in b.views if v.unique)
        message = f"{ctx.sub_label} allows repeated items; {ctx.sup_label} requires uniqueItems"
        findings.append(
            ctx.finding("unique-items-new", a.pointer, where, message, _arrays(a, duplicate=True))
        )
    findings.extend(_positions(a, b, ctx, high))
    findings.extend(_contains(a, b, ctx, low, high))
    return findings


def _arrays(a: Conj, size: int | None = None, duplicate: bool = False) -> Any:
    def candidates() -> list[Any]:
        return [
            build_instance(
                a.doc, a.pointers, kind="array", size=size, duplicate=duplicate, variant=i
            )
            for i in range(2)
        ]

    return candidates


def _counts(
    a: Conj, b: Conj, ctx: Ctx, low: int, high: int | None, high_found: tuple[int, str] | None
) -> list[Finding]:
    findings: list[Finding] = []
    b_high, b_low = b.least("max_items"), b.most("min_items")
    if b_high is not None and (high is None or high > b_high[0]):
        code = "max-items-tighter" if high_found else "max-items-new"
        mine = f"maxItems {high}" if high is not None else "no maxItems"
        message = f"{ctx.sub_label} has {mine}; {ctx.sup_label} has maxItems {b_high[0]}"
        where = high_found[1] if high_found else a.pointer
        findings.append(ctx.finding(code, where, b_high[1], message, _arrays(a, b_high[0] + 1)))
    low_found = a.most("min_items")
    if b_low is not None and low < b_low[0]:
        code = "min-items-tighter" if low_found else "min-items-new"
        message = f"{ctx.sub_label} has minItems {low}; {ctx.sup_label} has minItems {b_low[0]}"
        where = low_found[1] if low_found else a.pointer
        findings.append(ctx.finding(code, where, b_low[1], message, _arrays(a, low)))
    return findings


def _positions(a: Conj, b: Conj, ctx: Ctx, high: int | None) -> list[Finding]:
    run = ctx.run
    last = max(a.prefix_length(), b.prefix_length())
    findings: list[Finding] = []
    for i in range(last + 1):  # index `last` stands for every later item
        if high is not None and i >= high:
            break
        sup, sub = b.item_pointers(i), a.item_pointers(i)
        if not sup:
            continue
        where = f"item {i}" if i < last else f"items from index {i}"
        if unsatisfiable(run.sup, sup):
            if sub and unsatisfiable(run.sub, sub):
                continue
            code = "prefix-item-gone" if i < a.prefix_length() else "items-closed"
            message = f"{ctx.sub_label} allows {where}; {ctx.sup_label} allows at most {i} items"
            findings.append(
                ctx.finding(code, sub[0] if sub else a.pointer, sup[0], message, _arrays(a, i + 1))
            )
            continue
        inner = ctx.enter(a, "item", i)
        found = run.recurse(sub, sup, inner)
        if found and is_true_schema(run.sub, sub):
            code = "prefix-item-new" if i < b.prefix_length() else "items-new"
            message = (
                f"{ctx.sup_label} constrains {where}; {ctx.sub_label} allows any value:"
                f" {found[0].message}"
            )
            reached = chain(a.doc, found, len(inner.frames))
            findings.append(inner.finding(code, a.pointer, sup[0], message, reached))
        else:
            findings.extend(found)
    return findings


def _contains(a: Conj, b: Conj, ctx: Ctx, low: int, high: int | None) -> list[Finding]:
    findings: list[Finding] = []
    for v in b.views:
        if v.contains is not None:
            findings.extend(_min_contains(a, v, ctx, low, high))
            findings.extend(_max_contains(a, v, ctx, high))
    return findings


def _min_contains(a: Conj, v: View, ctx: Ctx, low: int, high: int | None) -> list[Finding]:
    assert v.contains is not None
    run = ctx.run
    need = v.min_contains if v.min_contains is not None else 1
    ours = [o for o in a.views if o.contains]
    misses = {
        o.pointer: run.recurse((o.contains,), (v.contains,), ctx.enter(a, "item", 0))
        for o in ours
        if o.contains
    }
    enough = any(
        (o.min_contains if o.min_contains is not None else 1) >= need
        for o in ours
        if not misses[o.pointer]
    )
    if need == 0 or enough or (low >= need and _all_items_match(a, v.contains, ctx, high)):
        return []
    inside = any(not found for found in misses.values())
    code = "contains-new" if not ours else ("min-contains-tighter" if inside else "contains-other")
    message = (
        f"{ctx.sub_label} does not guarantee {need} item(s) matching {ctx.sup_label}'s contains"
    )
    where = ours[0].at("contains") if ours else a.pointer
    lifted = [f for found in misses.values() for f in found]

    def candidates() -> list[Any]:
        return [*_arrays(a, low)(), *(x for f in lifted for x in lift(a.doc, f, len(ctx.frames)))]

    return [ctx.finding(code, where, v.at("contains"), message, candidates)]


def _max_contains(a: Conj, v: View, ctx: Ctx, high: int | None) -> list[Finding]:
    assert v.contains is not None
    limit = v.max_contains
    if limit is None or (high is not None and high <= limit):
        return []
    ours = [o for o in a.views if o.contains]
    run = ctx.run
    reverse = run.reverse()
    for o in ours:  # fewer matches of a wider `contains` bound the matches of a narrower one
        tighter = o.max_contains is not None and o.max_contains <= limit
        if (
            tighter
            and o.contains
            and not reverse.recurse((v.contains,), (o.contains,), Ctx(reverse))
        ):
            return []
    code = (
        "max-contains-tighter"
        if any(o.max_contains is not None for o in ours)
        else "max-contains-new"
    )
    message = (
        f"{ctx.sub_label} allows more than {limit} matching item(s);"
        f" {ctx.sup_label} has maxContains {limit}"
    )
    where = next((o.at("maxContains") for o in ours if o.max_contains is not None), a.pointer)
    return [ctx.finding(code, where, v.at("maxContains"), message, _arrays(a, limit + 1, True))]


def _all_items_match(a: Conj, contains: str, ctx: Ctx, high: int | None) -> bool:
    last = a.prefix_length()
    positions = [i for i in range(last + 1) if high is None or i < high]
    return all(not ctx.run.recurse(a.item_pointers(i), (contains,), ctx) for i in positions)
