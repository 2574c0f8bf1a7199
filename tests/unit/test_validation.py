from __future__ import annotations

from pathlib import Path

import pytest

from registry_contract import metaschema
from registry_contract.errors import LockError
from registry_contract.lockfile import load_lock, render_lock
from registry_contract.lockwrite import write_lock
from registry_contract.validation import (
    LockedRefs,
    SchemaValidator,
    build_locked_refs,
    build_ref_registry,
    check_remote_refs,
    pointer,
)

EVENT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["at"],
    "properties": {"at": {"type": "string", "format": "date-time"}, "n": {"type": "integer"}},
}


def test_pointer_escapes_per_rfc_6901() -> None:
    assert pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"


def test_a_bad_date_time_fails_because_format_checking_is_on() -> None:
    validator = SchemaValidator(EVENT, label="e", formats=True)
    assert validator.is_valid({"at": "2026-11-02T09:15:00Z"})
    [issue] = validator.check({"at": "2026-13-45 25:61"})
    assert issue.keyword == "format"
    assert issue.path == "/at"
    assert issue.schema_path == "/properties/at/format"


def test_formats_false_turns_format_checking_off() -> None:
    assert SchemaValidator(EVENT, label="e", formats=False).is_valid({"at": "nonsense"})


def test_best_match_comes_first_with_payload_and_schema_pointers() -> None:
    issues = SchemaValidator(EVENT, label="e", formats=True).check({"n": "x"})
    assert {i.keyword for i in issues} == {"required", "type"}
    assert issues[0].keyword in {"required", "type"}
    type_issue = next(i for i in issues if i.keyword == "type")
    assert (type_issue.path, type_issue.schema_path) == ("/n", "/properties/n/type")


def test_the_draft_comes_from_dollar_schema() -> None:
    draft4 = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "number",
        "maximum": 10,
        "exclusiveMaximum": True,
    }
    validator = SchemaValidator(draft4, label="d4", formats=True)
    assert validator.is_valid(9.5) and not validator.is_valid(10)


def test_no_dollar_schema_defaults_to_2020_12() -> None:
    validator = SchemaValidator({"prefixItems": [{"type": "string"}]}, label="x", formats=True)
    assert not validator.is_valid([1])


def test_an_unknown_dollar_schema_is_a_lock_error() -> None:
    with pytest.raises(LockError, match="unknown \\$schema"):
        SchemaValidator({"$schema": "https://example.com/my-draft"}, label="x", formats=True)


@pytest.fixture
def lock_with_refs(tmp_path: Path) -> Path:
    common = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://schemas.example.com/common/v1.json",
        "$defs": {"Ratio": {"type": "number", "minimum": 0, "maximum": 1}},
    }
    event = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://schemas.example.com/event/v1.json",
        "properties": {"u": {"$ref": "../common/v1.json#/$defs/Ratio"}},
    }
    docs = {"common": {"v1": (1, common)}, "event": {"v1": (1, event)}}
    write_lock(tmp_path / "lock", render_lock({"api": "core", "url": None}, docs))
    return tmp_path / "lock"


def test_refs_resolve_among_locked_schemas_by_id(lock_with_refs: Path) -> None:
    lock = load_lock(lock_with_refs)
    registry = build_ref_registry(lock)
    event = lock.schema("event", "v1")
    check_remote_refs(event, {str(u) for u in registry}, "event@v1")
    validator = SchemaValidator(event, label="event@v1", formats=True, registry=registry)
    assert validator.is_valid({"u": 0.5})
    assert not validator.is_valid({"u": 5})


def test_a_remote_ref_outside_the_lock_is_refused_and_never_fetched() -> None:
    schema = {
        "$id": "https://schemas.example.com/event/v1.json",
        "properties": {"u": {"$ref": "https://elsewhere.example.com/ratio.json"}},
    }
    with pytest.raises(LockError) as info:
        check_remote_refs(schema, set(), "event@v1")
    assert "https://elsewhere.example.com/ratio.json" in str(info.value)
    assert "registry-contract lock" in str(info.value)


def test_local_refs_are_fine() -> None:
    schema = {"$defs": {"a": {"type": "string"}}, "properties": {"x": {"$ref": "#/$defs/a"}}}
    check_remote_refs(schema, set(), "x")


def test_locked_refs_resolve_like_the_referencing_registry(lock_with_refs: Path) -> None:
    lock = load_lock(lock_with_refs)
    refs = build_locked_refs(lock)
    registry = build_ref_registry(lock)
    assert set(refs) == set(registry)
    assert {uri: registry[uri].contents for uri in registry} == refs.documents
    event = lock.schema("event", "v1")
    for given in (refs, registry):
        validator = SchemaValidator(event, label="event@v1", formats=True, registry=given)
        assert validator.fast and validator.is_valid({"u": 0.5})
        assert validator.check({"u": 5})[0].schema_path == "/properties/u/maximum"


def test_an_empty_fragment_in_an_id_is_dropped_as_referencing_does() -> None:
    refs = LockedRefs([("https://schemas.example.com/a.json#", {"type": "string"})])
    assert list(refs) == ["https://schemas.example.com/a.json"] == list(refs.registry)


def test_the_reference_is_built_only_for_a_payload_jsonschema_rs_refuses() -> None:
    validator = SchemaValidator(EVENT, label="e", formats=True)
    assert validator.is_valid({"n": 1, "at": "2026-11-02T09:15:00Z"})
    assert "_reference" not in vars(validator)
    assert not validator.is_valid({"n": "x"})
    assert "_reference" in vars(validator)


def test_with_another_python_jsonschema_the_facts_come_from_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(metaschema, "is_mirrored", lambda: False)
    validator = SchemaValidator(EVENT, label="e", formats=True)
    assert "_reference" in vars(validator) and validator.fast
    assert validator.passes_fast({"n": 1, "at": "2026-11-02T09:15:00Z"})
    assert not validator.is_valid({"n": 1, "at": "nonsense"})
    assert SchemaValidator(EVENT, label="e", formats=False).is_valid({"at": "nonsense"})
    assert metaschema.find_schema_error({"type": "strang"}) is not None
