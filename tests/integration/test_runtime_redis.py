"""The Redis Streams guard end to end on a real redis-server: modes, the dead-letter contract,
consumer groups, reclaiming, the circuit breaker."""

from __future__ import annotations

import asyncio
import json
import select
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio as aredis

from registry_contract.runtime import Mode, SchemaManager
from registry_contract.runtime.breaker import CircuitBreaker, CircuitOpenError
from registry_contract.runtime.dlq import DLQ_FIELDS
from registry_contract.runtime.redis_streams import GuardedEntry, StreamGuard
from support.bus import (
    FEEDBACK,
    MIXED,
    ROOT,
    ROUNDS,
    STREAM,
    MakeManager,
    Recorder,
    dead_letters,
    payload,
    pending,
    produce,
    run_guard,
    write_lock,
)


@pytest.fixture
def lock_dir(tmp_path: Path) -> Path:
    return write_lock(tmp_path / "schemas-lock")


EVERY_LABEL = [label for label, _ in MIXED]


@pytest.mark.parametrize(
    ("mode", "handled", "dead"),
    [
        *(
            pytest.param(m, EVERY_LABEL, {"handler-error"}, id=str(m))
            for m in (Mode.OFF, Mode.LOG, Mode.SOFT)
        ),
        pytest.param(
            Mode.ENFORCE,
            ["valid-v2", "valid-v1-only", "handler-raises"],
            {"schema-invalid", "unparseable", "handler-error"},
            id="enforce",
        ),
    ],
)
def test_mixed_stream_settles_every_entry_as_its_mode_says(
    redis_url: str,
    lock_dir: Path,
    mode: Mode,
    handled: list[str],
    dead: set[str],
    make_manager: MakeManager,
) -> None:
    ids = produce(redis_url, [data for _, data in MIXED])
    label_by_id = dict(zip(ids, (label for label, _ in MIXED), strict=True))
    recorder = Recorder()
    validator = make_manager(lock_dir, mode)
    run_guard(redis_url, validator, recorder, lambda: pending(redis_url) == 0)

    seen = [label_by_id[e.id] for e in recorder.seen]
    # the raising handler runs once per delivery: max_deliveries=2, then the entry is dead
    assert sorted(set(seen)) == sorted(handled)
    assert seen.count("handler-raises") == 2
    assert {d["reason"].decode() for d in dead_letters(redis_url)} == dead
    assert len(dead_letters(redis_url)) == len(dead)
    by_label = {label_by_id[e.id]: e for e in recorder.seen}
    if mode is Mode.OFF:
        assert all(e.outcome is None for e in recorder.seen)
    else:
        assert by_label["valid-v2"].outcome is not None
        assert by_label["valid-v2"].outcome.track == "v2"
        v1_only = by_label["valid-v1-only"].outcome
        assert v1_only is not None and v1_only.is_valid and v1_only.track == "v1"
    if mode in (Mode.LOG, Mode.SOFT):
        invalid = by_label["invalid"].outcome
        assert invalid is not None and not invalid.is_valid and not invalid.reject
    if "unparseable" in by_label:
        assert by_label["unparseable"].payload is None
        assert by_label["unparseable"].outcome is None
    assert by_label["valid-v2"].payload["event_id"].endswith("000000000001")


def dead_letter_one(url: str, manager: SchemaManager, data: bytes) -> tuple[str, dict[str, bytes]]:
    """Produce one entry, let a guard settle it: its id and its one dead-letter entry."""
    (orig_id,) = produce(url, [data])
    run_guard(url, manager, Recorder(), lambda: pending(url) == 0)
    (entry,) = dead_letters(url)
    return orig_id, entry


