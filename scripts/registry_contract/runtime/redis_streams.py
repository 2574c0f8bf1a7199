"""A Redis Streams consumer-group guard: validate each entry, handle, acknowledge, dead-letter."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from redis.exceptions import RedisError, ResponseError

from .breaker import CircuitBreaker, CircuitOpenError
from .dlq import (
    DEFAULT_DLQ_MAXLEN,
    MOVE_TO_DLQ,
    BusError,
    DeadLetter,
    dlq_stream,
    entry_payload,
)
from .guard_metrics import GuardMetrics
from .model import (
    Mode,
    PayloadParseError,
    RuntimeConfigError,
    SchemaUnavailableError,
    ValidationOutcome,
)

logger = logging.getLogger("registry_contract.runtime.redis")


class PayloadValidator(Protocol):
    """What the guard needs of a SchemaManager."""

    async def validate_payload(
        self, name: str, payload: Any, prefer: str = ..., fallback: str | None = ...
    ) -> ValidationOutcome: ...

    def validate_cached(
        self, name: str, payload: Any, prefer: str = ...
    ) -> ValidationOutcome | None: ...

    def mode_for(self, name: str) -> Mode: ...


@dataclass(slots=True)
class GuardedEntry:
    """One stream entry as the handler gets it. `payload` is the parsed JSON, and `outcome` the
    verdict; both are None when the payload is unparseable (only handed over outside enforce)."""

    id: str
    fields: dict[bytes, bytes]
    payload: Any
    outcome: ValidationOutcome | None
    times_delivered: int


# An `async def` (function, method or __call__) or a plain function.
Handler = Callable[[GuardedEntry], Awaitable[None] | None]


@dataclass
class BatchResult:
    """What one read did to its entries."""

    handled: int = 0
    handled_invalid: int = 0  # log/soft: invalid, handed to the handler anyway
    dead_lettered: dict[str, int] = field(default_factory=dict)
    handler_errors: int = 0  # left pending for a later delivery
    unavailable: int = 0  # no schema source: left pending, never dead-lettered
    deleted: int = 0  # reclaimed ids whose entries were trimmed from the stream

    @property
    def entries(self) -> int:
        dead = sum(self.dead_lettered.values())
        handled = self.handled + self.handled_invalid
        return handled + dead + self.handler_errors + self.unavailable + self.deleted


class StreamGuard:
    """Consume `stream` in consumer group `group` as `consumer`, validating each entry's
    `payload` against `schema` with the manager before `handler` sees it.

    `client` is a `redis.asyncio.Redis` that does not decode responses. An entry is acknowledged
    once handled; in enforce mode an invalid one is dead-lettered and acknowledged atomically.
    A handler that raises leaves its entry pending; it is reclaimed (XAUTOCLAIM) after
    `claim_idle_ms`, and dead-lettered as `handler-error` on its `max_deliveries`-th failure.
    """

    def __init__(
        self,
        client: Any,
        manager: PayloadValidator,
        handler: Handler,
        *,
        stream: str,
        group: str,
        consumer: str,
        schema: str,
        prefer: str = "v2",
        fallback: str | None = "v1",
        count: int = 100,
        block_ms: int = 1000,
        claim_idle_ms: int = 60_000,
        max_deliveries: int = 5,
        dlq_maxlen: int = DEFAULT_DLQ_MAXLEN,
        breaker: CircuitBreaker | None = None,
        metrics: GuardMetrics | None = None,
    ) -> None:
        if count < 1 or block_ms < 0 or claim_idle_ms < 0 or max_deliveries < 1 or dlq_maxlen < 1:
            raise RuntimeConfigError(
                f"StreamGuard({stream}): count, max_deliveries and dlq_maxlen must be at least 1, "
                "block_ms and claim_idle_ms at least 0"
            )
        if client.get_connection_kwargs().get("decode_responses"):
            # payloads are bytes; decoded, no entry would have a b"payload" field
            raise RuntimeConfigError(
                f"StreamGuard({stream}): the Redis client decodes responses",
                hint="create it without decode_responses=True",
            )
        self.client = client
        self.manager = manager
        self.handler = handler
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.schema = schema
        self.prefer = prefer
        self.fallback = fallback
        self.count = count
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self.max_deliveries = max_deliveries
        self.dlq_maxlen = dlq_maxlen
        self.breaker = breaker or CircuitBreaker()
        self.metrics = (metrics or GuardMetrics(None)).bind(stream)
        # decided once: inspect.isawaitable on every entry costs a tenth of the guard's time
        self._async_handler = inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
            type(handler).__call__
        )
        self._move = client.register_script(MOVE_TO_DLQ)
        self._next_claim = 0.0
        self._claim_from: bytes | str = "0-0"  # XAUTOCLAIM's cursor: go round the whole PEL
        self._stopping = False
        self._resumed = asyncio.Event()

    async def ensure_group(self) -> None:
        """Create the consumer group (and the stream) unless it exists; a new group starts at
        the stream's first entry."""
        try:
            await self.client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as e:
            if "BUSYGROUP" not in str(e):
                raise self._bus_error(e) from e
        except RedisError as e:
            raise self._bus_error(e) from e

    async def run(self) -> None:
        """Consume until `stop()`. An open circuit breaker pauses consumption, with an error
        logged, until `resume()`; a Redis failure ends it with BusError."""
        while not self._stopping:
            try:
                await self.run_once()
            except CircuitOpenError as e:
                logger.error("%s", e)
                self._resumed.clear()
                if not self._stopping:
                    await self._resumed.wait()

    def stop(self) -> None:
        """Finish the current batch, then return from `run()`."""
        self._stopping = True
        self._resumed.set()

    def resume(self) -> None:
        """Close the circuit breaker and consume again (after the schema or mode is fixed)."""
        self.breaker.reset()
        self.metrics.circuit_open.set(0)
        self._resumed.set()

    async def run_once(self) -> BatchResult:
        """Reclaim stale pending entries when due, else read new ones (COUNT, BLOCK), and settle
        them. Raises CircuitOpenError while the breaker is open, BusError when Redis fails."""
        try:
            return await self._run_once()
        except RedisError as e:
            raise self._bus_error(e) from e

    async def _run_once(self) -> BatchResult:
        if self.breaker.open:
            raise self._circuit_error()
        now = time.monotonic()
        if now >= self._next_claim:
            self._next_claim = now + max(self.claim_idle_ms / 2000, 0.05)
            result = await self._reclaim()
            if result is not None:
                return result
        reply = await self.client.xreadgroup(
            self.group, self.consumer, {self.stream: ">"}, count=self.count, block=self.block_ms
        )
        if not reply:
            return BatchResult()
        return await self._settle(reply[0][1], None)

    async def _reclaim(self) -> BatchResult | None:
        """Claim up to `count` entries idle for `claim_idle_ms`, with their delivery counts."""
        reply = await self.client.xautoclaim(
            self.stream,
            self.group,
            self.consumer,
            min_idle_time=self.claim_idle_ms,
            start_id=self._claim_from,
            count=self.count,
        )
        self._claim_from = reply[0]  # "0-0" again once the scan has been round
        entries = [e for e in reply[1] if e[1] is not None]
        gone = [e[0] for e in reply[1] if e[1] is None] + list(reply[2] if len(reply) > 2 else [])
        if gone:  # trimmed from the stream while pending: nothing left to handle
            await self.client.xack(self.stream, self.group, *gone)
        if not entries:
            return BatchResult(deleted=len(gone)) if gone else None
        # One XPENDING per claimed id, in one round trip: a range over the claimed ids would
        # also count entries of this consumer in between that were not claimed.
        pipe = self.client.pipeline(transaction=False)
        for entry_id, _ in entries:
            pipe.xpending_range(self.stream, self.group, min=entry_id, max=entry_id, count=1)
        delivered = {
            p["message_id"]: int(p["times_delivered"])
            for reply in await pipe.execute()
            for p in reply
        }
        result = await self._settle(entries, delivered)
        result.deleted += len(gone)
        return result

    async def _settle(
        self, entries: list[tuple[bytes, dict[bytes, bytes]]], delivered: dict[bytes, int] | None
    ) -> BatchResult:
        result = BatchResult()
        done: list[bytes] = []
        handled_invalid = 0
        # Locals, not attributes, in the loop: it runs once per entry.
        name, prefer, fallback = self.schema, self.prefer, self.fallback
        cached, validate, handler, is_async = (
            self.manager.validate_cached,
            self.manager.validate_payload,
            self.handler,
            self._async_handler,
        )
        mode = self.manager.mode_for(name)
        validating, enforcing = mode is not Mode.OFF, mode is Mode.ENFORCE
        record = self.breaker.record
        try:
            for raw_id, fields in entries:
                times = 1 if delivered is None else delivered.get(raw_id, 1)
                outcome: ValidationOutcome | None = None
                try:
                    payload = entry_payload(fields.get(b"payload"))
                    if validating:
                        outcome = cached(name, payload, prefer) or await validate(
                            name, payload, prefer, fallback
                        )
                except PayloadParseError:
                    payload = None
                    if enforcing:
                        await self._fail(raw_id, fields, "unparseable", None, times, result)
                        continue
                except SchemaUnavailableError as e:
                    result.unavailable += 1
                    self.metrics.unavailable.inc()
                    logger.warning("%s %s left pending: %s", self.stream, raw_id.decode(), e)
                    continue
                if outcome is not None and outcome.reject:
                    await self._fail(raw_id, fields, "schema-invalid", outcome, times, result)
                    continue
                if enforcing:
                    record(False)
                entry = GuardedEntry(raw_id.decode(), fields, payload, outcome, times)
                try:
                    if is_async:
                        await handler(entry)  # type: ignore[misc]
                    else:
                        handler(entry)
                except Exception as e:
                    await self._handler_failed(raw_id, fields, outcome, times, result, e)
                    continue
                done.append(raw_id)
                if outcome is not None and not outcome.is_valid:
                    handled_invalid += 1
        finally:
            result.handled_invalid = handled_invalid
            result.handled = len(done) - handled_invalid
            if done:
                await self.client.xack(self.stream, self.group, *done)
                self.metrics.handled.inc(len(done))
        return result

    async def _handler_failed(
        self,
        raw_id: bytes,
        fields: dict[bytes, bytes],
        outcome: ValidationOutcome | None,
        times: int,
        result: BatchResult,
        error: Exception,
    ) -> None:
        entry_id = raw_id.decode()
        if times >= self.max_deliveries:
            logger.error(
                "%s %s: handler failed on delivery %d of %d (%s); dead-lettered",
                self.stream, entry_id, times, self.max_deliveries, type(error).__name__,
            )  # fmt: skip
            await self._fail(raw_id, fields, "handler-error", outcome, times, result)
            return
        result.handler_errors += 1
        self.metrics.handler_errors.inc()
        logger.warning(
            "%s %s: handler failed on delivery %d of %d (%s); left pending",
            self.stream, entry_id, times, self.max_deliveries, type(error).__name__,
        )  # fmt: skip

    async def _fail(
        self,
        raw_id: bytes,
        fields: dict[bytes, bytes],
        reason: str,
        outcome: ValidationOutcome | None,
        times: int,
        result: BatchResult,
    ) -> None:
        """Dead-letter one entry and acknowledge it atomically, unless the breaker trips."""
        if reason != "handler-error" and self.breaker.record(True):
            self.metrics.circuit_open.set(1)
            self.metrics.circuit_trips.inc()
            raise self._circuit_error()
        letter = DeadLetter(
            orig_stream=self.stream,
            orig_id=raw_id.decode(),
            group=self.group,
            consumer=self.consumer,
            service=fields.get(b"service", b"").decode("utf-8", "replace"),
            schema=self.schema,
            reason=reason,
            payload=fields.get(b"payload", b""),
            times_delivered=times,
            outcome=outcome,
        )
        args: list[Any] = [self.group, raw_id, self.dlq_maxlen]
        for key, value in letter.fields().items():
            args += [key, value]
        moved = await self._move(keys=[self.stream, dlq_stream(self.stream)], args=args)
        if moved:  # else another consumer settled it first
            result.dead_lettered[reason] = result.dead_lettered.get(reason, 0) + 1
            self.metrics.dead_lettered[reason].inc()
            logger.info(
                "%s %s: dead-lettered to %s as %s",
                self.stream, letter.orig_id, dlq_stream(self.stream), reason,
            )  # fmt: skip

    def _bus_error(self, error: RedisError) -> BusError:
        return BusError(
            f"{self.stream} (group {self.group}): Redis failed ({type(error).__name__})",
            hint="check the server; unacknowledged entries stay pending for a later reclaim",
        )

    def _circuit_error(self) -> CircuitOpenError:
        b = self.breaker
        return CircuitOpenError(
            f"{self.stream} (group {self.group}): circuit breaker open, dead-lettering paused: "
            f"more than {b.max_invalid_ratio:.0%} of the last {b.window} entries, or "
            f"{b.max_consecutive} in a row, failed {self.schema}; check the schema and the "
            "producers, then call resume()"
        )
