"""What the fast path must know of python-jsonschema (the reference), without importing it."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
_DRAFTS = tuple(KEYWORDS_BY_DRAFT)
_SINCE_DRAFT6, _SINCE_DRAFT7, _SINCE_DRAFT2019 = _DRAFTS[2:], _DRAFTS[3:], _DRAFTS[4:]
_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# URIs as schemas write them (scheme://host/path#fragment, or #fragment, nothing %-encoded):
# RFC 3986, and so rfc3986_validator, accepts every such string, so that library (whose import
# compiles regexes for some 7 ms) is only asked about other strings.
_FRAGMENT = r"#[a-zA-Z0-9_.~!$&'()*+,;=:@/?-]*"
_PLAIN_URI = re.compile(
    rf"[a-zA-Z][a-zA-Z0-9+.-]*://[a-zA-Z0-9_.~-]*(?:/[a-zA-Z0-9_.~!$&'()*+,;=:@-]*)*(?:{_FRAGMENT})?"
)
_PLAIN_FRAGMENT = re.compile(_FRAGMENT)

Conforms = Callable[[Any], bool]
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
        _format_checks(name),
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


# -- formats (jsonschema._format) -----------------------------------------------------------


def _format_checks(draft: str) -> dict[str, Conforms]:
    """Each format the reference's draft checks: copied where the check is cheap, else the
    reference's own check, imported on first use. A format counts as checked when its library
    can be found; if it then fails to import, the reference alone decides (an exception in a
    check always sends the payload to the reference)."""
    rfc3987 = _installed("rfc3987")
    mirrored: list[tuple[Conforms, str, tuple[str, ...], str | None]] = [
        (_email, "email", _DRAFTS, None),
        (_email, "idn-email", _DRAFTS, None),
        (_ipv4, "ip-address", _DRAFTS[:1], None),
        (_ipv4, "ipv4", _DRAFTS[1:], None),
        (_ipv6, "ipv6", _DRAFTS, None),
        (_regex, "regex", _DRAFTS, None),
        (_date, "date", (_DRAFTS[0], *_SINCE_DRAFT7), None),
        (_draft3_time, "time", _DRAFTS[:1], None),
        (_date_time, "date-time", _DRAFTS, "rfc3339_validator"),
        (_time, "time", _SINCE_DRAFT7, "rfc3339_validator"),
        (_uuid, "uuid", _SINCE_DRAFT2019, None),
    ]
    if not rfc3987:
        mirrored += [
            (_uri, "uri", _DRAFTS, "rfc3986_validator"),
            (_uri_reference, "uri-reference", _SINCE_DRAFT6, "rfc3986_validator"),
        ]
    iri = "rfc3987" if rfc3987 else "rfc3987_syntax"
    delegated: list[tuple[str, tuple[str, ...], str]] = [
        ("host-name", _DRAFTS[:1], "fqdn"),
        ("hostname", _DRAFTS[1:], "fqdn"),
        ("idn-hostname", _SINCE_DRAFT7, "idna"),
        ("iri", _SINCE_DRAFT7, iri),
        ("iri-reference", _SINCE_DRAFT7, iri),
        ("color", _DRAFTS[:1], "webcolors"),
        ("json-pointer", _SINCE_DRAFT6, "jsonpointer"),
        ("relative-json-pointer", _SINCE_DRAFT7, "jsonpointer"),
        ("uri-template", _SINCE_DRAFT6, "uri_template"),
        ("duration", _SINCE_DRAFT2019, "isoduration"),
    ]
    if rfc3987:
        delegated += [("uri", _DRAFTS, "rfc3987"), ("uri-reference", _SINCE_DRAFT6, "rfc3987")]
    checks: dict[str, Conforms] = {}
    for check, name, drafts, needs in mirrored:
        if draft in drafts and (needs is None or _installed(needs)):
            checks[name] = check
    for name, drafts, needs in delegated:
        if draft in drafts and _installed(needs):
            checks[name] = functools.partial(_reference_conforms, draft, name)
    return checks


def _installed(module: str) -> bool:
    # The stand-in of startup.defer_rfc3987_syntax has no __spec__, so look in sys.modules first.
    return module in sys.modules or importlib.util.find_spec(module) is not None


def _reference_conforms(draft: str, name: str, instance: Any) -> bool:
    import jsonschema

    return bool(getattr(jsonschema, draft).FORMAT_CHECKER.conforms(instance, name))


def _email(instance: Any) -> bool:
    return not isinstance(instance, str) or "@" in instance


def _ipv4(instance: Any) -> bool:
    import ipaddress

    if not isinstance(instance, str):
        return True
    try:
        return bool(ipaddress.IPv4Address(instance))
    except ipaddress.AddressValueError:
        return False


def _ipv6(instance: Any) -> bool:
    import ipaddress

    if not isinstance(instance, str):
        return True
    try:
        return not getattr(ipaddress.IPv6Address(instance), "scope_id", "")
    except ipaddress.AddressValueError:
        return False


def _regex(instance: Any) -> bool:
    if not isinstance(instance, str):
        return True
    try:
        return bool(re.compile(instance))
    except re.error:
        return False


def _date(instance: Any) -> bool:
    from datetime import date

    if not isinstance(instance, str):
        return True
    try:
        return bool(_RE_DATE.fullmatch(instance) and date.fromisoformat(instance))
    except ValueError:
        return False


def _draft3_time(instance: Any) -> bool:
    from datetime import datetime

    if not isinstance(instance, str):
        return True
    try:
        return bool(datetime.strptime(instance, "%H:%M:%S"))
    except ValueError:
        return False


def _date_time(instance: Any) -> bool:
    from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped] # no stubs

    return not isinstance(instance, str) or bool(validate_rfc3339(instance.upper()))


def _time(instance: Any) -> bool:
    return not isinstance(instance, str) or _date_time("1970-01-01T" + instance)


def _uuid(instance: Any) -> bool:
    from uuid import UUID

    if not isinstance(instance, str):
        return True
    try:
        UUID(instance)
    except ValueError:
        return False
    return all(instance[position] == "-" for position in (8, 13, 18, 23))


def _uri(instance: Any) -> bool:
    if not isinstance(instance, str) or _PLAIN_URI.fullmatch(instance):
        return True
    return bool(_validate_rfc3986(instance, rule="URI"))


def _uri_reference(instance: Any) -> bool:
    if not isinstance(instance, str) or _PLAIN_URI.fullmatch(instance):
        return True
    if _PLAIN_FRAGMENT.fullmatch(instance):
        return True
    try:
        return bool(_validate_rfc3986(instance, rule="URI_reference"))
    except ValueError:
        return False


def _validate_rfc3986(instance: str, rule: str) -> Any:
    from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped] # no stubs

    return validate_rfc3986(instance, rule=rule)