def test_dead_letter_entry_has_exactly_the_documented_fields(
    redis_url: str, lock_dir: Path, make_manager: MakeManager
) -> None:
    broken = payload(3, utilisation=1.5, queue_size=-1)
    orig_id, entry = dead_letter_one(redis_url, make_manager(lock_dir, Mode.ENFORCE), broken)

    # in this order, and without "trace", a field of the entry the contract does not name
    assert list(entry) == list(DLQ_FIELDS)
    text = {k: v.decode() for k, v in entry.items()}
    assert text["orig_stream"] == STREAM and text["orig_id"] == orig_id
    assert (text["group"], text["consumer"], text["service"]) == ("pipeline", "c1", "store")
    assert (text["schema"], text["track"], text["version"]) == (FEEDBACK, "v2", "3")
    assert text["reason"] == "schema-invalid" and text["times_delivered"] == "1"
    assert entry["payload"] == broken
    errors = json.loads(text["errors"])
    assert {(e["path"], e["keyword"]) for e in errors} == {
        ("/utilisation", "maximum"),
        ("/queue_size", "minimum"),
    }
    assert all(set(e) == {"path", "keyword", "schema_path"} for e in errors)
    assert "1.5" not in text["errors"]  # no payload values
    assert text["failed_at"].endswith("Z")
    assert datetime.fromisoformat(text["failed_at"]).tzinfo is not None


def test_dead_letter_errors_keep_at_most_ten_items(
    redis_url: str, lock_dir: Path, make_manager: MakeManager
) -> None:
    labels = {f"k{i}": "x" * 200 for i in range(14)}  # 14 too-long labels, and too many
    data = payload(1, labels=labels)
    _, entry = dead_letter_one(redis_url, make_manager(lock_dir, Mode.ENFORCE), data)
    assert len(json.loads(entry["errors"])) == 10


def test_two_consumers_in_one_group_share_the_work_without_loss_or_double(
    redis_url: str,
    lock_dir: Path,
    make_manager: MakeManager,
) -> None:
    ids = produce(redis_url, [payload(n) for n in range(300)])
    validator = make_manager(lock_dir, Mode.ENFORCE)
    seen: dict[str, list[str]] = {"a": [], "b": []}

    async def consume(name: str) -> None:
        client = aredis.Redis.from_url(redis_url)

        async def handler(entry: GuardedEntry) -> None:
            seen[name].append(entry.id)
            await asyncio.sleep(0)  # let the other consumer read meanwhile

        guard = StreamGuard(
            client, validator, handler, stream=STREAM, group="pipeline", consumer=name,
            schema=FEEDBACK, count=10, block_ms=50,
        )  # fmt: skip
        await guard.ensure_group()
        try:
            for _ in range(200):
                await guard.run_once()
                if len(seen["a"]) + len(seen["b"]) >= len(ids):
                    return
        finally:
            await client.aclose()

    async def both() -> None:
        await asyncio.gather(consume("a"), consume("b"))

    asyncio.run(both())
    assert sorted(seen["a"] + seen["b"]) == sorted(ids)
    assert not set(seen["a"]) & set(seen["b"])
    assert seen["a"] and seen["b"]
    assert pending(redis_url) == 0


def test_circuit_breaker_trips_and_holds_the_rest_of_the_stream(
    redis_url: str,
    lock_dir: Path,
    make_manager: MakeManager,
) -> None:
    from prometheus_client import CollectorRegistry

    from registry_contract.runtime.guard_metrics import GuardMetrics

    produce(redis_url, [payload(n, utilisation=2.0) for n in range(100)])
    validator = make_manager(lock_dir, Mode.ENFORCE)
    registry = CollectorRegistry()
    recorder = Recorder()
    breaker = CircuitBreaker(window=20, min_entries=10, max_invalid_ratio=0.5)

    async def main() -> None:
        client = aredis.Redis.from_url(redis_url)
        guard = StreamGuard(
            client, validator, recorder, stream=STREAM, group="pipeline", consumer="c1",
            schema=FEEDBACK, count=100, block_ms=50, claim_idle_ms=0, breaker=breaker,
            metrics=GuardMetrics(registry),
        )  # fmt: skip
        await guard.ensure_group()
        try:
            with pytest.raises(CircuitOpenError, match="circuit breaker open"):
                await guard.run_once()
            assert registry.get_sample_value("schema_guard_circuit_open", {"stream": STREAM}) == 1
            with pytest.raises(CircuitOpenError):  # still open: nothing is read
                await guard.run_once()
            assert len(dead_letters(redis_url)) == 9 and pending(redis_url) == 91
            # the operator fixes the rollout: back to soft, resume; nothing was lost
            validator.set_mode(Mode.SOFT)
            guard.resume()
            for _ in range(ROUNDS):
                await guard.run_once()
                if pending(redis_url) == 0:
                    break
        finally:
            await client.aclose()

    asyncio.run(main())
    assert len(recorder.seen) == 91
    assert registry.get_sample_value("schema_guard_circuit_trips_total", {"stream": STREAM}) == 1
    assert (
        registry.get_sample_value(
            "schema_dead_letters_total", {"stream": STREAM, "reason": "schema-invalid"}
        )
        == 9
    )


