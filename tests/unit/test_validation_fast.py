from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registry_contract.fastpath import is_literal_regex, is_plain_json
from registry_contract.lockfile import load_lock, render_lock
from registry_contract.lockwrite import write_lock
from registry_contract.validation import SchemaValidator, build_ref_registry

ROOT = Path(__file__).resolve().parents[2]
DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"


def validator(schema: Any, formats: bool = True) -> SchemaValidator:
    return SchemaValidator(schema, label="test", formats=formats)


@pytest.mark.parametrize("track", ["v1", "v2"])
@pytest.mark.parametrize("name", ["telemetry.FeedbackEvent", "telemetry.RateAdjustment"])
def test_the_bundled_schemas_take_the_fast_path(name: str, track: str) -> None:
    lock = load_lock(ROOT / "schemas-lock")
    registry = build_ref_registry(lock)
    checked = SchemaValidator(lock.schema(name, track), label=name, formats=True, registry=registry)
    assert checked.fast, checked.slow_reason


def test_a_valid_payload_passes_fast_and_an_invalid_one_is_left_to_the_reference() -> None:
    event = json.loads(
        (
            ROOT / "tests/contracts/fixtures/payloads/telemetry.FeedbackEvent/valid/store-ok.json"
        ).read_text()
    )
    schema = json.loads((ROOT / "schemas-lock/telemetry.FeedbackEvent/v2.json").read_text())
    checked = validator(schema)
    assert checked.passes_fast(event) and checked.passes_fast_json(
        event, json.dumps(event).encode()
    )
    bad = dict(event, utilisation=1.5)
    assert not checked.passes_fast(bad)
    assert not checked.is_valid(bad)
    assert checked.check(bad)[0].schema_path == "/properties/utilisation/maximum"


@pytest.mark.parametrize(
    ("schema", "payload", "valid"),
    [
        # Python's re: \s excludes U+FEFF, which ECMA 262 (jsonschema-rs) includes.
        pytest.param({"pattern": r"^\s$"}, "\ufeff", False, id="pattern-whitespace-bom"),
        pytest.param({"pattern": r"^\d$"}, "\u0663", True, id="pattern-unicode-digit"),
        pytest.param({"pattern": "^a$"}, "a\n", True, id="pattern-dollar-before-newline"),
        pytest.param({"multipleOf": 0.01}, 0.07, False, id="multipleof-float-division"),
        pytest.param({"format": "date-time"}, "2026-12-31T23:59:60Z", False, id="leap-second"),
        pytest.param({"format": "date-time"}, "0000-01-01T00:00:00Z", False, id="year-zero"),
        pytest.param(
            {"not": {"format": "uuid"}},
            "12345678-1234-1234-1234-1234-5678abcd",  # the reference's UUID() takes it
            False,
            id="format-under-not",
        ),
        pytest.param(
            {"$schema": DRAFT7, "not": {"contentMediaType": "application/json"}},
            "{not json",  # draft 7 content keywords only annotate in the reference
            False,
            id="draft7-content-under-not",
        ),
        pytest.param(
            {"not": {"dependencies": {"a": ["b"]}}}, {"a": 1}, False, id="2020-dependencies"
        ),
        pytest.param({"not": {"type": "number"}}, float("nan"), False, id="nan-is-a-number"),
        pytest.param({"maximum": 5}, float("inf"), False, id="infinity-above-maximum"),
        pytest.param({"items": {"type": "array"}}, [("a", 1)], False, id="tuple-is-no-array"),
        pytest.param({"maxLength": 1}, "\ud800", True, id="lone-surrogate"),
    ],
)
def test_the_reference_wins_where_jsonschema_rs_alone_would_differ(
    schema: dict[str, Any], payload: Any, valid: bool
) -> None:
    from jsonschema.validators import validator_for

    cls = validator_for(schema)
    assert cls(schema, format_checker=cls.FORMAT_CHECKER).is_valid(payload) is valid
    checked = validator(schema)
    assert checked.fast, checked.slow_reason
    assert checked.is_valid(payload) is valid
    assert not checked.passes_fast(payload) or valid


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(b'"2026-12-31T23:59:60Z"', id="leap-second"),
        pytest.param(b'"0000-01-01T00:00:00Z"', id="year-zero"),
        pytest.param(b'"2026-12-31T23:59:\\u0036\\u0030Z"', id="escaped-leap-second"),
    ],
)
def test_json_text_with_a_marker_gets_the_reference_date_time_check(text: bytes) -> None:
    checked = validator({"format": "date-time"})
    payload = json.loads(text)
    assert not checked.passes_fast_json(payload, text)
    assert not checked.is_valid(payload)


def test_json_text_without_markers_takes_the_native_date_time_check() -> None:
    checked = validator({"type": "object", "properties": {"at": {"format": "date-time"}}})
    assert set(checked._markers) == {b"\\u", b":60", b"0000-"}
    assert checked._fast_text is not checked._fast
    assert checked.passes_fast_json(
        {"at": "2026-11-02T09:15:00Z"}, b'{"at":"2026-11-02T09:15:00Z"}'
    )


