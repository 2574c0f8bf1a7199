from __future__ import annotations

from referencing import Registry
from registry_contract.validation.payload_diff import keyword_value, render_issues

from registry_contract.validation.validators import SchemaValidator

DRAFT7 = "http://json-schema.org/draft-07/schema#"
# A draft 7 anchor ("$id": "#ratio"), read as the `default-dialect` says (draft 7 by default).
SCHEMA = {
    "definitions": {"ratio": {"$id": "#ratio", "type": "number", "maximum": 1}},
    "properties": {"u": {"$ref": "#ratio"}},
}


def test_keyword_value_follows_a_ref_to_a_draft_7_anchor() -> None:
    assert keyword_value(SCHEMA, "/properties/u/maximum", Registry(), DRAFT7) == 1


def test_render_issues_shows_the_expected_and_the_actual_value() -> None:
    payload = {"u": 1.5}
    issues = SchemaValidator(SCHEMA, label="s", formats=True).check(payload)
    text = render_issues("the payload is not valid", SCHEMA, payload, issues, Registry())
    assert text.splitlines() == [
        "the payload is not valid: 1 issue(s)",
        "  at /u [maximum] (schema /properties/u/maximum)",
        "    - expected maximum: 1",
        "    + actual   1.5",
        "    1.5 is greater than the maximum of 1",
    ]
