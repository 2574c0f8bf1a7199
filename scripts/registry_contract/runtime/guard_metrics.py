"""The Redis guard's Prometheus metrics, children bound per stream once, so the hot path never
calls labels(); no-ops without prometheus-client or without a CollectorRegistry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .dlq import REASONS


class _Noop:
    def inc(self, amount: float = 1) -> None:
        pass

    def set(self, value: float) -> None:
        pass


@dataclass(frozen=True)
class StreamMetrics:
    """The children of one stream."""

    handled: Any
    handler_errors: Any
    unavailable: Any
    dead_lettered: dict[str, Any]
    circuit_open: Any
    circuit_trips: Any


class GuardMetrics:
    """Collectors on `registry` (a prometheus_client CollectorRegistry), or nothing when None.

    schema_guard_entries_total{stream,result}: handled, handler-error, unavailable;
    schema_dead_letters_total{stream,reason}; schema_guard_circuit_open{stream} (0 or 1);
    schema_guard_circuit_trips_total{stream}.
    """

    def __init__(self, registry: Any) -> None:
        self._collectors: tuple[Any, Any, Any, Any] | None = None
        if registry is None:
            return
        from prometheus_client import Counter, Gauge

        self._collectors = (
            Counter(
                "schema_guard_entries_total",
                "Stream entries settled by the guard, by result",
                ["stream", "result"],
                registry=registry,
            ),
            Counter(
                "schema_dead_letters_total",
                "Entries moved to the dead-letter stream, by reason",
                ["stream", "reason"],
                registry=registry,
            ),
            Gauge(
                "schema_guard_circuit_open",
                "1 while the guard's circuit breaker holds dead-lettering paused",
                ["stream"],
                registry=registry,
            ),
            Counter(
                "schema_guard_circuit_trips_total",
                "Times the guard's circuit breaker tripped",
                ["stream"],
                registry=registry,
            ),
        )

    def bind(self, stream: str) -> StreamMetrics:
        if self._collectors is None:
            noop = _Noop()
            return StreamMetrics(noop, noop, noop, dict.fromkeys(REASONS, noop), noop, noop)
        entries, dead, circuit, trips = self._collectors
        gauge = circuit.labels(stream)
        gauge.set(0)
        return StreamMetrics(
            handled=entries.labels(stream, "handled"),
            handler_errors=entries.labels(stream, "handler-error"),
            unavailable=entries.labels(stream, "unavailable"),
            dead_lettered={r: dead.labels(stream, r) for r in REASONS},
            circuit_open=gauge,
            circuit_trips=trips.labels(stream),
        )
