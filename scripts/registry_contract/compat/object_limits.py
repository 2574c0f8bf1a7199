"""Subschema checks for what an object must contain: required, property counts, dependencies."""

from __future__ import annotations

from typing import Any

from .conj import Conj
from .context import Ctx, Finding
from .emptiness import can_have, kind_empty, unsatisfiable
from .instance import NOTHING, build_instance
from .witness import lift


class ObjectLimits:
    """What the objects of SUB can hold: which names, how many, and whether any exist."""

    def __init__(self, a: Conj) -> None:
        self.a = a
        self._can: dict[str, bool] = {}
        self.closed = any(
            v.additional is not None
            and not v.pattern_properties
            and unsatisfiable(a.doc, (v.additional,))
            for v in a.views
        )
        found_low = a.most("min_properties")
        self.low_found = found_low is not None
        self.low = max(found_low[0] if found_low else 0, len(a.required))
        found_high = a.least("max_properties")
        self.high_found = found_high is not None
        self.high = found_high[0] if found_high else None
        if self.closed:
            room = sum(1 for n in a.declared() if self.can_have(n))
            self.high = room if self.high is None else min(self.high, room)
        self.empty = kind_empty(a, "object")

    def can_have(self, name: str) -> bool:
        if name not in self._can:
            self._can[name] = can_have(self.a, name)
        return self._can[name]


def limits_of(a: Conj, ctx: Ctx) -> ObjectLimits:
    """The limits of SUB's objects, computed once per conjunction."""
    key = ("limits", a.pointers)
    found = a.doc.flat_cache.get(key)
    if found is None:
        found = a.doc.flat_cache[key] = ObjectLimits(a)
    assert isinstance(found, ObjectLimits)
    return found


def check_limits(a: Conj, b: Conj, ctx: Ctx, limits: ObjectLimits) -> list[Finding]:
    return [*_required(a, b, ctx), *_counts(a, b, ctx, limits), *_dependencies(a, b, ctx, limits)]


def _without(a: Conj, name: str, include: tuple[str, ...] = ()) -> Any:
    def candidates() -> list[Any]:
        built = build_instance(a.doc, a.pointers, kind="object", include=include)
        if built is NOTHING:
            return []
        return [{k: v for k, v in built.items() if k != name}]

    return candidates


def _required(a: Conj, b: Conj, ctx: Ctx) -> list[Finding]:
    findings: list[Finding] = []
    for name, where in b.required.items():
        if name in a.required:
            continue
        message = f"{ctx.sup_label} requires property {name!r}; {ctx.sub_label} does not"
        sub_path = a.declared().get(name) or a.pointer
        findings.append(ctx.finding("required", sub_path, where, message, _without(a, name)))
    return findings


def _counts(a: Conj, b: Conj, ctx: Ctx, limits: ObjectLimits) -> list[Finding]:
    findings: list[Finding] = []
    b_low, b_high = b.most("min_properties"), b.least("max_properties")
    if b_low is not None and limits.low < b_low[0]:
        code = "min-properties-tighter" if limits.low_found else "min-properties-new"
        message = (
            f"{ctx.sub_label} allows objects with {limits.low} properties;"
            f" {ctx.sup_label} has minProperties {b_low[0]}"
        )
        findings.append(
            ctx.finding(
                code, a.where("min_properties", "minProperties"), b_low[1], message, _sized(a, None)
            )
        )
    if b_high is not None and (limits.high is None or limits.high > b_high[0]):
        code = "max-properties-tighter" if limits.high_found else "max-properties-new"
        mine = f"up to {limits.high}" if limits.high is not None else "any number of"
        message = (
            f"{ctx.sub_label} allows {mine} properties;"
            f" {ctx.sup_label} has maxProperties {b_high[0]}"
        )
        where = a.where("max_properties", "maxProperties")
        findings.append(ctx.finding(code, where, b_high[1], message, _sized(a, b_high[0] + 1)))
    return findings


def _sized(a: Conj, size: int | None) -> Any:
    def candidates() -> list[Any]:
        return [build_instance(a.doc, a.pointers, kind="object", size=size)]

    return candidates


def _dependencies(a: Conj, b: Conj, ctx: Ctx, limits: ObjectLimits) -> list[Finding]:
    run = ctx.run
    findings: list[Finding] = []
    for v in b.views:
        for name, needed in v.dependent_required.items():
            if not limits.can_have(name):
                continue
            for i, other in enumerate(needed):
                if (
                    other == name
                    or other in a.required
                    or any(other in o.dependent_required.get(name, ()) for o in a.views)
                ):
                    continue
                message = (
                    f"{ctx.sup_label} requires {other!r} whenever {name!r} is present;"
                    f" {ctx.sub_label} does not"
                )
                where = f"{v.at(v.dependent_keyword[name])}/{name}/{i}"
                findings.append(
                    ctx.finding(
                        "dependent-required", a.pointer, where, message, _without(a, other, (name,))
                    )
                )
        for name, schema in v.dependent_schemas.items():
            if not limits.can_have(name):
                continue
            ours = tuple(o.dependent_schemas[name] for o in a.views if name in o.dependent_schemas)
            # The dependent schema applies to an object that has `name`: requiring it again
            # asks nothing.
            found = [
                f
                for f in run.recurse(a.pointers + ours, (schema,), ctx, frozenset({"object"}))
                if not _requires_itself(f, ctx, run, name)
            ]
            if not found:
                continue
            code = "dependent-schema-other" if ours else "dependent-schema-new"
            message = f"when {name!r} is present, {ctx.sup_label} requires more: {found[0].message}"
            pointers = a.pointers + ours

            def candidates(
                name: str = name, pointers: tuple[str, ...] = pointers, found: list[Finding] = found
            ) -> list[Any]:
                built = [
                    build_instance(a.doc, pointers, kind="object", include=(name,), variant=i)
                    for i in range(2)
                ]
                trigger = build_instance(a.doc, a.property_pointers(name))
                inner = [
                    {name: trigger, **value}
                    for f in found
                    for value in lift(a.doc, f, len(ctx.frames))
                    if isinstance(value, dict) and trigger is not NOTHING
                ]
                return built + inner

            findings.append(
                ctx.finding(
                    code,
                    ours[0] if ours else a.pointer,
                    schema,
                    message,
                    candidates,
                )
            )
    return findings


def _requires_itself(finding: Finding, ctx: Ctx, run: Any, name: str) -> bool:
    if finding.code != "required" or finding.frames != ctx.frames:
        return False
    keyword, _, index = finding.sup_path.rpartition("/")
    required = run.sup.nodes.get(keyword.rpartition("/")[0], {})
    listed = required.get("required") if isinstance(required, dict) else None
    return (
        isinstance(listed, list)
        and index.isdigit()
        and listed[int(index) : int(index) + 1] == [name]
    )
