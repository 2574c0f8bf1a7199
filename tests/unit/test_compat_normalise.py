"""Refactorings never break: every corpus schema against rewritten but equivalent forms."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from compat_helpers import load_cases

from registry_contract.compat import check_compatibility
from registry_contract.compat.documents import detect_draft, iter_subschemas

Rewrite = Callable[[Any, int], Any]
_ROOT_ONLY = ("$schema", "$id", "id", "$defs", "definitions")


def _each_node(schema: Any, edit: Callable[[dict[str, Any]], None]) -> Any:
    result = copy.deepcopy(schema)

    def walk(node: Any, pointer: str) -> None:
        children = list(iter_subschemas(node, pointer))
        if isinstance(node, dict):
            edit(node)
        for p, sub in children:
            walk(sub, p)

    walk(result, "")
    return result


def type_as_list(schema: Any, draft: int) -> Any:
    def edit(node: dict[str, Any]) -> None:
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"]]

    return _each_node(schema, edit)


def annotated(schema: Any, draft: int) -> Any:
    def edit(node: dict[str, Any]) -> None:
        if "$ref" not in node or draft >= 2019:
            node.setdefault("title", "t")
            node.setdefault("description", "d")
            node.setdefault("examples", [])

    return _each_node(schema, edit)


def keys_reversed(schema: Any, draft: int) -> Any:
    def reorder(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: reorder(node[k]) for k in reversed(list(node))}
        return [reorder(v) for v in node] if isinstance(node, list) else node

    return reorder(schema)


def wrapped_in_all_of(schema: Any, draft: int) -> Any:
    # Before 2019-09 an `$id` beside `$ref` is ignored; moved to the root it would apply.
    ignored_id = (
        isinstance(schema, dict)
        and draft <= 7
        and "$ref" in schema
        and ("$id" in schema or "id" in schema)
    )
    if not isinstance(schema, dict) or ignored_id:
        return {"allOf": [schema]} if isinstance(schema, dict) else schema
    inner = {k: v for k, v in schema.items() if k not in _ROOT_ONLY}
    return {**{k: v for k, v in schema.items() if k in _ROOT_ONLY}, "allOf": [inner]}


def const_as_enum(schema: Any, draft: int) -> Any:
    def edit(node: dict[str, Any]) -> None:
        if "const" in node and "enum" not in node and draft >= 6:
            node["enum"] = [node.pop("const")]

    return _each_node(schema, edit)


REWRITES: dict[str, Rewrite] = {
    "type-as-list": type_as_list,
    "annotated": annotated,
    "keys-reversed": keys_reversed,
    "wrapped-in-all-of": wrapped_in_all_of,
    "const-as-enum": const_as_enum,
}


# Features the engine declines to reason about structurally; any rewrite stays undecidable.
BY_DESIGN_UNDECIDABLE = {"undecidable-size", "undecidable-unevaluated"}


def _schemas() -> list[Any]:
    seen: dict[str, Any] = {}
    for case in load_cases():
        if BY_DESIGN_UNDECIDABLE & set(case["rules"]) or "unevaluated" in json.dumps(case):
            continue
        for side in ("old", "new"):
            seen.setdefault(repr(case[side]), (f"{case['group']}/{case['id']}/{side}", case[side]))
    return [pytest.param(schema, id=name) for name, schema in seen.values()]


@pytest.mark.parametrize("rewrite", REWRITES.values(), ids=REWRITES.keys())
@pytest.mark.parametrize("schema", _schemas())
def test_refactored_schema_reports_no_change(schema: Any, rewrite: Rewrite) -> None:
    draft = detect_draft(schema, "OLD")
    result = check_compatibility(schema, rewrite(schema, draft), "FULL")
    assert result.changes == [], [c.to_dict() for c in result.changes]
