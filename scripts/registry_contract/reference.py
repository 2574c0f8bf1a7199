"""What the fast path must know of python-jsonschema (the reference), without importing it."""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .reference_formats import Conforms, format_checks

# Every table and function below copies python-jsonschema at this version; tests/unit/
# test_reference.py holds them to it. With any other version installed, the reference is asked.
MIRRORED_VERSION = "4.26.0"
DEFAULT_DRAFT = "Draft202012Validator"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The keywords each draft's validator class runs (`cls.VALIDATORS`).
KEYWORDS_BY_DRAFT: dict[str, frozenset[str]] = {
    "Draft3Validator": _words(
        "$ref additionalItems additionalProperties dependencies disallow divisibleBy enum "
        "extends format items maxItems maxLength maximum minItems minLength minimum pattern "
        "patternProperties properties type uniqueItems"
    ),
    "Draft4Validator": _words(
        "$ref additionalItems additionalProperties allOf anyOf dependencies enum format items "
        "maxItems maxLength maxProperties maximum minItems minLength minProperties minimum "
        "multipleOf not oneOf pattern patternProperties properties required type uniqueItems"
    ),
    "Draft6Validator": _words(
        "$ref additionalItems additionalProperties allOf anyOf const contains dependencies enum "
        "exclusiveMaximum exclusiveMinimum format items maxItems maxLength maxProperties "
        "maximum minItems minLength minProperties minimum multipleOf not oneOf pattern "
        "patternProperties properties propertyNames required type uniqueItems"
    ),
    "Draft7Validator": _words(
        "$ref additionalItems additionalProperties allOf anyOf const contains dependencies enum "
        "exclusiveMaximum exclusiveMinimum format if items maxItems maxLength maxProperties "
        "maximum minItems minLength minProperties minimum multipleOf not oneOf pattern "
        "patternProperties properties propertyNames required type uniqueItems"
    ),
    "Draft201909Validator": _words(
        "$recursiveRef $ref additionalItems additionalProperties allOf anyOf const contains "
        "dependentRequired dependentSchemas enum exclusiveMaximum exclusiveMinimum format if "
        "items maxItems maxLength maxProperties maximum minItems minLength minProperties "
        "minimum multipleOf not oneOf pattern patternProperties properties propertyNames "
        "required type unevaluatedItems unevaluatedProperties uniqueItems"
    ),
    "Draft202012Validator": _words(
        "$dynamicRef $ref additionalProperties allOf anyOf const contains dependentRequired "
        "dependentSchemas enum exclusiveMaximum exclusiveMinimum format if items maxItems "
        "maxLength maxProperties maximum minItems minLength minProperties minimum multipleOf "
        "not oneOf pattern patternProperties prefixItems properties propertyNames required type "
        "unevaluatedItems unevaluatedProperties uniqueItems"
    ),
}
EVERY_KEYWORD = frozenset().union(*KEYWORDS_BY_DRAFT.values())
KeywordCheck = Callable[[Any, Any, Any], "str | None"]


@dataclass(frozen=True)
class Draft:
    """One draft as the reference runs it: its keywords, its format checks (`FormatChecker.
    conforms`) and the keywords it runs with Python semantics (message, or None when valid)."""

    name: str
    keywords: frozenset[str]
    every_keyword: frozenset[str]
    formats: Mapping[str, Conforms]
    keyword_checks: Mapping[str, KeywordCheck]


@functools.cache
def is_mirrored() -> bool:
    """Whether the installed python-jsonschema is the one these tables copy (one stat call)."""
    spec = importlib.util.find_spec("jsonschema")
    if spec is None or spec.origin is None:
        return False
    site = Path(spec.origin).parent.parent
    return (site / f"jsonschema-{MIRRORED_VERSION}.dist-info").is_dir()


@functools.cache
def mirrored_draft(name: str) -> Draft:
    """The reference's draft `name` (a validator class name), from the tables above."""
    checks = {"pattern": pattern_error, "multipleOf": multiple_of_error}
    keywords = KEYWORDS_BY_DRAFT[name]
    return Draft(
        name,
        keywords,
        EVERY_KEYWORD,
        format_checks(name),
        {k: check for k, check in checks.items() if k in keywords},
    )


def draft_of_validator(reference: Any) -> Draft:
    """The same facts read off a python-jsonschema validator (any installed version)."""
    import jsonschema

    cls = type(reference)
    drafts = (getattr(jsonschema, n) for n in dir(jsonschema) if n.startswith("Draft"))
    checker = reference.format_checker  # None when formats are not checked
    names = checker.checkers if checker is not None else ()
    formats = {n: functools.partial(checker.conforms, format=n) for n in names}

    def run(function: Callable[..., Any]) -> KeywordCheck:
        def check(value: Any, instance: Any, parent: Any) -> str | None:
            for error in function(reference, value, instance, parent):
                return str(error.message)
            return None

        return check

    return Draft(
        cls.__name__,
        frozenset(cls.VALIDATORS),
        frozenset(k for d in drafts for k in d.VALIDATORS),
        formats,
        {k: run(f) for k, f in cls.VALIDATORS.items() if k in ("pattern", "multipleOf")},
    )


# -- keywords with Python semantics (jsonschema._keywords) ----------------------------------


def pattern_error(value: Any, instance: Any, parent: Any) -> str | None:
    if isinstance(instance, str) and not re.search(value, instance):
        return f"{instance!r} does not match {value!r}"
    return None


def multiple_of_error(value: Any, instance: Any, parent: Any) -> str | None:
    if not _is_number(instance):
        return None
    if isinstance(value, float):
        quotient = instance / value
        try:
            failed = int(quotient) != quotient
        except OverflowError:
            from fractions import Fraction

            failed = (Fraction(instance) / Fraction(value)).denominator != 1
    else:
        failed = instance % value
    return f"{instance!r} is not a multiple of {value}" if failed else None


def _is_number(instance: Any) -> bool:
    import numbers

    return not isinstance(instance, bool) and isinstance(instance, numbers.Number)
