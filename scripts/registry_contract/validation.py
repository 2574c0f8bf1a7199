"""Validators built once per locked schema, resolving `$ref` only among locked schemas."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

from .errors import LockError
from .fastpath import build_fast_path
from .metaschema import draft_of, is_known_dialect
from .reference import draft_of_validator, mirrored_draft

if TYPE_CHECKING:
    import referencing

    from .lockfile import Lock

DEFAULT_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class Issue:
    """Why a payload failed: where in the payload, which keyword where in the schema."""

    path: str
    schema_path: str
    keyword: str
    message: str


def pointer(parts: Any) -> str:
    """Turn a sequence of keys and indexes into an RFC 6901 JSON pointer."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class LockedRefs:
    """The locked schemas by `$id`, which is all a `$ref` may reach. python-jsonschema's
    referencing.Registry of them is built only when the reference runs."""

    def __init__(
        self, pairs: list[tuple[str, Any]], registry: referencing.Registry[Any] | None = None
    ) -> None:
        self._pairs = pairs
        # referencing.Registry.with_resources drops an empty fragment; so does this.
        self.documents = {uri.rstrip("#"): document for uri, document in pairs}
        self._registry = registry

    @classmethod
    def of(cls, registry: LockedRefs | referencing.Registry[Any]) -> LockedRefs:
        if isinstance(registry, LockedRefs):
            return registry
        return cls([(uri, registry[uri].contents) for uri in registry], registry)

    def __iter__(self) -> Iterator[str]:
        return iter(self.documents)

    @property
    def registry(self) -> referencing.Registry[Any]:
        if self._registry is None:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012

            resources = [
                (uri, Resource.from_contents(document, default_specification=DRAFT202012))
                for uri, document in self._pairs
            ]
            self._registry = Registry().with_resources(resources)
        return self._registry


class SchemaValidator:
    """A reusable validator for one schema; `check` returns the issues, best match first.

    jsonschema-rs decides "valid" when it mirrors the schema faithfully (see fastpath.py);
    python-jsonschema, the reference, confirms every "invalid" and explains it. The reference
    is imported and built on the first payload jsonschema-rs does not accept.
    """

    def __init__(
        self,
        schema: Any,
        *,
        label: str,
        formats: bool,
        registry: LockedRefs | referencing.Registry[Any] | None = None,
    ) -> None:
        self.label = label
        self._schema = schema
        self._formats = formats
        self._refs = LockedRefs.of(registry) if registry is not None else None
        dialect = schema.get("$schema", DEFAULT_DIALECT) if isinstance(schema, dict) else None
        if dialect is not None and not is_known_dialect(dialect):
            raise LockError(
                f"{label}: unknown $schema {dialect!r}",
                hint="use a JSON Schema draft from 4 to 2020-12",
            )
        name = draft_of(schema)  # None: only the reference can tell, so ask it
        draft = mirrored_draft(name) if name is not None else draft_of_validator(self._reference)
        documents = self._refs.documents if self._refs is not None else None
        fast = build_fast_path(schema, draft, formats=formats, documents=documents)
        self._fast_path = fast
        self._fast = fast.validator
        self._fast_text = fast.text_validator or fast.validator
        self._markers = fast.markers
        self.slow_reason = fast.reason

    @functools.cached_property
    def _reference(self) -> Any:
        """The python-jsonschema validator, built as `validator_for` picks its class."""
        from jsonschema.validators import validator_for

        cls = validator_for(self._schema, default=validator_for({"$schema": DEFAULT_DIALECT}))
        kwargs: dict[str, Any] = {"format_checker": cls.FORMAT_CHECKER if self._formats else None}
        if self._refs is not None:
            kwargs["registry"] = self._refs.registry
        return cls(self._schema, **kwargs)

    @property
    def fast(self) -> bool:
        """Whether jsonschema-rs decides "valid"; `slow_reason` says why not."""
        return self._fast is not None

    def is_valid(self, payload: Any) -> bool:
        return self.passes_fast(payload) or bool(self._reference.is_valid(payload))

    def passes_fast(self, payload: Any) -> bool:
        """True when jsonschema-rs accepts the payload, so the reference would too; False means
        only "ask the reference"."""
        return self._fast_path.accepts(payload)

    def passes_fast_json(self, payload: Any, text: bytes) -> bool:
        """`passes_fast` for the payload that parsing the JSON `text` gave, by a parser that
        refuses NaN and Infinity and keeps integers exact (so it is plain JSON)."""
        fast = self._fast_text
        for marker in self._markers:
            if marker in text:
                fast = self._fast
                break
        if fast is None:
            return False
        try:
            return bool(fast.is_valid(payload))
        except Exception:  # a string jsonschema-rs cannot hold (lone surrogate), a bridge error
            return False

    def check(self, payload: Any) -> list[Issue]:
        """Every issue the reference finds, best match first; [] when the payload is valid."""
        from jsonschema.exceptions import best_match

        errors = list(self._reference.iter_errors(payload))
        if not errors:
            return []
        best = best_match(errors)
        ordered = [best, *(e for e in errors if e is not best)]
        return [
            Issue(
                path=pointer(e.absolute_path),
                schema_path=pointer(e.absolute_schema_path),
                keyword=str(e.validator),
                message=e.message,
            )
            for e in ordered
        ]


def build_locked_refs(lock: Lock) -> LockedRefs:
    """Every locked schema that has an `$id`, and nothing fetched on demand."""
    pairs = []
    for name, tracks in lock.entries.items():
        for track in tracks:
            document = lock.schema(name, track)
            if isinstance(document, dict) and isinstance(document.get("$id"), str):
                pairs.append((document["$id"], document))
    return LockedRefs(pairs)


def build_ref_registry(lock: Lock) -> referencing.Registry[Any]:
    """A referencing.Registry of every locked schema that has an `$id`."""
    return build_locked_refs(lock).registry


def check_remote_refs(schema: Any, known: set[str], label: str) -> None:
    """Refuse any `$ref` that points outside the schema and outside the lock."""
    base = schema.get("$id", "") if isinstance(schema, dict) else ""
    for ref, scope in _refs(schema, base):
        target = urldefrag(urljoin(scope, ref)).url
        if target and target != urldefrag(scope).url and target not in known:
            raise LockError(
                f"{label}: $ref {ref!r} points to {target}, which is not in the lock; "
                "remote references are never fetched",
                hint="add the referenced schema to `schemas:` and run `registry-contract lock`",
            )


def _refs(node: Any, scope: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if isinstance(node.get("$id"), str):
            scope = urljoin(scope, node["$id"])
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                yield value, scope
            elif key not in ("enum", "const", "examples", "default"):
                yield from _refs(value, scope)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item, scope)
