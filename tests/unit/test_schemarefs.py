from __future__ import annotations

from typing import Any

import pytest
from registry_contract.validation.schemarefs import is_bundled, scan_refs

from registry_contract.dialect import dialect_uri

BASE = "https://s.example.com/root.json"


def remote(schema: Any, dialect: str = "2020-12") -> list[str]:
    return [target for _, target in scan_refs(schema, dialect_uri(dialect)).remote]


@pytest.mark.parametrize(
    ("schema", "dialect", "targets"),
    [
        pytest.param({"$id": BASE, "$ref": "#/$defs/a"}, "2020-12", [], id="own-fragment"),
        pytest.param(
            {"$id": BASE, "$ref": "other.json"},
            "2020-12",
            ["https://s.example.com/other.json"],
            id="relative-to-the-id",
        ),
        pytest.param(
            {"enum": [{"$ref": "https://elsewhere.example.com/x.json"}]},
            "2020-12",
            [],
            id="a-ref-inside-enum-is-data",
        ),
        pytest.param(
            {"properties": {"$ref": {"type": "string"}}},
            "2020-12",
            [],
            id="a-property-named-ref",
        ),
        pytest.param(
            {"$id": BASE, "x-unknown": {"$id": "https://elsewhere.example.com/", "$ref": "a"}},
            "2020-12",
            [],
            id="unknown-keywords-are-not-walked",
        ),
        pytest.param(
            {"$id": BASE, "$defs": {"a": {"$id": "a.json"}}, "$ref": "a.json"},
            "2020-12",
            [],
            id="embedded-resource",
        ),
        pytest.param(
            {"id": BASE, "definitions": {"a": {"id": "a.json"}}, "$ref": "a.json"},
            "draft4",
            [],
            id="draft4-embedded-id",
        ),
        pytest.param(
            {"$id": BASE, "allOf": [{"$id": "https://other.example.com/", "$ref": "a.json"}]},
            "draft7",
            ["https://s.example.com/a.json"],
            id="draft7-id-beside-ref-is-ignored",
        ),
        pytest.param(
            {"$id": BASE, "allOf": [{"$id": "https://other.example.com/", "$ref": "a.json"}]},
            "2020-12",
            ["https://other.example.com/a.json"],
            id="2020-12-id-beside-ref-applies",
        ),
        pytest.param(
            {"$schema": "https://s.example.com/meta.json"},
            "2020-12",
            ["https://s.example.com/meta.json"],
            id="custom-metaschema",
        ),
    ],
)
def test_remote_targets_follow_each_drafts_rules(
    schema: Any, dialect: str, targets: list[str]
) -> None:
    assert remote(schema, dialect) == targets


def test_regexes_are_noticed_in_subschemas_only() -> None:
    assert scan_refs({"properties": {"a": {"pattern": "^a"}}}, dialect_uri("draft7")).regexes
    assert not scan_refs({"enum": [{"pattern": "^a"}]}, dialect_uri("draft7")).regexes


@pytest.mark.parametrize(
    ("uri", "bundled"),
    [
        ("http://json-schema.org/draft-07/schema", True),
        ("https://json-schema.org/draft/2020-12/meta/validation", True),
        ("https://json-schema.org/draft/2021-01/schema", False),
        ("https://schemas.example.com/draft-07/schema", False),
    ],
)
def test_official_metaschemas_are_bundled(uri: str, bundled: bool) -> None:
    assert is_bundled(uri) is bundled


def test_a_deeply_nested_schema_is_walked_without_recursion() -> None:
    schema: dict[str, Any] = {"$ref": "https://s.example.com/leaf.json"}
    for _ in range(20_000):
        schema = {"items": schema}
    assert remote(schema) == ["https://s.example.com/leaf.json"]