def test_no_native_formats_where_refusing_more_could_accept_more() -> None:
    checked = validator({"not": {"format": "date-time"}})
    assert checked._markers == () and checked._fast_text is checked._fast


def test_formats_false_is_mirrored_by_the_fast_path() -> None:
    checked = validator({"format": "date-time"}, formats=False)
    assert checked.fast and checked.passes_fast("nonsense")


def test_an_unknown_format_is_ignored_by_both() -> None:
    checked = validator({"format": "x-made-up"})
    assert checked.fast and checked.passes_fast("anything")


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        pytest.param(
            {"$dynamicAnchor": "node", "properties": {"n": {"$dynamicRef": "#node"}}},
            "$dynamicRef",
            id="dynamic-ref",
        ),
        pytest.param({"patternProperties": {"^[a-z]+$": {}}}, "patternProperties", id="regex-key"),
        pytest.param({"patternProperties": {"": {}}}, "patternProperties", id="empty-key"),
        pytest.param(
            {"$schema": "http://json-schema.org/draft-03/schema#"}, "Draft3", id="draft-3"
        ),
        pytest.param(
            {"properties": {"u": {"$ref": "http://127.0.0.1:9/ratio.json"}}},
            "cannot compile",
            id="ref-outside-the-lock",
        ),
    ],
)
def test_schemas_the_fast_path_cannot_mirror_fall_back_with_a_reason(
    schema: dict[str, Any], reason: str
) -> None:
    checked = validator(schema)
    assert not checked.fast
    assert checked.slow_reason is not None and reason in checked.slow_reason
    assert not checked.passes_fast({})


def test_literal_pattern_property_keys_keep_the_fast_path() -> None:
    checked = validator({"patternProperties": {"^x-": {"type": "string"}}})
    assert checked.fast
    assert checked.passes_fast({"x-a": "s"}) and not checked.is_valid({"x-a": 1})


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        pytest.param("^x-", True, id="prefix"),
        pytest.param("abc_1", True, id="plain"),
        pytest.param(r"^a\.b", True, id="escaped-dot"),
        pytest.param("^", True, id="anchor-only"),
        pytest.param("", False, id="empty"),
        pytest.param(".", False, id="dot"),
        pytest.param("a$", False, id="dollar"),
        pytest.param(r"\d", False, id="class-escape"),
        pytest.param("é", False, id="non-ascii"),
        pytest.param("a\\", False, id="trailing-backslash"),
    ],
)
def test_is_literal_regex(pattern: str, literal: bool) -> None:
    assert is_literal_regex(pattern) is literal


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        pytest.param({"a": [1, 2.5, "s", None, True]}, True, id="json"),
        pytest.param({"a": float("nan")}, False, id="nan"),
        pytest.param([float("-inf")], False, id="infinity"),
        pytest.param({1: "a"}, False, id="int-key"),
        pytest.param(("a",), False, id="tuple"),
        pytest.param(b"x", False, id="bytes"),
    ],
)
def test_is_plain_json(value: Any, plain: bool) -> None:
    assert is_plain_json(value) is plain


def test_refs_among_locked_schemas_resolve_in_the_fast_path(tmp_path: Path) -> None:
    common = {
        "$schema": DRAFT2020,
        "$id": "https://schemas.example.com/common/v1.json",
        "$defs": {"Ratio": {"type": "number", "minimum": 0, "maximum": 1}},
    }
    event = {
        "$schema": DRAFT2020,
        "$id": "https://schemas.example.com/event/v1.json",
        "properties": {"u": {"$ref": "../common/v1.json#/$defs/Ratio"}},
    }
    docs = {"common": {"v1": (1, common)}, "event": {"v1": (1, event)}}
    write_lock(tmp_path / "lock", render_lock({"api": "core", "url": None}, docs))
    lock = load_lock(tmp_path / "lock")
    checked = SchemaValidator(
        lock.schema("event", "v1"), label="e", formats=True, registry=build_ref_registry(lock)
    )
    assert checked.fast, checked.slow_reason
    assert checked.passes_fast({"u": 0.5})
    assert not checked.passes_fast({"u": 5}) and not checked.is_valid({"u": 5})


def test_a_ref_to_a_locked_schema_of_another_draft_falls_back(tmp_path: Path) -> None:
    common = {"$schema": DRAFT7, "$id": "https://s.example.com/c.json", "type": "string"}
    event = {"$schema": DRAFT2020, "properties": {"c": {"$ref": "https://s.example.com/c.json"}}}
    docs = {"common": {"v1": (1, common)}, "event": {"v1": (1, event)}}
    write_lock(tmp_path / "lock", render_lock({"api": "core", "url": None}, docs))
    lock = load_lock(tmp_path / "lock")
    checked = SchemaValidator(
        lock.schema("event", "v1"), label="e", formats=True, registry=build_ref_registry(lock)
    )
    assert not checked.fast and "other drafts" in str(checked.slow_reason)
    assert checked.is_valid({"c": "s"}) and not checked.is_valid({"c": 1})
