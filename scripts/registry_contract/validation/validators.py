"""Validators built once per locked schema, resolving `$ref` only among locked schemas."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from ..dialect import DEFAULT_DIALECT_NAME, dialect_of, dialect_uri
from ..errors import LockError
from .fastpath import build_fast_path
from .metaschema import draft_of_dialect, is_known_dialect
from .schemarefs import is_bundled, scan_refs

if TYPE_CHECKING:
    import referencing

    from ..lock.reader import Lock

# The steps of an evaluation path that jump to another schema, not keywords of the payload's.
REF_STEPS = frozenset({"$ref", "$dynamicRef", "$recursiveRef"})
WEAK_KEYWORDS = frozenset({"anyOf", "oneOf"})


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
    referencing.Registry of them is built only when the reference runs, once per dialect:
    a document without `$schema` is read in the dialect of the schema that references it."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        # referencing.Registry.with_resources drops an empty fragment; so does this.
        self.documents = {uri.rstrip("#"): document for uri, document in pairs}
        self._registries: dict[str, referencing.Registry[Any]] = {}

    @classmethod
    def of(cls, registry: LockedRefs | referencing.Registry[Any]) -> LockedRefs:
        if isinstance(registry, LockedRefs):
            return registry
        return cls([(uri, registry[uri].contents) for uri in registry])

    def __iter__(self) -> Iterator[str]:
        return iter(self.documents)

    def registry_for(self, dialect: str) -> referencing.Registry[Any]:
        """A referencing.Registry of the documents, read in `dialect` unless they name their own."""
        if dialect not in self._registries:
            from referencing import Registry, Resource
            from referencing.jsonschema import specification_with

            spec = specification_with(dialect)
            resources = [
                (uri, Resource.from_contents(document, default_specification=spec))
                for uri, document in self.documents.items()
            ]
            self._registries[dialect] = Registry().with_resources(resources)
        return self._registries[dialect]


class SchemaValidator:
    """A reusable validator for one schema; `check` returns the issues, best match first.

    jsonschema-rs decides, both ways: it follows ECMA-262 regexes in bounded time and passes
    the JSON-Schema-Test-Suite where python-jsonschema does not (docs/validation.md).
    python-jsonschema, the reference, words each issue jsonschema-rs also finds (same payload
    path and keyword, its best match first); jsonschema-rs's own errors word the rest, and all
    of them for a schema with a regex, which Python's `re` could take minutes to run. The
    reference is imported and built on the first failure; it decides alone only where
    jsonschema-rs cannot: draft 3, a schema it cannot compile, a payload beyond plain JSON.
    """

    def __init__(
        self,
        schema: Any,
        *,
        label: str,
        formats: bool,
        registry: LockedRefs | referencing.Registry[Any] | None = None,
        default_dialect: str = DEFAULT_DIALECT_NAME,
    ) -> None:
        self.label = label
        self._schema = schema
        self._formats = formats
        self._refs = LockedRefs.of(registry) if registry is not None else LockedRefs([])
        self.dialect = base_dialect(schema, default_dialect, self._refs.documents)
        if not is_known_dialect(self.dialect):
            raise LockError(
                f"{label}: unknown $schema {self.dialect!r}",
                hint="use a JSON Schema draft from 4 to 2020-12, or lock the metaschema it names",
            )
        fast = build_fast_path(
            schema, self.dialect, formats=formats, documents=self._refs.documents
        )
        self._fast_path = fast
        self.slow_reason = fast.reason

    @functools.cached_property
    def _reference(self) -> Any:
        """The python-jsonschema validator of the schema's dialect."""
        import jsonschema

        cls = getattr(jsonschema, draft_of_dialect(self.dialect))
        return cls(
            self._schema,
            format_checker=cls.FORMAT_CHECKER if self._formats else None,
            registry=self._refs.registry_for(self.dialect),
        )

    @property
    def fast_validator(self) -> Any:
        """The jsonschema-rs validator that decides, or None (`slow_reason` says why)."""
        return self._fast_path.validator

    @property
    def fast(self) -> bool:
        """Whether jsonschema-rs decides; `slow_reason` says why not."""
        return self._fast_path.validator is not None

    def is_valid(self, payload: Any) -> bool:
        verdict = self._fast_path.decide(payload)
        return verdict if verdict is not None else self._reference_valid(payload)

    def passes_fast(self, payload: Any) -> bool:
        """True when jsonschema-rs accepts the payload; False means invalid or "ask is_valid"."""
        return self._fast_path.decide(payload) is True

    def passes_fast_json(self, payload: Any) -> bool:
        """`passes_fast` for a payload parsed from JSON text by a parser that refuses NaN and
        Infinity and keeps integers exact (so it is plain JSON)."""
        return self._fast_path.decide_plain(payload) is True

    def check(self, payload: Any) -> list[Issue]:
        """Every issue, best match first; [] when the payload is valid."""
        verdict = self._fast_path.decide(payload)
        if verdict is True:
            return []
        if verdict is None:
            return self._reference_issues(payload)
        found = self._rs_issues(payload)
        if self._fast_path.regexes:  # Python's re could take minutes on a catastrophic pattern
            return found
        try:
            worded = self._reference_issues(payload)
        except LockError:  # python-jsonschema cannot run it (a custom metaschema, say)
            return found
        where = {(i.path, i.keyword) for i in found}
        agreed = [i for i in worded if (i.path, i.keyword) in where]
        covered = {(i.path, i.keyword) for i in agreed}
        return best_first([*agreed, *(i for i in found if (i.path, i.keyword) not in covered)])

    def _reference_valid(self, payload: Any) -> bool:
        try:
            return bool(self._reference.is_valid(payload))
        except Exception as e:  # re.error, an unresolvable $ref: the schema cannot be evaluated
            raise self._unevaluable(e) from e

    def _reference_issues(self, payload: Any) -> list[Issue]:
        from jsonschema.exceptions import best_match

        try:
            errors = list(self._reference.iter_errors(payload))
        except Exception as e:  # re.error, an unresolvable $ref: the schema cannot be evaluated
            raise self._unevaluable(e) from e
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

    def _rs_issues(self, payload: Any) -> list[Issue]:
        """jsonschema-rs's errors, with schema paths as python-jsonschema writes them (the
        `$ref`s followed left out, so payload_diff can look the keyword up the same way)."""
        issues = []
        for error in self._fast_path.validator.iter_errors(payload):
            steps = [p for p in error.evaluation_path if p not in REF_STEPS]
            if error.kind.name == "falseSchema":  # the path ends at the schema, not a keyword
                keyword = "false"
            else:
                keyword = steps[-1] if steps and isinstance(steps[-1], str) else error.kind.name
            issues.append(
                Issue(pointer(error.instance_path), pointer(steps), keyword, error.message)
            )
        return best_first(issues)

    def _unevaluable(self, error: Exception) -> LockError:
        first = str(error).strip().splitlines()
        why = first[0] if first else type(error).__name__
        return LockError(
            f"{self.label}: python-jsonschema cannot evaluate this schema: {why}",
            hint="fix the schema in the registry and run `registry-contract lock`",
        )


