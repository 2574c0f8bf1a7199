"""Subschema checks for numbers and strings: bounds, multipleOf, lengths, patterns, formats."""

from __future__ import annotations

from fractions import Fraction
from math import floor
from typing import Any

from .conj import Conj
from .context import Ctx, Finding
from .emptiness import string_lengths
from .instance import build_instance
from .numbers import beyond, extreme, grid_for, is_empty, small_range, to_json
from .regexes import is_universal
from .samples import (
    ECMA_ONLY_PROBES,
    FORMAT_SAMPLES,
    PLAIN_STRINGS,
    fit_length,
    sample_pattern,
)

# (narrower, wider): every string of the first format is a string of the second.
FORMAT_SUBSETS = frozenset(
    {
        ("email", "idn-email"),
        ("hostname", "idn-hostname"),
        ("uri", "iri"),
        ("uri", "uri-reference"),
        ("uri", "iri-reference"),
        ("iri", "iri-reference"),
        ("uri-reference", "iri-reference"),
    }
)


def few_values(a: Conj, kind: str) -> list[Any] | None:
    """Every value of `kind` SUB allows, when there are few enough to validate one by one."""
    if kind in ("integer", "fraction"):
        return small_numbers(a, kind)
    if kind == "string":
        low, high = a.most("min_length"), a.least("max_length")
        if high is not None and (low[0] if low else 0) > high[0]:
            return []
        return [""] if high is not None and high[0] == 0 else None
    return None


def small_numbers(a: Conj, kind: str) -> list[Any] | None:
    """All numbers of `kind` SUB allows, when there are few enough to validate one by one."""
    grid = grid_for(a, kind)
    if grid is False:
        return []
    low, high = extreme(a, kind, True), extreme(a, kind, False)
    if is_empty(low, high):
        return []
    if grid is None:
        return None
    points = small_range(low, high, grid)
    if points is None:
        return None
    return [to_json(p) for p in points if kind == "integer" or p.denominator != 1]


def check_number(a: Conj, b: Conj, ctx: Ctx, kind: str) -> list[Finding]:
    low, high = extreme(a, kind, True), extreme(a, kind, False)
    if is_empty(low, high):
        return []
    findings: list[Finding] = []
    for lower, ext, name in ((True, low, "minimum"), (False, high, "maximum")):
        found = b.bound(lower)
        if found is None or not beyond(ext, found[0].value, found[0].exclusive, lower):
            continue
        bound, sup_path = found
        code = name + ("-tighter" if a.bound(lower) else "-new")
        ours = a.bound(lower)
        shown = f"{ours[0].keyword} {ours[0].value}" if ours else f"no {name}"
        message = f"{ctx.sub_label} has {shown}; {ctx.sup_label} has {bound.keyword} {bound.value}"
        candidates = _near(a, kind, bound.value, lower)
        findings.append(
            ctx.finding(code, ours[1] if ours else a.pointer, sup_path, message, candidates)
        )
    findings.extend(_multiple_of(a, b, ctx, kind))
    return findings


def _near(a: Conj, kind: str, edge: Fraction, lower: bool) -> Any:
    def candidates() -> list[Any]:
        sign = -1 if lower else 1
        grid = grid_for(a, kind) or Fraction(1, 2)
        base = Fraction(floor(edge / grid)) * grid
        raw = [edge, edge + sign * grid, base, base + sign * grid, edge + sign * Fraction(1, 2)]
        if kind == "fraction":
            raw = [x + sign * Fraction(1, 4) if x.denominator == 1 else x for x in raw]
        return [to_json(x) for x in dict.fromkeys(raw)]

    return candidates


def _multiple_of(a: Conj, b: Conj, ctx: Ctx, kind: str) -> list[Finding]:
    findings: list[Finding] = []
    grid = grid_for(a, kind)
    for view in b.views:
        step = view.multiple_of
        if step is None or (grid and (grid / step).denominator == 1):
            continue
        has = a.grid is not None
        shown = f"multipleOf {a.grid}" if has else "no multipleOf"
        message = f"{ctx.sub_label} has {shown}; {ctx.sup_label} has multipleOf {step}"

        def candidates(step: Fraction = step) -> list[Any]:
            low = extreme(a, kind, True)
            start = low.value if low.value is not None else Fraction(0)
            unit = grid or Fraction(1, 10)
            points = [start + i * unit for i in range(1, 6)] + ([start] if low.attained else [])
            return [to_json(p) for p in points if (p / step).denominator != 1]

        code = "multiple-of-other" if has else "multiple-of-new"
        findings.append(
            ctx.finding(
                code,
                a.where("multiple_of", "multipleOf"),
                view.at("multipleOf"),
                message,
                candidates,
            )
        )
    return findings


