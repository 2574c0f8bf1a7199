"""Subschema checks for the properties of objects: declared, pattern-matched and other names."""

from __future__ import annotations

from . import object_limits
from .candidates import chain, objects_with
from .conj import Conj
from .context import Ctx, Finding
from .emptiness import unsatisfiable
from .equality import is_true_schema
from .name_classes import check_other_names


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
    findings.extend(check_other_names(a, b, ctx, set(explicit)))
    findings.extend(_property_names(a, b, ctx, limits))
    findings.extend(object_limits.check_limits(a, b, ctx, limits))
    return findings


def _property(a: Conj, b: Conj, ctx: Ctx, name: str) -> list[Finding]:
    run = ctx.run
    sub, sup = a.property_pointers(name), b.property_pointers(name)
    if is_true_schema(run.sup, sup):
        return []
    ours, theirs = a.declared().get(name), b.declared().get(name)
    if unsatisfiable(run.sup, sup):
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
    reached = chain(a.doc, found, len(inner.frames))
    return [inner.finding("property-new", a.pointer, theirs, message, reached)]


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
            reached = chain(a.doc, found, len(inner.frames))
            findings.append(
                inner.finding("property-names", a.pointer, vb.property_names, message, reached)
            )
        else:
            findings.extend(found)
    return findings
