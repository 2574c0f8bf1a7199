"""One compiled schema: the gate's own validator, whose jsonschema-rs half is the hot check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..dialect import DEFAULT_DIALECT_NAME
from ..validation.fastpath import is_plain_json
from ..validation.validators import Issue, LockedRefs, SchemaValidator

Accepts = Callable[[Any, bool], bool]


class CompiledSchema:
    """Built once per (schema, track, version); `accepts` is the hot path, `issues` the rest.

    The gate decides with jsonschema-rs, formats included (docs/validation.md), so the hot
    check is that same validator's `is_valid`: its "valid" is the gate's "valid" by
    construction. Anything else (invalid, or a value jsonschema-rs cannot hold) goes to the
    gate's `SchemaValidator.check`, which words the issues.
    """

    def __init__(
        self,
        document: Any,
        *,
        label: str,
        formats: bool,
        refs: LockedRefs | None = None,
        default_dialect: str = DEFAULT_DIALECT_NAME,
    ) -> None:
        self.exact = SchemaValidator(
            document, label=label, formats=formats, registry=refs, default_dialect=default_dialect
        )
        rs = self.exact.fast_validator
        reached = refs.documents.values() if refs is not None else ()
        arrays = _names_array_type(document) or any(_names_array_type(d) for d in reached)
        self.accepts: Accepts = _refuse if rs is None else _build_accepts(rs.is_valid, arrays)

    def issues(self, payload: Any) -> list[Issue]:
        """The gate's verdict: [] when valid, else its issues, best match first."""
        return self.exact.check(payload)


def _build_accepts(is_valid: Callable[[Any], bool], guard_arrays: bool) -> Accepts:
    """The hot check as one closure: every attribute lookup saved is a few percent of a call
    that costs about half a microsecond."""

    def accepts(payload: Any, parsed: bool = False) -> bool:
        """True when the gate's verdict is "valid"; False means "ask `issues`". `parsed`: the
        payload came from parsing JSON text (so it is plain JSON)."""
        # jsonschema-rs takes a tuple for an array where the gate does not: walk the payload
        # for such values only where the schema could tell (a `type` that names "array").
        if guard_arrays and not parsed and not is_plain_json(payload):
            return False
        try:
            return is_valid(payload) is True
        except Exception:  # a value jsonschema-rs cannot hold (a set, a lone surrogate)
            return False

    return accepts


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