def check_string(a: Conj, b: Conj, ctx: Ctx) -> list[Finding]:
    low_found, high_found = a.most("min_length"), a.least("max_length")
    patterns = [p for p, _ in a.strings_of("pattern")]
    low, high = string_lengths(a)
    if high is not None and low > high:
        return []
    # A pattern shapes strings in ways lengths alone do not show: a witness must decide.
    unsure = "undecidable-pattern" if patterns else None
    findings: list[Finding] = []
    b_high, b_low = b.least("max_length"), b.most("min_length")
    if b_high is not None and (high is None or high > b_high[0]):
        code = "max-length-tighter" if high_found else "max-length-new"
        mine = f"maxLength {high_found[0]}" if high_found else "no maxLength"
        message = f"{ctx.sub_label} has {mine}; {ctx.sup_label} has maxLength {b_high[0]}"
        where = high_found[1] if high_found else a.pointer
        candidates = _strings(a, b_high[0] + 1)
        findings.append(ctx.finding(code, where, b_high[1], message, candidates, unsure))
    if b_low is not None and low < b_low[0]:
        code = "min-length-tighter" if low_found else "min-length-new"
        mine = f"minLength {low_found[0]}" if low_found else "no minLength"
        message = f"{ctx.sub_label} has {mine}; {ctx.sup_label} has minLength {b_low[0]}"
        where = low_found[1] if low_found else a.pointer
        findings.append(ctx.finding(code, where, b_low[1], message, _strings(a, low), unsure))
    findings.extend(_patterns(a, b, ctx, low, high))
    findings.extend(_formats(a, b, ctx))
    return findings


def _strings(a: Conj, size: int) -> Any:
    def candidates() -> list[Any]:
        return [
            build_instance(a.doc, a.pointers, kind="string", size=size, variant=i) for i in range(3)
        ]

    return candidates


def _patterns(a: Conj, b: Conj, ctx: Ctx, low: int, high: int | None) -> list[Finding]:
    ours = a.strings_of("pattern")
    findings: list[Finding] = []
    for pattern, where in b.strings_of("pattern"):
        if is_universal(pattern) or any(pattern == p for p, _ in ours):
            continue
        shown = " and ".join(repr(p) for p, _ in ours) or "no pattern"
        message = f"{ctx.sub_label} has {shown}; {ctx.sup_label} requires pattern {pattern!r}"

        def candidates() -> list[Any]:
            texts: list[str | None] = []
            for p, _ in ours:
                texts += [sample_pattern(p, v) for v in range(3)] + [
                    fit_length(p, low, high, v) for v in range(2)
                ]
            if not ours:
                texts += [t.ljust(low, "a") for t in PLAIN_STRINGS]
            elif not any(texts):  # a regex only ECMA-262 reads: probe it
                texts += [t.ljust(low, t[0]) for t in ECMA_ONLY_PROBES]
            return [t for t in texts if t is not None]

        code = "pattern-other" if ours else "pattern-new"
        sub_path = ours[0][1] if ours else a.pointer
        findings.append(
            ctx.finding(code, sub_path, where, message, candidates, undecided="undecidable-pattern")
        )
    return findings


def _formats(a: Conj, b: Conj, ctx: Ctx) -> list[Finding]:
    ours = a.strings_of("format")
    findings: list[Finding] = []
    for name, where in b.strings_of("format"):
        if any(f == name or (f, name) in FORMAT_SUBSETS for f, _ in ours):
            continue
        shown = " and ".join(repr(f) for f, _ in ours) or "no format"
        message = f"{ctx.sub_label} has {shown}; {ctx.sup_label} requires format {name!r}"

        def candidates(name: str = name) -> list[Any]:
            built = [build_instance(a.doc, a.pointers, kind="string", variant=i) for i in range(2)]
            samples = [FORMAT_SAMPLES.get(f) for f, _ in ours]
            return [*built, *samples, *PLAIN_STRINGS, f"not-a-{name}"]

        code = "format-other" if ours else "format-new"
        findings.append(
            ctx.finding(code, ours[0][1] if ours else a.pointer, where, message, candidates)
        )
    return findings + _format_notes(a, b, ctx)


def _format_notes(a: Conj, b: Conj, ctx: Ctx) -> list[Finding]:
    """Format changes where the validator asserts no format (formats off, or one it does not
    know): reported as annotation changes, which break nothing."""
    ours = [*a.strings_of("format"), *a.strings_of("format_note")]
    findings: list[Finding] = []
    for name, where in b.strings_of("format_note"):
        if any(f == name for f, _ in ours):
            continue
        shown = " and ".join(f"format {f!r}" for f, _ in ours) or "no format"
        message = (
            f"{ctx.sub_label} has {shown}; {ctx.sup_label} has format {name!r}"
            " (an annotation: the validator does not assert it)"
        )
        code = "format-other" if ours else "format-new"
        sub_path = ours[0][1] if ours else a.pointer
        findings.append(ctx.finding(code, sub_path, where, message, annotation=True))
    return findings