def test_consumer_killed_between_handling_and_acking_leaves_the_entry_to_be_reclaimed(
    redis_url: str,
    lock_dir: Path,
    make_manager: MakeManager,
) -> None:
    script = Path(__file__).resolve().parents[1] / "support" / "stalled_consumer.py"
    (entry_id,) = produce(redis_url, [payload(7)])
    doomed = subprocess.Popen(
        [sys.executable, str(script), redis_url, str(lock_dir), STREAM],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert doomed.stdout is not None
        ready, _, _ = select.select([doomed.stdout], [], [], 60)
        assert ready, "the consumer did not handle the entry within 60 s"
        assert doomed.stdout.readline().strip() == f"handled {entry_id}"
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)
        if doomed.stdout is not None:
            doomed.stdout.close()
    assert doomed.returncode == -signal.SIGKILL

    with redis.Redis.from_url(redis_url) as client:
        (held,) = client.xpending_range(STREAM, "pipeline", min="-", max="+", count=10)
    assert (held["message_id"].decode(), held["consumer"]) == (entry_id, b"doomed")
    recorder = Recorder()
    run_guard(
        redis_url,
        make_manager(lock_dir, Mode.ENFORCE),
        recorder,
        lambda: pending(redis_url) == 0,
        claim_idle_ms=10,
    )
    assert [(e.id, e.times_delivered) for e in recorder.seen] == [(entry_id, 2)]
    assert dead_letters(redis_url) == []


@pytest.mark.parametrize("with_lock", [True, False], ids=["lock-fallback", "no-lock"])
def test_registry_down_all_along_sends_nothing_to_the_dead_letter_stream(
    redis_url: str,
    tmp_path: Path,
    fake_registry: Callable[..., Any],
    make_manager: MakeManager,
    with_lock: bool,
) -> None:
    registry = fake_registry(ROOT / "examples" / "schemas", api="core")
    registry.fault("status", status=503)  # down from the start, for every request
    lock_dir = write_lock(tmp_path / "schemas-lock")
    if not with_lock:  # the service shipped no lock entry for FeedbackEvent
        index = json.loads((lock_dir / "lock.json").read_text())
        del index["schemas"][FEEDBACK]
        (lock_dir / "lock.json").write_text(json.dumps(index))
        shutil.rmtree(lock_dir / FEEDBACK)
    manager = make_manager(lock_dir, Mode.ENFORCE, registry=registry.url)
    ids = produce(redis_url, [payload(1), payload(2, lag_ms=None), payload(3, utilisation=0.9)])
    recorder = Recorder()
    until = (lambda: pending(redis_url) == 0) if with_lock else None
    run_guard(redis_url, manager, recorder, until)

    assert dead_letters(redis_url) == []
    assert registry.requests, "the manager never tried the registry"
    if with_lock:  # the manager fell back to the lock and kept validating
        assert [e.id for e in recorder.seen] == ids
        assert {e.outcome.source for e in recorder.seen if e.outcome} == {"lock"}
        assert [e.outcome.track for e in recorder.seen if e.outcome] == ["v2", "v1", "v2"]
    else:  # no source at all: every entry stays pending, for when a source is back
        assert recorder.seen == []
        assert pending(redis_url) == len(ids)


