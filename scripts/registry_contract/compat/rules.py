"""The stable rule ids: what the subschema check found, named as the edit from OLD to NEW."""

from __future__ import annotations

# A finding says "SUB allows something SUP does not". Checked as OLD ⊆ NEW it narrows;
# checked as NEW ⊆ OLD it widens. Each code names the edit both ways: (OLD is SUB, NEW is SUB).
RULE_PAIR_BY_CODE: dict[str, tuple[str, str]] = {
    "type": ("type-narrowed", "type-widened"),
    "enum-value": ("enum-value-removed", "enum-value-added"),
    "enum-new": ("enum-added", "enum-removed"),
    "min-length-tighter": ("min-length-increased", "min-length-decreased"),
    "min-length-new": ("min-length-added", "min-length-removed"),
    "max-length-tighter": ("max-length-decreased", "max-length-increased"),
    "max-length-new": ("max-length-added", "max-length-removed"),
    "pattern-new": ("pattern-added", "pattern-removed"),
    "pattern-other": ("pattern-changed", "pattern-changed"),
    "format-new": ("format-added", "format-removed"),
    "format-other": ("format-changed", "format-changed"),
    "minimum-tighter": ("minimum-increased", "minimum-decreased"),
    "minimum-new": ("minimum-added", "minimum-removed"),
    "maximum-tighter": ("maximum-decreased", "maximum-increased"),
    "maximum-new": ("maximum-added", "maximum-removed"),
    "multiple-of-other": ("multiple-of-changed", "multiple-of-changed"),
    "multiple-of-new": ("multiple-of-added", "multiple-of-removed"),
    "min-items-tighter": ("min-items-increased", "min-items-decreased"),
    "min-items-new": ("min-items-added", "min-items-removed"),
    "max-items-tighter": ("max-items-decreased", "max-items-increased"),
    "max-items-new": ("max-items-added", "max-items-removed"),
    "unique-items-new": ("unique-items-added", "unique-items-removed"),
    "items-new": ("items-added", "items-removed"),
    "prefix-item-new": ("prefix-item-added", "prefix-item-removed"),
    "prefix-item-gone": ("prefix-item-removed", "prefix-item-added"),
    "items-closed": ("additional-items-narrowed", "additional-items-widened"),
    "contains-new": ("contains-added", "contains-removed"),
    "contains-other": ("contains-narrowed", "contains-widened"),
    "min-contains-tighter": ("min-contains-increased", "min-contains-decreased"),
    "max-contains-new": ("max-contains-added", "max-contains-removed"),
    "max-contains-tighter": ("max-contains-decreased", "max-contains-increased"),
    "property-new": ("property-added", "property-removed"),
    "property-gone": ("property-removed", "property-added"),
    "additional-properties": ("additional-properties-narrowed", "additional-properties-widened"),
    "pattern-property-new": ("pattern-property-added", "pattern-property-removed"),
    "pattern-property-gone": ("pattern-property-removed", "pattern-property-added"),
    "property-names": ("property-names-narrowed", "property-names-widened"),
    "required": ("required-added", "required-removed"),
    "min-properties-tighter": ("min-properties-increased", "min-properties-decreased"),
    "min-properties-new": ("min-properties-added", "min-properties-removed"),
    "max-properties-tighter": ("max-properties-decreased", "max-properties-increased"),
    "max-properties-new": ("max-properties-added", "max-properties-removed"),
    "dependent-required": ("dependent-required-added", "dependent-required-removed"),
    "dependent-schema-new": ("dependent-schema-added", "dependent-schema-removed"),
    "dependent-schema-other": ("dependent-schema-narrowed", "dependent-schema-widened"),
    "any-of": ("any-of-narrowed", "any-of-widened"),
    "one-of": ("one-of-narrowed", "one-of-widened"),
    "one-of-ambiguous": ("one-of-ambiguous", "one-of-ambiguous"),
    "not-new": ("not-added", "not-removed"),
    "not-other": ("not-changed", "not-changed"),
    "conditional-new": ("conditional-added", "conditional-removed"),
    "conditional-other": ("conditional-changed", "conditional-changed"),
}
UNDECIDABLE_RULES = (
    "undecidable-pattern",
    "undecidable-not",
    "undecidable-conditional",
    "undecidable-one-of",
    "undecidable-any-of",
    "undecidable-dynamic-ref",
    "undecidable-remote-ref",
    "undecidable-unevaluated",
    "undecidable-size",
    "undecidable-budget",
    "undecidable-no-witness",
)
RULE_PAIR_BY_CODE.update({rule: (rule, rule) for rule in UNDECIDABLE_RULES})

RULE_IDS = tuple(sorted({rule for pair in RULE_PAIR_BY_CODE.values() for rule in pair}))


def rule_for(code: str, sub_is_old: bool) -> str:
    """The public rule id of a finding, given which side was the subschema."""
    narrow, widen = RULE_PAIR_BY_CODE[code]
    return narrow if sub_is_old else widen


def anchors_old(rule: str) -> bool:
    """Rules about something NEW no longer has point at OLD; every other rule points at NEW."""
    return rule.endswith("-removed")
