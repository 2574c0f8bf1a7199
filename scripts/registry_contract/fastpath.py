"""The jsonschema-rs fast path: a validator whose "valid" the reference agrees with, or why not."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

if TYPE_CHECKING:
    from .reference import Draft, KeywordCheck

# Formats jsonschema-rs may check natively: it accepts no more than the reference does except
# strings that contain a marker (tests/unit/test_differential_features.py holds it to this):
# only canonical 8-4-4-4-12 UUIDs (the reference's uuid.UUID takes more), only emails with an
# "@" (all the reference asks), and date-times, except leap seconds (":60") and year 0 ("0000-").
# Refusing more is fine, the reference decides then, but only where refusing more cannot turn
# into accepting more: with no NON_MONOTONE keyword in reach.
NATIVE_FORMATS: dict[str, tuple[bytes, ...]] = {
    "uuid": (),
    "email": (),
    "idn-email": (),
    "date-time": (b":60", b"0000-"),
}
NON_MONOTONE = frozenset(
    {"not", "oneOf", "if", "maxContains", "unevaluatedProperties", "unevaluatedItems"}
)
# Keywords that python-jsonschema runs with Python semantics (re.search, float division); these
# run the reference's keyword check (as reference.py copies it) from inside jsonschema-rs.
BRIDGED_KEYWORDS = ("pattern", "multipleOf")
UNSUPPORTED_KEYWORDS = ("$dynamicRef", "$recursiveRef", "$dynamicAnchor", "$recursiveAnchor")
# Checked by jsonschema-rs in some drafts where python-jsonschema only annotates.
ANNOTATION_ONLY = frozenset(
    {"contentEncoding", "contentMediaType", "contentSchema", "dependencies"}
)
DEFAULT_DIALECT = "https://json-schema.org/draft/2020-12/schema"
RS_CLASS_BY_REFERENCE = {
    "Draft4Validator": "Draft4Validator",
    "Draft6Validator": "Draft6Validator",
    "Draft7Validator": "Draft7Validator",
    "Draft201909Validator": "Draft201909Validator",
    "Draft202012Validator": "Draft202012Validator",
}


@dataclass
class SchemaScan:
    """What the fast path needs to know about a schema and the locked schemas it references."""

    formats: set[str] = field(default_factory=set)
    keywords: set[str] = field(default_factory=set)
    pattern_keys: set[str] = field(default_factory=set)
    dialects: set[str] = field(default_factory=set)
    resources: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FastPath:
    """jsonschema-rs validators whose "valid" the reference shares, or why there are none.

    `validator` holds for any plain-JSON payload. `text_validator`, when there is one, also
    checks the marked NATIVE_FORMATS natively; it holds for a payload parsed from JSON text
    that contains none of `markers` (a `\\u` escape could spell one, so it is a marker too).
    """

    validator: Any = None
    text_validator: Any = None
    markers: tuple[bytes, ...] = ()
    reason: str | None = None

    def accepts(self, payload: Any) -> bool:
        """True when jsonschema-rs accepts the payload, so the reference would too; False means
        only "ask the reference"."""
        if self.validator is None or not is_plain_json(payload):
            return False
        try:
            return bool(self.validator.is_valid(payload))
        except Exception:  # a string jsonschema-rs cannot hold (lone surrogate), a bridge error
            return False


def build_fast_path(
    schema: Any, draft: Draft, *, formats: bool, documents: Mapping[str, Any] | None = None
) -> FastPath:
    """jsonschema-rs validators mirroring the reference's `draft` of `schema` (with format
    checks or not, `$ref` reaching `documents` by URI), or the reason they could disagree in
    a way this module cannot rule out."""
    import jsonschema_rs

    rs_class = getattr(jsonschema_rs, RS_CLASS_BY_REFERENCE.get(draft.name, ""), None)
    if rs_class is None:
        return FastPath(reason=f"jsonschema-rs has no {draft.name}")
    scan = scan_schema(schema, documents)
    reason = _disagreement(scan)
    if reason:
        return FastPath(reason=reason)
    kwargs: dict[str, Any] = {
        "validate_formats": formats,
        "ignore_unknown_formats": True,
        "retriever": _refuse_retrieval,
    }
    bridges = {k: v for k, v in _keyword_bridges(draft).items() if k in scan.keywords}
    if bridges:  # custom keywords cost jsonschema-rs time even where they do not occur
        kwargs["keywords"] = bridges
    native = _native_formats(draft, scan) if formats else set()
    markers = {m for name in native for m in NATIVE_FORMATS[name]}
    try:
        if scan.resources:
            resources = list(scan.resources.items())
            kwargs["registry"] = jsonschema_rs.Registry(resources, retriever=_refuse_retrieval)
        if formats:
            exact = {n for n in native if not NATIVE_FORMATS[n]}
            kwargs["formats"] = _format_bridges(draft, scan.formats - exact)
        validator = rs_class(schema, **kwargs)
        if not markers:
            return FastPath(validator)
        kwargs["formats"] = _format_bridges(draft, scan.formats - native)
        text_markers = (b"\\u", *sorted(markers))
        return FastPath(validator, rs_class(schema, **kwargs), text_markers)
    except Exception as e:  # jsonschema-rs refuses the schema (metaschema, regex, $ref)
        first = str(e).strip().splitlines()
        why = first[0] if first else type(e).__name__
        return FastPath(reason=f"jsonschema-rs cannot compile it: {why}")


def is_plain_json(value: Any) -> bool:
    """Only JSON's own types, str keys and finite floats: values both validators see alike
    (jsonschema-rs takes a tuple for an array and NaN for no number; the reference does not)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not is_plain_json(item):
                return False
        return True
    if kind is list:
        return all(is_plain_json(item) for item in value)
    return False


