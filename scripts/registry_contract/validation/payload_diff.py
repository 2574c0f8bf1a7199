"""Explain why a payload failed a schema, diff-style: where, which keyword, expected vs actual."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..dialect import DEFAULT_DIALECT_NAME, DIALECT_BY_NAME, dialect_of

if TYPE_CHECKING:
    import referencing

    from .validators import Issue

MAX_ISSUES = 10
MAX_VALUE = 120
_MISSING = object()


def render_issues(
    title: str,
    schema: Any,
    payload: Any,
    issues: list[Issue],
    refs: referencing.Registry[Any],
    default_dialect: str = DEFAULT_DIALECT_NAME,
) -> str:
    """A multi-line message: the title, then for each issue its location and a -/+ pair."""
    # jsonschema reports each missing required property apart; one entry per object reads better.
    seen: set[str] = set()
    kept = []
    for issue in issues:
        if issue.keyword == "required":
            if issue.path in seen:
                continue
            seen.add(issue.path)
        kept.append(issue)
    lines = [f"{title}: {len(kept)} issue(s)"]
    dialect = dialect_of(schema, default_dialect)
    for issue in kept[:MAX_ISSUES]:
        lines += _describe(issue, schema, payload, refs, dialect)
    if len(kept) > MAX_ISSUES:
        lines.append(f"  ... and {len(kept) - MAX_ISSUES} more")
    return "\n".join(lines)


def _describe(
    issue: Issue, schema: Any, payload: Any, refs: referencing.Registry[Any], dialect: str
) -> list[str]:
    expected = keyword_value(schema, issue.schema_path, refs, dialect)
    actual = value_at(payload, issue.path)
    message = issue.message
    if issue.keyword == "required" and isinstance(expected, list) and isinstance(actual, dict):
        expected = [name for name in expected if name not in actual]
        actual = sorted(actual)
        message = f"missing required properties: {', '.join(map(str, expected))}"
    lines = [f"  at {issue.path or '/'} [{issue.keyword}] (schema {issue.schema_path})"]
    if expected is not _MISSING:
        lines.append(f"    - expected {issue.keyword}: {short(expected)}")
    if actual is not _MISSING:
        label = "keys" if issue.keyword == "required" else ""
        lines.append(f"    + actual   {label + ': ' if label else ''}{short(actual)}")
    lines.append(f"    {message}")
    return lines


def short(value: Any) -> str:
    """Compact JSON, cut to one readable line."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 3] + "..."


def _parts(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _step(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part, _MISSING)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return _MISSING


def value_at(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer, or _MISSING."""
    node = document
    for part in _parts(pointer):
        node = _step(node, part)
        if node is _MISSING:
            break
    return node


def keyword_value(
    schema: Any,
    schema_path: str,
    refs: referencing.Registry[Any],
    dialect: str = DIALECT_BY_NAME[DEFAULT_DIALECT_NAME],
) -> Any:
    """The keyword's value at an absolute schema path, following `$ref` through the registry.

    jsonschema's absolute schema path leaves out the `$ref` it followed (a `maximum` behind
    `utilisation: {$ref: ...}` is at /properties/utilisation/maximum), so a plain pointer
    lookup stops at the reference; resolve it like the validator did.
    """
    from referencing import Resource
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import UnknownDialect, specification_with

    try:
        spec = specification_with(dialect)
        root = Resource.from_contents(schema, default_specification=spec)
        resolver = refs.resolver_with_root(root)
        node = schema
        for part in _parts(schema_path):
            while isinstance(node, dict) and part not in node and isinstance(_ref(node), str):
                resolved = resolver.lookup(_ref(node))
                node, resolver = resolved.contents, resolved.resolver
            node = _step(node, part)
            if node is _MISSING:
                return _MISSING
            if isinstance(node, dict) and isinstance(node.get("$id"), str):
                resolver = resolver.in_subresource(spec.create_resource(node))
        return node
    except (Unresolvable, UnknownDialect, TypeError, ValueError, KeyError):
        return _MISSING


def _ref(node: dict[str, Any]) -> Any:
    return node.get("$ref", node.get("$dynamicRef"))
