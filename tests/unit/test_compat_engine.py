"""check_compatibility: levels, options, transitive history, and the shape of its results."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from registry_contract.compat import LEVELS, Change, CompatError, check_compatibility

STRING = {"type": "string"}
OBJ_A = {"type": "object", "properties": {"a": STRING}}
OBJ_AB = {"type": "object", "properties": {"a": STRING, "b": STRING}}


def test_unknown_level_is_rejected_with_the_valid_levels_named() -> None:
    with pytest.raises(ValueError, match="unknown level 'SIDEWAYS'") as info:
        check_compatibility(STRING, STRING, "SIDEWAYS")
    assert all(level in str(info.value) for level in LEVELS)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        pytest.param("open_content_model", "loose", id="content-model"),
        pytest.param("undecidable", "maybe", id="undecidable"),
    ],
)
def test_unknown_option_value_is_rejected(option: str, value: str) -> None:
    with pytest.raises(CompatError, match=f"unknown {option}"):
        check_compatibility(STRING, STRING, **{option: value})


def test_unknown_schema_dialect_is_rejected_naming_the_version() -> None:
    with pytest.raises(CompatError, match="NEW schema: unknown \\$schema"):
        check_compatibility(STRING, {"$schema": "https://example.com/mine", "type": "string"})


def test_dangling_local_ref_is_rejected_naming_its_location() -> None:
    broken = {"properties": {"a": {"$ref": "#/$defs/missing"}}}
    with pytest.raises(
        CompatError, match="OLD schema: \\$ref '#/\\$defs/missing' at /properties/a"
    ):
        check_compatibility(broken, STRING)


def test_a_schema_must_be_an_object_or_a_boolean() -> None:
    with pytest.raises(CompatError, match="OLD schema is a list"):
        check_compatibility([], STRING)  # type: ignore[arg-type]


def test_level_none_reports_changes_and_fails_nothing() -> None:
    result = check_compatibility(STRING, {"type": "integer"}, "NONE")
    assert result.compatible
    assert {c.rule for c in result.changes} == {"type-narrowed", "type-widened"}
    assert not any(c.breaking for c in result.changes)


def test_full_breaks_on_narrowing_and_widening_alike() -> None:
    assert not check_compatibility(OBJ_A, OBJ_AB, "FULL").compatible
    assert not check_compatibility(OBJ_AB, OBJ_A, "FULL").compatible
    assert check_compatibility(OBJ_A, OBJ_A, "FULL").compatible


def test_breaks_lists_every_level_the_change_breaks() -> None:
    [change] = check_compatibility({"enum": [1, 2]}, {"enum": [1]}).changes
    assert change.direction == "narrows"
    assert change.breaks == ("BACKWARD", "FULL", "BACKWARD_TRANSITIVE", "FULL_TRANSITIVE")


def test_widening_is_reported_but_does_not_break_backward() -> None:
    result = check_compatibility({"enum": [1]}, {"enum": [1, 2]}, "BACKWARD")
    assert result.compatible
    [change] = result.changes
    assert (change.rule, change.direction, change.breaking) == ("enum-value-added", "widens", False)


V1 = {"enum": ["a", "b", "c"]}
V2 = {"enum": ["a", "b"]}


def test_transitive_level_checks_every_earlier_version() -> None:
    assert check_compatibility(V2, V2, "BACKWARD", previous=[V1]).compatible
    result = check_compatibility(V2, V2, "BACKWARD_TRANSITIVE", previous=[V1])
    assert not result.compatible
    [change] = [c for c in result.changes if c.breaking]
    assert (change.rule, change.versions_back, change.path) == ("enum-value-removed", 2, "/enum/2")
    assert change.breaks == ("BACKWARD_TRANSITIVE", "FULL_TRANSITIVE")
    assert change.message.startswith("OLD-1 allows")
    assert change.witness == "c"


def test_transitive_forward_accepts_a_new_version_inside_every_earlier_one() -> None:
    assert check_compatibility(V2, V2, "FORWARD_TRANSITIVE", previous=[V1]).compatible
    assert not check_compatibility(V2, V2, "FULL_TRANSITIVE", previous=[V1]).compatible


def test_transitive_previous_is_oldest_first_and_reported_by_distance() -> None:
    v0 = {"enum": ["a", "b", "c", "d"]}
    result = check_compatibility(V2, V2, "BACKWARD_TRANSITIVE", previous=[v0, V1])
    backs = sorted({(c.versions_back, c.witness) for c in result.changes if c.breaking})
    assert backs == [(2, "c"), (3, "c"), (3, "d")]


def test_previous_is_ignored_by_non_transitive_levels() -> None:
    assert check_compatibility(V2, V2, "FULL", previous=[V1]).compatible


def test_open_content_model_addition_breaks_backward_unless_lenient() -> None:
    exact = check_compatibility(OBJ_A, OBJ_AB)
    assert [(c.rule, c.breaking) for c in exact.changes] == [("property-added", True)]
    assert exact.changes[0].witness == {"b": None}
    assert check_compatibility(OBJ_A, OBJ_AB, open_content_model="lenient").compatible


def test_lenient_does_not_excuse_a_closed_model() -> None:
    closed = {**OBJ_AB, "additionalProperties": False}
    result = check_compatibility(
        closed, {**OBJ_A, "additionalProperties": False}, open_content_model="lenient"
    )
    assert [c.rule for c in result.changes if c.breaking] == ["property-removed"]


PATTERN_OLD = {"type": "string", "pattern": "^[a-z]+$"}
PATTERN_NEW = {"type": "string", "pattern": "^[a-z]*$"}


def test_undecidable_change_breaks_by_default() -> None:
    result = check_compatibility(PATTERN_OLD, PATTERN_NEW)
    [change] = [c for c in result.changes if c.breaking]
    assert change.rule == "undecidable-pattern"
    assert change.message.startswith("could not decide:")
    assert not change.has_witness


def test_undecidable_change_can_be_accepted_but_is_still_reported() -> None:
    result = check_compatibility(PATTERN_OLD, PATTERN_NEW, undecidable="compatible")
    assert result.compatible
    assert [(c.rule, c.breaking) for c in result.changes if c.direction == "narrows"] == [
        ("undecidable-pattern", False)
    ]


def test_undecidable_compatible_never_excuses_a_proven_break() -> None:
    result = check_compatibility(PATTERN_NEW, PATTERN_OLD, undecidable="compatible")
    assert not result.compatible
    assert [c.rule for c in result.changes if c.breaking] == ["pattern-changed"]
    assert result.changes[0].witness == ""


def test_a_null_witness_is_a_witness() -> None:
    [change] = check_compatibility({"type": ["string", "null"]}, STRING).changes
    assert change.has_witness
    assert change.witness is None
    assert change.to_dict()["witness"] is None


def test_to_dict_has_the_documented_keys() -> None:
    result = check_compatibility(
        {"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 3}
    )
    data = result.to_dict()
    assert set(data) == {"compatible", "level", "changes"}
    assert data["compatible"] is False
    assert data["level"] == "BACKWARD"
    [change] = data["changes"]
    assert {"rule", "path", "old_path", "new_path", "breaking", "message", "witness"} <= set(change)
    assert change["rule"] == "max-length-decreased"
    assert change["path"] == change["new_path"] == "/maxLength"
    assert change["direction"] == "narrows"
    assert change["witness"] == "aaaa"
    json.dumps(data)


def test_removal_rules_point_at_old_other_rules_at_new() -> None:
    result = check_compatibility(
        {"type": "object", "properties": {"a": STRING, "b": STRING}, "additionalProperties": False},
        {
            "type": "object",
            "properties": {"a": STRING},
            "required": ["a"],
            "additionalProperties": False,
        },
    )
    paths = {c.rule: c.path for c in result.changes}
    assert paths == {"property-removed": "/properties/b", "required-added": "/required/0"}


def test_changes_are_hashable_and_identified_without_the_witness() -> None:
    first = check_compatibility({"enum": [1, 2]}, {"enum": [1]}).changes[0]
    again = Change(**{**first.__dict__, "witness": 99, "message": "other words"})
    assert first == again
    assert len({first, again}) == 1
    assert {(c.rule, c.path) for c in [first]} == {("enum-value-removed", "/enum/1")}


def test_results_are_deterministic() -> None:
    old = {"type": "object", "properties": {"a": {"enum": ["x", "y"]}, "b": {"maxLength": 9}}}
    new = {
        "type": "object",
        "properties": {"a": {"enum": ["x"]}, "b": {"maxLength": 3}},
        "required": ["a"],
    }
    runs = [check_compatibility(old, new, "FULL").to_dict() for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_breaking_changes_come_first() -> None:
    result = check_compatibility({"enum": [1, 2]}, {"enum": [2, 3]})
    assert [c.breaking for c in result.changes] == [True, False]


def test_messages_are_one_line_and_name_both_versions() -> None:
    old = {"type": "object", "properties": {"a": {"type": "integer", "maximum": 9}}}
    new = {
        "type": "object",
        "properties": {"a": {"type": "integer", "maximum": 5}},
        "required": ["a"],
    }
    for change in check_compatibility(old, new, "FULL").changes:
        assert "\n" not in change.message
        assert "OLD" in change.message and "NEW" in change.message


def test_remote_refs_are_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the engine tried to fetch a remote $ref")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    remote = {"properties": {"a": {"$ref": "https://example.com/a.json"}}}
    result = check_compatibility(remote, {"properties": {"a": STRING}}, "FULL")
    assert {c.rule for c in result.changes} == {"undecidable-remote-ref"}


def test_boolean_schemas_compare_like_any_other() -> None:
    assert check_compatibility(False, True, "BACKWARD").compatible
    assert not check_compatibility(True, False, "BACKWARD").compatible
    assert check_compatibility(True, {}, "FULL").compatible


DEPENDENCIES_OLD = {"type": "object", "dependencies": {"foo": ["bar"]}}
DEPENDENCIES_NEW = {"type": "object", "dependencies": {"bar": ["foo"]}}


def test_schemas_without_schema_keyword_are_read_as_draft_07_by_default() -> None:
    result = check_compatibility(DEPENDENCIES_OLD, DEPENDENCIES_NEW)
    [change] = [c for c in result.changes if c.breaking]
    assert change.rule == "dependent-required-added"
    assert change.witness == {"bar": None}


def test_default_dialect_is_an_option() -> None:
    # Beside `$ref`, draft 7 ignores `maxLength`; 2020-12 applies it, so dropping it widens.
    old = {"definitions": {"s": {"type": "string"}}, "$ref": "#/definitions/s", "maxLength": 3}
    assert check_compatibility(old, STRING, "FORWARD", default_dialect="draft7").compatible
    widened = check_compatibility(old, STRING, "FORWARD", default_dialect="2020-12")
    assert [c.rule for c in widened.changes if c.breaking] == ["max-length-removed"]
    with pytest.raises(CompatError, match="unknown default_dialect 'draft3'"):
        check_compatibility(STRING, STRING, default_dialect="draft3")


def test_tuple_items_read_as_2020_12_never_crash_the_engine() -> None:
    # python-jsonschema raises AttributeError validating a list `items` as 2020-12.
    tuple_items = {"type": "array", "items": [{"type": "string"}], "minItems": 1}
    for new in (True, {"type": "array", "maxItems": 0}):
        result = check_compatibility(tuple_items, new, "FULL", default_dialect="2020-12")
        for change in result.changes:
            assert (
                change.rule.startswith("undecidable-") or change.has_witness or not change.breaking
            )


def test_a_change_without_a_confirmed_witness_is_undecidable_never_breaking() -> None:
    # The witness candidates for a maxLength change are strings; a finding whose candidates
    # the validator never confirms must not stand as its specific rule.
    old = {"type": "string", "pattern": "^(ab)+$", "maxLength": 9}
    new = {"type": "string", "pattern": "^(ab)+$", "maxLength": 3}
    for change in check_compatibility(old, new, "FULL").changes:
        assert change.has_witness or change.rule.startswith("undecidable-"), change


def test_non_breaking_changes_carry_no_witness() -> None:
    result = check_compatibility({"enum": [1]}, {"enum": [1, 2]}, "BACKWARD")
    [change] = result.changes
    assert (change.breaking, change.has_witness, change.witness) == (False, False, None)
    [full] = check_compatibility({"enum": [1]}, {"enum": [1, 2]}, "FULL").changes
    assert (full.breaking, full.witness) == (True, 2)


@pytest.mark.parametrize(
    "old",
    [
        pytest.param({"type": "string", "minLength": 3, "maxLength": 1}, id="lengths"),
        pytest.param({"type": "array", "items": False, "minItems": 1}, id="items-false"),
        pytest.param(
            {"type": "object", "required": ["a", "b"], "maxProperties": 1}, id="required-count"
        ),
        pytest.param({"allOf": [{"type": "string"}, {"type": "integer"}]}, id="disjoint-all-of"),
        pytest.param({"type": "integer", "minimum": 1.2, "maximum": 1.8}, id="no-integer"),
        pytest.param({"type": "array", "contains": False}, id="contains-false"),
        pytest.param(
            {"type": "object", "properties": {"a": False}, "required": ["a"]},
            id="forbidden-required",
        ),
    ],
)
def test_an_empty_old_schema_is_compatible_with_anything(old: dict[str, Any]) -> None:
    for new in (False, {"type": "null"}, {"not": {}}):
        result = check_compatibility(old, new, "BACKWARD")
        assert result.compatible, new
        assert [c for c in result.changes if c.direction == "narrows"] == [], new


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(
            {"type": "object", "maxProperties": 0},
            {"type": "object", "additionalProperties": False},
            id="max-properties-zero-is-closed",
        ),
        pytest.param(
            {"type": "object", "propertyNames": {"pattern": "a*"}},
            {"type": "object"},
            id="unanchored-pattern-is-vacuous",
        ),
        pytest.param(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "dependentSchemas": {"a": {"required": ["a"]}},
            },
            {"type": "object"},
            id="degenerate-dependent-schema",
        ),
        pytest.param(
            {"type": "string", "if": {"maxLength": 3}, "then": True, "else": {}},
            {"type": "string"},
            id="vacuous-conditional",
        ),
        pytest.param(
            {"not": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
            {"allOf": [{"not": {"type": "string"}}, {"not": {"type": "null"}}]},
            id="de-morgan",
        ),
        pytest.param(
            {"type": "number"},
            {
                "oneOf": [
                    {"type": "number", "minimum": 0},
                    {"type": "number", "exclusiveMaximum": 0},
                ]
            },
            id="one-of-split",
        ),
    ],
)
def test_equivalent_schemas_are_decided_equivalent(old: Any, new: Any) -> None:
    assert check_compatibility(old, new, "FULL").changes == []


def test_a_spent_budget_makes_the_pair_one_undecidable_change() -> None:
    result = check_compatibility(OBJ_A, OBJ_AB, "FULL", budget=0)
    [change] = result.changes
    assert (change.rule, change.breaking, change.has_witness) == ("undecidable-budget", True, False)
    assert not result.compatible
    waived = check_compatibility(OBJ_A, OBJ_AB, budget=0, undecidable="compatible")
    assert waived.compatible and waived.changes[0].rule == "undecidable-budget"
    with pytest.raises(CompatError, match="budget -1 is negative"):
        check_compatibility(OBJ_A, OBJ_AB, budget=-1)


def _nested(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def test_deeply_nested_schemas_give_an_undecidable_change_not_a_crash() -> None:
    result = check_compatibility(_nested(5_000), _nested(4_999), "FULL")
    assert [c.rule for c in result.changes] == ["undecidable-size"]


def test_ref_cycles_are_compared_without_recursing_forever() -> None:
    cycle = {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}
    self_ref = {"properties": {"next": {"$ref": "#"}}, "type": "object"}
    for old, new in ((cycle, STRING), (STRING, cycle), (self_ref, cycle), (self_ref, self_ref)):
        result = check_compatibility(old, new, "FULL")
        for change in result.changes:
            assert change.has_witness or change.rule.startswith("undecidable-"), change


def test_formats_off_makes_a_format_change_an_annotation() -> None:
    old, new = {"type": "string"}, {"type": "string", "format": "date"}
    [asserted] = check_compatibility(old, new).changes
    assert (asserted.rule, asserted.breaking, asserted.witness) == ("format-added", True, "")
    [note] = check_compatibility(old, new, "FULL", formats=False).changes
    assert (note.rule, note.breaking, note.breaks, note.has_witness) == (
        "format-added",
        False,
        (),
        False,
    )
