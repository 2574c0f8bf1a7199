"""ECMA-262 regexes as JSON Schema's `pattern` means them, run by jsonschema-rs in bounded time."""

from __future__ import annotations

import functools
from typing import Any

# jsonschema-rs's error kinds for a regex it gave up on (fancy-regex's backtracking limit).
UNDECIDED_KINDS = frozenset({"backtrackLimitExceeded", "regexEngineFailure"})


def search(pattern: str, text: str) -> bool | None:
    """Whether `pattern` matches somewhere in `text`, as `pattern` does in every draft; None
    when `pattern` is no ECMA-262 regex or the engine gave up on it (bounded backtracking)."""
    validator = _pattern_validator(pattern)
    if validator is None:
        return None
    if validator.is_valid(text):
        return True
    for error in validator.iter_errors(text):
        if error.kind.name in UNDECIDED_KINDS:
            return None
    return False


@functools.lru_cache(maxsize=4096)
def _pattern_validator(pattern: str) -> Any:
    import jsonschema_rs

    try:
        return jsonschema_rs.Draft202012Validator({"pattern": pattern})
    except Exception:  # jsonschema-rs refuses the pattern: not an ECMA-262 regex
        return None
