"""The jsonschema-rs validator that decides, with the locked documents its `$ref`s reach."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .metaschema import draft_of_dialect
from .schemarefs import scan_refs

# jsonschema-rs's validator class and draft number of each draft it supports (not draft 3).
RS_CLASS_BY_DRAFT = {
    "Draft4Validator": ("Draft4Validator", "Draft4"),
    "Draft6Validator": ("Draft6Validator", "Draft6"),
    "Draft7Validator": ("Draft7Validator", "Draft7"),
    "Draft201909Validator": ("Draft201909Validator", "Draft201909"),
    "Draft202012Validator": ("Draft202012Validator", "Draft202012"),
}


@dataclass(frozen=True)
class FastPath:
    """A jsonschema-rs validator of one schema, or the reason there is none; `regexes` says
    whether the schema, or a document it reaches, has a `pattern` or `patternProperties`."""

    validator: Any = None
    reason: str | None = None
    regexes: bool = True

    def decide(self, payload: Any) -> bool | None:
        """jsonschema-rs's verdict, or None when only python-jsonschema can give one: no
        validator, or a payload beyond plain JSON (NaN, tuples, a lone surrogate)."""
        if self.validator is None or not is_plain_json(payload):
            return None
        return self.decide_plain(payload)

    def decide_plain(self, payload: Any) -> bool | None:
        """`decide` for a payload known to be plain JSON (parsed from JSON text by a parser that
        refuses NaN and Infinity)."""
        if self.validator is None:
            return None
        try:
            return bool(self.validator.is_valid(payload))
        except Exception:  # a string jsonschema-rs cannot hold (lone surrogate)
            return None

    def accepts(self, payload: Any) -> bool:
        return self.decide(payload) is True


def build_fast_path(
    schema: Any, dialect: str, *, formats: bool, documents: Mapping[str, Any] | None = None
) -> FastPath:
    """The jsonschema-rs validator of `schema` read in `dialect` (a metaschema URI), format
    assertions on or off, `$ref` reaching the locked `documents` by URI and nothing else."""
    import jsonschema_rs

    draft = draft_of_dialect(dialect, "")
    if draft not in RS_CLASS_BY_DRAFT:
        return FastPath(reason=f"jsonschema-rs does not support {dialect}")
    class_name, draft_name = RS_CLASS_BY_DRAFT[draft]
    kwargs: dict[str, Any] = {
        "validate_formats": formats,
        "ignore_unknown_formats": True,
        "retriever": _refuse_retrieval,
    }
    try:
        resources, regexes = reachable_documents(schema, dialect, documents or {})
        if resources:
            # A document without `$schema` is read in the dialect of the schema referencing it.
            kwargs["registry"] = jsonschema_rs.Registry(
                list(resources.items()),
                draft=getattr(jsonschema_rs, draft_name),
                retriever=_refuse_retrieval,
            )
        return FastPath(getattr(jsonschema_rs, class_name)(schema, **kwargs), regexes=regexes)
    except Exception as e:  # jsonschema-rs refuses the schema (an unresolvable $ref, say)
        first = str(e).strip().splitlines()
        why = first[0] if first else type(e).__name__
        return FastPath(reason=f"jsonschema-rs cannot compile it: {why}")


def reachable_documents(
    schema: Any, dialect: str, documents: Mapping[str, Any]
) -> tuple[dict[str, Any], bool]:
    """The locked documents `schema` reaches through references, directly or through others,
    and whether any of these (or the schema) has a regex."""
    found: dict[str, Any] = {}
    regexes = False
    pending = [(schema, "")]
    while pending:
        document, base = pending.pop()
        scan = scan_refs(document, dialect, base)
        regexes = regexes or scan.regexes
        for _, target in scan.remote:
            if target not in found and target in documents:
                found[target] = documents[target]
                pending.append((found[target], target))
    return found, regexes


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


def _refuse_retrieval(uri: str) -> Any:
    raise ValueError(f"{uri} is not in the lock; remote references are never fetched")
