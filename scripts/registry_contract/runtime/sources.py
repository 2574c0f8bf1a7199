"""Where schema documents come from: the registry (its client) and the committed lock."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LockError
from ..lock.reader import Lock, load_lock
from ..registry.base import KnownDocument, KnownLookup, RegistryClient, known_from_lock
from ..validation.validators import LockedRefs, build_locked_refs
from .logs import OnceLog

if TYPE_CHECKING:
    from ..config import RegistryConfig


@dataclass(frozen=True)
class Document:
    """One schema document of one track; `origin` is "registry" or "lock"."""

    name: str
    track: str
    version: int
    digest: str
    document: dict[str, Any]
    origin: str


class Sources:
    """The registry client (None: lock only) and the lock (None: registry only)."""

    def __init__(self, client: RegistryClient | None, lock: Lock | None) -> None:
        self.client = client
        self.lock = lock
        self._locked: KnownLookup = known_from_lock(lock)
        self.refs: LockedRefs | None = None
        if lock is not None:
            try:
                self.refs = build_locked_refs(lock)
            except LockError:  # an unreadable file: those entries fail their digest check too
                self.refs = None

    def fetch(self, name: str, track: str) -> Document | None:
        """The registry's current document; None when the track does not exist there.

        Raises RegistryError when the registry cannot answer (the caller keeps what it has).
        """
        if self.client is None:
            return None
        fetched = self.client.fetch(name, track)
        if fetched is None:
            return None
        return Document(name, track, fetched.version, fetched.sha256, fetched.schema, "registry")

    def locked(self, name: str, track: str) -> Document | None:
        """The lock's document, only when its file still matches the lock's digest."""
        known = self._locked(name, track)
        if known is None:
            return None
        return Document(name, track, known.version, known.sha256, known.schema, "lock")

    def locked_digest(self, name: str, track: str) -> str | None:
        entry = self.lock.entry(name, track) if self.lock is not None else None
        return entry.sha256 if entry is not None else None

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def open_lock(lock_dir: Path | None, notes: OnceLog) -> Lock | None:
    """The lock at `lock_dir`, or None (said once) when there is none or it is unreadable;
    each document is checked against its digest when it is used (see Sources.locked)."""
    if lock_dir is None:
        return None
    try:
        return load_lock(lock_dir)
    except LockError as e:
        notes.say(
            ("lock", str(lock_dir)),
            logging.WARNING,
            f"no usable schemas lock, the registry is the only source: {e}",
        )
        return None


def as_known(document: Document | None) -> KnownDocument | None:
    """What a 304 may reuse: the document the cache holds for that track."""
    if document is None:
        return None
    return KnownDocument(document.version, document.document, document.digest)


def build_client(
    registry: str | RegistryConfig,
    api: str,
    known: Callable[[str, str], KnownDocument | None],
    environ: Mapping[str, str] | None,
    default_dialect: str,
) -> RegistryClient:
    """The manager's registry client: the CLI's, with ETags kept in memory."""
    from ..config import RegistryConfig
    from ..registry import build_registry_client
    from ..registry.cache import EtagCache

    config = registry if isinstance(registry, RegistryConfig) else RegistryConfig(api, registry)
    return build_registry_client(
        config,
        root=Path.cwd(),
        where="SchemaManager",
        known=known,
        etags=EtagCache(None),  # in memory: a service's replicas do not share a cache file
        environ=environ,
        default_dialect=default_dialect,
    )
