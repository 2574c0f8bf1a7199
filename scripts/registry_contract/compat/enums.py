"""Listed values in linear time: hashable JSON keys, and an `enum` keyword that looks values up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

JsonKey = tuple[Any, ...]


def json_key(value: Any) -> JsonKey:
    """A hashable key equal for JSON-equal values: `1` and `1.0` match, `true` and `1` do not."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("z",)
    if isinstance(value, list):
        return ("l", tuple(json_key(v) for v in value))
    if isinstance(value, dict):
        return ("d", frozenset((k, json_key(v)) for k, v in value.items()))
    return ("?", id(value))


def key_set(values: list[Any]) -> frozenset[JsonKey] | None:
    """The keys of listed values, or None when one is too deep to key."""
    try:
        return frozenset(json_key(v) for v in values)
    except RecursionError:
        return None


def indexed_enum(fallback: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """python-jsonschema's `enum` keyword, looked up in a set built once per listed array.

    The library compares an instance with every listed value and prints them all in its
    message, so checking each of N values against an N-value enum costs N² comparisons.
    """
    sets: dict[int, tuple[list[Any], frozenset[JsonKey] | None]] = {}

    def enum(validator: Any, enums: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not isinstance(enums, list):
            yield from fallback(validator, enums, instance, schema)
            return
        held = sets.get(id(enums))
        if held is None or held[0] is not enums:  # the list is kept, so its id stays its own
            held = sets[id(enums)] = (enums, key_set(enums))
        keys = held[1]
        try:
            found = keys is not None and json_key(instance) in keys
        except RecursionError:
            keys = None
        if keys is None:
            yield from fallback(validator, enums, instance, schema)
        elif not found:
            from jsonschema.exceptions import ValidationError

            yield ValidationError(f"the value is not one of the {len(enums)} listed values")

    return enum
