"""The hot path's verdict is always the gate's verdict, including where the engines differ."""

from __future__ import annotations

from typing import Any

import pytest

from registry_contract.runtime.compiled import CompiledSchema
from registry_contract.validation.validators import SchemaValidator
from support.runtime_world import FEEDBACK, ROOT, event, schema_document

LOCK = ROOT / "schemas-lock"
STAMPED: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"at": {"type": "string", "format": "date-time"}},
}
LEAP = "2016-12-31T23:59:60Z"


def compiled(schema: Any) -> CompiledSchema:
    return CompiledSchema(schema, label="test", formats=True)


@pytest.mark.parametrize(
    "stamp",
    [
        pytest.param("2026-11-02T09:15:00Z", id="plain"),
        pytest.param(LEAP, id="leap-second"),
        pytest.param("0000-01-01T00:00:00Z", id="year-zero"),
        pytest.param("2026-11-02T09:15:00+05:60", id="offset-sixty"),
        pytest.param("2026-02-30T09:15:00Z", id="impossible-day"),
        pytest.param("2026-11-02 09:15:00Z", id="space"),
    ],
)
def test_date_time_verdict_is_the_gates(stamp: str) -> None:
    document = schema_document(LOCK, FEEDBACK, "v2")
    schema = compiled(document)
    gate = SchemaValidator(document, label="gate", formats=True)
    payload = event(timestamp=stamp)
    assert schema.accepts(payload, False) is gate.is_valid(payload)
    assert (schema.issues(payload) == []) is gate.is_valid(payload)


def test_feedback_event_is_accepted_on_the_hot_path() -> None:
    schema = compiled(schema_document(LOCK, FEEDBACK, "v2"))
    assert schema.accepts(event(), False)
    assert not schema.accepts(event(timestamp="2026-02-30T09:15:00Z"), False)


@pytest.mark.parametrize(
    ("schema", "payload"),
    [
        pytest.param(
            {"type": "array", "items": {"type": "string", "format": "date-time"}},
            ["2026-02-30T09:15:00Z"],
            id="in-items",
        ),
        pytest.param(
            {
                "$defs": {"At": {"type": "string", "format": "date-time"}},
                "properties": {"at": {"$ref": "#/$defs/At"}},
            },
            {"at": "2026-02-30T09:15:00Z"},
            id="in-defs",
        ),
        pytest.param(
            {**STAMPED, "additionalProperties": {"$ref": "#/properties/at"}},
            {"at": "2026-11-02T09:15:00Z", "other": "2026-02-30T09:15:00Z"},
            id="ref-to-chain",
        ),
    ],
)
def test_an_invalid_date_time_anywhere_is_refused_with_the_gates_issue(
    schema: Any, payload: Any
) -> None:
    built = compiled(schema)
    assert not built.accepts(payload, False)
    assert built.issues(payload)[0].keyword == "format"


def test_tuples_are_not_arrays_where_the_schema_names_arrays() -> None:
    schema = compiled({"properties": {"tags": {"type": "array"}}})
    assert not schema.accepts({"tags": ("a", "b")}, False)
    assert schema.accepts({"tags": ["a", "b"]}, False)
    assert schema.issues({"tags": ("a", "b")})[0].keyword == "type"


def test_values_jsonschema_rs_cannot_hold_go_to_the_gate() -> None:
    schema = compiled(STAMPED)
    assert not schema.accepts({"at": {1, 2}}, False)
    assert schema.issues({"at": "2026-11-02T09:15:00Z"}) == []


@pytest.mark.parametrize(
    ("dialect", "valid"),
    [
        pytest.param("draft7", True, id="draft7-ignores-siblings-of-ref"),
        pytest.param("2020-12", False, id="2020-12-applies-siblings-of-ref"),
    ],
)
def test_a_schema_without_dollar_schema_is_read_in_the_default_dialect(
    dialect: str, valid: bool
) -> None:
    document = {"$ref": "#/definitions/s", "definitions": {"s": {"type": "string"}}, "minLength": 5}
    schema = CompiledSchema(document, label="test", formats=True, default_dialect=dialect)
    assert schema.accepts("ab", False) is valid
    assert (schema.issues("ab") == []) is valid