def test_run_pauses_while_the_breaker_is_open_and_returns_on_stop(
    redis_url: str, lock_dir: Path, make_manager: MakeManager
) -> None:
    from prometheus_client import CollectorRegistry

    from registry_contract.runtime.guard_metrics import GuardMetrics

    produce(redis_url, [payload(n, utilisation=2.0) for n in range(30)])
    registry = CollectorRegistry()

    async def main() -> None:
        client = aredis.Redis.from_url(redis_url)
        guard = StreamGuard(
            client, make_manager(lock_dir, Mode.ENFORCE), Recorder(), stream=STREAM,
            group="pipeline", consumer="c1", schema=FEEDBACK, count=10, block_ms=50,
            breaker=CircuitBreaker(window=10, min_entries=5), metrics=GuardMetrics(registry),
        )  # fmt: skip
        await guard.ensure_group()
        running = asyncio.create_task(guard.run())
        try:
            for _ in range(400):  # at most 4 s for the first batch to trip it
                if registry.get_sample_value("schema_guard_circuit_open", {"stream": STREAM}):
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.2)  # paused: nothing more is read or dead-lettered
            assert not running.done()
            assert len(dead_letters(redis_url)) == 4 and pending(redis_url) == 6
            guard.stop()
            await asyncio.wait_for(running, timeout=10)
        finally:
            running.cancel()
            await client.aclose()

    asyncio.run(main())


def test_a_redis_that_fails_is_a_bus_error_without_the_url(
    lock_dir: Path, make_manager: MakeManager
) -> None:
    from registry_contract.runtime.dlq import BusError

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    async def main() -> None:
        client = aredis.Redis.from_url(f"redis://:sekrit-pw@127.0.0.1:{port}/0")
        guard = StreamGuard(
            client, make_manager(lock_dir, Mode.ENFORCE), Recorder(), stream=STREAM,
            group="pipeline", consumer="c1", schema=FEEDBACK,
        )  # fmt: skip
        try:
            with pytest.raises(BusError, match=r"telemetry.feedback \(group pipeline\): Redis"):
                await guard.ensure_group()
            with pytest.raises(BusError) as caught:
                await guard.run_once()
            assert "sekrit" not in str(caught.value) and "\n" not in str(caught.value)
        finally:
            await client.aclose()

    asyncio.run(main())


def test_a_client_that_decodes_responses_is_refused(
    redis_url: str, lock_dir: Path, make_manager: MakeManager
) -> None:
    from registry_contract.runtime import RuntimeConfigError

    client = aredis.Redis.from_url(redis_url, decode_responses=True)
    with pytest.raises(RuntimeConfigError, match="decodes responses"):
        StreamGuard(
            client, make_manager(lock_dir, Mode.ENFORCE), Recorder(), stream=STREAM,
            group="pipeline", consumer="c1", schema=FEEDBACK,
        )  # fmt: skip


def test_reclaiming_goes_round_the_pending_entries_past_those_that_stay_pending(
    redis_url: str, lock_dir: Path, make_manager: MakeManager
) -> None:
    ids = produce(redis_url, [payload(1, coordinator_id="explode")] * 2 + [payload(2)] * 3)
    manager = make_manager(lock_dir, Mode.ENFORCE)

    def down(entry: GuardedEntry) -> None:
        raise RuntimeError("the handler's database is down")

    # a first pass leaves all five pending: the handler fails on each
    run_guard(redis_url, manager, down, lambda: pending(redis_url) == 5, count=5)
    recorder = Recorder()  # it still fails on the first two; count 2: they fill a claim
    run_guard(
        redis_url, manager, recorder, lambda: pending(redis_url) == 2, count=2, max_deliveries=100
    )
    handled = [e.id for e in recorder.seen if e.payload["coordinator_id"] != "explode"]
    assert handled == ids[2:]
