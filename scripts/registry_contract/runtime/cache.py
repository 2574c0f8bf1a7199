"""The schema cache: entries by (schema, track), TTL with jitter, and one fetch per key."""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace

from .compiled import CompiledSchema
from .model import Mode, NoErrors, ValidationOutcome
from .sources import Document

Key = tuple[str, str]
REFRESH_AT = 0.8  # of the TTL: refresh before expiry, so a hit rarely meets an expired entry


@dataclass(frozen=True, eq=False)
class Entry:
    """A usable schema. The hot path serves it while the clock is below `deadline`."""

    doc: Document
    compiled: CompiledSchema = field(repr=False)
    source: str  # registry | lock | stale
    deadline: float
    next_check: float
    expires_at: float
    hot: Mapping[Mode, Iterator[int]] = field(repr=False)  # next() counts a hot-path call
    valid: dict[Mode, ValidationOutcome] = field(default_factory=dict, repr=False)
    planned: float = math.nan  # the refresh it was scheduled for: its phase (NaN: none yet)

    def __post_init__(self) -> None:
        if self.valid:
            return
        doc = self.doc
        for mode in Mode:
            self.valid[mode] = ValidationOutcome(
                True,
                NoErrors(),
                (),
                doc.name,
                doc.track,
                doc.version,
                doc.digest,
                self.source,
                mode,
            )

    def served(self, *, until: float, deadline: float, source: str | None = None) -> Entry:
        """This entry checked again at `until` (NEVER: a load is running and will replace it),
        served by the hot path up to `deadline`, shown as `source`; the prebuilt outcomes are
        kept unless the source changes, and so is the phase (`planned`)."""
        if source is None or source == self.source:
            return replace(self, next_check=until, deadline=deadline)
        return replace(self, next_check=until, deadline=deadline, source=source, valid={})


@dataclass(frozen=True)
class Missing:
    """No usable schema until `until`: the registry has no such track (`missing`), or no
    source could give it (`unavailable`, `reason` says why)."""

    name: str
    track: str
    until: float
    kind: str
    reason: str = ""


Cached = Entry | Missing


class Timing:
    """When to refresh and retry: jittered, so that replicas started together drift apart."""

    def __init__(
        self, ttl: float, negative_ttl: float, jitter: float, rand: Callable[[], float]
    ) -> None:
        self.ttl = ttl
        self.negative_ttl = negative_ttl
        self.jitter = jitter
        self._rand = rand

    def refresh_at(self, now: float, phase: float = math.nan) -> float:
        """The next refresh: one period (80% to 80%+jitter of the TTL, never less, so that a
        fleet's mean request rate stays at or below replicas x keys / (0.8 x TTL)) after the
        refresh planned at `phase`, and at least half a period from now.

        Without a phase (a cold load) it is a random point of one period, so that replicas
        started together (a deploy, a restart) spread over the whole period. A key that
        failed during an outage keeps its phase, so the outage does not line keys up.
        """
        period = self.ttl * (REFRESH_AT + self.jitter * self._rand())
        if math.isnan(phase):
            return now + period * self._rand()
        planned = phase + period
        while planned < now + period / 2:
            planned += period
        return planned

    def retry_at(self, now: float) -> float:
        """After a failed fetch: negative_ttl, stretched by up to the jitter."""
        return now + self.negative_ttl * (1 + self.jitter * self._rand())

    def missing_until(self, now: float) -> float:
        return now + self.negative_ttl


class SchemaCache:
    """Entries by key, read without a lock; misses and refreshes go through `load` in the
    executor, one at a time per key however many callers ask."""

    def __init__(self, load: Callable[[Key], None], executor: Executor) -> None:
        self.entries: dict[Key, Cached] = {}
        self._load = load
        self._executor = executor
        self._inflight: dict[Key, Future[None]] = {}
        self._lock = threading.Lock()

    def refresh(self, key: Key) -> Future[None]:
        """The in-flight load of `key`, started now if there is none."""
        with self._lock:
            return self._refresh(key)

    def revalidate(self, key: Key, seen: Cached, serve: Entry) -> None:
        """Serve `serve` instead of `seen` while `key` reloads in the background; unless the
        entry changed meanwhile (a load just stored a newer one), which is then kept."""
        with self._lock:
            if self.entries.get(key) is seen:
                self.entries[key] = serve
                self._refresh(key)

    def store(self, key: Key, value: Cached | None) -> None:
        with self._lock:
            if value is None:
                self.entries.pop(key, None)
            else:
                self.entries[key] = value

    def store_if_absent(self, key: Key, value: Cached) -> Cached:
        with self._lock:
            return self.entries.setdefault(key, value)

    def _refresh(self, key: Key) -> Future[None]:
        future = self._inflight.get(key)
        if future is None:
            try:
                future = self._executor.submit(self._run, key)
            except RuntimeError:  # shut down: the manager is closed, what is cached stays
                future = Future()
                future.set_result(None)
                return future
            self._inflight[key] = future
        return future

    def in_flight(self) -> list[Future[None]]:
        with self._lock:
            return list(self._inflight.values())

    def _run(self, key: Key) -> None:
        try:
            self._load(key)  # stores the entry before the key leaves _inflight
        finally:
            with self._lock:
                self._inflight.pop(key, None)


def default_random() -> Callable[[], float]:
    """A private generator, so that jitter does not depend on the global random state."""
    return random.Random().random


NEVER = math.inf
