"""Listed values in linear time: hashable JSON keys, and an `enum` keyword that looks values up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

JsonKey = tuple[Any, ...]


def json_key(value: Any) -> JsonKey:
    """A hashable key equal for JSON-equal values: `1` and `1.0` match, `true` and `1` do not."""
    kind = type(value)  # exact types first: this runs once per listed value
    if kind is str:
        return ("s", value)
    if kind is int or kind is float:
        return ("n", value)
    if kind is dict:
        return ("d", frozenset((k, json_key(v)) for k, v in value.items()))
    if kind is list:
        return ("l", tuple(json_key(v) for v in value))
    if isinstance(value, bool):
        return ("b", value)
    if value is None:
        return ("z",)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    return ("?", id(value))


def key_set(values: list[Any]) -> frozenset[JsonKey] | None:
    """The keys of listed values, or None when one is too deep to key."""
    try:
        return frozenset(json_key(v) for v in values)
    except RecursionError:
        return None


class KeySets:
    """The keys of each listed array, built once; the array is held so its id stays its own."""

    def __init__(self) -> None:
        self._held: dict[int, tuple[list[Any], list[JsonKey] | None, frozenset[JsonKey] | None]]
        self._held = {}

    def _entry(
        self, values: list[Any]
    ) -> tuple[list[Any], list[JsonKey] | None, frozenset[JsonKey] | None]:
        held = self._held.get(id(values))
        if held is None or held[0] is not values:
            try:
                keys: list[JsonKey] | None = [json_key(v) for v in values]
            except RecursionError:
                keys = None
            held = (values, keys, None if keys is None else frozenset(keys))
            self._held[id(values)] = held
        return held

    def keys(self, values: list[Any]) -> list[JsonKey] | None:
        """The key of each value, in order, or None when one is too deep to key."""
        return self._entry(values)[1]

    def of(self, values: list[Any]) -> frozenset[JsonKey] | None:
        """The set of the values' keys, or None when one is too deep to key."""
        return self._entry(values)[2]


# The key sets of the document being validated: python-jsonschema's keyword functions get
# no context of ours, and one extended validator class per draft is shared by every document.
KEY_SETS: ContextVar[KeySets | None] = ContextVar("KEY_SETS", default=None)


def indexed_enum(fallback: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """python-jsonschema's `enum` keyword, looked up in the set of the current KEY_SETS.

    The library compares an instance with every listed value and prints them all in its
    message, so checking each of N values against an N-value enum costs N² comparisons.
    """

    def enum(validator: Any, enums: Any, instance: Any, schema: Any) -> Iterator[Any]:
        sets = KEY_SETS.get()
        keys = sets.of(enums) if sets is not None and isinstance(enums, list) else None
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
