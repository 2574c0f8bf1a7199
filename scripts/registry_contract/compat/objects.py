"""Subschema checks for the properties of objects: declared, pattern-matched and other names."""

from __future__ import annotations

from typing import Any

from . import object_limits
from .conj import Conj, flatten, search
from .context import Ctx, Finding
from .equality import is_true_schema
from .instance import NOTHING, build_instance
from .samples import sample_pattern
from .scalars import UNIVERSAL_PATTERNS as UNIVERSAL
from .views import View

FRESH_NAMES = ("extra", "x", "other", "zz", "_", "0")


def has_no_objects(a: Conj, ctx: Ctx) -> bool:
    return object_limits.limits_of(a, ctx).empty


def check_object(a: Conj, b: Conj, ctx: Ctx) -> list[Finding]:
    limits = object_limits.limits_of(a, ctx)
    if limits.empty:
        return []
    explicit = list(dict.fromkeys([*a.declared(), *b.declared(), *a.required, *b.required]))
    findings: list[Finding] = []
    for name in explicit:
        if limits.can_have(name):
            findings.extend(_property(a, b, ctx, name))
    findings.extend(_other_names(a, b, ctx, set(explicit)))
    findings.extend(_property_names(a, b, ctx, limits))
    findings.extend(object_limits.check_limits(a, b, ctx, limits))
    return findings


def objects_with(
    a: Conj, include: tuple[str, ...] = (), extra: dict[str, Any] | None = None
) -> Any:
    def candidates() -> list[Any]:
        built = build_instance(a.doc, a.pointers, kind="object", include=include)
        if built is NOTHING or not extra:
            return [built]
        return [{**built, **extra}]

    return candidates


def _property(a: Conj, b: Conj, ctx: Ctx, name: str) -> list[Finding]:
    run = ctx.run
    sub, sup = a.property_pointers(name), b.property_pointers(name)
    if is_true_schema(run.sup, sup):
        return []
    ours, theirs = a.declared().get(name), b.declared().get(name)
    if flatten(run.sup, sup).empty:
        code = "property-gone" if ours else "property-new"
        message = f"{ctx.sub_label} allows property {name!r}; {ctx.sup_label} forbids it"
        where = theirs or sup[0]
        return [ctx.finding(code, ours or a.pointer, where, message, objects_with(a, (name,)))]
    inner = ctx.enter(a, "prop", name)
    found = run.recurse(sub, sup, inner)
    if not found or ours is not None or theirs is None or not is_true_schema(run.sub, sub):
        return found
    if run.lenient:  # an addition to an open content model is accepted on request
        return []
    message = (
        f"{ctx.sup_label} declares property {name!r}; {ctx.sub_label} allows any value there"
        f" (open content model): {found[0].message}"
    )
    same_level = [f for f in found if f.frames == inner.frames]
    return [inner.finding("property-new", a.pointer, theirs, message, _chain(same_level))]


def _chain(findings: list[Finding]) -> Any:
    def candidates() -> list[Any]:
        return [c for f in findings for c in f.candidates()]

    return candidates


def _classes(view: View | None) -> list[tuple[str | None, str | None]]:
    """Name classes of a view: each pattern, then `None` for names matching no pattern."""
    if view is None:
        return [(None, None)]
    return [*view.pattern_properties.items(), (None, view.additional)]


def _other_names(a: Conj, b: Conj, ctx: Ctx, explicit: set[str]) -> list[Finding]:
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
            if (p is None and a_patterns & UNIVERSAL) or (q is None and b_patterns & UNIVERSAL):
                continue  # a pattern matching every name leaves none to additionalProperties
            sub = (p_ptr,) if p_ptr else ()
            if sub and flatten(run.sub, sub).empty:
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
    if flatten(run.sup, (q_ptr,)).empty:
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
    same_level = [f for f in found if f.frames == inner.frames]
    return [inner.finding(code, sub_path, q_ptr, message, _chain(same_level), undecided)]


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
        in_p = (
            search(p, name)
            if p is not None
            else not any(search(r, name) for r in (va.pattern_properties if va else ()))
        )
        in_q = (
            search(q, name)
            if q is not None
            else not any(search(r, name) for r in vb.pattern_properties)
        )
        if in_p and in_q:
            return name
    return None


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


def _property_names(
    a: Conj, b: Conj, ctx: Ctx, limits: object_limits.ObjectLimits
) -> list[Finding]:
    run = ctx.run
    findings: list[Finding] = []
    ours = tuple(v.property_names for v in a.views if v.property_names)
    for vb in b.views:
        if vb.property_names is None:
            continue
        for name in dict.fromkeys([*a.declared(), *a.required]):
            if limits.can_have(name) and not run.sup.is_valid(name, vb.property_names):
                message = (
                    f"{ctx.sub_label} allows property {name!r};"
                    f" {ctx.sup_label}'s propertyNames rejects it"
                )
                where = a.declared().get(name) or a.pointer
                findings.append(
                    ctx.finding(
                        "property-names",
                        where,
                        vb.property_names,
                        message,
                        objects_with(a, (name,)),
                    )
                )
        if limits.closed:
            continue
        inner = ctx.enter(a, "name", None)
        found = run.recurse(ours, (vb.property_names,), inner, frozenset({"string"}))
        if found and not ours:
            message = (
                f"{ctx.sup_label} restricts property names; {ctx.sub_label} allows any:"
                f" {found[0].message}"
            )
            same_level = [f for f in found if f.frames == inner.frames]
            findings.append(
                inner.finding(
                    "property-names", a.pointer, vb.property_names, message, _chain(same_level)
                )
            )
        else:
            findings.extend(found)
    return findings
