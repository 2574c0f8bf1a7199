from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registry_contract.lock.reader import load_lock, render_lock
from registry_contract.lock.writer import write_lock
from registry_contract.validation.fastpath import is_plain_json
from registry_contract.validation.validators import SchemaValidator, build_ref_registry

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


def test_a_valid_payload_passes_fast_and_an_invalid_one_is_explained() -> None:
    event = json.loads(
        (
            ROOT / "tests/contracts/fixtures/payloads/telemetry.FeedbackEvent/valid/store-ok.json"
        ).read_text()
    )
    schema = json.loads((ROOT / "schemas-lock/telemetry.FeedbackEvent/v2.json").read_text())
    checked = validator(schema)
    assert checked.passes_fast(event) and checked.passes_fast_json(event)
    bad = dict(event, utilisation=1.5)
    assert not checked.passes_fast(bad)
    assert not checked.is_valid(bad)
    assert checked.check(bad)[0].schema_path == "/properties/utilisation/maximum"


@pytest.mark.parametrize(
    ("schema", "payload", "valid"),
    [
        # ECMA-262, which JSON Schema specifies for `pattern`; Python's re differs on each.
        pytest.param({"pattern": r"^\s$"}, "\ufeff", True, id="pattern-whitespace-bom"),
        pytest.param({"pattern": r"^\d$"}, "\u0663", False, id="pattern-ascii-digit"),
        pytest.param({"pattern": "^refinitiv$"}, "refinitiv\n", False, id="dollar-before-newline"),
        pytest.param({"pattern": r"^\p{L}+$"}, "\u00e9t\u00e9", True, id="unicode-property"),
        pytest.param({"pattern": r"^\p{L}+$"}, "42", False, id="unicode-property-refuses"),
        pytest.param({"pattern": r"^\cJ$"}, "\n", True, id="control-escape"),
        pytest.param(
            {"patternProperties": {"^[a-z]+$": {"type": "integer"}}},
            {"ab\n": "x"},
            True,
            id="pattern-properties-dollar",
        ),
        pytest.param({"format": "regex"}, r"\p{L}", True, id="format-regex-ecma"),
        # Exact decimal arithmetic: 0.07 is a multiple of 0.01.
        pytest.param({"multipleOf": 0.01}, 0.07, True, id="multipleof-exact"),
        # Draft 7 (the default dialect) reads `dependencies`; 2020-12 does not.
        pytest.param({"dependencies": {"a": ["b"]}}, {"a": 1}, False, id="draft7-dependencies"),
    ],
)
def test_the_gate_follows_jsonschema_rs_where_the_libraries_differ(
    schema: dict[str, Any], payload: Any, valid: bool
) -> None:
    checked = validator(schema)
    assert checked.fast, checked.slow_reason
    assert checked.is_valid(payload) is valid
    issues = checked.check(payload)
    assert bool(issues) is not valid
    assert all(i.keyword and i.message for i in issues)


def test_an_invalid_payload_jsonschema_rs_alone_rejects_is_explained_by_it() -> None:
    """python-jsonschema's re accepts "refinitiv\\n"; the issue comes from jsonschema-rs."""
    schema: dict[str, Any] = {"properties": {"venue": {"$ref": "#/definitions/Venue"}}}
    schema["definitions"] = {"Venue": {"type": "string", "pattern": "^[a-z]+$"}}
    [issue] = validator(schema).check({"venue": "refinitiv\n"})
    assert (issue.path, issue.keyword) == ("/venue", "pattern")
    assert issue.schema_path == "/properties/venue/pattern"
    assert "refinitiv" in issue.message


def test_a_pattern_python_cannot_compile_still_validates_and_explains() -> None:
    checked = validator({"properties": {"name": {"pattern": r"^\p{Lu}"}}})
    assert checked.is_valid({"name": "\u00c9mile"})
    [issue] = checked.check({"name": "emile"})
    assert (issue.path, issue.keyword) == ("/name", "pattern")


def test_a_catastrophic_pattern_returns() -> None:
    """^(a+)+$ takes Python's re exponential time on 35 characters; this returns at once."""
    checked = validator({"pattern": "^(a+)+$"})
    assert not checked.is_valid("a" * 35 + "!")
    assert checked.check("a" * 35 + "!")[0].keyword == "pattern"


def test_only_draft_3_falls_back_to_the_reference() -> None:
    checked = validator({"$schema": "http://json-schema.org/draft-03/schema#", "type": "string"})
    assert not checked.fast and "draft-03" in str(checked.slow_reason)
    assert checked.is_valid("s") and not checked.is_valid(1)
    assert checked.check(1)[0].keyword == "type"


def test_a_schema_jsonschema_rs_cannot_compile_falls_back_with_a_reason() -> None:
    checked = validator({"properties": {"u": {"$ref": "http://127.0.0.1:9/ratio.json"}}})
    assert not checked.fast
    assert "cannot compile" in str(checked.slow_reason)


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


def test_a_ref_to_a_locked_schema_of_another_draft_stays_fast(tmp_path: Path) -> None:
    common = {"$schema": DRAFT7, "$id": "https://s.example.com/c.json", "type": "string"}
    event = {"$schema": DRAFT2020, "properties": {"c": {"$ref": "https://s.example.com/c.json"}}}
    docs = {"common": {"v1": (1, common)}, "event": {"v1": (1, event)}}
    write_lock(tmp_path / "lock", render_lock({"api": "core", "url": None}, docs))
    lock = load_lock(tmp_path / "lock")
    checked = SchemaValidator(
        lock.schema("event", "v1"), label="e", formats=True, registry=build_ref_registry(lock)
    )
    assert checked.fast, checked.slow_reason
    assert checked.is_valid({"c": "s"}) and not checked.is_valid({"c": 1})


def test_issues_come_best_match_first_and_a_false_schema_is_named() -> None:
    schema = {
        "properties": {
            "a": False,
            "b": {"properties": {"c": {"minimum": 3}}},
            "d": {"anyOf": [{"type": "string"}]},
        },
        "required": ["x"],
    }
    issues = validator(schema).check({"a": 1, "b": {"c": 1}, "d": 1})
    assert [(i.path, i.keyword) for i in issues] == [
        ("", "required"),
        ("/a", "false"),  # python-jsonschema words it at the wrong place: jsonschema-rs's stays
        ("/d", "anyOf"),
        ("/b/c", "minimum"),
    ]
    assert issues[0].message == "'x' is a required property"
    assert issues[1].schema_path == "/properties/a"
