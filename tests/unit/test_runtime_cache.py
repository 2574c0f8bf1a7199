"""Cache semantics with a clock the test moves: TTL, jitter, negative and stale entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry_contract.registry.static import FolderClient
from registry_contract.runtime import SchemaManager, SchemaUnavailableError
from registry_contract.runtime.cache import Timing, default_random
from support.runtime_world import (
    FEEDBACK,
    ManualClock,
    event,
    schema_document,
    telemetry_folder,
    telemetry_lock,
)

V2 = (FEEDBACK, "v2")


def folder_manager(
    folder: Path, clock: ManualClock, lock_dir: Path | None = None, **options: object
) -> tuple[SchemaManager, FolderClient]:
    client = FolderClient(folder)
    schemas = SchemaManager(client=client, lock_dir=lock_dir, clock=clock, **options)  # type: ignore[arg-type]
    return schemas, client


def fetched(client: FolderClient) -> int:
    return len(client.stats.latencies)


def settle(schemas: SchemaManager) -> None:
    for future in schemas._cache.in_flight():
        future.result(timeout=30)


@pytest.mark.parametrize("draw", [0.0, 0.5, 0.999])
def test_refresh_starts_at_eighty_percent_of_the_ttl_plus_jitter(
    tmp_path: Path, draw: float
) -> None:
    clock = ManualClock()
    schemas, client = folder_manager(
        telemetry_folder(tmp_path), clock, ttl=100, jitter=0.2, rand=lambda: draw
    )
    period = 100 * (0.8 + 0.2 * draw)
    schemas.validate(FEEDBACK, event())
    clock.advance(period * draw)  # the first refresh: a random point of the first period
    schemas.validate(FEEDBACK, event())
    settle(schemas)
    assert fetched(client) == 2
    clock.advance(period - 0.01)
    schemas.validate(FEEDBACK, event())
    settle(schemas)
    assert fetched(client) == 2
    clock.advance(0.01)
    assert schemas.validate(FEEDBACK, event()).source == "registry"  # not waiting for it
    settle(schemas)
    assert fetched(client) == 3


def test_jitter_spreads_replicas_over_the_window() -> None:
    times = [Timing(300, 60, 0.1, default_random()).refresh_at(0.0, 0.0) for _ in range(200)]
    assert all(240 <= t <= 270 for t in times)
    assert max(times) - min(times) > 20  # 200 replicas started together do not refresh together
    retries = [Timing(300, 60, 0.1, default_random()).retry_at(0.0) for _ in range(200)]
    assert all(60 <= t <= 66 for t in retries) and max(retries) - min(retries) > 4


def test_the_first_refresh_spreads_replicas_over_a_whole_period() -> None:
    firsts = sorted(Timing(300, 60, 0.1, default_random()).refresh_at(0.0) for _ in range(400))
    assert all(0 <= t <= 270 for t in firsts)
    per_minute = [sum(1 for t in firsts if m * 60 <= t < (m + 1) * 60) for m in range(4)]
    assert min(per_minute) > 50  # about 100 a minute in each of the first four minutes


def test_a_missing_track_is_cached_for_the_negative_ttl(tmp_path: Path) -> None:
    folder = telemetry_folder(tmp_path)
    document = schema_document(folder, FEEDBACK, "v2")
    (folder / FEEDBACK / "v2.json").unlink()
    clock = ManualClock()
    schemas, client = folder_manager(folder, clock, negative_ttl=60)
    for _ in range(20):
        assert schemas.validate(FEEDBACK, event(lag_ms=None, labels=None)).track == "v1"
    assert fetched(client) == 2  # v2 (missing) and v1, once each
    (folder / FEEDBACK / "v2.json").write_text(json.dumps(document))
    clock.advance(59)
    assert schemas.validate(FEEDBACK, event()).track == "v1"
    clock.advance(1)
    assert schemas.validate(FEEDBACK, event()).track == "v2"
    negative = schemas.metrics.value("schema_cache_lookups", schema=FEEDBACK, result="negative")
    assert negative == 20


def test_a_failed_refresh_keeps_the_schema_and_serves_it_stale(tmp_path: Path) -> None:
    folder = telemetry_folder(tmp_path)
    clock = ManualClock()
    schemas, client = folder_manager(folder, clock, ttl=100, negative_ttl=30)
    schemas.validate(FEEDBACK, event())
    (folder / FEEDBACK / "v2.json").write_text("{ not json")
    clock.advance(101)
    outcomes = [schemas.validate(FEEDBACK, event())]
    settle(schemas)
    outcomes += [schemas.validate(FEEDBACK, event(utilisation=2), fallback=None)]
    clock.advance(10_000)  # however long the registry stays broken
    outcomes += [schemas.validate(FEEDBACK, event())]
    settle(schemas)
    outcomes += [schemas.validate(FEEDBACK, event())]
    assert [o.is_valid for o in outcomes] == [True, False, True, True]
    assert {o.source for o in outcomes} == {"stale"}
    assert fetched(client) == 3


def test_validators_are_compiled_once_per_version(tmp_path: Path) -> None:
    folder = telemetry_folder(tmp_path)
    clock = ManualClock()
    schemas, _ = folder_manager(folder, clock, ttl=100)
    schemas.validate(FEEDBACK, event())
    first = schemas._entries[V2]
    for _ in range(3):
        clock.advance(101)
        schemas.validate(FEEDBACK, event())
        settle(schemas)
    assert schemas._entries[V2].compiled is first.compiled
    document = schema_document(folder, FEEDBACK, "v2")
    document["x-version"] = 4
    (folder / FEEDBACK / "v2.json").write_text(json.dumps(document))
    clock.advance(101)
    schemas.validate(FEEDBACK, event())
    settle(schemas)
    assert schemas._entries[V2].doc.version == 4
    assert schemas._entries[V2].compiled is not first.compiled


def test_the_lock_alone_is_a_source_that_never_refreshes(tmp_path: Path) -> None:
    clock = ManualClock()
    schemas = SchemaManager(lock_dir=telemetry_lock(tmp_path), clock=clock)
    clock.advance(10**9)
    outcome = schemas.validate(FEEDBACK, event())
    assert (outcome.source, outcome.version, outcome.is_valid) == ("lock", 3, True)
    assert schemas._cache.in_flight() == []


def test_a_tampered_lock_file_is_not_used(tmp_path: Path) -> None:
    lock_dir = telemetry_lock(tmp_path)
    path = lock_dir / FEEDBACK / "v2.json"
    path.write_text(path.read_text().replace('"maximum": 1', '"maximum": 5'))
    schemas = SchemaManager(lock_dir=lock_dir)
    with pytest.raises(SchemaUnavailableError, match="v2: the registry has no such track"):
        schemas.validate(FEEDBACK, event(), fallback=None)
    assert schemas.validate(FEEDBACK, event(lag_ms=None, labels=None)).track == "v1"


def test_an_unknown_schema_is_unavailable_not_a_verdict(tmp_path: Path) -> None:
    schemas, _ = folder_manager(telemetry_folder(tmp_path), ManualClock())
    with pytest.raises(SchemaUnavailableError, match=r"schema telemetry\.Nope: no usable source"):
        schemas.validate("telemetry.Nope", event())


def test_the_number_of_cached_schema_tracks_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("registry_contract.runtime.manager.MAX_KEYS", 3)
    schemas, client = folder_manager(telemetry_folder(tmp_path), ManualClock())
    for index in range(3):
        with pytest.raises(SchemaUnavailableError, match="no usable source"):
            schemas.validate(f"made.Up{index}", event(), fallback=None)
    with pytest.raises(SchemaUnavailableError, match="already holds 3"):
        schemas.validate("made.Up3", event(), fallback=None)
    with pytest.raises(SchemaUnavailableError, match="no usable source"):
        schemas.validate("made.Up0", event(), fallback=None)  # cached: no new request
    assert fetched(client) == 3


def test_a_key_that_failed_keeps_its_phase_when_the_registry_is_back(tmp_path: Path) -> None:
    folder = telemetry_folder(tmp_path)
    good = (folder / FEEDBACK / "v2.json").read_bytes()
    clock = ManualClock()
    draws = iter([0.5, 0.999, 0.0, 0.5])
    schemas, _ = folder_manager(folder, clock, ttl=100, jitter=0.2, rand=lambda: next(draws))
    schemas.validate(FEEDBACK, event())  # cold: period 90, the first refresh at 90 x 0.999
    planned = clock.now + 89.91
    assert schemas._entries[V2].next_check == pytest.approx(planned)
    (folder / FEEDBACK / "v2.json").write_text("{ broken")
    clock.advance(95)
    schemas.validate(FEEDBACK, event())
    settle(schemas)  # failed: retried after negative_ttl (60) x (1 + 0.2 x 0.0)
    assert schemas._entries[V2].next_check == pytest.approx(clock.now + 60)
    (folder / FEEDBACK / "v2.json").write_bytes(good)
    clock.advance(60)
    schemas.validate(FEEDBACK, event())
    settle(schemas)  # back: whole periods (90) after the refresh that failed, not after now
    entry = schemas._entries[V2]
    assert entry.source == "registry"
    assert entry.next_check == pytest.approx(planned + 2 * 90)  # at least half a period away
