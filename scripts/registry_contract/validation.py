"""Validators built once per locked schema, resolving `$ref` only among locked schemas."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

from .errors import LockError
from .fastpath import build_fast_path, is_plain_json

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


class SchemaValidator:
    """A reusable validator for one schema; `check` returns the issues, best match first.

    jsonschema-rs decides "valid" when it mirrors the schema faithfully (see fastpath.py);
    python-jsonschema, the reference, confirms every "invalid" and explains it.
    """

    def __init__(self, schema: Any, *, label: str, formats: bool, registry: Any = None) -> None:
        from jsonschema.validators import validator_for
        from referencing.jsonschema import UnknownDialect, specification_with

        self.label = label
        dialect = schema.get("$schema", DEFAULT_DIALECT) if isinstance(schema, dict) else None
        if dialect is not None:
            try:
                specification_with(dialect)
            except UnknownDialect as e:
                raise LockError(
                    f"{label}: unknown $schema {dialect!r}",
                    hint="use a JSON Schema draft from 4 to 2020-12",
                ) from e
        cls = validator_for(schema, default=validator_for({"$schema": DEFAULT_DIALECT}))
        kwargs: dict[str, Any] = {"format_checker": cls.FORMAT_CHECKER if formats else None}
        if registry is not None:
            kwargs["registry"] = registry
        self._validator = cls(schema, **kwargs)
        fast = build_fast_path(schema, self._validator, formats=formats, registry=registry)
        self._fast = fast.validator
        self._fast_text = fast.text_validator or fast.validator
        self._markers = fast.markers
        self.slow_reason = fast.reason

    @property
    def fast(self) -> bool:
        """Whether jsonschema-rs decides "valid"; `slow_reason` says why not."""
        return self._fast is not None

    def is_valid(self, payload: Any) -> bool:
        return self.passes_fast(payload) or bool(self._validator.is_valid(payload))

    def passes_fast(self, payload: Any) -> bool:
        """True when jsonschema-rs accepts the payload, so the reference would too; False means
        only "ask the reference"."""
        fast = self._fast
        if fast is None or not is_plain_json(payload):
            return False
        try:
            return bool(fast.is_valid(payload))
        except Exception:  # a string jsonschema-rs cannot hold (lone surrogate), a bridge error
            return False

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

        errors = list(self._validator.iter_errors(payload))
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


def build_ref_registry(lock: Lock) -> referencing.Registry[Any]:
    """A registry of every locked schema that has an `$id`, and nothing fetched on demand."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for name, tracks in lock.entries.items():
        for track in tracks:
            document = lock.schema(name, track)
            if isinstance(document, dict) and isinstance(document.get("$id"), str):
                resource = Resource.from_contents(document, default_specification=DRAFT202012)
                resources.append((document["$id"], resource))
    return Registry().with_resources(resources)


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
