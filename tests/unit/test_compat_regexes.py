"""The engine's regexes: matched as ECMA-262, read by Python only for shape, never trusted alone."""

from __future__ import annotations

from typing import Any

import pytest

from registry_contract.compat.documents import Document
from registry_contract.compat.regexes import is_universal, search
from registry_contract.compat.samples import pattern_max_length, pattern_min_length, sample_pattern

SLOW = "a" * 35 + "!"


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        pytest.param("^abc$", "abc\n", False, id="dollar-ends-the-string"),
        pytest.param("^\\d$", "\u0663", False, id="digit-is-ascii"),
        pytest.param("^\\p{L}$", "é", True, id="unicode-property-class"),
        pytest.param("^\\cJ$", "\n", True, id="control-escape"),
        pytest.param("^(a+)+$", SLOW, False, id="catastrophic-for-python"),
        pytest.param("^a{,3}$", "aa", None, id="not-ecma-262"),
    ],
)
def test_search_follows_ecma_262_and_says_when_it_cannot_tell(
    pattern: str, text: str, expected: bool | None
) -> None:
    assert search(pattern, text) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param("a*", True, id="unanchored-star"),
        pytest.param("^.*", True, id="anchored-start-only"),
        pytest.param("^a*$", False, id="anchored-both-ends"),
        pytest.param("\\p{L}*", False, id="python-cannot-read-it"),
        pytest.param("a{,3}", False, id="not-ecma-262"),
    ],
)
def test_a_pattern_is_universal_only_when_ecma_262_matches_every_probe(
    pattern: str, expected: bool
) -> None:
    assert is_universal(pattern) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param("a\\bb", id="python-sample-that-ecma-rejects"),
        pytest.param("^\\p{L}+$", id="python-cannot-read-it"),
        pytest.param("^a{,3}$", id="not-ecma-262"),
        pytest.param("^a{1000000000}$", id="sample-too-long-to-build"),
    ],
)
def test_no_sample_is_returned_that_ecma_262_does_not_confirm(pattern: str) -> None:
    assert sample_pattern(pattern) is None


def test_lengths_are_read_only_from_patterns_ecma_262_also_reads() -> None:
    # Python's `$` allows a final newline: one character of slack keeps the bound safe.
    assert (pattern_min_length("^abc$"), pattern_max_length("^abc$")) == (3, 4)
    assert (pattern_min_length("^a{,3}$"), pattern_max_length("^a{,3}$")) == (0, None)
    assert (pattern_min_length("^\\p{L}{2}$"), pattern_max_length("^\\p{L}{2}$")) == (0, None)


@pytest.mark.parametrize(
    ("schema", "payload", "expected"),
    [
        pytest.param({"pattern": "^(a+)+$"}, SLOW, False, id="catastrophic-pattern"),
        pytest.param({"patternProperties": {"^(a|aa)+$": False}}, {"a" * 40: 1}, False, id="names"),
        pytest.param({"propertyNames": {"pattern": "(x+x+)+y"}}, {"x" * 30: 1}, False, id="keys"),
        pytest.param({"pattern": "^abc$"}, "abc\n", False, id="dollar-ends-the-string"),
        pytest.param(
            {"properties": {"r": {"$ref": "https://example.com/r"}}},
            {"r": 1},
            None,
            id="remote-ref-reached",
        ),
        pytest.param(
            {"properties": {"r": {"$ref": "https://example.com/r"}}},
            {"s": 1},
            True,
            id="remote-ref-not-reached",
        ),
    ],
)
def test_witness_validation_is_ecma_262_and_cannot_tell_is_none(
    schema: dict[str, Any], payload: Any, expected: bool | None
) -> None:
    assert Document(schema, "OLD").validity(payload) is expected


def test_a_draft_7_anchor_the_engine_resolves_is_followed_by_the_validator() -> None:
    schema = {
        "$defs": {"s": {"$anchor": "str", "type": "string"}},
        "properties": {"a": {"$ref": "#str"}},
    }
    doc = Document(schema, "OLD", "draft7")
    reasons = doc.rejections({"a": 1})
    assert reasons is not None
    assert [(r.keyword, r.location, r.via) for r in reasons] == [
        ("type", "/$defs/s/type", ("/properties/a",))
    ]
