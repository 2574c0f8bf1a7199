"""Figure 8: the Redis Streams guard in enforce mode against the same consumer loop unvalidated."""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import redis
import redis.asyncio as aredis
from harness import (
    FEEDBACK,
    SEED,
    Comparison,
    Figure,
    Measurement,
    feedback_event,
    make_project,
    parse_args,
    write_figure,
)

from registry_contract.runtime import SchemaManager
from registry_contract.runtime.dlq import entry_payload
from registry_contract.runtime.redis_streams import GuardedEntry, StreamGuard
from support.redis_server import start_redis, stop_redis

STREAM = "telemetry.feedback"
BATCH = 500  # XREADGROUP COUNT, on both sides
TARGET = 0.9


class Sink:
    """The handler's work, the same on both sides: read two fields of the event."""

    def __init__(self) -> None:
        self.total = 0.0

    def handle_payload(self, event: dict[str, Any]) -> None:
        self.total += event["utilisation"] + event["queue_size"]

    def handle_entry(self, entry: GuardedEntry) -> None:
        self.handle_payload(entry.payload)


async def baseline_loop(client: Any, group: str, count: int, sink: Sink) -> None:
    """The consumer without validation: read a batch, parse and handle each entry, ack them."""
    await client.xgroup_create(STREAM, group, id="0")
    done = 0
    while done < count:
        reply = await client.xreadgroup(group, "c", {STREAM: ">"}, count=BATCH, block=1000)
        if not reply:
            raise SystemExit(f"the stream ran dry after {done} entries")
        ids = []
        for entry_id, fields in reply[0][1]:
            sink.handle_payload(entry_payload(fields.get(b"payload")))
            ids.append(entry_id)
        await client.xack(STREAM, group, *ids)
        done += len(ids)


async def guard_loop(client: Any, manager: Any, group: str, count: int, sink: Sink) -> None:
    guard = StreamGuard(
        client, manager, sink.handle_entry, stream=STREAM, group=group, consumer="c",
        schema=FEEDBACK, count=BATCH, block_ms=1000,
    )  # fmt: skip
    await guard.ensure_group()
    done = 0
    while done < count:
        result = await guard.run_once()
        if result.entries == 0:
            raise SystemExit(f"the stream ran dry after {done} entries")
        if result.dead_lettered or result.handler_errors or result.handled_invalid:
            raise SystemExit(f"the guard did not just handle valid entries: {result}")
        done += result.entries


def produce(url: str, count: int) -> None:
    rng = random.Random(SEED)
    with redis.Redis.from_url(url) as client:
        pipe = client.pipeline(transaction=False)
        for number in range(count):
            data = json.dumps(feedback_event(rng), separators=(",", ":"))
            pipe.xadd(STREAM, {"payload": data, "service": "store"})
            if number % 1000 == 999:
                pipe.execute()
        pipe.execute()


async def measure(url: str, lock_dir: Path, count: int, runs: int) -> dict[str, list[float]]:
    """Wall and CPU seconds of each loop, interleaved, each run on a fresh consumer group."""
    times: dict[str, list[float]] = {"base": [], "guard": [], "base_cpu": [], "guard_cpu": []}
    client = aredis.Redis.from_url(url)
    manager = SchemaManager(lock_dir=lock_dir, mode="enforce", preload=[FEEDBACK])
    await manager.start()
    try:
        for run in range(runs):
            for side in ("base", "guard"):
                sink = Sink()
                group = f"{side}-{run}"
                wall, cpu = time.perf_counter(), time.process_time()
                if side == "base":
                    await baseline_loop(client, group, count, sink)
                else:
                    await guard_loop(client, manager, group, count, sink)
                times[side].append(time.perf_counter() - wall)
                times[f"{side}_cpu"].append(time.process_time() - cpu)
    finally:
        await manager.close()
        await client.aclose()
    return times


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    count, runs = (5_000, 1) if args.quick else (100_000, 5)
    figure = Figure(
        8,
        f"Redis Streams guard, enforce mode, {count:,} entries, against the same loop unvalidated",
        args.quick,
        f"{count:,} valid FeedbackEvent entries (seed {SEED}) in one stream of a local "
        f"redis-server; each run a new consumer group reads them (XREADGROUP COUNT {BATCH}), "
        "parses each payload, hands it to the same handler and acknowledges the batch. The "
        "guard also validates each payload with a SchemaManager (lock source, enforce mode) "
        "and wraps it for the handler. Runs alternate between the two sides.",
    )
    with tempfile.TemporaryDirectory(prefix="bench-guard-") as tmp:
        project = make_project(Path(tmp) / "project")
        server = start_redis(Path(tmp))
        try:
            produce(server.url, count)
            times = asyncio.run(measure(server.url, project / "schemas-lock", count, runs))
        finally:
            stop_redis(server.process)
    guard = Measurement("StreamGuard.run_once, enforce", times["guard"], "", count)
    base = Measurement("the same loop, no validation (baseline)", times["base"], "", count)
    figure.measurements += [guard, base]
    ratio = base.median_s / guard.median_s
    figure.comparisons.append(
        Comparison(
            "guard throughput / baseline throughput", ratio, f">= {TARGET:g}x", ratio >= TARGET
        )
    )
    added_cpu = (
        statistics.median(times["guard_cpu"]) - statistics.median(times["base_cpu"])
    ) / count
    figure.notes.append(
        f"entries/s (median): guard {count / guard.median_s:,.0f}, baseline "
        f"{count / base.median_s:,.0f}; client CPU added per entry (median CPU time of the "
        f"consumer process, guard minus baseline): {added_cpu * 1e6:.2f} µs."
    )
    write_figure(figure, args.results, "guard")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
