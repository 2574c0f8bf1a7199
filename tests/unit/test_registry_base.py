from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from registry_contract.errors import RegistryError
from registry_contract.lock.reader import load_lock, render_lock
from registry_contract.lock.writer import write_lock
from registry_contract.registry.base import (
    FetchStats,
    check_schema_document,
    known_from_lock,
    parse_version,
)

URL = "https://r.example/schemas/a.Event/tracks/v1"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param([], "is a JSON list, not an object", id="array"),
        pytest.param(7, "is a JSON int, not an object or a boolean", id="number"),
        pytest.param({"$schema": "https://x.example/s"}, "unknown $schema", id="dialect"),
        pytest.param({"type": 12}, "not a valid JSON Schema", id="bad-type"),
        pytest.param({"properties": {"a": {"minimum": "1"}}}, "at properties/a/minimum", id="deep"),
    ],
)
def test_check_schema_document_refuses(document: Any, message: str) -> None:
    with pytest.raises(RegistryError, match=r"the schema of a\.Event@v1") as error:
        check_schema_document(document, URL, "a.Event", "v1")
    assert str(error.value).startswith(URL)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"type": "object"}, id="no-dialect"),
        pytest.param({"$schema": "http://json-schema.org/draft-07/schema#"}, id="draft-07"),
        pytest.param({"$schema": "https://json-schema.org/draft/2020-12/schema"}, id="2020-12"),
        pytest.param(True, id="boolean-true"),
        pytest.param(False, id="boolean-false"),
        pytest.param({"pattern": "^\\p{L}+$"}, id="ecma-262-pattern"),
    ],
)
def test_check_schema_document_accepts(document: Any) -> None:
    assert check_schema_document(document, URL, "a.Event", "v1") is document


def test_check_schema_document_reads_a_schema_without_dialect_in_the_default_dialect() -> None:
    draft4 = {"minimum": 1, "exclusiveMinimum": True}
    assert check_schema_document(draft4, URL, "a.Event", "v1", "draft4") is draft4
    with pytest.raises(RegistryError, match=r"not a valid JSON Schema.*at exclusiveMinimum"):
        check_schema_document(draft4, URL, "a.Event", "v1")
    with pytest.raises(RegistryError, match="not a valid JSON Schema"):
        check_schema_document(True, URL, "a.Event", "v1", "draft4")


@pytest.mark.parametrize("value", [0, -1, "1", 1.0, True, None])
def test_parse_version_wants_a_positive_integer(value: Any) -> None:
    with pytest.raises(RegistryError, match="expected a positive integer"):
        parse_version(value, URL, "a.Event", "v1")


def test_fetch_stats_percentiles_and_cache_hits() -> None:
    stats = FetchStats()
    assert stats.to_dict() == {"requests": 0, "p50_ms": 0.0, "p95_ms": 0.0, "cache_hit_ratio": 0.0}
    for ms in range(1, 21):
        stats.record(ms / 1000, not_modified=ms % 4 == 0)
    assert stats.to_dict() == {
        "requests": 20,
        "p50_ms": 10.0,
        "p95_ms": 19.0,
        "cache_hit_ratio": 0.25,
    }


def test_known_documents_come_only_from_files_matching_the_lock(tmp_path: Path) -> None:
    lock_dir = tmp_path / "schemas-lock"
    schema = {"type": "object"}
    write_lock(lock_dir, render_lock({}, {"a.Event": {"v1": (4, schema), "v2": (1, schema)}}))
    lock = load_lock(lock_dir)
    (lock_dir / "a.Event" / "v2.json").write_text('{"type": "string"}\n')
    known = known_from_lock(lock)
    found = known("a.Event", "v1")
    assert found is not None and (found.version, found.schema) == (4, schema)
    assert known("a.Event", "v2") is None
    assert known("a.Event", "v3") is None
    assert known_from_lock(None)("a.Event", "v1") is None
