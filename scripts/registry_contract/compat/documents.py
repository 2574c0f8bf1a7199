"""One schema version as the engine sees it: its draft, its `$ref` targets and its validators."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

from ..dialect import DEFAULT_DIALECT_NAME, DIALECT_BY_NAME, dialect_of
from .enums import KEY_SETS, KeySets, indexed_enum
from .model import CompatError

DRAFT_BY_URI = {
    "http://json-schema.org/draft-04/schema": 4,
    "http://json-schema.org/draft-06/schema": 6,
    "http://json-schema.org/draft-07/schema": 7,
    "https://json-schema.org/draft/2019-09/schema": 2019,
    "https://json-schema.org/draft/2020-12/schema": 2020,
}
VALIDATOR_NAME_BY_DRAFT = {
    4: "Draft4Validator",
    6: "Draft6Validator",
    7: "Draft7Validator",
    2019: "Draft201909Validator",
    2020: "Draft202012Validator",
}


NAME_BY_DRAFT = {
    draft: name
    for name, uri in DIALECT_BY_NAME.items()
    for known, draft in DRAFT_BY_URI.items()
    if uri.rstrip("#") == known
}


def validator_class(draft: int) -> Any:
    """python-jsonschema's validator class of a draft, imported when a payload is first
    checked: a comparison that needs no witness checked imports none of it."""
    from jsonschema import validators

    return getattr(validators, VALIDATOR_NAME_BY_DRAFT[draft])


@cache
def witness_validator_class(draft: int) -> Any:
    """The draft's validator class with `enum` looked up in a set (see enums.py)."""
    from jsonschema import _keywords, validators

    original: Any = _keywords.enum
    extended = {"enum": indexed_enum(original)}
    return validators.extend(validator_class(draft), extended)  # type: ignore[no-untyped-call]


def dialect_names(old: Any, new: Any, default: str) -> dict[str, str]:
    """The dialect each version is read in, by `default-dialect` name, and the default."""
    return {
        "old": NAME_BY_DRAFT[detect_draft(old, "OLD", default)],
        "new": NAME_BY_DRAFT[detect_draft(new, "NEW", default)],
        "default": default,
    }


@dataclass(frozen=True, slots=True)
class Rejection:
    """One reason the validator gives: the keyword, its pointer in the document (through
    `$ref`), the schema node holding it, the instance location, the keyword's value, and the
    nodes whose `$ref` led there."""

    keyword: str | None
    location: str
    node: str
    path: tuple[str | int, ...]
    value: Any
    via: tuple[str, ...] = ()  # the nodes whose `$ref` the error went through


SINGLE_SCHEMA_KEYWORDS = (
    "additionalItems",
    "additionalProperties",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
)
LIST_SCHEMA_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
MAP_SCHEMA_KEYWORDS = (
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
)


def child(pointer: str, *keys: str | int) -> str:
    """Extend an RFC 6901 JSON pointer by one or more reference tokens."""
    return pointer + "".join("/" + str(k).replace("~", "~0").replace("/", "~1") for k in keys)


def detect_draft(schema: Any, label: str, default: str = DEFAULT_DIALECT_NAME) -> int:
    """The draft named by `$schema`, else the default dialect's."""
    uri = schema.get("$schema") if isinstance(schema, dict) else None
    if not isinstance(uri, str):
        uri = dialect_of(schema, default)
    key = (
        str(uri)
        .rstrip("#")
        .replace("https://json-schema.org/draft-0", "http://json-schema.org/draft-0")
    )
    if key not in DRAFT_BY_URI:
        raise CompatError(
            f"{label} schema: unknown $schema {uri!r}",
            hint="use one of "
            + ", ".join(DRAFT_BY_URI)
            + f" or leave $schema out to read it as {default}",
        )
    return DRAFT_BY_URI[key]


