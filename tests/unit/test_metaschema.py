from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema.exceptions import SchemaError
from jsonschema.validators import Draft202012Validator, validator_for

from registry_contract.metaschema import _meta_validator, find_schema_error

ROOT = Path(__file__).resolve().parents[2]


def reference_error(document: Any) -> SchemaError | None:
    try:
        validator_for(document, default=Draft202012Validator).check_schema(document)
    except SchemaError as e:
        return e
    return None


def every_schema() -> list[Any]:
    schemas: list[Any] = []
    for path in sorted((ROOT / "tests" / "data" / "compat").glob("*.json")):
        for case in json.loads(path.read_text()):
            schemas += [case["old"], case["new"]]
    for path in sorted((ROOT / "schemas-lock").rglob("v*.json")):
        schemas.append(json.loads(path.read_text()))
    return schemas


INVALID = [
    pytest.param({"type": "strang"}, id="unknown-type"),
    pytest.param({"$id": "ht tp://bad uri"}, id="id-not-a-uri-reference"),
    pytest.param({"$ref": "not a uri ref {}"}, id="ref-not-a-uri-reference"),
    pytest.param({"pattern": "\\p{L}"}, id="pattern-python-cannot-compile"),
    pytest.param({"pattern": "["}, id="pattern-unbalanced"),
    pytest.param({"patternProperties": {"[": {}}}, id="pattern-property-key"),
    pytest.param({"properties": {"a": {"propertyNames": {"pattern": "("}}}}, id="nested-pattern"),
    pytest.param(
        {"$schema": "http://json-schema.org/draft-07/schema#", "minLength": -1}, id="draft-7"
    ),
    pytest.param(
        {"$schema": "http://json-schema.org/draft-04/schema#", "required": []},
        id="draft-4-empty-required",
    ),
    pytest.param({"$comment": 1}, id="comment-not-a-string"),
]
VALID = [
    pytest.param({"enum": [{"pattern": "["}]}, id="pattern-inside-data-is-data"),
    pytest.param({"properties": {"pattern": {"type": "string"}}}, id="property-named-pattern"),
    pytest.param({"pattern": "(?<=a)b"}, id="lookbehind"),
    pytest.param(True, id="boolean-schema"),
]


@pytest.mark.parametrize("document", INVALID)
def test_invalid_schemas_get_the_reference_error(document: Any) -> None:
    error = find_schema_error(document)
    expected = reference_error(document)
    assert error is not None and expected is not None
    assert (error.message, list(error.absolute_path)) == (
        expected.message,
        list(expected.absolute_path),
    )


@pytest.mark.parametrize("document", VALID)
def test_valid_schemas_pass(document: Any) -> None:
    assert reference_error(document) is None
    assert find_schema_error(document) is None


def test_agrees_with_the_reference_on_every_corpus_and_locked_schema() -> None:
    schemas = every_schema()
    assert len(schemas) > 600
    disagreements = [
        s for s in schemas if (find_schema_error(s) is None) != (reference_error(s) is None)
    ]
    assert disagreements == []


def test_the_fast_validator_decides_every_valid_schema_itself() -> None:
    """Valid schemas never need python-jsonschema's slow check_schema (the point of it all)."""
    valid = [s for s in every_schema() if reference_error(s) is None]
    slow = [
        s
        for s in valid
        if not _meta_validator(validator_for(s, default=Draft202012Validator)).is_valid(s)
    ]
    assert slow == []
