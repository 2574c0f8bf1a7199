"""Unsatisfiable schemas: which JSON types a conjunction allows no value of, and when none."""

from __future__ import annotations

from .branches import expand
from .conj import Conj
from .documents import Document
from .numbers import extreme, grid_for, is_empty
from .samples import pattern_max_length, pattern_min_length

DEPTH_LIMIT = 8  # nested required properties and items followed; deeper counts as satisfiable


def unsatisfiable(doc: Document, pointers: tuple[str, ...], depth: int = 0) -> bool:
    """True when provably no instance satisfies every schema at `pointers`."""
    if depth > DEPTH_LIMIT:
        return False
    key = ("unsatisfiable", pointers)
    found = doc.flat_cache.get(key)
    if found is None:
        doc.flat_cache[key] = False  # a recursive schema met again: assume satisfiable
        branches = expand(doc, pointers)
        found = branches is not None and all(
            all(kind_empty(b.conj, kind, depth) for kind in b.conj.kinds) for b in branches
        )
        doc.flat_cache[key] = found
    return bool(found)


def kind_empty(c: Conj, kind: str, depth: int = 0) -> bool:
    """True when the conjunction provably allows no value of `kind` (negatives ignored)."""
    if c.enum is not None or kind in ("null", "boolean"):
        # Listed values are validated one by one elsewhere; without them, only a `not` (a
        # negative, ignored here) can exclude null or the booleans once the type allows them.
        return False
    if kind in ("integer", "fraction"):
        return grid_for(c, kind) is False or is_empty(
            extreme(c, kind, lower=True), extreme(c, kind, lower=False)
        )
    if kind == "string":
        low, high = string_lengths(c)
        return high is not None and low > high
    if kind == "array":
        return _no_arrays(c, depth)
    return _no_objects(c, depth)


def string_lengths(c: Conj) -> tuple[int, int | None]:
    """The least and greatest length of SUB's strings, from lengths and anchored patterns."""
    low_found, high_found = c.most("min_length"), c.least("max_length")
    patterns = [p for p, _ in c.strings_of("pattern")]
    low = max([low_found[0] if low_found else 0, *(pattern_min_length(p) for p in patterns)])
    widths = [w for p in patterns if (w := pattern_max_length(p)) is not None]
    high = min([*([high_found[0]] if high_found else []), *widths], default=None)
    return low, high


def array_lengths(c: Conj, depth: int = 0) -> tuple[int, int | None]:
    """The least and greatest length of the conjunction's arrays."""
    low = (c.most("min_items") or (0, ""))[0]
    high_found = c.least("max_items")
    high = high_found[0] if high_found else None
    for v in c.views:  # items that no value satisfies close the array after its prefix
        if v.items is not None and unsatisfiable(c.doc, (v.items,), depth + 1):
            high = len(v.prefix) if high is None else min(high, len(v.prefix))
    return low, high


def _no_arrays(c: Conj, depth: int) -> bool:
    low, high = array_lengths(c, depth)
    if high is not None and low > high:
        return True
    if any(unsatisfiable(c.doc, c.item_pointers(i), depth + 1) for i in range(low)):
        return True
    for v in c.views:
        if v.contains is None:
            continue
        need = 1 if v.min_contains is None else v.min_contains
        if need >= 1 and (
            (high is not None and high < need) or unsatisfiable(c.doc, (v.contains,), depth + 1)
        ):
            return True
    return False


def _no_objects(c: Conj, depth: int) -> bool:
    low = max((c.most("min_properties") or (0, ""))[0], len(c.required))
    found_high = c.least("max_properties")
    high = found_high[0] if found_high else None
    if high is not None and low > high:
        return True
    if not all(can_have(c, name, depth) for name in c.required):
        return True
    closed = any(
        v.additional is not None
        and not v.pattern_properties
        and unsatisfiable(c.doc, (v.additional,), depth + 1)
        for v in c.views
    )
    if closed:
        room = sum(1 for name in c.declared() if can_have(c, name, depth))
        return low > room
    return False


def can_have(c: Conj, name: str, depth: int = 0) -> bool:
    """True unless provably no object of the conjunction holds property `name`."""
    high = c.least("max_properties")
    if high is not None and high[0] < 1:
        return False
    if not all(c.doc.is_valid(name, v.property_names) for v in c.views if v.property_names):
        return False
    return not unsatisfiable(c.doc, c.property_pointers(name), depth + 1)


def only_value(c: Conj, kind: str) -> list[object] | None:
    """`[{}]` or `[[]]` when the only object or array the conjunction allows is empty."""
    if kind == "object":
        high = c.least("max_properties")
        return [{}] if high is not None and high[0] == 0 else None
    if kind == "array":
        return [[]] if array_lengths(c)[1] == 0 else None
    return None
