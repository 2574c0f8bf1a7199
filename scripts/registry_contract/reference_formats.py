"""python-jsonschema's format checks (jsonschema._format), as the fast path runs them without
importing it: copied where a check is cheap, else the reference's own check on first use."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from collections.abc import Callable
from typing import Any

Conforms = Callable[[Any], bool]
# The drafts in order, as reference.KEYWORDS_BY_DRAFT names them.
_DRAFTS = (
    "Draft3Validator",
    "Draft4Validator",
    "Draft6Validator",
    "Draft7Validator",
    "Draft201909Validator",
    "Draft202012Validator",
)
_SINCE_DRAFT6, _SINCE_DRAFT7, _SINCE_DRAFT2019 = _DRAFTS[2:], _DRAFTS[3:], _DRAFTS[4:]
_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# URIs as schemas write them (scheme://host/path#fragment, or #fragment, nothing %-encoded):
# RFC 3986, and so rfc3986_validator, accepts every such string, so that library (whose import
# compiles regexes for some 7 ms) is only asked about other strings.
_FRAGMENT = r"#[a-zA-Z0-9_.~!$&'()*+,;=:@/?-]*"
PLAIN_URI = re.compile(
    rf"[a-zA-Z][a-zA-Z0-9+.-]*://[a-zA-Z0-9_.~-]*(?:/[a-zA-Z0-9_.~!$&'()*+,;=:@-]*)*(?:{_FRAGMENT})?"
)
PLAIN_FRAGMENT = re.compile(_FRAGMENT)


def format_checks(draft: str) -> dict[str, Conforms]:
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
            checks[name] = functools.partial(reference_conforms, draft, name)
    return checks


def _installed(module: str) -> bool:
    # The stand-in of startup.defer_rfc3987_syntax has no __spec__, so look in sys.modules first.
    return module in sys.modules or importlib.util.find_spec(module) is not None


def reference_conforms(draft: str, name: str, instance: Any) -> bool:
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
    if not isinstance(instance, str) or PLAIN_URI.fullmatch(instance):
        return True
    return bool(_validate_rfc3986(instance, rule="URI"))


def _uri_reference(instance: Any) -> bool:
    if not isinstance(instance, str) or PLAIN_URI.fullmatch(instance):
        return True
    if PLAIN_FRAGMENT.fullmatch(instance):
        return True
    try:
        return bool(_validate_rfc3986(instance, rule="URI_reference"))
    except ValueError:
        return False


def _validate_rfc3986(instance: str, rule: str) -> Any:
    from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped] # no stubs

    return validate_rfc3986(instance, rule=rule)
