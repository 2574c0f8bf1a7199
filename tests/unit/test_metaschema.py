from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from registry_contract.validation.metaschema import (
    DRAFT_BY_DIALECT,
    draft_of_dialect,
    find_schema_error,
    is_known_dialect,
    load_metaschema,
)

ROOT = Path(__file__).resolve().parents[2]
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"


def every_schema() -> list[Any]:
    schemas: list[Any] = []
    for path in sorted((ROOT / "tests" / "data" / "compat").glob("*.json")):
        for case in json.loads(path.read_text()):
            schemas += [case["old"], case["new"]]
    for path in sorted((ROOT / "schemas-lock").rglob("v*.json")):
        schemas.append(json.loads(path.read_text()))
    return schemas


INVALID = [
    pytest.param({"type": "strang"}, "type", id="unknown-type"),
    pytest.param({"$id": "ht tp://bad uri"}, "$id", id="id-not-a-uri-reference"),
    pytest.param({"pattern": "["}, "pattern", id="pattern-unbalanced"),
    pytest.param({"patternProperties": {"[": {}}}, "patternProperties", id="pattern-property-key"),
    pytest.param(
        {"properties": {"a": {"propertyNames": {"pattern": "("}}}},
        "properties/a/propertyNames/pattern",
        id="nested-pattern",
    ),
    pytest.param({"minLength": -1}, "minLength", id="draft-7"),
    pytest.param(
        {"$schema": "http://json-schema.org/draft-04/schema#", "required": []},
        "required",
        id="draft-4-empty-required",
    ),
    pytest.param({"$comment": 1}, "$comment", id="comment-not-a-string"),
]
VALID = [
    pytest.param({"enum": [{"pattern": "["}]}, id="pattern-inside-data-is-data"),
    pytest.param({"properties": {"pattern": {"type": "string"}}}, id="property-named-pattern"),
    pytest.param({"pattern": "\\p{L}"}, id="ecma-unicode-property"),
    pytest.param({"pattern": "(?<=a)b"}, id="lookbehind"),
    pytest.param(True, id="boolean-schema"),
]


@pytest.mark.parametrize(("document", "path"), INVALID)
def test_invalid_schemas_name_the_problem_and_where(document: Any, path: str) -> None:
    error = find_schema_error(document)
    assert error is not None and error.message
    assert error.path == path


@pytest.mark.parametrize("document", VALID)
def test_valid_schemas_pass(document: Any) -> None:
    assert find_schema_error(document) is None


def test_every_corpus_and_locked_schema_is_valid_in_its_dialect() -> None:
    schemas = every_schema()
    assert len(schemas) > 600
    assert [s for s in schemas if find_schema_error(s, "2020-12") is not None] == []


def test_the_default_dialect_decides_for_a_schema_without_dollar_schema() -> None:
    draft4_style = {"minimum": 1, "exclusiveMinimum": True}
    assert find_schema_error(draft4_style, "draft4") is None
    assert find_schema_error(draft4_style, "draft7") is not None
    assert find_schema_error(False, "draft4") is not None  # no boolean schemas before draft 6


def test_an_unknown_dialect_is_a_problem() -> None:
    error = find_schema_error({"$schema": "https://example.com/my-draft"})
    assert error is not None and "unknown $schema" in error.message


@pytest.mark.parametrize("dialect", sorted(DRAFT_BY_DIALECT))
def test_draft_of_dialect_names_the_class_of_both_libraries(dialect: str) -> None:
    assert is_known_dialect(dialect) and is_known_dialect(dialect + "#")
    assert hasattr(jsonschema, draft_of_dialect(dialect + "#"))


@pytest.mark.parametrize("name", sorted(set(DRAFT_BY_DIALECT.values())))
def test_the_metaschema_read_from_disk_is_the_references(name: str) -> None:
    assert load_metaschema(name) == getattr(jsonschema, name).META_SCHEMA


def test_a_non_string_dialect_is_not_known() -> None:
    assert not is_known_dialect(7)
    assert draft_of_dialect(None, "Draft7Validator") == "Draft7Validator"
    assert draft_of_dialect(DRAFT2020) == "Draft202012Validator"