def iter_subschemas(node: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    """Yield `(pointer, schema)` for the schemas directly below `node` (not annotations)."""
    if not isinstance(node, dict):
        return
    for key in SINGLE_SCHEMA_KEYWORDS:
        if isinstance(node.get(key), dict | bool):
            yield child(pointer, key), node[key]
    for key in (*LIST_SCHEMA_KEYWORDS, "items"):
        value = node.get(key)
        if isinstance(value, list):
            yield from ((child(pointer, key, i), v) for i, v in enumerate(value))
        elif key == "items" and isinstance(value, dict | bool):
            yield child(pointer, key), value
    for key in (*MAP_SCHEMA_KEYWORDS, "dependencies"):
        value = node.get(key)
        if isinstance(value, dict):
            for name, sub in value.items():
                if isinstance(sub, dict | bool):
                    yield child(pointer, key, name), sub


class Document:
    """A schema version: raw JSON for pointers, an index of `$id`/anchors, cached validators."""

    def __init__(
        self,
        schema: Any,
        label: str,
        default_dialect: str = DEFAULT_DIALECT_NAME,
        formats: bool = True,
    ) -> None:
        if not isinstance(schema, dict | bool):
            raise CompatError(
                f"{label} schema is a {type(schema).__name__}, not a JSON Schema",
                hint="pass a JSON object or a boolean",
            )
        self.root = schema
        self.label = label
        self.formats = formats
        self.draft = detect_draft(schema, label, default_dialect)
        self.id_key = "id" if self.draft == 4 else "$id"
        self.resources: dict[str, str] = {}
        self.anchors: dict[str, str] = {}
        self.base_by_pointer: dict[str, str] = {}
        self.nodes: dict[str, Any] = {}
        self.resources[""] = ""
        self._index(schema, "", "")
        for pointer, node in self.nodes.items():  # fail early on a dangling local $ref
            if isinstance(node, dict) and isinstance(node.get("$ref"), str):
                self.resolve(node["$ref"], pointer)
        self.views: dict[str, Any] = {}
        self.flat_cache: dict[Any, Any] = {}
        self._validators: dict[str, Any] = {}
        self._checker: Any = None
        self.key_sets = KeySets()

    def _index(self, node: Any, pointer: str, base: str) -> None:
        self.nodes[pointer] = node
        if isinstance(node, dict):
            raw_id = node.get(self.id_key)
            if isinstance(raw_id, str):
                uri, fragment = urldefrag(urljoin(base, raw_id))
                if uri:
                    base = uri
                    self.resources.setdefault(uri, pointer)
                if fragment and self.draft <= 7:
                    self.anchors.setdefault(f"{base}#{fragment}", pointer)
            for key in ("$anchor", "$dynamicAnchor"):
                if isinstance(node.get(key), str):
                    self.anchors.setdefault(f"{base}#{node[key]}", pointer)
        self.base_by_pointer[pointer] = base
        for sub_pointer, sub in iter_subschemas(node, pointer):
            self._index(sub, sub_pointer, base)

    def node(self, pointer: str) -> Any:
        return self.nodes[pointer]

    def resolve(self, ref: str, at: str) -> str | None:
        """The pointer a `$ref` found at `at` leads to, or None when it leaves the document."""
        uri, fragment = urldefrag(urljoin(self.base_by_pointer.get(at, ""), ref))
        if uri not in self.resources:
            return None
        start = self.resources[uri]
        if not fragment or fragment.startswith("/"):
            target = start + unquote(fragment)
        else:
            found = self.anchors.get(f"{uri}#{fragment}")
            if found is None:
                raise CompatError(
                    f"{self.label} schema: $ref {ref!r} at {at or '/'} names an unknown anchor",
                    hint="define the anchor or fix the $ref",
                )
            target = found
        if target not in self.nodes:
            raise CompatError(
                f"{self.label} schema: $ref {ref!r} at {at or '/'} points to nothing",
                hint="fix the $ref or add the schema it points to under $defs",
            )
        return target

    def is_valid(self, instance: Any, pointer: str = "") -> bool:
        """Validate with python-jsonschema (this draft); unknown counts as no."""
        return self.validity(instance, pointer) is True

    def validity(self, instance: Any, pointer: str = "") -> bool | None:
        """True or False from python-jsonschema, or None when it cannot tell (a `$ref` that
        leaves the document, a schema it cannot read in this draft, recursion too deep)."""
        token = KEY_SETS.set(self.key_sets)
        try:
            return bool(self._validator(pointer).is_valid(instance))
        except Exception:  # see _errors
            return None
        finally:
            KEY_SETS.reset(token)

    def rejection(self, instance: Any, pointer: str) -> tuple[str, str] | None:
        """The keyword that rejects `instance` at `pointer`, and where it is; None if valid."""
        from jsonschema.exceptions import best_match

        errors = self._errors(instance, pointer)
        if errors is None:
            return "$ref", pointer
        error = best_match(errors)
        if error is None:
            return None
        if error.validator == "oneOf" and error.context:  # no branch matched, unlike "several did"
            return "anyOf", pointer
        found = self._locate(error, pointer)
        return str(found.keyword), found.location

    def rejections(self, instance: Any, pointer: str = "") -> list[Rejection] | None:
        """Every reason the validator rejects `instance` (empty when valid), or None when
        it cannot tell."""
        errors = self._errors(instance, pointer)
        return None if errors is None else [self._locate(e, pointer) for e in errors]

    def _errors(self, instance: Any, pointer: str) -> list[Any] | None:
        token = KEY_SETS.set(self.key_sets)
        try:
            return list(self._validator(pointer).iter_errors(instance))
        except Exception:
            # python-jsonschema raises on a `$ref` leaving the document (Unresolvable), on a
            # schema that is not valid in the draft it is read in (a list `items` read as
            # 2020-12 raises AttributeError), and on recursion too deep. Each means "cannot
            # tell", which the engine turns into an undecidable change, never a crash.
            return None
        finally:
            KEY_SETS.reset(token)

    def _locate(self, error: Any, pointer: str) -> Rejection:
        # python-jsonschema leaves `$ref` out of schema paths: a token the node lacks is
        # read in the node's `$ref` target (always, in drafts that ignore `$ref` siblings).
        at = node = pointer
        via: list[str] = []
        for token in error.absolute_schema_path:
            node = self._through_refs(at, str(token))
            if node != at:
                via.append(at)
            at = child(node, token)
        keyword = None if error.validator is None else str(error.validator)
        if keyword is None:
            node = self._through_refs(at, None)
            if node != at:
                via.append(at)
            at = node
        path, value = tuple(error.absolute_path), error.validator_value
        return Rejection(keyword, at, node, path, value, tuple(via))

    def _through_refs(self, at: str, token: str | None) -> str:
        for _ in range(len(self.nodes)):
            node = self.nodes.get(at)
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            if token is not None and token in node and self.draft > 7:
                break
            target = self.resolve(node["$ref"], at)
            if target is None or target == at:
                break
            at = target
        return at

    def _validator(self, pointer: str) -> Any:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = self._validators[pointer] = self._validator_at(pointer)
        return validator

    def _validator_at(self, pointer: str) -> Any:
        if self._checker is None:
            from referencing import Registry

            cls = witness_validator_class(self.draft)
            root = nullable_as_type(self.root)
            if isinstance(root, dict) and "$schema" in root:
                # The class already is this draft's; without `$schema`, evolving to the root
                # (a `$ref: "#"`) keeps it instead of switching to the stock class.
                root = {k: v for k, v in root.items() if k != "$schema"}
            checker = cls.FORMAT_CHECKER if self.formats else None
            # An explicit, empty registry: a `$ref` leaving the document is never fetched.
            self._checker = cls(root, format_checker=checker, registry=Registry())
        if not pointer:
            return self._checker
        return self._checker.evolve(schema=resolve_pointer(self._checker.schema, pointer))

    def knows_format(self, name: str) -> bool:
        return name in validator_class(self.draft).FORMAT_CHECKER.checkers

    @property
    def dialect_name(self) -> str:
        """The `default-dialect` name of the draft this document is read in."""
        return NAME_BY_DRAFT[self.draft]


def resolve_pointer(root: Any, pointer: str) -> Any:
    node = root
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def nullable_as_type(schema: Any) -> Any:
    """A copy where OpenAPI `nullable: true` is spelt as a `null` type, for the validator."""
    if not _has_nullable(schema, ""):
        return schema
    result = copy.deepcopy(schema)
    _rewrite_nullable(result, "")
    return result


def _has_nullable(node: Any, pointer: str) -> bool:
    if isinstance(node, dict) and node.get("nullable") is True:
        return True
    return any(_has_nullable(sub, p) for p, sub in iter_subschemas(node, pointer))


def _rewrite_nullable(node: Any, pointer: str) -> None:
    if isinstance(node, dict) and node.get("nullable") is True and "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        node["type"] = types if "null" in types else [*types, "null"]
    for p, sub in iter_subschemas(node, pointer):
        _rewrite_nullable(sub, p)
