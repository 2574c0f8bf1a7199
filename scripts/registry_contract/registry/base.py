"""The registry interface: what a client returns, what it knows from the lock, fetch stats."""

from __future__ import annotations

import functools
import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..dialect import DEFAULT_DIALECT_NAME, dialect_of
from ..errors import RegistryError
from ..lock.reader import MAX_SCHEMA_DEPTH, canonical_json, sha256_hex, too_deep

if TYPE_CHECKING:
    from ..lock.reader import Lock


@dataclass(frozen=True)
class FetchedSchema:
    """One schema document of one track, as the registry (or a 304 and the lock) gave it."""

    name: str
    track: str
    version: int
    schema: Any  # an object, or a boolean schema
    url: str
    not_modified: bool = False

    @functools.cached_property
    def canonical(self) -> bytes:
        """The document's bytes in the lock, worked out once for the ETag cache, the staged
        lock tree, the drift entries and the lock itself."""
        return canonical_json(self.schema)

    @functools.cached_property
    def sha256(self) -> str:
        """The digest the lock records for this document."""
        return sha256_hex(self.canonical)


@dataclass(frozen=True)
class KnownDocument:
    """A locked document whose bytes match the lock's digest, reusable on a 304."""

    version: int
    schema: Any
    sha256: str


KnownLookup = Callable[[str, str], KnownDocument | None]


class RegistryClient(Protocol):
    """One registry API. `None` from fetch means the track does not exist (fall back)."""

    api: str
    stats: FetchStats

    def url_for(self, name: str, track: str) -> str: ...

    def fetch(self, name: str, track: str) -> FetchedSchema | None: ...

    def list_versions(self, name: str, track: str) -> list[int]: ...

    def fetch_version(self, name: str, track: str, version: int) -> FetchedSchema | None: ...

    def list_schemas(self) -> dict[str, list[str]] | None: ...

    def close(self) -> None: ...


class FetchStats:
    """Latency and 304s of every request, thread-safe, summarised for GateResult.fetch."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latencies: list[float] = []
        self.not_modified = 0

    def record(self, seconds: float, *, not_modified: bool = False) -> None:
        with self._lock:
            self.latencies.append(seconds)
            self.not_modified += int(not_modified)

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            ordered = sorted(self.latencies)
            hits = self.not_modified
        count = len(ordered)
        return {
            "requests": count,
            "p50_ms": _percentile_ms(ordered, 0.50),
            "p95_ms": _percentile_ms(ordered, 0.95),
            "cache_hit_ratio": round(hits / count, 4) if count else 0.0,
        }


def _percentile_ms(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not ordered:
        return 0.0
    index = max(0, math.ceil(fraction * len(ordered)) - 1)
    return round(ordered[index] * 1000, 2)


def known_from_lock(lock: Lock | None) -> KnownLookup:
    """Look up a locked document, but only when its file still matches the lock's digest."""

    def lookup(name: str, track: str) -> KnownDocument | None:
        entry = lock.entry(name, track) if lock is not None else None
        if lock is None or entry is None:
            return None
        try:
            data = (lock.dir / entry.file).read_bytes()
            document = json.loads(data)
        except (OSError, ValueError, RecursionError):
            return None
        if sha256_hex(data) != entry.sha256 or not isinstance(document, (dict, bool)):
            return None
        return KnownDocument(entry.version, document, entry.sha256)

    return lookup


def check_schema_document(
    document: Any, url: str, name: str, track: str, default_dialect: str = DEFAULT_DIALECT_NAME
) -> Any:
    """Refuse anything that is not a JSON Schema (an object, or from draft 6 on a boolean)
    valid against its metaschema: its own `$schema`, else the `default-dialect`'s."""
    from ..validation.metaschema import find_schema_error, is_known_dialect

    where = f"{url}: the schema of {name}@{track}"
    if not isinstance(document, (dict, bool)):
        raise RegistryError(
            f"{where} is a JSON {type(document).__name__}, not an object or a boolean",
            hint="publish a JSON Schema object to the registry",
        )
    if _nested_too_deeply(document):
        raise RegistryError(
            f"{where} is nested more than {MAX_SCHEMA_DEPTH} levels deep, which the lock refuses",
            hint="flatten the schema in the registry (use $defs); the lock was not changed",
        )
    dialect = dialect_of(document, default_dialect)
    if not is_known_dialect(dialect):
        raise RegistryError(
            f"{where} has an unknown $schema {dialect!r}",
            hint="use a JSON Schema draft from 4 to 2020-12",
        )
    try:
        error = find_schema_error(document, default_dialect)
    except RecursionError as e:
        raise RegistryError(
            f"{where} is nested too deeply to check",
            hint="flatten the schema in the registry (use $defs); the lock was not changed",
        ) from e
    if error is not None:
        raise RegistryError(
            f"{where} is not a valid JSON Schema: {error.message} at {error.path}",
            hint="fix the schema in the registry; the lock was not changed",
        )
    return document


def refuse_deep_json(data: bytes, where: str) -> None:
    """Refuse an answer nested deeper than a schema the lock accepts, before parsing it (the
    parser would run out of stack on one nested thousands deep)."""
    if too_deep(data, MAX_SCHEMA_DEPTH + 1):  # + 1: the core API's envelope around the schema
        raise RegistryError(
            f"{where} is nested more than {MAX_SCHEMA_DEPTH} levels deep, which the lock refuses",
            hint="flatten the schema in the registry (use $defs); the lock was not changed",
        )


def _nested_too_deeply(document: Any) -> bool:
    """Whether the lock would refuse this document (`verify` runs too_deep on its file): the
    C encoder keeps the nesting of the canonical bytes, and stops at Python's recursion limit."""
    try:
        return too_deep(json.dumps(document).encode())
    except (RecursionError, ValueError):  # ValueError: a circular structure, which JSON has not
        return True


def warm_up_schema_checks() -> None:
    """Import and build what check_schema_document needs, on a tiny schema.

    Called while the first requests are in flight, so that this one-off cost overlaps the
    network wait instead of delaying every worker when the first documents arrive.
    """
    sample = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://registry-contract.invalid/warm-up",
        "type": "object",
    }
    check_schema_document(sample, "(warm-up)", "warm-up", "v0")


def parse_version(value: Any, url: str, name: str, track: str) -> int:
    """A registry version must be a positive integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RegistryError(
            f"{url}: version of {name}@{track} is {value!r}, expected a positive integer",
            hint="check that registry.api matches the registry's API",
        )
    return value