def scan_schema(schema: Any, documents: Mapping[str, Any] | None = None) -> SchemaScan:
    """Walk the schema and every locked schema (`documents` by URI) it reaches through `$ref`."""
    scan = SchemaScan()
    known = documents or {}
    root = schema.get("$id", "") if isinstance(schema, dict) else ""
    pending: list[tuple[Any, str]] = [(schema, root)]
    seen = {urldefrag(root).url}
    while pending:
        document, base = pending.pop()
        if not isinstance(document, dict) or not isinstance(document.get("$schema"), str):
            scan.dialects.add(DEFAULT_DIALECT)
        for target in _walk(document, base, scan):
            if target not in seen and target in known:
                seen.add(target)
                contents = known[target]
                scan.resources[target] = contents
                pending.append((contents, target))
    return scan


def _walk(node: Any, scope: str, scan: SchemaScan) -> Iterator[str]:
    """Record keywords, formats, drafts and patternProperties keys; yield remote `$ref` targets.

    Values under `enum`, `const` or `default` are walked too: a stray keyword there only makes
    the fast path more careful, and a `$ref` may point anywhere in a document.
    """
    if isinstance(node, dict):
        if isinstance(node.get("$id"), str):
            scope = urljoin(scope, node["$id"])
        if isinstance(node.get("$schema"), str):
            scan.dialects.add(node["$schema"].rstrip("#"))
        scan.keywords.update(k for k in node if isinstance(k, str))
        if isinstance(node.get("format"), str):
            scan.formats.add(node["format"])
        if isinstance(node.get("patternProperties"), dict):
            scan.pattern_keys.update(node["patternProperties"])
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = urldefrag(urljoin(scope, ref)).url
            if target and target != urldefrag(scope).url:
                yield target
        for value in node.values():
            yield from _walk(value, scope, scan)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, scope, scan)


def _disagreement(scan: SchemaScan) -> str | None:
    unsupported = sorted(scan.keywords.intersection(UNSUPPORTED_KEYWORDS))
    if unsupported:
        return f"uses {', '.join(unsupported)}, which the fast path does not mirror"
    if len(scan.dialects) > 1:
        return f"references schemas of other drafts ({', '.join(sorted(scan.dialects))})"
    regexes = sorted(p for p in scan.pattern_keys if not is_literal_regex(p))
    if regexes:
        return f"patternProperties {regexes[0]!r} may match differently in Rust and Python regex"
    return None


def is_literal_regex(pattern: str) -> bool:
    """A pattern that is an optional `^` then literal ASCII letters, digits, `_`, `-` or escaped
    punctuation; Rust's regex and Python's re agree on exactly what such a pattern matches.

    The empty pattern is excluded: python-jsonschema's additionalProperties joins the patterns
    with `|` and skips an empty result, so there `""` matches no property at all.
    """
    if not pattern:
        return False
    body = pattern.removeprefix("^")
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            nxt = body[index + 1 : index + 2]
            if not nxt or not nxt.isascii() or nxt.isalnum() or nxt.isspace():
                return False
            index += 2
        elif char.isascii() and (char.isalnum() or char in "_-"):
            index += 1
        else:
            return False
    return True


def _keyword_bridges(draft: Draft) -> dict[str, type]:
    """Python-semantics keywords, plus no-ops for keywords the reference's draft ignores but
    jsonschema-rs would check (such as draft 7's contentMediaType or 2020-12's dependencies)."""
    every = draft.every_keyword | ANNOTATION_ONLY
    bridges: dict[str, type] = {k: _Ignored for k in every - draft.keywords}
    for keyword in BRIDGED_KEYWORDS:
        if keyword in draft.keywords:
            bridges[keyword] = _bridge(draft.keyword_checks[keyword])
    return bridges


def _bridge(check: KeywordCheck) -> type:
    class Bridged:
        def __init__(self, parent: dict[str, Any], value: Any, path: list[str | int]) -> None:
            self.parent = parent
            self.value = value

        def validate(self, instance: Any) -> None:
            message = check(self.value, instance, self.parent)
            if message is not None:
                raise ValueError(message)

    return Bridged


class _Ignored:
    def __init__(self, parent: dict[str, Any], value: Any, path: list[str | int]) -> None:
        pass

    def validate(self, instance: Any) -> None:
        pass


def _native_formats(draft: Draft, scan: SchemaScan) -> set[str]:
    """The NATIVE_FORMATS in use that the reference checks too, when nothing is NON_MONOTONE."""
    if scan.keywords.intersection(NON_MONOTONE):
        return set()
    return {name for name in scan.formats if name in NATIVE_FORMATS and name in draft.formats}


def _format_bridges(draft: Draft, names: set[str]) -> dict[str, Callable[[str], bool]]:
    """These formats checked by the reference's own format checks, from inside jsonschema-rs."""
    return {name: draft.formats.get(name, _unchecked) for name in names}


def _unchecked(instance: str) -> bool:
    return True  # the reference does not check this format


def _refuse_retrieval(uri: str) -> Any:
    raise ValueError(f"{uri} is not in the lock; remote references are never fetched")
