"""Regular expressions of `pattern` and `patternProperties`, compiled once, run as Python's re."""

from __future__ import annotations

import re
from functools import cache

# Patterns every string matches (search semantics): they constrain nothing.
UNIVERSAL_PATTERNS = frozenset({"", ".*", "^.*", ".*$", "^", "$", "[\\s\\S]*", "^[\\s\\S]*$"})


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
