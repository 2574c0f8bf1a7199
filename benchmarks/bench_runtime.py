"""Figure 6: the runtime SchemaManager: hot path, bytes path, async call, hit ratio, a fleet."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from harness import (
    FEEDBACK,
    ROOT,
    SEED,
    Comparison,
    Figure,
    Measurement,
    feedback_event,
    parse_args,
    write_figure,
)

os.environ["REGISTRY_CONTRACT_BACKOFF"] = "0"  # a simulated outage must not sleep for real

import jsonschema_rs

from registry_contract.config import RegistryConfig
from registry_contract.lock.reader import load_lock
from registry_contract.registry import build_registry_client
from registry_contract.registry.base import known_from_lock
from registry_contract.registry.cache import EtagCache
from registry_contract.runtime import SchemaManager
from support.fake_registry import FakeRegistry

RATE = "telemetry.RateAdjustment"
LOCK = ROOT / "schemas-lock"
SCHEMAS = (FEEDBACK, RATE)
TRACKS = ("v2", "v1")
TTL = 300.0
HOT_TARGET_US = 1.0
HOT_SHARE = 0.35
BARE_DICT = "bare is_valid (dict, baseline)"
OURS_DICT = "SchemaManager.validate (dict)"
BARE_BYTES = "json.loads + bare is_valid (bytes, baseline)"
OURS_BYTES = "SchemaManager.validate_json (bytes)"
OURS_ASYNC = "await SchemaManager.validate_payload (dict)"
BYTES_TARGET = 0.9
ASYNC_TARGET_US = 3.0
HIT_TARGET = 0.999


class Clock:
    """A simulated monotonic clock, shared by every manager of a simulation."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class TrackingExecutor(ThreadPoolExecutor):
    """Remembers what it ran, so a simulated second ends when its refreshes have."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers, thread_name_prefix="fleet-refresh")
        self.pending: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        self.pending.append(future)
        return future

    def drain(self) -> None:
        futures, self.pending = self.pending, []
        wait(futures)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    # Each replica says once that the registry is down: a thousand lines, not a figure.
    logging.getLogger("registry_contract.runtime").disabled = True
    quick = args.quick
    passes, runs = (2, 3) if quick else (20, 9)
    hour = 120 if quick else 3600
    replicas, fleet_seconds = (40, 1500) if quick else (1000, 1800)
    rng = random.Random(SEED)
    payloads = [feedback_event(rng) for _ in range(1000)]
    texts = [json.dumps(p).encode() for p in payloads]
    timings, calls = time_calls(payloads, texts, passes, runs)
    with tempfile.TemporaryDirectory(prefix="bench-runtime-") as tmp:
        folder = Path(tmp) / "registry"
        folder.mkdir()
        for name in SCHEMAS:
            (folder / name).mkdir()
            for track in TRACKS:
                (folder / name / f"{track}.json").write_bytes(
                    (LOCK / name / f"{track}.json").read_bytes()
                )
        started = time.perf_counter()
        ratio, lookups = simulate_hour(folder, payloads, hour)
        hour_s = time.perf_counter() - started
        started = time.perf_counter()
        fleet = simulate_fleet(folder, replicas, fleet_seconds)
        fleet_s = time.perf_counter() - started
    figure = Figure(
        6,
        "the runtime SchemaManager: hot path, bytes off the bus, async, hit ratio, a fleet",
        quick,
        f"{len(payloads):,} generated valid FeedbackEvent payloads (seed {SEED}), {passes} passes "
        f"a run, against telemetry.FeedbackEvent v2 with format checks on both sides; the "
        f"baselines are a bare jsonschema_rs Draft202012Validator(validate_formats=True) and "
        f"json.loads in the same run. Simulations: a simulated clock, the loopback registry.",
    )
    for name, runs_s in timings.items():
        figure.measurements.append(Measurement(name, runs_s, items=calls))
    figure.measurements += [
        Measurement(f"simulated hour, {hour:,} s at 1,000 events/s (wall)", [hour_s]),
        Measurement(f"fleet of {replicas:,} managers, {fleet_seconds:,} s (wall)", [fleet_s]),
    ]
    per_call = {n: [run / calls * 1e6 for run in r] for n, r in timings.items()}  # µs a call
    bare, ours = per_call[BARE_DICT], per_call[OURS_DICT]
    added = median([o - b for o, b in zip(ours, bare, strict=True)])  # paired: same run
    share = median(bare) / median(ours)
    throughput = median(per_call[BARE_BYTES]) / median(per_call[OURS_BYTES])
    awaited = median([a - o for a, o in zip(per_call[OURS_ASYNC], ours, strict=True)])
    bound = fleet["bound"]
    figure.comparisons += [
        Comparison(
            "hot path: time validate adds to a bare is_valid, per call",
            added,
            f"<= {HOT_TARGET_US:g} µs",
            added <= HOT_TARGET_US,
            " µs",
        ),
        Comparison(
            "hot path: validate throughput over a bare is_valid",
            share,
            f"(reported; {HOT_SHARE:g}x is 1 µs over a 0.5 µs call)",
            True,
        ),
        Comparison(
            "bytes: validate_json throughput over json.loads + bare is_valid",
            throughput,
            f">= {BYTES_TARGET:g}x",
            throughput >= BYTES_TARGET,
        ),
        Comparison(
            "async: validate_payload over the sync validate, per call",
            awaited,
            f"<= {ASYNC_TARGET_US:g} µs",
            awaited <= ASYNC_TARGET_US,
            " µs",
        ),
        Comparison(
            f"cache hit ratio over a simulated {hour // 60} min (TTL 300 s, 1,000 events/s)",
            ratio * 100,
            f">= {HIT_TARGET * 100:g} %",
            ratio >= HIT_TARGET,
            " %",
        ),
        Comparison(
            "fleet: mean registry requests/s in steady state",
            fleet["steady_mean"],
            f"<= {bound:.2f} (replicas x schemas x tracks / (0.8 x TTL))",
            fleet["steady_mean"] <= bound,
            " req/s",
        ),
        Comparison(
            "fleet: peak requests in one second (steady state)",
            fleet["steady_peak"],
            "(reported)",
            True,
            " req/s",
        ),
        Comparison(
            "fleet: peak requests/s averaged over 10 s (steady state)",
            fleet["steady_peak10"],
            "(reported)",
            True,
            " req/s",
        ),
        Comparison(
            "fleet: largest 1 s share of the first refreshes after a simultaneous start",
            fleet["start_share"] * 100,
            "< 10 % (spread over the jitter window, not at once)",
            fleet["start_share"] < 0.10,
            " %",
        ),
        Comparison(
            "fleet: largest 1 s share of the retries after the registry came back",
            fleet["restart_share"] * 100,
            "< 10 % (spread over the jitter window, not at once)",
            fleet["restart_share"] < 0.10,
            " %",
        ),
    ]
    figure.notes += [
        "Cache lookups in the simulated hour: " + json.dumps(lookups) + ".",
        f"Fleet: {replicas:,} managers, {len(SCHEMAS)} schemas x {len(TRACKS)} tracks each, "
        f"TTL {TTL:g} s, jitter 0.1, all started at the same simulated second (the worst case); "
        f"the registry answered 503 from {fleet['down_from']:g} s for 120 s. Requests by second: "
        f"{fleet['summary']}.",
        "The per-call differences are medians of the differences within each run (the loops "
        "are interleaved), so that the machine's load, which moves every loop alike, cancels.",
        "Steady state is from the first full TTL to the outage. Per-second counts of independent "
        "replicas fluctuate around the mean, so a one-second peak can exceed the mean bound; "
        "the mean is what the refresh schedule (80-90% of the TTL, never earlier) holds down.",
    ]
    write_figure(figure, args.results, "runtime")
    return 0


def time_calls(
    payloads: list[dict[str, Any]], texts: list[bytes], passes: int, runs: int
) -> tuple[dict[str, list[float]], int]:
    """Seconds per run of each loop, the loops interleaved so that drift hits them alike."""
    schema = json.loads((LOCK / FEEDBACK / "v2.json").read_bytes())
    bare = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    manager = SchemaManager(lock_dir=LOCK, preload=[FEEDBACK])
    manager.start_sync()
    assert all(bare.is_valid(p) and manager.validate(FEEDBACK, p).is_valid for p in payloads)
    is_valid, validate, validate_json = bare.is_valid, manager.validate, manager.validate_json
    loads = json.loads
    work = payloads * passes
    blobs = texts * passes

    def bare_dict() -> None:
        for payload in work:
            is_valid(payload)

    def ours_dict() -> None:
        for payload in work:
            validate(FEEDBACK, payload)

    def bare_bytes() -> None:
        for text in blobs:
            is_valid(loads(text))

    def ours_bytes() -> None:
        for text in blobs:
            validate_json(FEEDBACK, text)

    async def awaited() -> None:
        check = manager.validate_payload
        for payload in work:
            await check(FEEDBACK, payload)

    loops: dict[str, Callable[[], None]] = {
        BARE_DICT: bare_dict,
        OURS_DICT: ours_dict,
        BARE_BYTES: bare_bytes,
        OURS_BYTES: ours_bytes,
        OURS_ASYNC: lambda: asyncio.run(awaited()),
    }
    timings: dict[str, list[float]] = {name: [] for name in loops}
    for run in range(runs + 1):  # the first run warms up
        for name, loop in loops.items():
            started = time.perf_counter()
            loop()
            if run:
                timings[name].append(time.perf_counter() - started)
    manager.close_sync()
    return timings, len(work)


def simulate_hour(
    folder: Path, payloads: list[dict[str, Any]], seconds: int
) -> tuple[float, dict[str, int]]:
    """1,000 events a simulated second through one manager against the loopback registry."""
    clock = Clock()
    with FakeRegistry(folder) as registry:
        manager = SchemaManager(registry.url, lock_dir=LOCK, ttl=TTL, clock=clock)
        for second in range(seconds):
            clock.now = float(second)
            for payload in payloads:
                manager.validate(FEEDBACK, payload)
        manager.close_sync()
    metrics = manager.metrics
    lookups = {
        result: metrics.value("schema_cache_lookups", schema=FEEDBACK, result=result)
        for result in ("hit", "miss", "stale", "negative")
    }
    return lookups["hit"] / sum(lookups.values()), lookups


def simulate_fleet(folder: Path, replicas: int, seconds: int) -> dict[str, Any]:
    """`replicas` managers sharing a simulated clock and one loopback registry."""
    clock = Clock()
    executor = TrackingExecutor(8)
    lock = load_lock(LOCK)
    counts: list[int] = []
    down_from, down_for = seconds // 2, 120
    with FakeRegistry(folder) as registry:
        client = build_registry_client(
            RegistryConfig("core", registry.url, workers=8),
            root=ROOT,
            where="bench_runtime.py",
            known=known_from_lock(lock),
            etags=EtagCache(None),
        )
        fleet = [
            SchemaManager(
                client=client,
                lock_dir=LOCK,
                ttl=TTL,
                clock=clock,
                executor=executor,
                preload=SCHEMAS,
                refresh_timeout=60,
            )
            for _ in range(replicas)
        ]
        for manager in fleet:
            manager.start_sync()
        started_with = len(registry.requests)
        samples = {
            (name, track): json.loads(sample(name, track).read_bytes())
            for name in SCHEMAS
            for track in TRACKS
        }
        seen = 0
        for second in range(1, seconds + 1):
            clock.now = float(second)
            if second == down_from:
                registry.fault("status", status=503)
            if second == down_from + down_for:
                seen -= len(registry.requests)
                registry.clear()
            for manager in fleet:
                for (name, track), payload in samples.items():
                    manager.validate(name, payload, prefer=track, fallback=None)
            executor.drain()
            total = len(registry.requests)
            counts.append(total - seen - (started_with if second == 1 else 0))
            seen = total
        client.close()
    executor.shutdown()
    keys = replicas * len(SCHEMAS) * len(TRACKS)
    bound = keys / (0.8 * TTL)
    steady = counts[int(TTL) : down_from - 1]
    tens = [sum(steady[i : i + 10]) / 10 for i in range(0, max(1, len(steady) - 9))]
    first = counts[: int(TTL)]
    back = counts[down_from + down_for - 1 : down_from + down_for + 90]
    return {
        "bound": bound,
        "steady_mean": sum(steady) / max(1, len(steady)),
        "steady_peak": max(steady, default=0),
        "steady_peak10": max(tens, default=0),
        "start_share": max(first) / max(1, sum(first)),
        "restart_share": max(back, default=0) / max(1, sum(back)),
        "down_from": float(down_from),
        "summary": _summary(counts),
    }


def sample(name: str, track: str) -> Path:
    """A fixture valid against both tracks of the schema."""
    base = ROOT / "tests/contracts/fixtures/payloads" / name / "valid"
    return base / ("store-ok.json" if name == FEEDBACK else "halve-rate.json")


def _summary(counts: list[int]) -> str:
    """Requests per simulated minute, for the notes."""
    minutes = [sum(counts[i : i + 60]) for i in range(0, len(counts), 60)]
    return "per minute " + ", ".join(map(str, minutes))


if __name__ == "__main__":
    raise SystemExit(main())
