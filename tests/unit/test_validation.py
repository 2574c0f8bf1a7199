from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from registry_contract.errors import LockError
from registry_contract.lock.reader import load_lock, render_lock
from registry_contract.lock.writer import write_lock
from registry_contract.validation import metaschema
from registry_contract.validation.validators import (
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


def test_no_dollar_schema_reads_as_the_default_dialect() -> None:
    schema = {"prefixItems": [{"type": "string"}]}
    assert SchemaValidator(schema, label="x", formats=True).is_valid([1])  # draft 7: unknown
    in_2020 = SchemaValidator(schema, label="x", formats=True, default_dialect="2020-12")
    assert not in_2020.is_valid([1])


def test_a_ref_to_an_embedded_resource_is_not_remote() -> None:
    """Defect 1: a subschema with its own $id belongs to the same document."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://s.example.com/root.json",
        "$ref": "item.json",
        "$defs": {"item": {"$id": "item.json", "type": "integer"}},
    }
    check_remote_refs(schema, set(), "x")
    validator = SchemaValidator(schema, label="x", formats=True)
    assert validator.is_valid(1) and not validator.is_valid("a")


@pytest.mark.parametrize(
    ("schema", "dialect"),
    [
        pytest.param(
            {"id": "https://s.example.com/a/", "items": {"$ref": "b.json"}},
            "draft4",
            id="draft4-id",
        ),
        pytest.param(
            {
                "$id": "https://s.example.com/a/",
                "allOf": [{"$id": "https://elsewhere.example.com/", "$ref": "b.json"}],
            },
            "draft7",
            id="draft7-sibling-id-ignored",
        ),
    ],
)
def test_base_uri_changes_follow_the_draft(schema: dict[str, Any], dialect: str) -> None:
    """Defect 2: draft 4's `id` sets the base; a `$id` beside `$ref` in draft 7 does not."""
    check_remote_refs(schema, {"https://s.example.com/a/b.json"}, "x", dialect)
    with pytest.raises(LockError, match=r"https://s\.example\.com/a/b\.json"):
        check_remote_refs(schema, set(), "x", dialect)


def test_a_locked_document_without_dollar_schema_is_read_in_the_referencing_dialect() -> None:
    """Defect 3: a draft 7 anchor written as "$id": "#foo" resolves."""
    refs = LockedRefs(
        [
            (
                "https://s.example.com/d.json",
                {"definitions": {"a": {"$id": "#foo", "type": "integer"}}},
            )
        ]
    )
    schema = {"$ref": "https://s.example.com/d.json#foo"}
    validator = SchemaValidator(schema, label="x", formats=True, registry=refs)
    assert validator.is_valid(1) and not validator.is_valid("a")
    assert validator.check("a")[0].keyword == "type"


def test_a_ref_to_an_official_metaschema_resolves_offline() -> None:
    """Defect 4: both libraries ship every draft's metaschemas."""
    schema = {"$ref": "http://json-schema.org/draft-07/schema#"}
    check_remote_refs(schema, set(), "x")
    validator = SchemaValidator(schema, label="x", formats=True)
    assert validator.is_valid({"type": "string"}) and not validator.is_valid({"type": 12})


@pytest.mark.parametrize("schema", [True, False])
def test_boolean_schemas_validate(schema: bool) -> None:
    """Defect 5: `true` and `false` are schemas from draft 6 on."""
    validator = SchemaValidator(schema, label="x", formats=True)
    assert validator.is_valid({"a": 1}) is schema
    assert bool(validator.check({"a": 1})) is not schema
    assert metaschema.find_schema_error(schema) is None


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
    registry = refs.registry_for("https://json-schema.org/draft/2020-12/schema")
    assert list(refs) == ["https://schemas.example.com/a.json"] == list(registry)


def test_the_reference_is_built_only_to_word_an_issue() -> None:
    validator = SchemaValidator(EVENT, label="e", formats=True)
    assert validator.is_valid({"n": 1, "at": "2026-11-02T09:15:00Z"})
    assert not validator.is_valid({"n": "x"})
    assert "_reference" not in vars(validator)
    [issue] = validator.check({"n": "x", "at": "2026-11-02T09:15:00Z"})
    assert issue.message == "'x' is not of type 'integer'"  # python-jsonschema's wording
    assert "_reference" in vars(validator)


def test_a_schema_with_a_regex_is_worded_by_jsonschema_rs_alone() -> None:
    validator = SchemaValidator({"pattern": "^(a+)+$"}, label="e", formats=True)
    assert validator.check("a" * 35 + "!")[0].keyword == "pattern"
    assert "_reference" not in vars(validator)
