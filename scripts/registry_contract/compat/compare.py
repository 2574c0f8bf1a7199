"""The structural subschema check: which instances of SUB are not instances of SUP, and why."""

from __future__ import annotations

from typing import Any

from . import arrays, combinators, objects, scalars
from .branches import expand
from .conj import Conj, flatten
from .context import STEP_LIMIT, Ctx, Finding, Run
from .emptiness import kind_empty, only_value
from .equality import same_schema
from .instance import NOTHING, build_instance
from .values import check_values, valid_listed
from .views import ASSERTING

KIND_NAME = {
    "null": "null",
    "boolean": "booleans",
    "object": "objects",
    "array": "arrays",
    "string": "strings",
    "integer": "integers",
    "fraction": "non-integer numbers",
}
_KIND_ORDER = ("null", "boolean", "object", "array", "string", "integer", "fraction")


def find_differences(run: Run) -> list[Finding]:
    """Every reason, found structurally, why the SUB document is not a subschema of SUP."""
    run.check = check
    return check(("",), ("",), Ctx(run))


def is_same(run: Run, sub: str, sup: str) -> bool:
    key = (sub, sup)
    if key not in run.same_cache:
        run.same_cache[key] = same_schema(run.sub, sub, run.sup, sup)
    return run.same_cache[key]


def check(
    sub: tuple[str, ...], sup: tuple[str, ...], ctx: Ctx, only: frozenset[str] | None = None
) -> list[Finding]:
    """Findings for `sub ⊆ sup` (conjunctions of pointers); empty when it holds."""
    run = ctx.run
    if not sup or (len(sub) == 1 and len(sup) == 1 and is_same(run, sub[0], sup[0])):
        return []
    key = (sub, sup, only or frozenset())
    if key in run.active:  # a recursive schema: assume inclusion, proven by the rest
        return []
    run.steps += 1
    run.budget.spend()
    if run.steps > STEP_LIMIT:
        return [ctx.finding("undecidable-size", "", "", "the schemas are too large to compare")]
    run.active.add(key)
    try:
        return _check(sub, sup, ctx, only)
    finally:
        run.active.discard(key)


def _check(
    sub: tuple[str, ...], sup: tuple[str, ...], ctx: Ctx, only: frozenset[str] | None
) -> list[Finding]:
    run = ctx.run
    b = flatten(run.sup, sup)
    if not b.empty and all(_trivial(v) for v in b.views) and not (b.choices or b.nots or b.remote):
        return []
    branches = expand(run.sub, sub)
    if branches is None:
        where = sub[0] if sub else ""
        return [
            ctx.finding("undecidable-size", where, b.pointer, "too many anyOf/oneOf combinations")
        ]
    findings: list[Finding] = []
    for branch in branches:
        bctx = ctx.widened(branch.approx)
        for why, present in (
            ("remote-ref", branch.conj.remote),
            ("dynamic-ref", branch.conj.dynamic),
            ("unevaluated", branch.conj.unevaluated),
        ):
            bctx = bctx.widened(why if present else None)
        findings.extend(check_branch(branch.conj, b, bctx, only))
    return findings


def _trivial(view: Any) -> bool:
    return view.enum is None and all(getattr(view, a) in (None, (), False, {}) for a in ASSERTING)


def check_branch(a: Conj, b: Conj, ctx: Ctx, only: frozenset[str] | None) -> list[Finding]:
    """Findings for one disjunction-free branch of SUB against the conjunction SUP."""
    kinds = a.kinds if only is None else a.kinds & only
    if not kinds:
        return []
    findings = _unknowns(a, b, ctx)
    if a.enum is not None:
        return findings + check_values(valid_listed(a, kinds, ctx), a, b, ctx)
    # A type SUB allows no value of (contradictory bounds, a required property that cannot
    # exist, ...) is no difference: an empty OLD is compatible with anything.
    live = [k for k in _ordered(kinds) if not kind_empty(a, k) and not _excluded(a, ctx, k)]
    if b.empty:
        nothing = "accepts nothing here"
        return findings + [_type_finding(a, b, ctx, k, nothing, b.pointer) for k in live]
    for kind in live:
        findings.extend(check_kind(a, b, ctx, kind))
    return findings + combinators.check_combinators(a, b, ctx, frozenset(live))


def _ordered(kinds: frozenset[str]) -> list[str]:
    return [k for k in _KIND_ORDER if k in kinds]


