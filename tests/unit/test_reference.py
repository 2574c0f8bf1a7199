"""reference.py copies python-jsonschema's keywords, format checks and Python-semantics keywords;
each copy gives the reference's own verdict (and message) on the same input."""

from __future__ import annotations

import importlib.metadata
import warnings
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import _keywords
from test_differential import PROFILE, TRICKY
from test_differential_features import NEAR_FORMATS, mutated

from registry_contract import reference_formats
from registry_contract.reference import (
    EVERY_KEYWORD,
    KEYWORDS_BY_DRAFT,
    MIRRORED_VERSION,
    draft_of_validator,
    is_mirrored,
    mirrored_draft,
    multiple_of_error,
    pattern_error,
)

DRAFTS = sorted(KEYWORDS_BY_DRAFT)
STRINGS = [
    *TRICKY,
    "not a uri",
    "https://example.com/a b",
    "//example.com",
    "#/$defs/a",
    "urn:uuid:3f1c1a52-8a4b-4d55-9d0e-6b1f2f0c9a11",
    "{3f1c1a52-8a4b-4d55-9d0e-6b1f2f0c9a11}",
    "3F1C1A528A4B4D559D0E6B1F2F0C9A11",
    "[",
    "(?<=a)b",
    "\\p{L}",
    "a{2,1}",
    "a{4294967296}",
    "fe80::1%eth0",
    "1.2.3.04",
    "256.1.1.1",
    "2024-02-29",
    "2023-02-29",
    "2026-1-02",
    "\u0662026-11-02",
    "23:59:60",
    "23:59:59",
    "09:15:00+01:00",
    "09:15:00.5z",
    "2026-11-02T09:15:00",
    "example.com",
    "-bad-.example",
    "/a/0",
    "0/a",
    "http://example.com/{x}",
    "#ff0000",
    "red",
]
NON_STRINGS = [None, 1, 1.5, True, [], {}]


def verdict(check: Any, *args: Any) -> Any:
    """True or False, or the type of exception raised, which propagates in both alike."""
    try:
        return bool(check(*args))
    except Exception as e:
        return type(e)


def reference_class(name: str) -> Any:
    return getattr(jsonschema, name)


def test_the_installed_python_jsonschema_is_the_mirrored_one() -> None:
    """When this fails, python-jsonschema was upgraded: check reference.py against its source,
    then bump MIRRORED_VERSION. Until then every run asks the reference (slower, still right)."""
    assert importlib.metadata.version("jsonschema") == MIRRORED_VERSION
    assert is_mirrored()


@pytest.mark.parametrize("name", DRAFTS)
def test_each_draft_knows_the_references_keywords(name: str) -> None:
    assert KEYWORDS_BY_DRAFT[name] == set(reference_class(name).VALIDATORS)


def test_every_keyword_is_every_draft_class_of_the_reference() -> None:
    drafts = [getattr(jsonschema, n) for n in dir(jsonschema) if n.startswith("Draft")]
    assert {cls.__name__ for cls in drafts} == set(DRAFTS)
    assert {k for cls in drafts for k in cls.VALIDATORS} == EVERY_KEYWORD


@pytest.mark.parametrize("name", DRAFTS)
def test_each_draft_checks_the_references_formats(name: str) -> None:
    assert set(mirrored_draft(name).formats) == set(reference_class(name).FORMAT_CHECKER.checkers)


@pytest.mark.parametrize("name", DRAFTS)
def test_facts_read_off_a_reference_validator_are_the_mirrored_ones(name: str) -> None:
    cls = reference_class(name)
    read = draft_of_validator(cls({}, format_checker=cls.FORMAT_CHECKER))
    mirrored = mirrored_draft(name)
    assert (read.name, read.keywords, read.every_keyword) == (
        mirrored.name,
        mirrored.keywords,
        mirrored.every_keyword,
    )
    assert set(read.formats) == set(mirrored.formats)
    assert set(read.keyword_checks) == set(mirrored.keyword_checks)


FORMAT_CASES = [
    pytest.param(name, fmt, id=f"{name}-{fmt}")
    for name in DRAFTS
    for fmt in sorted(reference_class(name).FORMAT_CHECKER.checkers)
]


@pytest.mark.parametrize(("name", "fmt"), FORMAT_CASES)
def test_each_format_check_gives_the_references_verdict(name: str, fmt: str) -> None:
    checker = reference_class(name).FORMAT_CHECKER
    ours = mirrored_draft(name).formats[fmt]
    for value in [*STRINGS, *NON_STRINGS]:
        assert verdict(ours, value) == verdict(checker.conforms, value, fmt), value