def best_first(issues: list[Issue]) -> list[Issue]:
    """Best match first, as python-jsonschema's best_match ranks: the shallowest place in the
    payload, and a specific keyword before an anyOf or oneOf that only says "none matched"."""
    return sorted(issues, key=lambda i: (i.path.count("/"), i.keyword in WEAK_KEYWORDS))


def base_dialect(schema: Any, default_dialect: str, documents: Mapping[str, Any]) -> str:
    """The draft `schema` is read in: its `$schema` (else the `default-dialect`), and for a
    custom metaschema (a locked document) the draft that metaschema is written in."""
    dialect = dialect_of(schema, default_dialect)
    seen = set()
    while not is_known_dialect(dialect) and dialect not in seen:
        seen.add(dialect)
        metaschema = documents.get(urldefrag(dialect).url)
        if metaschema is None:
            break
        dialect = dialect_of(metaschema, default_dialect)
    return dialect


def build_locked_refs(lock: Lock) -> LockedRefs:
    """Every locked schema that has an `$id` (`id` in draft 4), and nothing fetched on demand."""
    return locked_refs_of(
        lock.schema(name, track) for name, tracks in lock.entries.items() for track in tracks
    )


def locked_refs_of(documents: Iterable[Any]) -> LockedRefs:
    """The documents that have an `$id` (`id` in draft 4), by it: what the lock holds (or will
    hold, when `lock` checks what it is about to write)."""
    pairs = []
    for document in documents:
        if isinstance(document, dict):
            identifier = document.get("$id", document.get("id"))
            if isinstance(identifier, str):
                pairs.append((identifier, document))
    return LockedRefs(pairs)


def build_ref_registry(
    lock: Lock, default_dialect: str = DEFAULT_DIALECT_NAME
) -> referencing.Registry[Any]:
    """A referencing.Registry of every locked schema that has an `$id`."""
    return build_locked_refs(lock).registry_for(dialect_uri(default_dialect))


def check_remote_refs(
    schema: Any, known: set[str], label: str, default_dialect: str = DEFAULT_DIALECT_NAME
) -> None:
    """Refuse any reference that leaves the schema's own resources (its embedded `$id`s
    included) for a document that is neither locked nor an official metaschema."""
    dialect = dialect_of(schema, default_dialect)
    for ref, target in scan_refs(schema, dialect).remote:
        if target not in known and not is_bundled(target):
            raise LockError(
                f"{label}: $ref {ref!r} points to {target}, which is not in the lock; "
                "remote references are never fetched",
                hint="add the referenced schema to `schemas:` and run `registry-contract lock`",
            )
