"""Build a small, deterministic instance of a schema, with optional size and content hints."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .branches import expand
from .conj import Conj
from .documents import Document
from .numbers import extreme, grid_for, to_json
from .samples import FORMAT_SAMPLES, OTHER_FORMAT_SAMPLES, fit_length


class _Nothing:
    """No instance could be built (distinct from `None`, which is JSON null)."""

    def __repr__(self) -> str:
        return "NOTHING"


NOTHING: Any = _Nothing()
DEPTH_LIMIT = 12
KIND_ORDER = ("null", "boolean", "integer", "string", "object", "array", "fraction")
_HINT_ATTRS = {
    "object": ("properties", "pattern_properties", "additional", "required", "min_properties"),
    "array": ("prefix", "items", "contains", "min_items"),
    "string": ("min_length", "max_length", "pattern", "format"),
    "integer": ("lower", "upper", "multiple_of"),
}


def build_instance(
    doc: Document,
    pointers: tuple[str, ...],
    *,
    kind: str | None = None,
    size: int | None = None,
    include: tuple[str, ...] = (),
    variant: int = 0,
    duplicate: bool = False,
    depth: int = 0,
) -> Any:
    """An instance valid under every schema at `pointers`, or NOTHING.

    `kind` picks the JSON type, `size` a string length, array length or property count,
    `include` property names to set, `duplicate` repeats the first array item.
    """
    if depth > DEPTH_LIMIT:
        return NOTHING
    branches = expand(doc, pointers) or []
    for branch in branches:
        hints = _Hints(kind, size, include, variant, duplicate, depth)
        value = _build_branch(branch.conj, hints)
        if value is NOTHING:
            continue
        # A lone branch without negatives is built to its keywords; the caller validates
        # the whole payload anyway. Alternatives and exclusions need checking here.
        if (len(branches) == 1 and not branch.conj.negatives) or branch.conj.is_valid(value):
            return value
    return NOTHING


class _Hints:
    def __init__(
        self,
        kind: str | None,
        size: int | None,
        include: tuple[str, ...],
        variant: int,
        duplicate: bool,
        depth: int,
    ) -> None:
        self.kind, self.size, self.include = kind, size, include
        self.variant, self.duplicate, self.depth = variant, duplicate, depth


def _build_branch(conj: Conj, h: _Hints) -> Any:
    if conj.enum is not None:
        # Stop at the wanted variant: validating every value of a long enum per build is
        # what made large enums quadratic.
        valid: list[Any] = []
        for v, _ in conj.enum:
            if (h.kind is None or kind_of(v) == h.kind) and conj.is_valid(v):
                valid.append(v)
                if len(valid) > h.variant:
                    return v
        return valid[h.variant % len(valid)] if valid else NOTHING
    kinds = conj.kinds if h.kind is None else conj.kinds & {h.kind}
    for kind in _preferred(conj, kinds):
        value = _BUILDERS[kind](conj, h)
        if value is not NOTHING:
            return value
    return NOTHING


def _preferred(conj: Conj, kinds: frozenset[str]) -> list[str]:
    hinted = [k for k, attrs in _HINT_ATTRS.items() if any(conj.first(a) for a in attrs)]
    return [k for k in (*hinted, *KIND_ORDER) if k in kinds]


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "fraction"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _null(conj: Conj, h: _Hints) -> Any:
    return None


def _boolean(conj: Conj, h: _Hints) -> Any:
    return h.variant % 2 == 1


def _number(kind: str) -> Any:
    def build(conj: Conj, h: _Hints) -> Any:
        grid = grid_for(conj, kind)
        if grid is False:
            return NOTHING
        low, high = extreme(conj, kind, lower=True), extreme(conj, kind, lower=False)
        step = grid or Fraction(1, 2)
        if low.value is not None:
            start = low.value if low.attained else low.value + step / (1 if grid else 2)
            value = start + h.variant * step
        elif high.value is not None:
            value = (
                high.value if high.attained else high.value - step / (1 if grid else 2)
            ) - h.variant * step
        else:
            value = Fraction(h.variant) * step if grid else Fraction(1, 2) + h.variant
        if kind == "fraction" and value.denominator == 1:
            return NOTHING
        if high.value is not None and (
            value > high.value or (value == high.value and not high.attained)
        ):
            return NOTHING
        return to_json(value)

    return build


def _string(conj: Conj, h: _Hints) -> Any:
    low = max((v for v, _ in [conj.most("min_length") or (0, "")]), default=0)
    most = conj.least("max_length")
    high = most[0] if most else None
    if h.size is not None:
        low = max(low, h.size)
    patterns = [p for p, _ in conj.strings_of("pattern")]
    formats = [f for f, _ in conj.strings_of("format")]
    samples = OTHER_FORMAT_SAMPLES if h.variant % 2 else FORMAT_SAMPLES
    sample = samples.get(formats[0]) if formats and not patterns else None
    if sample is not None and low <= len(sample) and (high is None or len(sample) <= high):
        return sample
    text = fit_length(patterns[0] if patterns else None, low, high, h.variant)
    return NOTHING if text is None else text


def _array(conj: Conj, h: _Hints) -> Any:
    low = (conj.most("min_items") or (0, ""))[0]
    high = (conj.least("max_items") or (None, ""))[0]
    contains = tuple(v.contains for v in conj.views if v.contains)
    matching = max(
        (v.min_contains if v.min_contains is not None else 1 for v in conj.views if v.contains),
        default=0,
    )
    need = max(low, h.size or 0, 2 if h.duplicate else 0, matching)
    if high is not None and need > high:
        return NOTHING
    unique = any(v.unique for v in conj.views) and not h.duplicate
    items: list[Any] = []
    for i in range(need):
        variant = i if unique else 0
        value = NOTHING
        if i < matching:
            value = build_instance(
                conj.doc, conj.item_pointers(i) + contains, variant=variant, depth=h.depth + 1
            )
        if value is NOTHING:
            value = build_instance(
                conj.doc, conj.item_pointers(i), variant=variant, depth=h.depth + 1
            )
        if value is NOTHING:
            return NOTHING
        items.append(value)
    if h.duplicate and items:
        items = [items[0]] * len(items)
    return items


def _object(conj: Conj, h: _Hints) -> Any:
    names = list(dict.fromkeys([*conj.required, *h.include]))
    for v in conj.views:
        for name in list(names):
            names.extend(n for n in v.dependent_required.get(name, ()) if n not in names)
    wanted = max((conj.most("min_properties") or (0, ""))[0], h.size or 0)
    spare = [n for n in conj.declared() if n not in names] + [f"extra{i}" for i in range(wanted)]
    while len(names) < wanted and spare:
        names.append(spare.pop(0))
    result: dict[str, Any] = {}
    for name in names:
        value = build_instance(conj.doc, conj.property_pointers(name), depth=h.depth + 1)
        if value is NOTHING:
            if name in conj.required or name in h.include:
                return NOTHING
            continue
        result[name] = value
    return result


_BUILDERS = {
    "null": _null,
    "boolean": _boolean,
    "integer": _number("integer"),
    "fraction": _number("fraction"),
    "string": _string,
    "array": _array,
    "object": _object,
}
