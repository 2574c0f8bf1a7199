"""Generated schema pairs of every draft: the engine never raises, and every break it reports
carries a witness that python-jsonschema confirms and that NEW rejects at that change."""

from __future__ import annotations

from typing import Any

from compat_helpers import assert_proven
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry_contract.compat import check_compatibility

DRAFT_URIS = {
    4: "http://json-schema.org/draft-04/schema#",
    6: "http://json-schema.org/draft-06/schema#",
    7: "http://json-schema.org/draft-07/schema#",
    2019: "https://json-schema.org/draft/2019-09/schema",
    2020: "https://json-schema.org/draft/2020-12/schema",
}
NAMES = st.sampled_from(["a", "b", "c"])
TYPES = st.sampled_from(["null", "boolean", "integer", "number", "string", "array", "object"])
SMALL = st.integers(min_value=0, max_value=4)
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from(["", "a", "b"]))


def _keywords(draft: int) -> st.SearchStrategy[dict[str, Any]]:
    keywords: dict[str, st.SearchStrategy[Any]] = {
        "type": st.one_of(TYPES, st.lists(TYPES, min_size=1, max_size=3, unique=True)),
        "minimum": st.integers(-3, 3),
        "maximum": st.integers(-3, 3),
        "multipleOf": st.sampled_from([1, 2, 0.5]),
        "minLength": SMALL,
        "maxLength": SMALL,
        "pattern": st.sampled_from(["^a", "a*", "^[ab]+$", "b$"]),
        "format": st.sampled_from(["date", "email", "uuid"]),
        "enum": st.lists(VALUES, min_size=1, max_size=4),
        "minItems": SMALL,
        "maxItems": SMALL,
        "uniqueItems": st.booleans(),
        "required": st.lists(NAMES, max_size=2, unique=True),
        "minProperties": SMALL,
        "maxProperties": SMALL,
    }
    if draft >= 6:
        keywords["const"] = VALUES
        keywords["exclusiveMinimum"] = st.integers(-3, 3)
    return st.fixed_dictionaries({}, optional=keywords)


def _leaf(draft: int) -> st.SearchStrategy[Any]:
    """A schema without subschemas; boolean schemas exist from draft 6 on."""
    return _keywords(draft) if draft == 4 else st.one_of(st.booleans(), _keywords(draft))


def _extend(draft: int, inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    props = st.dictionaries(NAMES, inner, max_size=2)
    keywords: dict[str, st.SearchStrategy[Any]] = {
        "properties": props,
        "additionalProperties": inner,
        "allOf": st.lists(inner, min_size=1, max_size=2),
        "anyOf": st.lists(inner, min_size=1, max_size=2),
        "oneOf": st.lists(inner, min_size=1, max_size=2),
        "not": inner,
        "type": TYPES,
        "required": st.lists(NAMES, max_size=2, unique=True),
    }
    if draft <= 2019:  # tuple `items`, with or without additionalItems
        keywords["items"] = st.one_of(inner, st.lists(inner, min_size=1, max_size=2))
        keywords["additionalItems"] = inner
    else:
        keywords["items"] = inner
        keywords["prefixItems"] = st.lists(inner, min_size=1, max_size=2)
    if draft <= 7:
        deps = st.one_of(st.lists(NAMES, max_size=2, unique=True), inner)
        keywords["dependencies"] = st.dictionaries(NAMES, deps, max_size=2)
    else:
        keywords["dependentRequired"] = st.dictionaries(
            NAMES, st.lists(NAMES, max_size=2, unique=True), max_size=2
        )
        keywords["dependentSchemas"] = st.dictionaries(NAMES, inner, max_size=1)
        keywords["unevaluatedProperties"] = inner
    if draft >= 6:
        keywords["contains"] = inner
        keywords["propertyNames"] = inner
    if draft >= 7:
        keywords["if"] = inner
        keywords["then"] = inner
        keywords["else"] = inner
    return st.fixed_dictionaries({}, optional=keywords)


def _schemas(draft: int) -> st.SearchStrategy[Any]:
    return st.recursive(_leaf(draft), lambda inner: _extend(draft, inner), max_leaves=6)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Any, Any, int, bool]:
    """(old, new, draft, declared): `declared` puts `$schema` on dict roots; without it
    the schemas are read as draft-07, the default dialect, and generated as such."""
    declared = draw(st.booleans())
    draft = draw(st.sampled_from(sorted(DRAFT_URIS))) if declared else 7
    old = draw(_schemas(draft))
    if isinstance(old, dict) and old and draw(st.booleans()):
        new = dict(old)  # a small edit: one keyword dropped, or some added or replaced
        if draw(st.booleans()):
            del new[draw(st.sampled_from(sorted(new)))]
        else:
            new.update(draw(_keywords(draft)))
    else:
        new = draw(_schemas(draft))
    if declared:
        old, new = (
            {"$schema": DRAFT_URIS[draft], **s} if isinstance(s, dict) else s for s in (old, new)
        )
    return old, new, draft, declared


@settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(pairs())
def test_generated_pairs_get_a_verdict_and_every_break_is_proven(
    pair: tuple[Any, Any, int, bool],
) -> None:
    old, new, _, _ = pair
    result = check_compatibility(old, new, "FULL")
    assert result.compatible == (not any(c.breaking for c in result.changes))
    for change in result.changes:
        assert_proven(change, old, new, {})
