"""Witnesses: built around the change, placed inside a valid payload, proven by the validator."""

from __future__ import annotations

from typing import Any

import pytest

from registry_contract.compat import check_compatibility
from registry_contract.compat.budget import Budget
from registry_contract.compat.context import Finding, Frame, Run
from registry_contract.compat.documents import Document
from registry_contract.compat.instance import NOTHING, build_instance
from registry_contract.compat.samples import fit_length, pattern_min_length, sample_pattern
from registry_contract.compat.witness import find_witness

ADDRESS = {
    "type": "object",
    "properties": {"zip": {"type": "string", "maxLength": 10}, "city": {"type": "string"}},
    "required": ["city"],
}


def _only_witness(old: Any, new: Any, level: str = "BACKWARD") -> Any:
    [change] = [c for c in check_compatibility(old, new, level).changes if c.breaking]
    assert change.has_witness
    return change.witness


def test_witness_drops_the_newly_required_property_from_a_minimal_payload() -> None:
    new = {**ADDRESS, "required": ["city", "zip"]}
    assert _only_witness(ADDRESS, new) == {"city": ""}


def test_witness_reaches_a_change_deep_inside_arrays_and_objects() -> None:
    def order(zip_length: int) -> dict[str, Any]:
        address = {
            **ADDRESS,
            "properties": {
                **ADDRESS["properties"],
                "zip": {"type": "string", "maxLength": zip_length},
            },
        }
        return {
            "type": "object",
            "properties": {"shipments": {"type": "array", "items": address, "minItems": 1}},
            "required": ["shipments"],
        }

    assert _only_witness(order(10), order(5)) == {"shipments": [{"city": "", "zip": "aaaaaa"}]}


def test_witness_for_a_removed_type_is_a_value_of_that_type() -> None:
    assert _only_witness({"type": ["integer", "boolean"]}, {"type": "integer"}) is False


def test_witness_for_forward_is_valid_under_new_and_invalid_under_old() -> None:
    assert _only_witness({"type": "integer"}, {"type": "number"}, "FORWARD") == 0.5


def test_witness_respects_the_other_constraints_of_old() -> None:
    old = {"type": "string", "minLength": 3, "maxLength": 8, "pattern": "^[a-z]+$"}
    new = {**old, "maxLength": 4}
    witness = _only_witness(old, new)
    assert isinstance(witness, str) and len(witness) == 5 and witness.isalpha()


def _run(old: Any, new: Any) -> Run:
    return Run(Document(old, "OLD"), Document(new, "NEW"), False, Budget(60))


def test_candidate_that_fails_validation_is_dropped() -> None:
    run = _run({"type": "string"}, {"type": "string", "maxLength": 3})

    def wrong() -> list[Any]:
        return [1, "abc", None]

    finding = Finding("max-length-new", "", "/maxLength", "m", (), wrong)
    assert find_witness(finding, run) == (False, None)


def test_candidate_rejected_only_elsewhere_is_not_a_witness() -> None:
    run = _run(
        {"type": "object", "properties": {"n": {"maximum": 100}}},
        {"type": "object", "properties": {"n": {"maximum": 50}}, "required": ["v"]},
    )
    frames = (Frame(("",), "prop", "n"),)
    finding = Finding("maximum-tighter", "", "/properties/n/maximum", "m", frames, lambda: [50])
    assert find_witness(finding, run) == (False, None)


def test_each_change_has_a_witness_that_shows_that_change_alone() -> None:
    old = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "qty": {"type": "integer", "maximum": 100}},
        "required": ["id"],
    }
    new = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "qty": {"type": "integer", "maximum": 50},
            "venue": {"type": "string"},
        },
        "required": ["id", "venue"],
    }
    changes = {c.rule: c for c in check_compatibility(old, new).changes if c.breaking}
    assert set(changes) == {"maximum-decreased", "required-added", "property-added"}
    maximum = changes["maximum-decreased"].witness
    assert maximum["qty"] > 50 and "venue" in maximum  # fails NEW only at its maximum
    assert "venue" not in changes["required-added"].witness


def test_candidate_is_placed_at_the_finding_location() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "array", "items": {"type": "integer"}}},
    }
    old, new = (
        Document(schema, "OLD"),
        Document({**schema, "properties": {"a": {"type": "array", "items": False}}}, "NEW"),
    )
    frames = (Frame(("",), "prop", "a"), Frame(("/properties/a",), "item", 0))
    finding = Finding("items-closed", "", "/properties/a/items", "m", frames, lambda: [7])
    assert find_witness(finding, Run(old, new, False, Budget(60))) == (True, {"a": [7]})


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param({"type": "integer", "minimum": 3, "multipleOf": 2}, 4, id="integer-grid"),
        pytest.param(
            {"type": "number", "exclusiveMinimum": 1, "maximum": 1.75}, 1.25, id="fraction"
        ),
        pytest.param({"type": "string", "format": "date"}, "2024-01-31", id="format"),
        pytest.param({"enum": ["x", "y"], "not": {"const": "x"}}, "y", id="enum-with-not"),
        pytest.param({"type": "array", "minItems": 2, "items": {"const": 1}}, [1, 1], id="array"),
        pytest.param(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "required": ["a"],
                "dependentRequired": {"a": ["b"]},
            },
            {"a": None, "b": None},
            id="dependencies",
        ),
        pytest.param(False, NOTHING, id="false"),
        pytest.param({"type": "string", "minLength": 3, "maxLength": 2}, NOTHING, id="empty"),
    ],
)
def test_minimal_instance(schema: Any, expected: Any) -> None:
    assert build_instance(Document(schema, "OLD"), ("",)) == expected


@pytest.mark.parametrize(
    ("pattern", "variant", "expected"),
    [
        pytest.param("^[A-Z]{3}-\\d{2}$", 0, "AAA-00", id="classes"),
        pytest.param("^(red|green|blue)$", 2, "blue", id="alternative"),
        pytest.param("^[A-Za-z]+$", 1, "aa", id="second-range"),
        pytest.param("[^abc]", 0, "0", id="negated"),
        pytest.param("(", 0, None, id="invalid"),
    ],
)
def test_sample_pattern(pattern: str, variant: int, expected: str | None) -> None:
    assert sample_pattern(pattern, variant) == expected


def test_fit_length_grows_repetitions_to_reach_a_length() -> None:
    assert fit_length("^a[b-d]+$", 6, 8) == "abbbbb"
    assert fit_length("^(foo|bar)$", 5, None) is None
    assert pattern_min_length("^[a-z]{4,}$") == 4
