from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema.exceptions import SchemaError
from jsonschema.validators import Draft202012Validator, validator_for
from referencing.jsonschema import specification_with

from registry_contract.metaschema import (
    DRAFT_BY_DIALECT,
    _meta_validator,
    draft_of,
    find_schema_error,
    is_known_dialect,
    load_metaschema,
)

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
        if not _meta_validator(validator_for(s, default=Draft202012Validator).__name__).is_valid(s)
    ]
    assert slow == []


# -- the dialect tables agree with python-jsonschema and referencing, which they copy ----------

DIALECTS = [
    *DRAFT_BY_DIALECT,
    *(d + "#" for d in DRAFT_BY_DIALECT),
    *(d + "##" for d in DRAFT_BY_DIALECT),
    *(d + "/" for d in DRAFT_BY_DIALECT),
    *(d.upper() for d in DRAFT_BY_DIALECT),
    *(d.replace("http://", "https://") for d in DRAFT_BY_DIALECT),
    *(" " + d for d in DRAFT_BY_DIALECT),
    *(d + "\t" for d in DRAFT_BY_DIALECT),
    "http://json-schema.org/draft-07/schema#/",
    "http://json-schema.org/draft-07/schema?x#",
    "http://json-schema.org/schema#",
    "https://json-schema.org/draft/next/schema",
    "https://example.com/my-draft",
    "",
    "#",
]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_draft_of_picks_the_class_validator_for_picks(dialect: str) -> None:
    document = {"$schema": dialect, "type": "string"}
    assert draft_of(document) == validator_for(document, default=Draft202012Validator).__name__


@pytest.mark.parametrize("dialect", DIALECTS)
def test_is_known_dialect_agrees_with_referencing(dialect: str) -> None:
    assert is_known_dialect(dialect) is (specification_with(dialect, default=None) is not None)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(True, id="true"),
        pytest.param(False, id="false"),
        pytest.param({}, id="empty"),
        pytest.param({"$id": "https://example.com/s"}, id="no-schema"),
    ],
)
def test_draft_of_defaults_to_2020_12_like_validator_for(document: Any) -> None:
    assert draft_of(document) == "Draft202012Validator"


@pytest.mark.parametrize(
    "document",
    [
        pytest.param([], id="array"),
        pytest.param({"$schema": None}, id="schema-null"),
        pytest.param({"$schema": 7}, id="schema-number"),
    ],
)
def test_draft_of_leaves_documents_it_cannot_read_to_the_reference(document: Any) -> None:
    assert draft_of(document) is None


def test_a_malformed_dialect_uri_raises_as_the_reference_does() -> None:
    document = {"$schema": "http://[::1"}
    with pytest.raises(ValueError) as ours:
        draft_of(document)
    with pytest.raises(ValueError) as theirs:
        validator_for(document, default=Draft202012Validator)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("name", sorted(set(DRAFT_BY_DIALECT.values())))
def test_the_metaschema_read_from_disk_is_the_references(name: str) -> None:
    assert load_metaschema(name) == getattr(jsonschema, name).META_SCHEMA


def test_a_non_string_dialect_reaches_referencing_which_raises() -> None:
    with pytest.raises(AttributeError):
        is_known_dialect(7)  # type: ignore[arg-type]
