"""One schema version as the engine sees it: its draft, `$ref` targets, jsonschema-rs validators."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

from ..dialect import DEFAULT_DIALECT_NAME, DIALECT_BY_NAME, dialect_of
from ..validation import ecmaregex
from ..validation.ecmaregex import UNDECIDED_KINDS
from ..validation.validators import REF_STEPS
from .enums import KeySets
from .model import CompatError

DRAFT_BY_URI = {
    "http://json-schema.org/draft-04/schema": 4,
    "http://json-schema.org/draft-06/schema": 6,
    "http://json-schema.org/draft-07/schema": 7,
    "https://json-schema.org/draft/2019-09/schema": 2019,
    "https://json-schema.org/draft/2020-12/schema": 2020,
}


NAME_BY_DRAFT = {
    draft: name
    for name, uri in DIALECT_BY_NAME.items()
    for known, draft in DRAFT_BY_URI.items()
    if uri.rstrip("#") == known
}


URI_BY_DRAFT = {draft: uri + "#" for uri, draft in DRAFT_BY_URI.items()}
# Strings that break every format a draft asserts: a format is asserted when one is refused.
_FORMAT_PROBES = ("\x00 [(", "(", "a")
_DRAFT4_MODIFIED = {"exclusiveMinimum": "minimum", "exclusiveMaximum": "maximum"}
_WEAK_KINDS = frozenset({"anyOf", "oneOf"})


@cache
def _asserts_format(draft: int, name: str) -> bool:
    import jsonschema_rs

    schema = {"$schema": URI_BY_DRAFT[draft], "format": name}
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    return not all(validator.is_valid(probe) for probe in _FORMAT_PROBES)


# Stands for a `$ref` that leaves the document: nothing is fetched, so it cannot tell.
REMOTE_KEYWORD = "x-registry-contract-remote-ref"
# The base URI jsonschema-rs gives a document without `$id`.
DEFAULT_BASE = "json-schema:///"


class _RemoteRef:
    def __init__(self, parent: Any, value: Any, schema_path: Any) -> None:
        self.ref = value

    def validate(self, instance: Any) -> None:
        raise ValueError(f"$ref {self.ref!r} leaves the document")


def _undecided(error: Any) -> bool:
    """The validator could not tell: a regex it gave up on, a `$ref` it cannot follow."""
    steps = error.evaluation_path
    return error.kind.name in UNDECIDED_KINDS or bool(steps and steps[-1] == REMOTE_KEYWORD)


def _node_at(root: Any, pointer: str) -> Any:
    node = root
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(key)] if isinstance(node, list) else node[key]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return node


def _refuse_retrieval(uri: str) -> Any:
    raise ValueError(f"{uri} is outside the document; remote references are never fetched")


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
        self._validators: Any = None
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
        """Validate with jsonschema-rs (this draft); unknown counts as no."""
        return self.validity(instance, pointer) is True

    def validity(self, instance: Any, pointer: str = "") -> bool | None:
        """True or False from jsonschema-rs, or None when it cannot tell (a `$ref` that leaves
        the document, a schema it cannot compile in this draft, a regex it gave up on)."""
        validator = self._validator(pointer)
        if validator is None:
            return None
        try:
            if validator.is_valid(instance):
                return True
            errors = list(validator.iter_errors(instance))
        except Exception:  # a value jsonschema-rs cannot hold (a lone surrogate, NaN)
            return None
        return None if any(map(_undecided, errors)) else False

    def rejection(self, instance: Any, pointer: str) -> tuple[str, str] | None:
        """The keyword that rejects `instance` at `pointer`, and where it is; None if valid."""
        errors = self._errors(instance, pointer)
        if errors is None:
            return "$ref", pointer
        if not errors:
            return None
        # The best match, as python-jsonschema ranks: the shallowest place in the payload, a
        # specific keyword before an anyOf or oneOf that only says "none matched".
        error = min(errors, key=lambda e: (len(e.instance_path), e.kind.name in _WEAK_KINDS))
        if type(error.kind).__name__ == "OneOfNotValid":  # no branch matched, not "several"
            return "anyOf", pointer
        found = self._locate(error, pointer)
        return str(found.keyword), found.location

    def rejections(self, instance: Any, pointer: str = "") -> list[Rejection] | None:
        """Every reason the validator rejects `instance` (empty when valid), or None when
        it cannot tell."""
        errors = self._errors(instance, pointer)
        return None if errors is None else [self._locate(e, pointer) for e in errors]

    def _errors(self, instance: Any, pointer: str) -> list[Any] | None:
        validator = self._validator(pointer)
        if validator is None:
            return None
        try:
            errors = list(validator.iter_errors(instance))
        except Exception:  # a value jsonschema-rs cannot hold (a lone surrogate, NaN)
            return None
        return None if any(map(_undecided, errors)) else errors

    def _locate(self, error: Any, pointer: str) -> Rejection:
        # The evaluation path names each `$ref` it followed; the keyword's node is read in
        # the reference's target.
        at = node = pointer
        via: list[str] = []
        steps = list(error.evaluation_path)
        for token in steps:
            if token in REF_STEPS:
                target = self._ref_target(at, str(token))
                if target is None:
                    break
                via.append(at)
                at = node = target
                continue
            node = at
            at = child(at, token)
        keyword: str | None = None
        if error.kind.name != "falseSchema" and steps and isinstance(steps[-1], str):
            keyword = steps[-1]
        if keyword is None:
            node = at
        here = self.nodes.get(node)
        if keyword in _DRAFT4_MODIFIED and isinstance(here, dict) and here.get(keyword) is True:
            # Draft 4's boolean `exclusiveMinimum` modifies `minimum`: the bound is the keyword.
            keyword = _DRAFT4_MODIFIED[keyword]
            at = child(node, keyword)
        value = here.get(keyword) if isinstance(here, dict) and keyword is not None else None
        return Rejection(keyword, at, node, tuple(error.instance_path), value, tuple(via))

    def _ref_target(self, at: str, keyword: str) -> str | None:
        node = self.nodes.get(at)
        ref = node.get(keyword) if isinstance(node, dict) else None
        if keyword == "$recursiveRef" and ref == "#":
            return ""
        return self.resolve(ref, at) if isinstance(ref, str) else None

    def _validator(self, pointer: str) -> Any:
        """jsonschema-rs's validator of the schema at `pointer`, or None when it has none."""
        if self._validators is None:
            self._validators = self._compile()
        return None if self._validators is None else self._validators.get("#" + pointer)

    def _compile(self) -> Any:
        """Every subschema compiled at once, read in this document's draft, formats asserted
        as configured, nothing fetched; None when jsonschema-rs cannot compile the schema."""
        import jsonschema_rs

        try:
            return jsonschema_rs.validator_map_for(
                self._as_validated(),
                validate_formats=self.formats,
                ignore_unknown_formats=True,
                retriever=_refuse_retrieval,
                keywords={REMOTE_KEYWORD: _RemoteRef},
            )
        except Exception:  # a regex that is not ECMA-262, a schema invalid in its draft
            return None

    def _as_validated(self) -> Any:
        """The schema as the validator reads it: in this document's draft, `nullable` as a
        `null` type, every local `$ref` spelt as the absolute pointer the engine resolved it
        to (a draft-07 `$anchor` too), and a `$ref` leaving the document as a keyword that
        says "cannot tell" when a payload reaches it."""
        root = nullable_as_type(self.root)
        if not isinstance(root, dict):
            return root
        refs = [
            (at, node["$ref"])
            for at, node in self.nodes.items()
            if isinstance(node, dict) and isinstance(node.get("$ref"), str)
        ]
        root = copy.deepcopy(root) if refs and root is self.root else dict(root)
        base = self.base_by_pointer.get("", "") or DEFAULT_BASE
        for at, ref in refs:
            node = _node_at(root, at)
            if not isinstance(node, dict):
                continue  # below a remote `$ref` whose siblings this draft ignores
            target = self.resolve(ref, at)
            if target is None:
                if self.draft <= 7:
                    node.clear()
                node.pop("$ref", None)
                node[REMOTE_KEYWORD] = ref
            elif urlsplit(base).scheme:
                node["$ref"] = base + "#" + quote(target, safe="/~!$&'()*+,;=:@")
        root["$schema"] = URI_BY_DRAFT[self.draft]
        return root

    def foreign_regexes(self) -> dict[str, str]:
        """Each `pattern` or `patternProperties` regex that is not ECMA-262 (so no validator
        can run it), with the first place it is at."""
        found: dict[str, str] = {}
        for pointer, node in self.nodes.items():
            if not isinstance(node, dict):
                continue
            regexes = [(node.get("pattern"), child(pointer, "pattern"))]
            names = node.get("patternProperties")
            if isinstance(names, dict):
                regexes += [(r, child(pointer, "patternProperties", r)) for r in names]
            for regex, where in regexes:
                if isinstance(regex, str) and ecmaregex.search(regex, "") is None:
                    found.setdefault(regex, where)
        return found

    def knows_format(self, name: str) -> bool:
        """Whether the validator asserts format `name` in this draft (when formats are on)."""
        return _asserts_format(self.draft, name)

    @property
    def dialect_name(self) -> str:
        """The `default-dialect` name of the draft this document is read in."""
        return NAME_BY_DRAFT[self.draft]


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
