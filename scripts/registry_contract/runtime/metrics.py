"""Prometheus metrics of the runtime, counted without locks or labels() on the hot path."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .logs import OnceLog

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

Key = tuple[str, ...]
# Counter families and their labels; a tally key is (family, *label values).
LABELS_BY_FAMILY = {
    "schema_validations": ("schema", "track", "mode", "result"),
    "schema_validation_failures": ("schema", "track", "mode", "reason"),
    "schema_cache_lookups": ("schema", "result"),
    "schema_track_fallbacks": ("schema", "track", "reason"),
    "schema_digest_mismatches": ("schema", "track"),
    "schema_refresh_failures": ("schema", "track"),
}
HELP_BY_FAMILY = {
    "schema_validations": "Payloads validated, by the track they matched and the verdict.",
    "schema_validation_failures": "Invalid payloads by failing JSON Schema keyword (reason).",
    "schema_cache_lookups": "Schema cache lookups: hit, miss, stale or negative.",
    "schema_track_fallbacks": "Payloads served by the fallback track (missing or payload).",
    "schema_digest_mismatches": "Registry documents whose digest differs from the lock's.",
    "schema_refresh_failures": "Registry fetches that failed (the cached schema was kept).",
}
HOT = "hot"  # one hot-path call: a cache hit and a valid payload
SourceRow = tuple[str, str, int, str, str]  # schema, track, version, source, digest
FETCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
OFF_MESSAGE = (
    "prometheus-client is not installed: runtime metrics are off "
    "(install registry-contract[runtime] to turn them on)"
)


class Tally:
    """Counts by key without a lock on the hot path.

    Hot-path calls go to an itertools.count per key: next() on it is one C call, atomic under
    the GIL, so concurrent threads lose no increment. It has no public way to read it, but
    its repr is "count(N)" in every Python version. Other counts (off the hot path) take a lock.
    """

    def __init__(self) -> None:
        self._counters: dict[Key, Iterator[int]] = {}
        self._counts: dict[Key, int] = {}
        self._lock = threading.Lock()

    def counter(self, key: Key) -> Iterator[int]:
        """The counter of `key`, the same one every time."""
        with self._lock:
            found = self._counters.get(key)
            if found is None:
                found = self._counters[key] = itertools.count()
            return found

    def add(self, key: Key, amount: int = 1) -> None:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + amount

    def totals(self) -> dict[Key, int]:
        with self._lock:
            total = dict(self._counts)
            counters = list(self._counters.items())
        for key, counter in counters:
            total[key] = total.get(key, 0) + int(repr(counter)[len("count(") : -1])
        return total


class RuntimeMetrics:
    """The manager's metrics on `registry` (a new CollectorRegistry when None), or none at all
    when prometheus-client is missing; the manager works the same either way."""

    def __init__(
        self,
        registry: CollectorRegistry | None,
        sources: Callable[[], Iterable[SourceRow]],
        notes: OnceLog,
    ) -> None:
        self.tally = Tally()
        self.enabled = False
        self.registry: CollectorRegistry | None = None
        self._fetch: Any = None
        try:
            import prometheus_client
        except ImportError:
            notes.say("metrics-off", logging.WARNING, OFF_MESSAGE)
            return
        self.enabled = True
        self.registry = registry if registry is not None else prometheus_client.CollectorRegistry()
        self._fetch = prometheus_client.Histogram(
            "schema_registry_fetch_duration_seconds",
            "Time to fetch one schema track from the registry (including 304s and failures).",
            ["schema"],
            buckets=FETCH_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_Collector(self.tally, sources))

    def observe_fetch(self, name: str, seconds: float) -> None:
        if self._fetch is not None:
            self._fetch.labels(schema=name).observe(seconds)

    def value(self, family: str, **labels: str) -> int:
        """The current count of one series (hot-path calls included), for tests and tools."""
        wanted = tuple(labels.get(n, "") for n in LABELS_BY_FAMILY[family])
        return sum(v for k, v in _families(self.tally.totals()) if k == (family, *wanted))

    def serve(self, port: int = 0, host: str = "127.0.0.1") -> MetricsServer:
        """Serve /metrics of this registry over HTTP (default: loopback, a free port)."""
        return serve_metrics(self.registry, port=port, host=host)


@dataclass
class MetricsServer:
    """A running /metrics endpoint: `url`, and `close()` to stop it."""

    host: str
    port: int
    _server: Any
    _thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/metrics"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve_metrics(
    registry: CollectorRegistry | None, *, port: int = 0, host: str = "127.0.0.1"
) -> MetricsServer:
    """prometheus-client's HTTP server for `registry` in a daemon thread."""
    if registry is None:
        raise RuntimeError(OFF_MESSAGE)
    from prometheus_client import start_http_server

    server, thread = start_http_server(port, addr=host, registry=registry)
    return MetricsServer(host, int(server.server_address[1]), server, thread)


def _families(totals: dict[Key, int]) -> Iterator[tuple[Key, int]]:
    """Tally keys as (family, *labels); one hot-path key counts a hit and a valid payload."""
    for key, value in totals.items():
        if key[0] == HOT:
            _, name, track, mode = key
            yield ("schema_validations", name, track, mode, "valid"), value
            yield ("schema_cache_lookups", name, "hit"), value
        else:
            yield key, value


class _Collector:
    """Turns the tally and the current sources into metric families at scrape time."""

    def __init__(self, tally: Tally, sources: Callable[[], Iterable[SourceRow]]) -> None:
        self._tally = tally
        self._sources = sources

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        merged: dict[Key, int] = {}
        for key, value in _families(self._tally.totals()):
            merged[key] = merged.get(key, 0) + value
        for family, labels in LABELS_BY_FAMILY.items():
            metric = CounterMetricFamily(family, HELP_BY_FAMILY[family], labels=list(labels))
            for key, value in sorted(merged.items()):
                if key[0] == family:
                    metric.add_metric(list(key[1:]), value)
            yield metric
        info = GaugeMetricFamily(
            "schema_source_info",
            "The schema document each (schema, track) uses now: 1 per current source.",
            labels=["schema", "track", "version", "source", "digest"],
        )
        for name, track, version, source, digest in self._sources():
            info.add_metric([name, track, str(version), source, digest], 1)
        yield info

    def describe(self) -> Iterator[Any]:
        return iter(())
