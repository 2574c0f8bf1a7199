"""Where jsonschema-rs and python-jsonschema are known to differ, the fast path still agrees
with the reference; and the formats it checks natively accept no more than the reference does,
except at the documented markers (fastpath.NATIVE_FORMATS)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.validators import validator_for
from test_differential import PROFILE, Pair, json_values, property_names

from registry_contract.fastpath import NATIVE_FORMATS

# -- features where the two libraries are known to differ --------------------------------------

DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT4 = "http://json-schema.org/draft-04/schema#"
DRAFT2019 = "https://json-schema.org/draft/2019-09/schema"
FORMATS = [
    "date-time",
    "date",
    "time",
    "uuid",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "regex",
    "duration",
    "json-pointer",
    "x-unknown",
]
FEATURES = [
    pytest.param({"pattern": r"^\s*\d+\w?$"}, id="pattern-classes"),
    pytest.param({"pattern": "^a.c$"}, id="pattern-dot-dollar"),
    pytest.param({"propertyNames": {"pattern": "^[a-z]+$"}}, id="property-names-pattern"),
    pytest.param(
        {"patternProperties": {"^x-": {"type": "integer"}}, "additionalProperties": False},
        id="literal-pattern-properties",
    ),
    pytest.param({"multipleOf": 0.01}, id="multiple-of-float"),
    pytest.param({"multipleOf": 3, "maximum": 1e300}, id="multiple-of-int"),
    pytest.param(
        {"type": "object", "properties": {f: {"format": f} for f in FORMATS}}, id="formats"
    ),
    pytest.param({"not": {"anyOf": [{"format": f} for f in FORMATS]}}, id="formats-under-not"),
    pytest.param({"oneOf": [{"format": "uuid"}, {"format": "email"}]}, id="formats-in-one-of"),
    pytest.param(
        {
            "$schema": DRAFT7,
            "not": {"contentMediaType": "application/json", "contentEncoding": "base64"},
        },
        id="draft7-content",
    ),
    pytest.param(
        {"not": {"dependencies": {"a": ["b"]}, "dependentRequired": {"c": ["d"]}}},
        id="dependencies",
    ),
    pytest.param(
        {"$schema": DRAFT4, "not": {"const": 1, "exclusiveMaximum": True, "maximum": 3}},
        id="draft4",
    ),
    pytest.param(
        {
            "$schema": DRAFT7,
            "definitions": {"s": {"type": "string"}},
            "properties": {"a": {"$ref": "#/definitions/s", "maxLength": 2}},
        },
        id="draft7-ref-siblings",
    ),
    pytest.param(
        {
            "$schema": DRAFT2019,
            "properties": {"a": {"type": "integer"}},
            "unevaluatedProperties": False,
            "anyOf": [{"properties": {"b": {"format": "uuid"}}}],
        },
        id="unevaluated-2019",
    ),
    pytest.param(
        {
            "prefixItems": [{"type": "integer"}],
            "items": False,
            "contains": {"type": "string"},
            "maxContains": 1,
        },
        id="arrays",
    ),
    pytest.param(
        {"uniqueItems": True, "items": {"enum": [1, 1.0, True, [1], {"a": 1}]}},
        id="unique-and-equal",
    ),
    pytest.param(
        {"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"maxProperties": 1}},
        id="if-then-else",
    ),
    pytest.param(
        {"additionalItems": False, "dependentSchemas": {"a": {"minProperties": 2}}},
        id="2020-ignored-and-dependent",
    ),
]


@pytest.mark.parametrize("schema", FEATURES)
def test_features_where_the_libraries_differ_still_agree(schema: dict[str, Any]) -> None:
    pair = Pair(schema)
    assert pair.checked.fast, pair.checked.slow_reason

    @settings(PROFILE, max_examples=100)
    @given(json_values(sorted(property_names(schema))))
    def agree(payload: Any) -> None:
        pair.assert_agree(payload)

    agree()


# -- the formats jsonschema-rs checks natively -------------------------------------------------

NEAR_FORMATS = {
    "date-time": st.builds(
        "{}-{}-{}{}{}:{}:{}{}{}".format,
        st.sampled_from(["2026", "0000", "0001", "9999", "2024", "1900", "2100"]),
        st.sampled_from(["01", "02", "12", "13", "00", "1"]),
        st.sampled_from(["01", "28", "29", "30", "31", "32", "00"]),
        st.sampled_from(["T", "t", " ", "_"]),
        st.sampled_from(["00", "09", "23", "24", "9"]),
        st.sampled_from(["00", "59", "60"]),
        st.sampled_from(["00", "59", "60", "61"]),
        st.sampled_from(["", ".5", ".123456789", ".", ",5"]),
        st.sampled_from(["Z", "z", "+00:00", "-23:59", "+24:00", "+01", "+0100", "", "Z\n"]),
    ),
    "uuid": st.uuids().map(str)
    | st.uuids().map(lambda u: u.hex)
    | st.uuids().map(lambda u: f"{{{u}}}")
    | st.uuids().map(lambda u: u.urn)
    | st.uuids().map(lambda u: str(u).upper()),
    "email": st.from_regex(r"\A[a-z.]{0,3}@[a-z.]{0,4}\Z") | st.text('ab@.<> "', max_size=8),
    "idn-email": st.from_regex(r"\A[a\u00e9]{0,3}@[b.]{0,4}\Z") | st.text("\u00e9b@.", max_size=8),
}
NEAR_MISS_CHARACTERS = [*"0123456789-:Tt Zz+.@{}", "\n", "\u0663", "\uff11"]


@st.composite
def mutated(draw: st.DrawFn, strings: st.SearchStrategy[str]) -> str:
    """Near misses: up to two characters replaced, inserted or dropped."""
    text = draw(strings)
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(NEAR_MISS_CHARACTERS))
        edits = [text[:at] + char + text[at + 1 :], text[:at] + char + text[at:]]
        text = draw(st.sampled_from([*edits, text[:at] + text[at + 1 :]]))
    return text


@pytest.mark.parametrize("name", sorted(NATIVE_FORMATS))
def test_native_formats_accept_no_more_than_the_reference_except_at_markers(name: str) -> None:
    native = jsonschema_rs.validator_for({"format": name}, validate_formats=True)
    cls = validator_for({})
    reference = cls({"format": name}, format_checker=cls.FORMAT_CHECKER)
    markers = NATIVE_FORMATS[name]

    @settings(PROFILE, max_examples=400)
    @given(mutated(NEAR_FORMATS[name]))
    def within(text: str) -> None:
        if native.is_valid(text) and not reference.is_valid(text):
            assert any(m in json.dumps(text).encode() for m in markers), text

    within()
