"""Deterministic sample strings: from a regular expression, for a format, or breaking one."""

from __future__ import annotations

from typing import Any

from .regexes import CONSTANTS as _CONSTANTS
from .regexes import parse, search

_MAX_GROWTH = 10_000
# A sample longer than this is not built (`a{1000000000}` would take gigabytes).
_MAX_SAMPLE = 100_000

FORMAT_SAMPLES = {
    "date-time": "2024-01-31T12:00:00Z",
    "date": "2024-01-31",
    "time": "12:00:00Z",
    "duration": "P1D",
    "email": "a@example.com",
    "idn-email": "a@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/a",
    "uri-reference": "/a",
    "iri": "https://example.com/a",
    "iri-reference": "/a",
    "uri-template": "/a/{b}",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "regex": "a+",
    "json-pointer": "/a",
    "relative-json-pointer": "0/a",
}
# A second valid string of the common formats, for a witness the first sample cannot give.
OTHER_FORMAT_SAMPLES = {
    "date-time": "2000-12-01T00:00:00Z",
    "date": "2000-12-01",
    "time": "23:59:59Z",
    "email": "b@example.org",
    "hostname": "example.org",
    "ipv4": "198.51.100.7",
    "uri": "https://example.org/b",
    "uuid": "00000000-0000-4000-8000-000000000001",
}
# Strings that break most formats and patterns; tried in order when one is needed.
PLAIN_STRINGS = ("", "a", "0", "A", "-", " ", "a b", "aaaaaaaa", "~!@", "é")
# Strings tried for a regex Python cannot read (`\p{L}`, `\cX`): letters beyond ASCII first,
# since Unicode property classes are the usual reason.
ECMA_ONLY_PROBES = ("é", "Ж", "ß", "a", "A", "0", "-", " ")


def sample_pattern(pattern: str, variant: int = 0, grow: int = 0) -> str | None:
    """A string that `pattern` matches (search semantics), or None when none can be built.

    `grow` asks repetitions to add about that many characters, to reach a minimum length.
    The string is built from Python's reading of the pattern and kept only when the ECMA-262
    engine matches it.
    """
    tree = parse(pattern)
    if tree is None:
        return None
    try:
        text = _emit(tree, variant, [grow])
    except (ValueError, IndexError, TypeError, RecursionError, OverflowError):
        return None
    return text if search(pattern, text) is True else None


def pattern_min_length(pattern: str) -> int:
    """Every string `pattern` matches is at least this long (0 when unknown)."""
    tree = _ecma_tree(pattern)
    try:
        return 0 if tree is None else int(tree.getwidth()[0])
    except (ValueError, TypeError, RecursionError, OverflowError):
        return 0


def pattern_max_length(pattern: str) -> int | None:
    """The longest string `pattern` matches when anchored at both ends, else None.

    Read by Python, where `$` also matches before a final newline: one more character is
    allowed than ECMA-262 would, which keeps the bound safe.
    """
    c = _CONSTANTS
    tree = _ecma_tree(pattern)
    try:
        widest = int(tree.getwidth()[1]) if tree is not None else -1
    except (ValueError, TypeError, RecursionError, OverflowError):
        return None
    if widest < 0:
        return None
    items = list(tree)
    starts = (c.AT, c.AT_BEGINNING), (c.AT, c.AT_BEGINNING_STRING)
    if len(items) < 2 or items[0] not in starts or widest >= c.MAXREPEAT:
        return None
    if items[-1] == (c.AT, c.AT_END_STRING):
        return widest
    return widest + 1 if items[-1] == (c.AT, c.AT_END) else None


def fit_length(pattern: str | None, low: int, high: int | None, variant: int = 0) -> str | None:
    """A string of length within [low, high] matching `pattern` when one is given."""
    if pattern is None:
        return _pad(chr(ord("a") + variant % 26), low) if high is None or low <= high else None
    base = sample_pattern(pattern, variant)
    if base is None or low > _MAX_SAMPLE:
        return None
    grown = sample_pattern(pattern, variant, low - len(base)) if len(base) < low else base
    options = [base, grown or base, base + "a" * (low - len(base)), "a" * (low - len(base)) + base]
    for text in options:
        if (
            low <= len(text)
            and (high is None or len(text) <= high)
            and search(pattern, text) is True
        ):
            return text
    return None


def _ecma_tree(pattern: str) -> Any:
    """Python's parse tree of a pattern that ECMA-262 also reads, else None: a syntax only
    one of them knows may mean different strings to each (`a{,3}`)."""
    return parse(pattern) if search(pattern, "") is not None else None


def _pad(char: str, length: int) -> str:
    return char * length


def _emit(tree: Any, variant: int, budget: list[int]) -> str:
    return "".join(_emit_node(op, arg, variant, budget) for op, arg in tree)


def _emit_node(op: Any, arg: Any, variant: int, budget: list[int]) -> str:
    c = _CONSTANTS
    if op is c.LITERAL:
        return str(chr(arg))
    if op is c.NOT_LITERAL:
        return "b" if arg == ord("a") else "a"
    if op is c.ANY:
        return "a"
    if op is c.IN:
        return _emit_set(arg, variant)
    if op is c.CATEGORY:
        return _emit_set([(op, arg)], variant)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, high, sub = arg
        count = low if variant == 0 or high == 0 else min(low + 1, high)
        unit = _emit(sub, variant, budget)
        if unit and budget[0] > 0:
            extra = min(high - count, -(-budget[0] // len(unit)), _MAX_GROWTH)
            budget[0] -= extra * len(unit)
            count += extra
        if len(unit) * count > _MAX_SAMPLE:
            raise ValueError("sample too long")
        return str(unit * count)
    if op is c.SUBPATTERN:
        return _emit(arg[-1], variant, budget)
    if op is c.BRANCH:
        options = arg[1]
        return _emit(options[variant % len(options)], 0, budget)
    if op is c.ATOMIC_GROUP:
        return _emit(arg, variant, budget)
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return ""
    raise ValueError(f"unsupported regex construct {op}")


def _emit_set(items: Any, variant: int) -> str:
    c = _CONSTANTS
    negate = any(op is c.NEGATE for op, _ in items)
    allowed: list[str] = []
    for op, arg in items:
        if op is c.LITERAL:
            allowed.append(chr(arg))
        elif op is c.RANGE:
            allowed.append(chr(arg[0]))
        elif op is c.CATEGORY:
            allowed.append(_CATEGORY_SAMPLES.get(str(arg), "a"))
    if not negate:
        if not allowed:
            raise ValueError("empty character set")
        return allowed[variant % len(allowed)]
    for candidate in "a0_ -!Z":
        if candidate not in allowed and not _in_ranges(candidate, items):
            return candidate
    raise ValueError("negated set excludes every sample")


def _in_ranges(char: str, items: Any) -> bool:
    c = _CONSTANTS
    for op, arg in items:
        if op is c.RANGE and arg[0] <= ord(char) <= arg[1]:
            return True
        if op is c.CATEGORY and search(f"^{_CATEGORY_CLASS.get(str(arg), '[]')}$", char):
            return True
    return False


_CATEGORY_SAMPLES = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
}
_CATEGORY_CLASS = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}
