"""Subschema checks for undeclared property names: patternProperties and additionalProperties."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .candidates import chain, objects_with
from .conj import Conj
from .context import Ctx, Finding
from .emptiness import unsatisfiable
from .equality import is_true_schema
from .instance import NOTHING, build_instance
from .regexes import is_universal, search
from .samples import sample_pattern
from .views import View

FRESH_NAMES = ("extra", "x", "other", "zz", "_", "0")


def _classes(view: View | None) -> list[tuple[str | None, str | None]]:
    """Name classes of a view: each pattern, then `None` for names matching no pattern."""
    if view is None:
        return [(None, None)]
    return [*view.pattern_properties.items(), (None, view.additional)]


def check_other_names(a: Conj, b: Conj, ctx: Ctx, explicit: set[str]) -> list[Finding]:
    findings: list[Finding] = []
    for vb in b.views:
        if not vb.pattern_properties and vb.additional is None:
            continue
        best: list[Finding] | None = None
        views: list[View | None] = [*a.object_views] or [None]
        for va in views:
            found = _class_pairs(a, va, vb, ctx, explicit)
            if best is None or len(found) < len(best):
                best = found
            if not found:
                break
        findings.extend(best or [])
    return findings


def _class_pairs(a: Conj, va: View | None, vb: View, ctx: Ctx, explicit: set[str]) -> list[Finding]:
    run = ctx.run
    findings: list[Finding] = []
    a_patterns = set(va.pattern_properties) if va else set()
    for q, q_ptr in _classes(vb):
        if q_ptr is None:
            continue
        for p, p_ptr in _classes(va):
            if (p is None and q in a_patterns) or (q is None and p in vb.pattern_properties):
                continue
            b_patterns = set(vb.pattern_properties)
            if (p is None and any(map(is_universal, a_patterns))) or (
                q is None and any(map(is_universal, b_patterns))
            ):
                continue  # a pattern matching every name leaves none to additionalProperties
            sub = (p_ptr,) if p_ptr else ()
            if sub and unsatisfiable(run.sub, sub):
                continue
            name = _sample_name(p, q, va, vb, explicit)
            if (
                p is not None
                and q is not None
                and p != q
                and name is None
                and _disjoint_prefixes(p, q)
            ):
                continue
            undecided = "undecidable-pattern" if name is None else None
            findings.extend(_class_pair(a, ctx, (p, sub), (q, q_ptr), name, undecided))
    return findings


def _class_pair(
    a: Conj,
    ctx: Ctx,
    sub_class: tuple[str | None, tuple[str, ...]],
    sup_class: tuple[str | None, str],
    name: str | None,
    undecided: str | None,
) -> list[Finding]:
    run = ctx.run
    (p, sub), (q, q_ptr) = sub_class, sup_class
    names = "other property names" if q is None else f"property names matching {q!r}"
    code = (
        "additional-properties"
        if q is None and p is None
        else ("pattern-property-gone" if p is not None else "pattern-property-new")
    )
    sub_path = sub[0] if sub else a.pointer
    if unsatisfiable(run.sup, (q_ptr,)):
        message = f"{ctx.sub_label} allows {names}; {ctx.sup_label} forbids them"
        value = build_instance(run.sub, sub) if name is not None else NOTHING
        extra = {name: value} if name is not None and value is not NOTHING else None
        cands = objects_with(a, extra=extra) if extra else _nothing
        return [ctx.finding(code, sub_path, q_ptr, message, cands, undecided)]
    inner = ctx.enter(a, "prop", name)
    found = run.recurse(sub, (q_ptr,), inner)
    if not found or not is_true_schema(run.sub, sub):
        return [_undecided(f, undecided) for f in found]
    if code == "pattern-property-new" and run.lenient:
        return []
    message = (
        f"{ctx.sup_label} constrains {names}; {ctx.sub_label} allows any value: {found[0].message}"
    )
    reached = chain(a.doc, found, len(inner.frames))
    return [inner.finding(code, sub_path, q_ptr, message, reached, undecided)]


def _nothing() -> list[Any]:
    return []


def _undecided(finding: Finding, why: str | None) -> Finding:
    if why is None or finding.undecided is not None:
        return finding
    return Finding(
        finding.code,
        finding.sub_path,
        finding.sup_path,
        finding.message,
        finding.frames,
        finding.candidates,
        why,
    )


def _sample_name(
    p: str | None, q: str | None, va: View | None, vb: View, explicit: set[str]
) -> str | None:
    """A property name in both classes and declared nowhere, proving that they overlap."""
    options = [sample_pattern(r, v) for r in (p, q) if r is not None for v in range(3)]
    for name in [*(o for o in options if o is not None), *FRESH_NAMES]:
        if name in explicit:
            continue
        if _in_class(name, p, va.pattern_properties if va else ()) and _in_class(
            name, q, vb.pattern_properties
        ):
            return name
    return None


def _in_class(name: str, pattern: str | None, patterns: Iterable[str]) -> bool:
    """True when ECMA-262 proves `name` in the class: matching `pattern`, or, for the class
    of other names (`pattern` None), matching none of `patterns`."""
    if pattern is not None:
        return search(pattern, name) is True
    return all(search(r, name) is False for r in patterns)


def _disjoint_prefixes(p: str, q: str) -> bool:
    """Both patterns start with `^` and different literal text, so no name matches both."""

    def literal(r: str) -> str:
        out = ""
        for ch in r[1:]:
            if not (ch.isalnum() or ch in "-_"):
                break
            out += ch
        return out

    if not (p.startswith("^") and q.startswith("^")):
        return False
    lp, lq = literal(p), literal(q)
    return bool(lp and lq) and not (lp.startswith(lq) or lq.startswith(lp))
