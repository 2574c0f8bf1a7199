"""The development registry's subjects: ids from digests, subjects from the template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry_contract.errors import ConfigError
from registry_contract.lock.reader import load_intact_lock
from registry_contract.registry import serve_store
from registry_contract.registry.serve_store import (
    ID_SPACE,
    SubjectStore,
    schema_id_of,
    store_from_lock,
)

ROOT = Path(__file__).resolve().parents[2]
LOCK = load_intact_lock(ROOT / "schemas-lock")


@pytest.mark.parametrize(
    ("digest", "expected"),
    [
        pytest.param("0" * 64, 1, id="zero"),
        pytest.param("00000001" + "f" * 56, 2, id="one"),
        pytest.param("7ffffffe" + "0" * 56, ID_SPACE, id="largest"),
        pytest.param("7fffffff" + "0" * 56, 1, id="folds-2**31-1"),
        pytest.param("ffffffff" + "0" * 56, 2, id="folds-2**32-1"),
    ],
)
def test_schema_id_is_the_digests_first_32_bits_folded_into_java_int(
    digest: str, expected: int
) -> None:
    assert schema_id_of(digest) == expected


def test_locked_ids_come_from_the_lock_digests() -> None:
    store = store_from_lock(LOCK, "{name}-{track}", "BACKWARD", {})
    for name, tracks in LOCK.entries.items():
        for track, entry in tracks.items():
            [(version, schema)] = (store.versions(f"{name}-{track}") or {}).items()
            assert (version, schema.id) == (entry.version, schema_id_of(entry.sha256))
            assert schema.sha256 == entry.sha256
            assert json.loads(schema.text) == LOCK.schema(name, track)


def test_the_same_document_has_one_id_and_a_colliding_one_takes_the_next_free_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve_store, "schema_id_of", lambda digest: ID_SPACE)
    store = SubjectStore("BACKWARD")
    first = store.intern({"type": "string"})
    assert store.intern({"type": "string"}) is first
    assert store.find({"type": "string"}) is first
    assert store.find({"type": "integer"}) is None
    ids = [store.intern({"type": t}).id for t in ("integer", "number")]
    assert [first.id, *ids] == [ID_SPACE, 1, 2]  # wraps around within 1 .. 2**31-1


def test_a_subject_lists_its_versions_oldest_first_and_who_holds_a_schema() -> None:
    store = SubjectStore("BACKWARD")
    string, integer = store.intern({"type": "string"}), store.intern({"type": "integer"})
    store.add("b", 3, string)
    store.add("b", 1, integer)
    store.add("a", 1, string)
    assert store.subjects() == ["a", "b"]
    assert list(store.versions("b") or {}) == [1, 3]
    assert store.uses(string) == [("a", 1), ("b", 3)]
    assert store.by_id(string.id) is string and store.by_guid(string.guid) is string
    assert store.versions("c") is None


def test_locked_subjects_take_their_schemas_level_from_the_config() -> None:
    store = store_from_lock(
        LOCK, "{name}-{track}-value", "FULL", {"telemetry.FeedbackEvent": "NONE"}
    )
    assert store.level("telemetry.FeedbackEvent-v1-value") == "NONE"
    assert store.level("telemetry.RateAdjustment-v2-value") == "FULL"
    assert store.level("unknown-subject") == "FULL"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        pytest.param("{name}", "maps both telemetry.FeedbackEvent@v1 and", id="collision"),
        pytest.param("{name}-{version}", "is invalid", id="unknown-placeholder"),
    ],
)
def test_a_template_that_cannot_name_every_track_is_a_config_error(
    template: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        store_from_lock(LOCK, template, "BACKWARD", {})
