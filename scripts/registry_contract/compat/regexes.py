"""Regular expressions of `pattern` and `patternProperties`: run as ECMA-262, read for shape."""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from ..validation import ecmaregex

# Python's own regex parser: private and untyped, but the only reader of a regex's shape at
# hand. It only reads (it never matches, so it cannot backtrack); whatever it concludes about
# a string is confirmed by the ECMA-262 engine, since the two syntaxes differ (`\p{L}`, `\cX`).
PARSER: Any = importlib.import_module("re._parser")
CONSTANTS: Any = importlib.import_module("re._constants")
# Strings a universal pattern must match, confirmed with ECMA-262 (line breaks included:
# Python's `.` and `$` treat `\n` differently).
_UNIVERSAL_PROBES = ("", "a", "\n", "a\nb", "Zé0 _-")


def search(pattern: str, name: str) -> bool | None:
    """Whether ECMA-262 `pattern` matches somewhere in `name`; None when it cannot tell (not
    an ECMA-262 regex, or its engine gave up)."""
    return ecmaregex.search(pattern, name)


def parse(pattern: str) -> Any:
    """Python's parse tree of `pattern`, or None when Python cannot read it."""
    try:
        return PARSER.parse(pattern)
    except Exception:  # re.error, RecursionError, OverflowError: no shape to read
        return None


@cache
def is_universal(pattern: str) -> bool:
    """True when `pattern` matches every string (search semantics), so it constrains nothing.

    A pattern that matches the empty string and has no anchors or lookarounds matches the
    empty string at the start of any string; one `^` at its start or one `$` at its end
    (not both) keeps that true. `a*` and `^.*` are universal; `^a*$` is not. The shape is
    read by Python's parser; ECMA-262 must then match every probe string.
    """
    tree = parse(pattern)
    if tree is None:
        return False
    c = CONSTANTS
    items = list(tree)
    if items and items[0] in ((c.AT, c.AT_BEGINNING), (c.AT, c.AT_BEGINNING_STRING)):
        items = items[1:]
    elif items and items[-1] in ((c.AT, c.AT_END), (c.AT, c.AT_END_STRING)):
        items = items[:-1]
    if _has_assertion(items):
        return False
    return all(search(pattern, probe) is True for probe in _UNIVERSAL_PROBES)


def _has_assertion(items: Any) -> bool:
    c = CONSTANTS
    for op, arg in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT, c.GROUPREF, c.GROUPREF_EXISTS):
            return True
        nested = _children(op, arg)
        if any(_has_assertion(sub) for sub in nested):
            return True
    return False


def _children(op: Any, arg: Any) -> list[Any]:
    c = CONSTANTS
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        return [arg[2]]
    if op is c.SUBPATTERN:
        return [arg[-1]]
    if op is c.BRANCH:
        return list(arg[1])
    if op is c.ATOMIC_GROUP:
        return [arg]
    return []