@pytest.mark.parametrize("fmt", sorted(NEAR_FORMATS))
def test_native_format_copies_agree_on_near_misses(fmt: str) -> None:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    ours = mirrored_draft("Draft202012Validator").formats[fmt]

    @settings(PROFILE, max_examples=300)
    @given(mutated(NEAR_FORMATS[fmt]))
    def agree(text: str) -> None:
        assert verdict(ours, text) == verdict(checker.conforms, text, fmt)

    agree()


@pytest.mark.parametrize("fmt", ["uri", "uri-reference", "regex", "date", "time", "ipv4", "ipv6"])
def test_copied_format_checks_agree_on_arbitrary_text(fmt: str) -> None:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    ours = mirrored_draft("Draft202012Validator").formats[fmt]
    alphabet = st.sampled_from([*"az09:/?#[]@!$&'()*+,;=%-._~{}\\^| \n", "\u00e4", "\u0663"])

    @settings(PROFILE, max_examples=300)
    @given(st.text(alphabet, max_size=12) | st.sampled_from(STRINGS))
    def agree(text: str) -> None:
        with warnings.catch_warnings():  # re warns of nested sets, alike for both
            warnings.simplefilter("ignore", FutureWarning)
            assert verdict(ours, text) == verdict(checker.conforms, text, fmt)

    agree()


def outcome(check: Any, value: Any, instance: Any) -> Any:
    """The message (None when valid), or the type of exception raised, as both may raise."""
    try:
        return check(value, instance, {})
    except Exception as e:
        return type(e)


def reference_check(function: Any) -> Any:
    cls = jsonschema.Draft202012Validator

    def check(value: Any, instance: Any, parent: Any) -> str | None:
        for error in function(cls({}), value, instance, parent):
            return str(error.message)
        return None

    return check


@settings(PROFILE, max_examples=300)
@given(
    st.sampled_from(["^a", "a$", r"\d", r"^\s*$", "[a-z]+", "(?i)A", "^$", "é"]),
    st.text(max_size=4) | st.sampled_from(TRICKY) | st.sampled_from(NON_STRINGS),
)
def test_pattern_gives_the_references_message(pattern: str, instance: Any) -> None:
    expected = outcome(reference_check(_keywords.pattern), pattern, instance)
    assert outcome(pattern_error, pattern, instance) == expected


NUMBERS = (
    st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.07, 1e308, -1e308, 10**400, 0.1 + 0.2, True, "1", None])
)


@settings(PROFILE, max_examples=500)
@given(st.sampled_from([0.01, 0.1, 3, 2.5, 1e-308, 7, 0.5, 1e300]), NUMBERS)
def test_multiple_of_gives_the_references_message(value: Any, instance: Any) -> None:
    expected = outcome(reference_check(_keywords.multipleOf), value, instance)
    assert outcome(multiple_of_error, value, instance) == expected


def test_format_checks_follow_the_installed_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = {"rfc3339_validator", "fqdn"}
    monkeypatch.setattr(reference_formats, "_installed", lambda module: module not in missing)
    formats = reference_formats.format_checks("Draft202012Validator")
    assert {"date-time", "time", "hostname"}.isdisjoint(formats)
    assert {"date", "uuid", "idn-hostname"} <= set(formats)


def test_with_gpl_rfc3987_installed_uris_are_left_to_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reference_formats, "_installed", lambda module: True)
    formats = reference_formats.format_checks("Draft202012Validator")
    for fmt in ("uri", "uri-reference", "iri"):
        assert formats[fmt].func is reference_formats.reference_conforms  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("pattern", "rule"),
    [
        pytest.param(reference_formats.PLAIN_URI, "URI", id="uri"),
        pytest.param(reference_formats.PLAIN_URI, "URI_reference", id="uri-reference"),
        pytest.param(reference_formats.PLAIN_FRAGMENT, "URI_reference", id="fragment"),
    ],
)
def test_every_plain_uri_is_one_rfc3986_validator_accepts(pattern: Any, rule: str) -> None:
    from rfc3986_validator import validate_rfc3986

    @settings(PROFILE, max_examples=500)
    @given(st.from_regex(pattern, fullmatch=True))
    def accepted(text: str) -> None:
        assert validate_rfc3986(text, rule=rule), text

    accepted()
