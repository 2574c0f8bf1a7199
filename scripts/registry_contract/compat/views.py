"""One schema node read into draft-independent form: 2020-12 keywords, kinds, exact numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .documents import Document, child
from .regexes import is_universal

# "number" is split so that integer-only and fractional values can be reasoned about apart.
KINDS = frozenset({"null", "boolean", "object", "array", "string", "integer", "fraction"})
KINDS_BY_TYPE = {
    "null": frozenset({"null"}),
    "boolean": frozenset({"boolean"}),
    "object": frozenset({"object"}),
    "array": frozenset({"array"}),
    "string": frozenset({"string"}),
    "integer": frozenset({"integer"}),
    "number": frozenset({"integer", "fraction"}),
}


# View attributes that assert something; combinators and $ref are tracked by the Conj itself.
ASSERTING = (
    "kinds", "lower", "upper", "multiple_of", "min_length", "max_length", "pattern",
    "format", "prefix", "items", "contains", "min_items", "max_items", "unique", "properties",
    "pattern_properties", "additional", "property_names", "required", "min_properties",
    "max_properties", "dependent_required", "dependent_schemas", "dynamic_ref", "unevaluated",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Bound:
    """A numeric bound: `value`, whether it is exclusive, and the keyword that set it."""

    value: Fraction
    exclusive: bool
    keyword: str


@dataclass(eq=False, slots=True)
class View:
    """The assertions of one schema node, own keywords only; subschemas are pointers."""

    pointer: str
    false: bool = False
    kinds: frozenset[str] | None = None
    enum: tuple[tuple[Any, str], ...] | None = None
    lower: Bound | None = None
    upper: Bound | None = None
    multiple_of: Fraction | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    format: str | None = None
    format_note: str | None = None  # a `format` the validator does not assert here
    prefix: tuple[str, ...] = ()
    items: str | None = None
    contains: str | None = None
    min_contains: int | None = None
    max_contains: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    unique: bool = False
    properties: dict[str, str] = field(default_factory=dict)
    pattern_properties: dict[str, str] = field(default_factory=dict)
    additional: str | None = None
    property_names: str | None = None
    required: tuple[str, ...] = ()
    min_properties: int | None = None
    max_properties: int | None = None
    dependent_required: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dependent_schemas: dict[str, str] = field(default_factory=dict)
    # The keyword each dependent_required entry was read from (its pointer in findings).
    dependent_keyword: dict[str, str] = field(default_factory=dict)
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()
    not_: str | None = None
    if_: str | None = None
    then: str | None = None
    else_: str | None = None
    ref: str | None = None
    dynamic_ref: str | None = None
    unevaluated: bool = False

    def at(self, keyword: str) -> str:
        return child(self.pointer, keyword)


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: `true` is not `1`, `1` is `1.0`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return (type(a) is type(b) or (_is_number(a) and _is_number(b))) and bool(a == b)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_fraction(value: Any) -> Fraction | None:
    """An exact number as written (0.1 is 1/10), or None for non-numbers and infinities."""
    if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return Fraction(value) if isinstance(value, int) else Fraction(repr(value))


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def read_view(doc: Document, pointer: str) -> View:
    """The cached view of the node at `pointer`."""
    cached = doc.views.get(pointer)
    if cached is None:
        cached = doc.views[pointer] = _read(doc, doc.node(pointer), pointer)
    assert isinstance(cached, View)
    return cached


def _read(doc: Document, node: Any, p: str) -> View:
    if isinstance(node, bool):
        return View(p, false=not node)
    view = View(p)
    draft = doc.draft
    if isinstance(node.get("$ref"), str):
        view.ref = node["$ref"]
        if draft <= 7:  # drafts 4 to 7 ignore every keyword beside $ref
            return view
    for key in ("$dynamicRef", "$recursiveRef"):
        if isinstance(node.get(key), str) and draft >= 2019:
            view.dynamic_ref = node[key]
    _read_type(view, node)
    _read_enum(view, node, draft)
    _read_numbers(view, node, draft)
    _read_strings(view, node, doc)
    _read_arrays(view, node, draft)
    _read_objects(view, node, draft)
    _read_combinators(view, node, draft)
    if draft >= 2019:
        _read_unevaluated(doc, view, node)
    return view


def _read_type(view: View, node: dict[str, Any]) -> None:
    raw = node.get("type")
    if raw is None:
        return
    names = raw if isinstance(raw, list) else [raw]
    kinds = frozenset().union(
        *(KINDS_BY_TYPE.get(n, frozenset()) for n in names if isinstance(n, str))
    )
    view.kinds = kinds | {"null"} if node.get("nullable") is True else kinds


def _read_enum(view: View, node: dict[str, Any], draft: int) -> None:
    options: list[tuple[Any, str]] | None = None
    if isinstance(node.get("enum"), list):
        base = view.at("enum")
        options = [(v, f"{base}/{i}") for i, v in enumerate(node["enum"])]
    if "const" in node and draft >= 6:
        const = node["const"]
        in_enum = options is None or any(json_equal(const, v) for v, _ in options)
        options = [(const, view.at("const"))] if in_enum else []
    if options is not None:
        view.enum = tuple(options)


def tighter(a: Bound | None, b: Bound | None, lower: bool) -> Bound | None:
    if a is None or b is None:
        return a or b
    if a.value != b.value:
        return a if (a.value > b.value) == lower else b
    return a if a.exclusive else b


def _read_numbers(view: View, node: dict[str, Any], draft: int) -> None:
    for side, plain, exclusive in (
        (True, "minimum", "exclusiveMinimum"),
        (False, "maximum", "exclusiveMaximum"),
    ):
        bound = None
        value = to_fraction(node.get(plain))
        if value is not None:
            strict = draft == 4 and node.get(exclusive) is True
            bound = Bound(value, strict, plain)
        if draft >= 6 and (value := to_fraction(node.get(exclusive))) is not None:
            bound = tighter(bound, Bound(value, True, exclusive), side)
        if side:
            view.lower = bound
        else:
            view.upper = bound
    multiple = to_fraction(node.get("multipleOf"))
    view.multiple_of = multiple if multiple is not None and multiple > 0 else None


def _read_strings(view: View, node: dict[str, Any], doc: Document) -> None:
    view.min_length = _count(node.get("minLength"))
    view.max_length = _count(node.get("maxLength"))
    pattern = node.get("pattern")
    # A pattern every string matches (`a*`, `^.*`) asserts nothing.
    view.pattern = pattern if isinstance(pattern, str) and not is_universal(pattern) else None
    name = node.get("format")
    if isinstance(name, str):
        # A format asserts only when formats are on and the draft's checker knows it.
        if doc.formats and doc.knows_format(name):
            view.format = name
        else:
            view.format_note = name


def _schema(node: dict[str, Any], key: str) -> bool:
    return isinstance(node.get(key), dict | bool)


def _read_arrays(view: View, node: dict[str, Any], draft: int) -> None:
    p = view.pointer
    items = node.get("items")
    prefix_key = "prefixItems" if draft >= 2020 and "prefixItems" in node else "items"
    prefix = node.get(prefix_key)
    if isinstance(prefix, list):
        view.prefix = tuple(child(p, prefix_key, i) for i in range(len(prefix)))
    if isinstance(items, dict | bool) and (draft >= 2020 or not isinstance(prefix, list)):
        view.items = child(p, "items")
    elif draft < 2020 and isinstance(items, list) and _schema(node, "additionalItems"):
        view.items = child(p, "additionalItems")
    if draft >= 6 and _schema(node, "contains"):
        view.contains = child(p, "contains")
        if draft >= 2019:
            view.min_contains = _count(node.get("minContains"))
            view.max_contains = _count(node.get("maxContains"))
    view.min_items = _count(node.get("minItems"))
    view.max_items = _count(node.get("maxItems"))
    view.unique = node.get("uniqueItems") is True


def _read_objects(view: View, node: dict[str, Any], draft: int) -> None:
    p = view.pointer
    for key, target in (
        ("properties", view.properties),
        ("patternProperties", view.pattern_properties),
    ):
        if isinstance(node.get(key), dict):
            target.update(
                {n: child(p, key, n) for n, s in node[key].items() if isinstance(s, dict | bool)}
            )
    if _schema(node, "additionalProperties"):
        view.additional = child(p, "additionalProperties")
    if draft >= 6 and _schema(node, "propertyNames"):
        view.property_names = child(p, "propertyNames")
    if isinstance(node.get("required"), list):
        view.required = tuple(dict.fromkeys(n for n in node["required"] if isinstance(n, str)))
    view.min_properties = _count(node.get("minProperties"))
    view.max_properties = _count(node.get("maxProperties"))
    # jsonschema-rs, which decides validation (docs/validation.md), applies draft 7's
    # `dependencies` in 2019-09 and 2020-12 too, as the suite's optional tests expect.
    sources = [("dependentRequired", "dependentSchemas")] if draft >= 2019 else []
    sources.append(("dependencies", "dependencies"))
    for req_key, schema_key in sources:
        required = node.get(req_key)
        for name, value in (required if isinstance(required, dict) else {}).items():
            if isinstance(value, list):
                names = tuple(v for v in value if isinstance(v, str))
                before = view.dependent_required.get(name, ())  # both keywords apply
                view.dependent_required[name] = tuple(dict.fromkeys(before + names))
                view.dependent_keyword.setdefault(name, req_key)
        schemas = node.get(schema_key)
        for name, value in (schemas if isinstance(schemas, dict) else {}).items():
            if isinstance(value, dict | bool):
                # Both keywords naming one property in one node: only the first is compared
                # (docs/compatibility-rules.md, "Dialects").
                view.dependent_schemas.setdefault(name, child(p, schema_key, name))


def _read_combinators(view: View, node: dict[str, Any], draft: int) -> None:
    p = view.pointer
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            pointers = tuple(child(p, key, i) for i in range(len(node[key])))
            setattr(view, {"allOf": "all_of", "anyOf": "any_of", "oneOf": "one_of"}[key], pointers)
    if _schema(node, "not"):
        view.not_ = child(p, "not")
    if draft >= 7 and _schema(node, "if"):
        view.if_ = child(p, "if")
        view.then = child(p, "then") if _schema(node, "then") else None
        view.else_ = child(p, "else") if _schema(node, "else") else None


# In-place applicators whose annotations depend on which branch validated: with any of them
# below a node, what `unevaluated*` sees is not fixed by the schema alone.
_CONDITIONAL_APPLICATORS = (
    "anyOf", "oneOf", "if", "dependentSchemas", "$dynamicRef", "$recursiveRef",
    "unevaluatedProperties", "unevaluatedItems",
)  # fmt: skip


def _read_unevaluated(doc: Document, view: View, node: dict[str, Any]) -> None:
    """`unevaluatedProperties`/`unevaluatedItems` read as `additionalProperties`/`items` when
    the node and what it reaches through `allOf` and `$ref` evaluate a fixed set of names or
    positions (no anyOf, oneOf, if, dependentSchemas, dynamic refs); otherwise flagged."""
    props, items = node.get("unevaluatedProperties"), node.get("unevaluatedItems")
    props = props if isinstance(props, dict) or props is False else None
    items = items if isinstance(items, dict) or items is False else None
    if props is None and items is None:
        return
    others = _in_place(doc, view.pointer, node)
    # 2020-12 counts the items `contains` matched as evaluated: that depends on the payload.
    if others is None or (
        items is not None and doc.draft >= 2020 and _any(doc, others, "contains")
    ):
        view.unevaluated = True
        return
    reached = others[1:]  # the first is the node being read
    if props is not None and not _any(doc, others, "additionalProperties"):
        for other in reached:
            seen = read_view(doc, other)
            for name, at in seen.properties.items():
                view.properties.setdefault(name, at)
            for pattern, at in seen.pattern_properties.items():
                view.pattern_properties.setdefault(pattern, at)
        view.additional = view.at("unevaluatedProperties")
    if (
        items is not None
        and view.items is None
        and not any(read_view(doc, o).items for o in reached)
    ):
        longest = max((read_view(doc, o).prefix for o in reached), key=len, default=())
        view.prefix = (*view.prefix, *longest[len(view.prefix) :])
        view.items = view.at("unevaluatedItems")


def _any(doc: Document, pointers: list[str], key: str) -> bool:
    return any(isinstance(n := doc.node(p), dict) and key in n for p in pointers)


def _in_place(doc: Document, pointer: str, node: dict[str, Any]) -> list[str] | None:
    """The node and those `allOf` and `$ref` reach from it, when none of them has a
    conditional applicator (the node may hold the `unevaluated*` being read); else None."""
    found: list[str] = []
    stack = [(pointer, node)]
    seen = {pointer}
    while stack:
        at, here = stack.pop()
        if not isinstance(here, dict):
            continue
        own = at == pointer
        keys = _CONDITIONAL_APPLICATORS[:6] if own else _CONDITIONAL_APPLICATORS
        if any(k in here for k in keys):
            return None
        found.append(at)
        targets = [child(at, "allOf", i) for i in range(len(here.get("allOf") or []))]
        if isinstance(here.get("$ref"), str):
            target = doc.resolve(here["$ref"], at)
            if target is None:
                return None
            targets.append(target)
        for target in targets:
            if target not in seen and target in doc.nodes:
                seen.add(target)
                stack.append((target, doc.node(target)))
    return found
