"""The exact check for listed values: each SUB value is validated against SUP for real."""

from __future__ import annotations

import json
from typing import Any

from .conj import Conj
from .context import Candidates, Ctx, Finding
from .enums import JsonKey, json_key, key_set
from .instance import kind_of
from .views import ASSERTING

# keyword -> (code when SUB sets the same limit, code when it does not, Conj attribute)
CODES_BY_KEYWORD: dict[str, tuple[str, str, str]] = {
    "minLength": ("min-length-tighter", "min-length-new", "min_length"),
    "maxLength": ("max-length-tighter", "max-length-new", "max_length"),
    "minItems": ("min-items-tighter", "min-items-new", "min_items"),
    "maxItems": ("max-items-tighter", "max-items-new", "max_items"),
    "minProperties": ("min-properties-tighter", "min-properties-new", "min_properties"),
    "maxProperties": ("max-properties-tighter", "max-properties-new", "max_properties"),
    "minContains": ("min-contains-tighter", "contains-new", "contains"),
    "maxContains": ("max-contains-tighter", "max-contains-new", "max_contains"),
    "minimum": ("minimum-tighter", "minimum-new", "lower"),
    "exclusiveMinimum": ("minimum-tighter", "minimum-new", "lower"),
    "maximum": ("maximum-tighter", "maximum-new", "upper"),
    "exclusiveMaximum": ("maximum-tighter", "maximum-new", "upper"),
    "multipleOf": ("multiple-of-other", "multiple-of-new", "multiple_of"),
    "pattern": ("pattern-other", "pattern-new", "pattern"),
    "format": ("format-other", "format-new", "format"),
    "contains": ("contains-other", "contains-new", "contains"),
    "not": ("not-other", "not-new", "not_"),
    "if": ("conditional-other", "conditional-new", "if_"),
    "then": ("conditional-other", "conditional-new", "if_"),
    "else": ("conditional-other", "conditional-new", "if_"),
    "dependentSchemas": ("dependent-schema-other", "dependent-schema-new", "dependent_schemas"),
}
CODE_BY_KEYWORD = {
    "enum": "enum-value",
    "const": "enum-value",
    "uniqueItems": "unique-items-new",
    "required": "required",
    "additionalProperties": "additional-properties",
    "propertyNames": "property-names",
    "dependentRequired": "dependent-required",
    "dependencies": "dependent-required",
    "items": "items-closed",
    "additionalItems": "items-closed",
    "prefixItems": "prefix-item-gone",
    "oneOf": "one-of-ambiguous",
    "$ref": "undecidable-remote-ref",
}
# Values rejected one by one; past this many, the rest of a list is one change, so that a
# 300,000-value enum cut in half reports 51 changes, not 150,000.
VALUE_REPORT_LIMIT = 50

Listing = tuple[frozenset[str], frozenset[JsonKey], str]


def code_for(keyword: str, a: Conj) -> str:
    if keyword in CODES_BY_KEYWORD:
        tighter, new, attr = CODES_BY_KEYWORD[keyword]
        return tighter if any(getattr(v, attr) not in (None, {}, ()) for v in a.views) else new
    return CODE_BY_KEYWORD.get(keyword, "type")


def listing(c: Conj) -> Listing | None:
    """(kinds, keys of the values, where they are listed) when `c` asserts nothing but
    `type` and `enum`/`const`, so that set membership decides validity; else None."""
    key = ("listing", c.pointers)
    if key in c.doc.flat_cache:
        found: Listing | None = c.doc.flat_cache[key]
        return found
    found = None
    plain = not (c.empty or c.choices or c.nots or c.remote or c.dynamic or c.unevaluated)
    # Draft 4 does not count 1.0 as an integer, which kind_of does: validate there.
    if plain and c.doc.draft >= 6 and all(_only_listed(v) for v in c.views):
        keys: frozenset[JsonKey] | None = None
        where = ""
        for v in c.views:
            if v.enum is None:
                continue
            raw = c.doc.node(v.pointer).get("enum")
            listed = raw if _listed_at(v).endswith("/enum") and isinstance(raw, list) else None
            own = (
                c.doc.key_sets.of(listed) if listed is not None else key_set([x for x, _ in v.enum])
            )
            if own is None:
                keys = None
                break
            where = where or _listed_at(v)
            keys = own if keys is None else keys & own
        found = (c.kinds, keys, where) if keys is not None else None
    c.doc.flat_cache[key] = found
    return found


def _only_listed(view: Any) -> bool:
    return all(getattr(view, a) in (None, (), False, {}) for a in ASSERTING if a != "kinds")


def _listed_at(view: Any) -> str:
    last = view.enum[0][1].rsplit("/", 1)[-1] if view.enum else "enum"
    return str(view.at("const" if last == "const" else "enum"))


def valid_listed(a: Conj, kinds: frozenset[str], ctx: Ctx) -> list[tuple[Any, str]]:
    """SUB's listed values of `kinds` that SUB accepts, with where each is listed."""
    assert a.enum is not None
    own = listing(a)
    keys = _keys_of(a)
    found: list[tuple[Any, str]] = []
    for i, (value, where) in enumerate(a.enum):
        if kind_of(value) not in kinds:
            continue
        if own is not None:
            if (keys[i] if keys is not None else json_key(value)) in own[1]:
                found.append((value, where))
            continue
        ctx.run.budget.spend()
        if a.is_valid(value):
            found.append((value, where))
    return found


def _keys_of(a: Conj) -> list[JsonKey] | None:
    """The keys of SUB's listed values in order, when they come from an `enum` array."""
    view = next(v for v in a.views if v.enum is not None)
    raw = a.doc.node(view.pointer).get("enum")
    if not isinstance(raw, list) or len(raw) != len(view.enum or ()):
        return None
    return a.doc.key_sets.keys(raw)


def _itself(*values: Any) -> Candidates:
    def candidates() -> list[Any]:
        return list(values)

    return candidates


def check_values(values: list[tuple[Any, str]], a: Conj, b: Conj, ctx: Ctx) -> list[Finding]:
    """A finding for each listed SUB value that SUP rejects, the value being its own witness."""
    findings: list[Finding] = []
    theirs = listing(b)
    rest: list[Any] = []
    for value, where in values:
        rejected = _rejected(value, b, theirs, ctx)
        if rejected is None:
            continue
        if len(findings) >= VALUE_REPORT_LIMIT:
            rest.append(value)
            continue
        keyword, sup_path = rejected
        shown = json.dumps(value, sort_keys=True)
        message = f"{ctx.sub_label} allows {shown}; {ctx.sup_label} rejects it ({keyword})"
        findings.append(ctx.finding(code_for(keyword, a), where, sup_path, message, _itself(value)))
    if rest:
        first = findings[-1]
        listed = first.sub_path.rsplit("/", 1)[0] if first.sub_path[-1:].isdigit() else a.pointer
        message = (
            f"{ctx.sub_label} allows {len(rest)} more listed values that {ctx.sup_label} rejects"
            f" (the first {VALUE_REPORT_LIMIT} are reported one by one)"
        )
        findings.append(
            ctx.finding(first.code, listed, first.sup_path, message, _itself(*rest[:4]))
        )
    return findings


def _rejected(value: Any, b: Conj, theirs: Listing | None, ctx: Ctx) -> tuple[str, str] | None:
    if theirs is not None:
        kinds, keys, where = theirs
        if kind_of(value) not in kinds:
            return "type", b.where("kinds", "type")
        return None if json_key(value) in keys else ("enum", where)
    ctx.run.budget.spend()
    return next((r for p in b.pointers if (r := ctx.run.sup.rejection(value, p)) is not None), None)
