"""Regular expressions of `pattern` and `patternProperties`, compiled once, run as Python's re."""

from __future__ import annotations

import importlib
import re
from functools import cache
from typing import Any

# Python's own regex parser: private and untyped, but the only faithful reader of its syntax.
_PARSER: Any = importlib.import_module("re._parser")
_CONSTANTS: Any = importlib.import_module("re._constants")


@cache
def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def search(pattern: str, name: str) -> bool:
    """ECMA-262 `pattern` matches somewhere in `name`; unknown syntax counts as a match."""
    compiled = compile_pattern(pattern)
    return compiled is None or compiled.search(name) is not None


@cache
def is_universal(pattern: str) -> bool:
    """True when `pattern` matches every string (search semantics), so it constrains nothing.

    A pattern that matches the empty string and has no anchors or lookarounds matches the
    empty string at the start of any string; one `^` at its start or one `$` at its end
    (not both) keeps that true. `a*` and `^.*` are universal; `^a*$` is not.
    """
    compiled = compile_pattern(pattern)
    if compiled is None or compiled.search("") is None:
        return False
    c = _CONSTANTS
    try:
        items = list(_PARSER.parse(pattern))
    except (re.error, RecursionError, ValueError, TypeError):
        return False
    if items and items[0] in ((c.AT, c.AT_BEGINNING), (c.AT, c.AT_BEGINNING_STRING)):
        items = items[1:]
    elif items and items[-1] in ((c.AT, c.AT_END), (c.AT, c.AT_END_STRING)):
        items = items[:-1]
    return not _has_assertion(items)


def _has_assertion(items: Any) -> bool:
    c = _CONSTANTS
    for op, arg in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT, c.GROUPREF, c.GROUPREF_EXISTS):
            return True
        nested = _children(op, arg)
        if any(_has_assertion(sub) for sub in nested):
            return True
    return False


def _children(op: Any, arg: Any) -> list[Any]:
    c = _CONSTANTS
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        return [arg[2]]
    if op is c.SUBPATTERN:
        return [arg[-1]]
    if op is c.BRANCH:
        return list(arg[1])
    if op is c.ATOMIC_GROUP:
        return [arg]
    return []
