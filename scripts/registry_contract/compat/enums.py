"""Listed values in linear time: hashable JSON keys, built once per listed array."""

from __future__ import annotations

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
