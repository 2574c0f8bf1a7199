"""One compiled schema: a hot check whose "valid" is the gate's, then the gate's validator."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..fastpath import NATIVE_FORMATS, build_fast_path, is_plain_json, scan_schema
from ..metaschema import draft_of
from ..reference import mirrored_draft
from ..validation import Issue, LockedRefs, SchemaValidator

# Where a `$ref` may point without reaching a `properties` chain the marker check relies on.
DEFINITION_PREFIXES = ("#/$defs/", "#/definitions/")
Getter = tuple[str, ...]
Accepts = Callable[[Any, bool], bool]


class CompiledSchema:
    """Built once per (schema, track, version); `accepts` is the hot path, `issues` the rest.

    The gate's fast path checks `date-time` through a Python callback (~3 µs a payload) because
    jsonschema-rs accepts leap seconds and year 0 where the gate does not. Here jsonschema-rs
    checks it natively, and the few `date-time` values of the payload, found by key without
    walking it, are looked at for those markers: a value with one goes to the gate's validator.
    That is only done where every `date-time` sits on a chain of `properties` from the root
    (anything else keeps the callback), so "valid" here is always the gate's "valid".
    """

    def __init__(
        self, document: Any, *, label: str, formats: bool, refs: LockedRefs | None = None
    ) -> None:
        self.exact = SchemaValidator(document, label=label, formats=formats, registry=refs)
        self.accepts: Accepts = _refuse
        self.native_date_time = False
        name = draft_of(document)
        if name is None or not self.exact.fast:
            return
        documents = refs.documents if refs is not None else None
        fast = build_fast_path(document, mirrored_draft(name), formats=formats, documents=documents)
        # jsonschema-rs takes a tuple for an array where the gate does not: walk the payload
        # for such values only where the schema could tell (a `type` that names "array").
        scan = scan_schema(document, documents)
        guard = _names_array_type(document) or any(
            _names_array_type(d) for d in scan.resources.values()
        )
        marked = {n for n, marks in NATIVE_FORMATS.items() if marks and n in scan.formats}
        getters = _property_chains(document, marked, scan.resources)
        if fast.text_validator is None or getters is None:
            self.accepts = _build_accepts(fast.validator.is_valid, guard, (), ())
            return
        markers = tuple(sorted({m.decode() for n in marked for m in NATIVE_FORMATS[n]}))
        self.accepts = _build_accepts(fast.text_validator.is_valid, guard, getters, markers)
        self.native_date_time = True

    def issues(self, payload: Any) -> list[Issue]:
        """The gate's verdict: [] when valid, else its issues, best match first."""
        if self.exact.is_valid(payload):
            return []
        return self.exact.check(payload)


def _build_accepts(
    is_valid: Callable[[Any], bool],
    guard_arrays: bool,
    getters: tuple[Getter, ...],
    markers: tuple[str, ...],
) -> Accepts:
    """The hot check as one closure over its parts: every attribute lookup saved is a few
    percent of a call that costs about half a microsecond."""
    keys = tuple(g[0] for g in getters) if all(len(g) == 1 for g in getters) else None

    def accepts(payload: Any, parsed: bool = False) -> bool:
        """True when the gate's verdict is "valid"; False means "ask `issues`". `parsed`: the
        payload came from parsing JSON text (so it is plain JSON)."""
        if guard_arrays and not parsed and not is_plain_json(payload):
            return False
        try:
            if not is_valid(payload):
                return False
        except Exception:  # a value jsonschema-rs cannot hold (a set, a lone surrogate)
            return False
        if keys is not None:  # the common case: date-times at the top level
            if type(payload) is dict:
                for key in keys:
                    value = payload.get(key)
                    if type(value) is str:
                        for marker in markers:
                            if marker in value:
                                return False
            return True
        return _unmarked(payload, getters, markers)

    return accepts


def _unmarked(payload: Any, getters: tuple[Getter, ...], markers: tuple[str, ...]) -> bool:
    """No value at the end of a getter is a string holding a marker."""
    for getter in getters:
        value: Any = payload
        for key in getter:
            if type(value) is not dict:
                break
            value = value.get(key)
        else:
            if type(value) is str:
                for marker in markers:
                    if marker in value:
                        return False
    return True


def _refuse(payload: Any, parsed: bool = False) -> bool:
    return False  # no fast path for this schema: the gate's validator decides every payload


def _names_array_type(node: Any) -> bool:
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "array" or (isinstance(kind, list) and "array" in kind):
            return True
        return any(_names_array_type(v) for v in node.values())
    if isinstance(node, list):
        return any(_names_array_type(v) for v in node)
    return False


def _property_chains(
    document: Any, formats: set[str], documents: Mapping[str, Any]
) -> tuple[Getter, ...] | None:
    """The key chains from the root to every use of `formats`, or None when one is elsewhere
    (under items, $defs, a combinator, a referenced document `documents`) or a `$ref` could
    reach a chain from elsewhere."""
    if any(_uses_format(d, formats) for d in documents.values()):
        return None
    chains: list[Getter] = []

    def visit(node: Any, chain: Getter) -> None:
        if node.get("format") in formats:
            chains.append(chain)
        properties = node.get("properties")
        if isinstance(properties, dict):
            for key, child in properties.items():
                if isinstance(child, dict):
                    visit(child, (*chain, key))

    if not isinstance(document, dict):
        return None
    visit(document, ())
    found = sum(1 for _ in _format_nodes(document, formats))
    refs_ok = all(ref.startswith(DEFINITION_PREFIXES) for ref in _references(document, root=True))
    return tuple(chains) if found == len(chains) and refs_ok else None


def _uses_format(node: Any, formats: set[str]) -> bool:
    return any(True for _ in _format_nodes(node, formats))


def _format_nodes(node: Any, formats: set[str]) -> Iterator[Any]:
    if isinstance(node, dict):
        if node.get("format") in formats:
            yield node
        for value in node.values():
            yield from _format_nodes(value, formats)
    elif isinstance(node, list):
        for item in node:
            yield from _format_nodes(item, formats)


def _references(node: Any, *, root: bool = False) -> Iterator[str]:
    """Every `$ref`, and every anchor or nested `$id` (as "anchor"): a `$ref` to
    "#/properties/..." or to an anchor could apply a chain's node elsewhere in the payload."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef", "$recursiveRef"):
                yield str(value)
            elif key in ("$anchor", "$dynamicAnchor") or (key == "$id" and not root):
                yield "anchor"
            yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)
