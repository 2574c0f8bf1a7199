"""The hot path's "valid" is always the gate's "valid", including where jsonschema-rs differs."""

from __future__ import annotations

from typing import Any

import pytest

from registry_contract.runtime.compiled import CompiledSchema
from registry_contract.validation import SchemaValidator
from support.runtime_world import FEEDBACK, ROOT, event, schema_document

LOCK = ROOT / "schemas-lock"
STAMPED: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"at": {"type": "string", "format": "date-time"}},
}


def compiled(schema: Any) -> CompiledSchema:
    return CompiledSchema(schema, label="test", formats=True)


@pytest.mark.parametrize(
    "stamp",
    [
        pytest.param("2026-11-02T09:15:00Z", id="plain"),
        pytest.param("2016-12-31T23:59:60Z", id="leap-second"),
        pytest.param("0000-01-01T00:00:00Z", id="year-zero"),
        pytest.param("2026-11-02T09:15:00+05:60", id="offset-sixty"),
        pytest.param("2026-02-30T09:15:00Z", id="impossible-day"),
        pytest.param("2026-11-02 09:15:00Z", id="space"),
    ],
)
def test_native_date_time_agrees_with_the_gate(stamp: str) -> None:
    document = schema_document(LOCK, FEEDBACK, "v2")
    schema = compiled(document)
    gate = SchemaValidator(document, label="gate", formats=True)
    payload = event(timestamp=stamp)
    assert gate.is_valid(payload) or not schema.accepts(payload)  # hot "valid" => gate "valid"
    assert (schema.issues(payload) == []) is gate.is_valid(payload)


def test_feedback_event_checks_date_time_natively() -> None:
    schema = compiled(schema_document(LOCK, FEEDBACK, "v2"))
    assert schema.native_date_time
    assert schema.accepts(event())
    assert not schema.accepts(event(timestamp="2016-12-31T23:59:60Z"))


LEAP = "2016-12-31T23:59:60Z"


@pytest.mark.parametrize(
    ("schema", "payload"),
    [
        pytest.param(
            {"type": "array", "items": {"type": "string", "format": "date-time"}},
            [LEAP],
            id="in-items",
        ),
        pytest.param(
            {
                "$defs": {"At": {"type": "string", "format": "date-time"}},
                "properties": {"at": {"$ref": "#/$defs/At"}},
            },
            {"at": LEAP},
            id="in-defs",
        ),
        pytest.param(
            {**STAMPED, "additionalProperties": {"$ref": "#/properties/at"}},
            {"at": "2026-11-02T09:15:00Z", "other": LEAP},
            id="ref-to-chain",
        ),
    ],
)
def test_date_time_off_a_property_chain_keeps_the_gate_check(schema: Any, payload: Any) -> None:
    built = compiled(schema)
    assert not built.native_date_time
    assert not built.accepts(payload)
    assert built.issues(payload)[0].keyword == "format"


def test_tuples_are_not_arrays_where_the_schema_names_arrays() -> None:
    schema = compiled({"properties": {"tags": {"type": "array"}}})
    assert not schema.accepts({"tags": ("a", "b")})
    assert schema.accepts({"tags": ["a", "b"]})
    assert schema.issues({"tags": ("a", "b")})[0].keyword == "type"


def test_values_jsonschema_rs_cannot_hold_go_to_the_gate() -> None:
    schema = compiled(STAMPED)
    assert not schema.accepts({"at": {1, 2}})
    assert schema.issues({"at": "2026-11-02T09:15:00Z"}) == []