def _excluded(a: Conj, ctx: Ctx, kind: str) -> bool:
    """True when SUB's values of `kind` all fall inside a schema SUB excludes (a negative)."""
    if not a.negatives or ctx.run.plain:
        return False
    inner = ctx.run.within_sub()
    only = frozenset({kind})
    return any(not inner.recurse(a.pointers, (n,), Ctx(inner), only) for n in a.negatives)


def check_kind(a: Conj, b: Conj, ctx: Ctx, kind: str) -> list[Finding]:
    if kind in ("null", "boolean"):
        values = [
            (v, a.pointer) for v in ((None,) if kind == "null" else (False, True)) if a.is_valid(v)
        ]
        return check_values(values, a, b, ctx)
    finite = scalars.few_values(a, kind) or only_value(a, kind)
    if finite is not None:
        return check_values([(v, a.pointer) for v in finite if a.is_valid(v)], a, b, ctx)
    if kind == "object" and objects.has_no_objects(a, ctx):
        return []
    if kind not in b.kinds:
        wanted = ", ".join(KIND_NAME[k] for k in _ordered(b.kinds)) or "nothing"
        return [_type_finding(a, b, ctx, kind, f"allows only {wanted}")]
    if b.enum is not None:
        return [_enum_finding(a, b, ctx, kind)]
    found = _check_keywords(a, b, ctx, kind)
    if not found and kind_empty(b, kind):  # no keyword alone shows it: their combination does
        message = f"allows no {KIND_NAME[kind]} (its constraints contradict each other)"
        return [_type_finding(a, b, ctx, kind, message, b.pointer)]
    return found


def _check_keywords(a: Conj, b: Conj, ctx: Ctx, kind: str) -> list[Finding]:
    if kind in ("integer", "fraction"):
        return scalars.check_number(a, b, ctx, kind)
    if kind == "string":
        return scalars.check_string(a, b, ctx)
    if kind == "array":
        return arrays.check_array(a, b, ctx)
    return objects.check_object(a, b, ctx)


def _type_finding(
    a: Conj, b: Conj, ctx: Ctx, kind: str, what: str, sup_path: str | None = None
) -> Finding:
    def candidates() -> list[Any]:
        return [build_instance(a.doc, a.pointers, kind=kind, variant=i) for i in range(3)]

    message = f"{ctx.sub_label} allows {KIND_NAME[kind]} here; {ctx.sup_label} {what}"
    where = b.where("kinds", "type") if sup_path is None else sup_path
    return ctx.finding("type", a.where("kinds", "type"), where, message, candidates)


def _enum_finding(a: Conj, b: Conj, ctx: Ctx, kind: str) -> Finding:
    def candidates() -> list[Any]:
        built = [build_instance(a.doc, a.pointers, kind=kind, variant=i) for i in range(4)]
        return [v for v in built if v is not NOTHING]

    where = b.enum[0][1] if b.enum else b.pointer
    listed = where.rsplit("/", 1)[0] if where.rsplit("/", 1)[-1].isdigit() else where
    message = (
        f"{ctx.sub_label} allows any of its {KIND_NAME[kind]};"
        f" {ctx.sup_label} lists the values allowed"
    )
    return ctx.finding("enum-new", a.pointer, listed, message, candidates)


def _unknowns(a: Conj, b: Conj, ctx: Ctx) -> list[Finding]:
    """SUP constraints the engine cannot read: remote and dynamic refs, unevaluated*."""
    found: list[Finding] = []
    sub_refs = {ref for _, ref in a.remote} | {ref for _, ref in a.dynamic}
    for rule, items in (
        ("undecidable-remote-ref", b.remote),
        ("undecidable-dynamic-ref", b.dynamic),
    ):
        for where, ref in items:
            if ref not in sub_refs:
                message = (
                    f"{ctx.sup_label} refers to {ref!r}, which the engine cannot resolve offline"
                )
                found.append(ctx.finding(rule, a.pointer, where, message, undecided=rule))
    for where in b.unevaluated:
        if not any(is_same(ctx.run, p, where) for p in a.unevaluated):
            message = (
                f"{ctx.sup_label} uses unevaluatedProperties/unevaluatedItems,"
                " which depend on every applicator"
            )
            found.append(
                ctx.finding(
                    "undecidable-unevaluated",
                    a.pointer,
                    where,
                    message,
                    undecided="undecidable-unevaluated",
                )
            )
    return found
