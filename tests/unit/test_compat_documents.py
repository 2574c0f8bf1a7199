"""Documents: drafts from $schema, $ref resolution, views of keywords across drafts."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from registry_contract.compat.documents import Document, detect_draft, nullable_as_type
from registry_contract.compat.model import CompatError
from registry_contract.compat.views import read_view


@pytest.mark.parametrize(
    ("uri", "draft"),
    [
        pytest.param(None, 7, id="default-is-draft-07"),
        pytest.param("http://json-schema.org/draft-04/schema#", 4, id="draft-04"),
        pytest.param("https://json-schema.org/draft-06/schema", 6, id="draft-06-https"),
        pytest.param("http://json-schema.org/draft-07/schema", 7, id="draft-07-no-hash"),
        pytest.param("https://json-schema.org/draft/2019-09/schema", 2019, id="2019-09"),
        pytest.param("https://json-schema.org/draft/2020-12/schema#", 2020, id="2020-12"),
    ],
)
def test_draft_comes_from_schema_keyword(uri: str | None, draft: int) -> None:
    schema = {} if uri is None else {"$schema": uri}
    assert detect_draft(schema, "OLD") == draft


def test_default_dialect_applies_only_without_schema_keyword() -> None:
    assert detect_draft({}, "OLD", "2019-09") == 2019
    assert (
        detect_draft({"$schema": "http://json-schema.org/draft-04/schema#"}, "OLD", "2019-09") == 4
    )
    assert Document(True, "OLD", "draft6").dialect_name == "draft6"


def test_refs_resolve_by_pointer_anchor_and_embedded_id() -> None:
    doc = Document(
        {
            "$id": "https://example.com/root.json",
            "$defs": {"a": {"$anchor": "here"}, "b": {"$id": "b.json", "$defs": {"c": {}}}},
        },
        "OLD",
    )
    assert doc.resolve("#/$defs/a", "") == "/$defs/a"
    assert doc.resolve("#here", "") == "/$defs/a"
    assert doc.resolve("b.json", "") == "/$defs/b"
    assert doc.resolve("#/$defs/c", "/$defs/b") == "/$defs/b/$defs/c"
    assert doc.resolve("https://elsewhere.example/x.json", "") is None


def test_unknown_anchor_is_an_error_naming_the_ref() -> None:
    with pytest.raises(CompatError, match="'#nowhere' at / names an unknown anchor"):
        Document({"$ref": "#nowhere"}, "NEW")


def test_nullable_is_rewritten_for_the_validator_only_where_it_is_a_keyword() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"nullable": {"type": "string", "nullable": True}},
    }
    rewritten = nullable_as_type(schema)
    assert rewritten["properties"]["nullable"]["type"] == ["string", "null"]
    assert schema["properties"]["nullable"]["type"] == "string"
    assert Document(schema, "OLD").is_valid({"nullable": None})


@pytest.mark.parametrize(
    ("schema", "attr", "expected"),
    [
        pytest.param(
            {
                "$schema": "http://json-schema.org/draft-04/schema#",
                "maximum": 5,
                "exclusiveMaximum": True,
            },
            "upper",
            (Fraction(5), True),
            id="draft4-exclusive",
        ),
        pytest.param(
            {"maximum": 5, "exclusiveMaximum": 7}, "upper", (Fraction(5), False), id="tighter-bound"
        ),
        pytest.param({"minimum": 0.1}, "lower", (Fraction(1, 10), False), id="decimal-exact"),
    ],
)
def test_numeric_bounds_are_read_exactly_per_draft(schema: Any, attr: str, expected: Any) -> None:
    bound = getattr(read_view(Document(schema, "OLD"), ""), attr)
    assert (bound.value, bound.exclusive) == expected


def test_array_keywords_are_read_as_2020_12() -> None:
    draft7 = read_view(
        Document(
            {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "items": [{}, {}],
                "additionalItems": False,
            },
            "OLD",
        ),
        "",
    )
    assert draft7.prefix == ("/items/0", "/items/1")
    assert draft7.items == "/additionalItems"
    now = read_view(Document({"prefixItems": [{}], "items": False}, "OLD", "2020-12"), "")
    assert (now.prefix, now.items) == (("/prefixItems/0",), "/items")


def test_draft7_ref_hides_its_siblings() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": {"s": {}},
        "$ref": "#/definitions/s",
        "maxLength": 1,
    }
    view = read_view(Document(schema, "OLD"), "")
    assert view.ref == "#/definitions/s"
    assert view.max_length is None


def test_dependencies_split_into_required_and_schemas_before_2019() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "dependencies": {"a": ["b"], "c": {"required": ["d"]}},
    }
    view = read_view(Document(schema, "OLD"), "")
    assert view.dependent_required == {"a": ("b",)}
    assert view.dependent_schemas == {"c": "/dependencies/c"}
