"""Turn the sources into cache entries: fetch, check against the lock, compile, keep on error."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator

from ..errors import ContractError
from ..validation.validators import check_remote_refs
from .cache import NEVER, Cached, Entry, Key, Missing, SchemaCache, Timing
from .compiled import CompiledSchema
from .logs import OnceLog, one_line
from .metrics import HOT, RuntimeMetrics
from .model import Mode
from .sources import Document, Sources


class Loader:
    """Loads one key into the cache. Never raises: a failure keeps what the cache had, else
    falls back to the lock, else caches `unavailable` until the next retry."""

    def __init__(
        self,
        sources: Sources,
        timing: Timing,
        clock: Callable[[], float],
        metrics: RuntimeMetrics,
        notes: OnceLog,
        *,
        formats: bool,
        default_dialect: str,
        lock_wins: bool,
    ) -> None:
        self.sources = sources
        self.timing = timing
        self.clock = clock
        self.metrics = metrics
        self.notes = notes
        self.formats = formats
        self.default_dialect = default_dialect
        self.lock_wins = lock_wins
        self.cache: SchemaCache | None = None  # set by the manager, which owns both

    def load(self, key: Key) -> None:
        assert self.cache is not None
        previous = self.cache.entries.get(key)
        try:
            self.cache.store(key, self._load(key, previous))
        except Exception:  # a bug: keep serving, and say it, rather than stall the key
            self.notes.logger.exception("loading %s@%s failed", one_line(key[0]), key[1])
            now = self.clock()
            retry = self.timing.retry_at(now)
            keep = previous if isinstance(previous, Entry) else None
            self.cache.store(key, keep and keep.served(until=retry, deadline=retry))

    def _load(self, key: Key, previous: Cached | None) -> Cached:
        name, track = key
        started = time.perf_counter()
        try:
            fetched = self.sources.fetch(name, track)
            doc = self._choose(fetched) if fetched is not None else None
            entry = self._entry(doc, previous, self.clock()) if doc is not None else None
        except ContractError as e:  # RegistryError, or a document we cannot compile
            self._observe(name, started)
            return self._failed(key, previous, e)
        self._observe(name, started)
        if self.notes.forget(("outage", key)):
            self.notes.logger.info("registry answers again for %s@%s", one_line(name), track)
        now = self.clock()
        if entry is None:
            if self.sources.client is None:  # lock only: the lock is the whole truth
                return self.from_lock(key, now) or Missing(name, track, NEVER, "missing")
            return Missing(name, track, self.timing.missing_until(now), "missing")
        return entry

    def _observe(self, name: str, started: float) -> None:
        if self.sources.client is not None:  # lock only: nothing was fetched
            self.metrics.observe_fetch(name, time.perf_counter() - started)

    def _choose(self, fetched: Document) -> Document:
        """The registry's document, unless it differs from the lock's and the lock wins."""
        name, track = fetched.name, fetched.track
        locked = self.sources.locked_digest(name, track)
        if locked is None or locked == fetched.digest:
            return fetched
        winner = "the lock's" if self.lock_wins else "the registry's"
        if self.notes.say(
            ("digest", name, track, fetched.digest),
            logging.WARNING,
            f"{name}@{track}: the registry serves version {fetched.version} with sha256 "
            f"{fetched.digest[:12]}, the lock has {locked[:12]}; using {winner} "
            "(run `registry-contract lock` to update the lock, or see runtime.digest-mismatch)",
        ):
            self.metrics.tally.add(("schema_digest_mismatches", name, track))
        if self.lock_wins:
            return self.sources.locked(name, track) or fetched
        return fetched

    def _entry(self, doc: Document, previous: Cached | None, now: float) -> Entry:
        same = isinstance(previous, Entry) and previous.doc.digest == doc.digest
        compiled = previous.compiled if same and isinstance(previous, Entry) else self._compile(doc)
        phase = previous.planned if isinstance(previous, Entry) else math.nan
        next_check = self.timing.refresh_at(now, phase)
        if doc.origin == "lock" and self.sources.client is None:
            next_check = NEVER
        expires = now + self.timing.ttl if doc.origin == "registry" else NEVER
        deadline = min(next_check, expires)
        hot = self._hot(doc)
        return Entry(
            doc, compiled, doc.origin, deadline, next_check, expires, hot, planned=next_check
        )

    def _compile(self, doc: Document) -> CompiledSchema:
        label = f"{doc.name}@{doc.track} v{doc.version} ({doc.origin})"
        refs = self.sources.refs
        known = set(refs) if refs is not None else set()
        check_remote_refs(doc.document, known, label, self.default_dialect)
        return CompiledSchema(
            doc.document,
            label=label,
            formats=self.formats,
            refs=refs,
            default_dialect=self.default_dialect,
        )

    def _failed(self, key: Key, previous: Cached | None, error: ContractError) -> Cached:
        name, track = key
        now = self.clock()
        retry = self.timing.retry_at(now)
        self.metrics.tally.add(("schema_refresh_failures", name, track))
        if isinstance(previous, Entry):
            stale = previous.doc.origin == "registry" and now >= previous.expires_at
            shown = "stale" if stale else previous.source
            self._outage(key, f"serving the cached {shown} schema v{previous.doc.version}", error)
            return previous.served(until=retry, deadline=retry, source=shown)
        if isinstance(previous, Missing) and previous.kind == "missing":
            return Missing(name, track, retry, "missing")
        locked = self.from_lock(key, now, retry)
        if locked is not None:
            self._outage(key, f"serving the locked schema v{locked.doc.version}", error)
            return locked
        reason = f"the registry failed ({one_line(error, 300)}) and the lock has no {name}@{track}"
        self._outage(key, "no lock entry either", error)
        return Missing(name, track, retry, "unavailable", reason)

    def from_lock(self, key: Key, now: float, retry: float | None = None) -> Entry | None:
        """An entry from the lock (digest-checked), retried against the registry at `retry`."""
        doc = self.sources.locked(*key)
        if doc is None:
            return None
        next_check = retry if retry is not None else self.timing.retry_at(now)
        if self.sources.client is None:
            next_check = NEVER
        compiled = self._compile(doc)
        return Entry(doc, compiled, "lock", next_check, next_check, NEVER, self._hot(doc))

    def _hot(self, doc: Document) -> dict[Mode, Iterator[int]]:
        """The hot-path counters of this (schema, track), one per mode, shared by its entries."""
        counter = self.metrics.tally.counter
        return {mode: counter((HOT, doc.name, doc.track, mode.value)) for mode in Mode}

    def _outage(self, key: Key, what: str, error: ContractError) -> None:
        self.notes.say(
            ("outage", key),
            logging.WARNING,
            f"{key[0]}@{key[1]}: cannot refresh from the registry ({error}); {what}, retrying "
            f"every ~{self.timing.negative_ttl:g} s",
        )
