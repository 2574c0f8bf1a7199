"""Shared pieces of the Redis bus tests: a lock whose v2 is stricter than v1, the payloads, and
a producer and a guard run on a real Redis."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio as aredis

from registry_contract.lock.reader import load_lock, render_lock
from registry_contract.runtime import Mode, SchemaManager
from registry_contract.runtime.redis_streams import GuardedEntry, StreamGuard

ROOT = Path(__file__).resolve().parents[2]
FEEDBACK = "telemetry.FeedbackEvent"
STREAM = "telemetry.feedback"
MakeManager = Callable[..., SchemaManager]  # the make_manager fixture
ROUNDS = 40  # run_once calls at most, each blocking 50 ms at most: no test can hang


def write_lock(lock_dir: Path, *, v2_requires: tuple[str, ...] = ("lag_ms",)) -> Path:
    """The bundled lock, with FeedbackEvent v2 also requiring `v2_requires`, so that a payload
    without them is valid on v1 only (the bundled v2 accepts every v1 event)."""
    bundled = load_lock(ROOT / "schemas-lock")
    documents: dict[str, dict[str, tuple[int, Any]]] = {}
    for name, tracks in bundled.entries.items():
        for track, entry in tracks.items():
            document = copy.deepcopy(bundled.schema(name, track))
            if (name, track) == (FEEDBACK, "v2"):
                document["required"] = [*document["required"], *v2_requires]
            documents.setdefault(name, {})[track] = (entry.version, document)
    lock_dir.mkdir(parents=True, exist_ok=True)
    for rel, data in render_lock(bundled.registry, documents).items():
        (lock_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (lock_dir / rel).write_bytes(data)
    return lock_dir


def feedback(number: int, **changes: Any) -> dict[str, Any]:
    """A FeedbackEvent valid on both tracks of write_lock's lock (it has `lag_ms`)."""
    event: dict[str, Any] = {
        "event_id": f"00000000-0000-4000-8000-{number:012d}",
        "source": "store",
        "coordinator_id": f"coord-{number}",
        "queue_size": 5,
        "queue_capacity": 10,
        "utilisation": 0.5,
        "backpressure": "ok",
        "timestamp": "2026-11-02T10:00:00Z",
        "lag_ms": 12,
    }
    event.update(changes)
    return {k: v for k, v in event.items() if v is not None}


def payload(number: int, **changes: Any) -> bytes:
    return json.dumps(feedback(number, **changes)).encode()


# The mixed stream: (label, payload bytes). The handler raises on coordinator "explode".
MIXED = (
    ("valid-v2", payload(1)),
    ("valid-v1-only", payload(2, lag_ms=None)),
    ("invalid", payload(3, utilisation=1.5)),
    ("unparseable", b'{"event_id": '),
    ("handler-raises", payload(5, coordinator_id="explode")),
)


def produce(url: str, payloads: list[bytes], stream: str = STREAM) -> list[str]:
    with redis.Redis.from_url(url) as client:
        return [
            client.xadd(stream, {"payload": p, "service": "store", "trace": "t-1"}).decode()
            for p in payloads
        ]


def pending(url: str, group: str = "pipeline") -> int:
    with redis.Redis.from_url(url) as client:
        return int(client.xpending(STREAM, group)["pending"])


def dead_letters(url: str) -> list[dict[str, bytes]]:
    with redis.Redis.from_url(url) as client:
        return [
            {k.decode(): v for k, v in fields.items()}
            for _, fields in client.xrange(f"{STREAM}:dlq")
        ]


class Recorder:
    """A handler that records what it saw and raises on coordinator `explode`."""

    def __init__(self) -> None:
        self.seen: list[GuardedEntry] = []

    async def __call__(self, entry: GuardedEntry) -> None:
        self.seen.append(entry)
        if isinstance(entry.payload, dict) and entry.payload["coordinator_id"] == "explode":
            raise RuntimeError("the handler failed")


def run_guard(
    url: str,
    validator: Any,
    handler: Callable[[GuardedEntry], Awaitable[None] | None],
    until: Callable[[], bool] | None,
    **options: Any,
) -> None:
    """Run one guard's run_once until `until()` holds, at most ROUNDS times (or exactly ROUNDS
    times when `until` is None)."""

    async def main() -> None:
        client = aredis.Redis.from_url(url)
        settings: dict[str, Any] = {"block_ms": 50, "claim_idle_ms": 0, "max_deliveries": 2}
        settings.update(options)
        guard = StreamGuard(
            client,
            validator,
            handler,
            stream=STREAM,
            group="pipeline",
            consumer="c1",
            schema=FEEDBACK,
            **settings,
        )
        try:
            await guard.ensure_group()
            for _ in range(ROUNDS):
                await guard.run_once()
                if until is not None and until():
                    return
            if until is not None:
                raise AssertionError(f"not settled after {ROUNDS} rounds")
        finally:
            await client.aclose()

    asyncio.run(main())


@pytest.fixture
def make_manager() -> Iterator[Callable[..., SchemaManager]]:
    """Real SchemaManagers (the lock as their only source unless given a registry), closed
    after the test."""
    made: list[SchemaManager] = []

    def make(lock_dir: Path, mode: Mode, **options: Any) -> SchemaManager:
        manager = SchemaManager(lock_dir=lock_dir, mode=mode, **options)
        made.append(manager)
        return manager

    yield make
    for manager in made:
        manager.close_sync()
