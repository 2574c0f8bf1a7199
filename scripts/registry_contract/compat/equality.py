"""Structural equality of two schema nodes, following `$ref` and ignoring annotations."""

from __future__ import annotations

from typing import Any

from .documents import LIST_SCHEMA_KEYWORDS, SINGLE_SCHEMA_KEYWORDS, Document, child
from .views import json_equal

ANNOTATIONS = frozenset(
    {
        "$schema", "$id", "id", "$anchor", "$dynamicAnchor", "$recursiveAnchor", "$comment",
        "$defs", "definitions", "$vocabulary", "title", "description", "default", "examples",
        "example", "readOnly", "writeOnly", "deprecated", "contentMediaType", "contentEncoding",
        "contentSchema", "discriminator", "externalDocs", "xml",
    }
)  # fmt: skip
MAP_KEYWORDS = ("properties", "patternProperties", "dependentSchemas", "dependencies")


def _assertions(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    keys = {k for k in node if k not in ANNOTATIONS and not k.startswith("x-")}
    return keys or True


def same_schema(a: Document, a_ptr: str, b: Document, b_ptr: str) -> bool:
    """True when both nodes are the same schema up to annotations and `$ref` indirection."""
    if a.draft != b.draft:
        return False
    return _equal(a, a_ptr, b, b_ptr, set())


def _equal(a: Document, ap: str, b: Document, bp: str, seen: set[tuple[str, str]]) -> bool:
    if (ap, bp) in seen:
        return True
    seen.add((ap, bp))
    an, bn = a.node(ap), b.node(bp)
    ak, bk = _assertions(an), _assertions(bn)
    if isinstance(ak, bool) or isinstance(bk, bool):
        return ak is bk
    if ak != bk:
        return False
    return all(_equal_keyword(a, ap, an, b, bp, bn, key, seen) for key in sorted(ak))


def _equal_keyword(
    a: Document,
    ap: str,
    an: Any,
    b: Document,
    bp: str,
    bn: Any,
    key: str,
    seen: set[tuple[str, str]],
) -> bool:
    av, bv = an[key], bn[key]
    if key == "$ref" and isinstance(av, str) and isinstance(bv, str):
        at, bt = a.resolve(av, ap), b.resolve(bv, bp)
        if at is None or bt is None:
            return at is None and bt is None and av == bv
        return _equal(a, at, b, bt, seen)
    schema_value = isinstance(av, dict | bool) and isinstance(bv, dict | bool)
    if (key in SINGLE_SCHEMA_KEYWORDS or key == "items") and schema_value:
        return _equal(a, child(ap, key), b, child(bp, key), seen)
    is_list = isinstance(av, list) and isinstance(bv, list)
    if (key in LIST_SCHEMA_KEYWORDS or key == "items") and is_list:
        return len(av) == len(bv) and all(
            _equal(a, child(ap, key, i), b, child(bp, key, i), seen) for i in range(len(av))
        )
    if key in MAP_KEYWORDS and isinstance(av, dict) and isinstance(bv, dict):
        if av.keys() != bv.keys():
            return False
        for name in av:
            if isinstance(av[name], dict | bool) and isinstance(bv[name], dict | bool):
                if not _equal(a, child(ap, key, name), b, child(bp, key, name), seen):
                    return False
            elif not json_equal(av[name], bv[name]):
                return False
        return True
    return json_equal(av, bv)


def is_true_schema(doc: Document, pointers: tuple[str, ...]) -> bool:
    """True when the conjunction asserts nothing (no pointers, `true`, or only annotations)."""
    return all(_assertions(doc.node(p)) is True for p in pointers)
