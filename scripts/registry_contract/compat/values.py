"""The exact check for listed values: each SUB value is validated against SUP for real."""

from __future__ import annotations

import json
from typing import Any

from .conj import Conj
from .context import Candidates, Ctx, Finding

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


def code_for(keyword: str, a: Conj) -> str:
    if keyword in CODES_BY_KEYWORD:
        tighter, new, attr = CODES_BY_KEYWORD[keyword]
        return tighter if any(getattr(v, attr) not in (None, {}, ()) for v in a.views) else new
    return CODE_BY_KEYWORD.get(keyword, "type")


def _itself(value: Any) -> Candidates:
    def candidates() -> list[Any]:
        return [value]

    return candidates


def check_values(values: list[tuple[Any, str]], a: Conj, b: Conj, ctx: Ctx) -> list[Finding]:
    """A finding for each listed SUB value that SUP rejects, the value being its own witness."""
    findings: list[Finding] = []
    for value, where in values:
        rejected = next(
            (r for p in b.pointers if (r := ctx.run.sup.rejection(value, p)) is not None), None
        )
        if rejected is None:
            continue
        keyword, sup_path = rejected
        shown = json.dumps(value, sort_keys=True)
        message = f"{ctx.sub_label} allows {shown}; {ctx.sup_label} rejects it ({keyword})"
        findings.append(ctx.finding(code_for(keyword, a), where, sup_path, message, _itself(value)))
    return findings
