"""The runtime manager against a real loopback registry: faults, refreshes, fallbacks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from registry_contract.runtime import Mode, SchemaManager, SchemaUnavailableError
from support.fake_registry import FakeRegistry
from support.runtime_world import (
    FEEDBACK,
    RATE,
    ManualClock,
    event,
    schema_document,
    telemetry_folder,
    telemetry_lock,
)

StartRegistry = Callable[..., FakeRegistry]
V2_PATH = f"/schemas/{FEEDBACK}/tracks/v2"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return telemetry_folder(tmp_path)


@pytest.fixture
def lock_dir(tmp_path: Path) -> Path:
    return telemetry_lock(tmp_path)


def manager(registry: FakeRegistry, lock_dir: Path | None, **options: object) -> SchemaManager:
    """A manager whose first refresh comes as late as the jitter allows (54 s of a 60 s TTL),
    and that waits for the registry at start-up however loaded the machine is."""
    options.setdefault("rand", lambda: 0.999)
    options.setdefault("refresh_timeout", 30)
    return SchemaManager(registry.url, lock_dir=lock_dir, **options)  # type: ignore[arg-type]


def fetches(registry: FakeRegistry, path: str) -> int:
    return sum(1 for p in registry.paths() if p == path)


def test_registry_down_at_start_up_serves_the_lock(
    fake_registry: StartRegistry, folder: Path, lock_dir: Path
) -> None:
    registry = fake_registry(folder)
    registry.fault("status", status=503)
    with manager(registry, lock_dir, preload=[FEEDBACK]) as schemas:
        resolved = schemas.get_schema_sync(FEEDBACK)
        outcome = schemas.validate(FEEDBACK, event())
    assert (resolved.source, resolved.track, resolved.version) == ("lock", "v2", 3)
    assert outcome.is_valid and outcome.source == "lock"


def test_registry_down_at_start_up_without_lock_fails_start(
    fake_registry: StartRegistry, folder: Path
) -> None:
    registry = fake_registry(folder)
    registry.fault("status", status=503)
    schemas = manager(registry, None, preload=[FEEDBACK])
    with pytest.raises(SchemaUnavailableError, match=f"schema {FEEDBACK}: no usable source"):
        schemas.start_sync()
    schemas.close_sync()


def test_registry_down_after_start_up_serves_stale_without_failures(
    fake_registry: StartRegistry, folder: Path, lock_dir: Path
) -> None:
    registry = fake_registry(folder)
    clock = ManualClock()
    with manager(registry, lock_dir, preload=[FEEDBACK], ttl=60, clock=clock) as schemas:
        assert schemas.validate(FEEDBACK, event()).source == "registry"
        registry.fault("status", status=503)
        clock.advance(61)  # expired: the refresh fails in the background
        outcomes = [schemas.validate(FEEDBACK, event()) for _ in range(50)]
        _wait_for_refreshes(schemas)
        outcomes += [schemas.validate(FEEDBACK, event()) for _ in range(50)]
    assert all(o.is_valid for o in outcomes)
    assert {o.source for o in outcomes} == {"stale"}
    failures = schemas.metrics.value(
        "schema_validations", schema=FEEDBACK, track="v2", mode="soft", result="invalid"
    )
    assert failures == 0
    assert schemas.metrics.value("schema_refresh_failures", schema=FEEDBACK, track="v2") >= 1


def test_slow_registry_does_not_hold_up_cached_validations(
    fake_registry: StartRegistry, folder: Path, lock_dir: Path
) -> None:
    registry = fake_registry(folder)
    clock = ManualClock()
    with manager(registry, lock_dir, preload=[FEEDBACK], ttl=60, clock=clock) as schemas:
        registry.fault("latency", ms=1500)
        clock.advance(55)  # past 80% (+ jitter) of the TTL: a refresh starts, and is slow
        outcomes = [schemas.validate(FEEDBACK, event()) for _ in range(200)]
        pending = schemas._cache.in_flight()
        assert pending and not any(f.done() for f in pending)  # answered while it still runs
        _wait_for_refreshes(schemas)
    assert all(o.is_valid and o.source == "registry" for o in outcomes)


def test_new_version_is_picked_up_after_the_ttl_without_blocking(
    fake_registry: StartRegistry, folder: Path, lock_dir: Path
) -> None:
    registry = fake_registry(folder)
    clock = ManualClock()
    with manager(registry, lock_dir, preload=[FEEDBACK], ttl=60, clock=clock) as schemas:
        document = schema_document(folder, FEEDBACK, "v2")
        document["x-version"] = 4
        document["required"] = [*document["required"], "lag_ms"]
        registry.publish(FEEDBACK, "v2", document)
        clock.advance(30)
        assert schemas.validate(FEEDBACK, event(lag_ms=None)).version == 3  # still fresh
        clock.advance(40)  # expired: served stale while the new version loads
        assert schemas.validate(FEEDBACK, event(lag_ms=None)).version == 3
        _wait_for_refreshes(schemas)
        outcome = schemas.validate(FEEDBACK, event(lag_ms=None), fallback=None)
    assert (outcome.version, outcome.is_valid, outcome.source) == (4, False, "registry")
    assert outcome.issues[0].keyword == "required"


def test_removed_track_falls_back_visibly(
    fake_registry: StartRegistry,
    folder: Path,
    lock_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = fake_registry(folder)
    clock = ManualClock()
    with manager(registry, lock_dir, preload=[FEEDBACK], ttl=60, clock=clock) as schemas:
        registry.remove(FEEDBACK, "v2")
        clock.advance(61)
        schemas.validate(FEEDBACK, event())  # serves stale, starts the refresh
        _wait_for_refreshes(schemas)
        with caplog.at_level(logging.WARNING, "registry_contract.runtime"):
            resolved = schemas.get_schema_sync(FEEDBACK)
            outcomes = [
                schemas.validate(FEEDBACK, event(lag_ms=None, labels=None, source="store"))
                for _ in range(3)
            ]
    assert (resolved.track, resolved.fell_back) == ("v1", True)
    assert all(o.is_valid and o.track == "v1" for o in outcomes)
    said = [r.getMessage() for r in caplog.records if "falling back" in r.getMessage()]
    assert said == [
        f"{FEEDBACK}: falling back from v2 to v1: the registry has no v2; "
        "counted in schema_track_fallbacks_total"
    ]
    assert (
        schemas.metrics.value(
            "schema_track_fallbacks", schema=FEEDBACK, track="v1", reason="missing"
        )
        == 4
    )


def test_thousand_concurrent_cold_calls_make_one_request_per_track(
    fake_registry: StartRegistry, folder: Path
) -> None:
    registry = fake_registry(folder, latency_ms=50)
    schemas = manager(registry, None)

    async def run() -> list[bool]:
        calls = [
            schemas.validate_payload(name, payload)
            for _ in range(500)
            for name, payload in ((FEEDBACK, event()), (FEEDBACK, event(source="bogus")))
        ]
        return [o.is_valid for o in await asyncio.gather(*calls)]

    verdicts = asyncio.run(run())
    schemas.close_sync()
    assert verdicts.count(True) == 500 and verdicts.count(False) == 500
    assert sorted(registry.paths()) == [V2_PATH.replace("v2", "v1"), V2_PATH]


def test_thousand_threads_on_a_cold_cache_make_one_request_per_track(
    fake_registry: StartRegistry, folder: Path
) -> None:
    registry = fake_registry(folder, latency_ms=50)
    schemas = manager(registry, None)
    payloads = [event(), event(source="bogus")] * 500
    with ThreadPoolExecutor(max_workers=64) as pool:
        verdicts = list(pool.map(lambda p: schemas.validate(FEEDBACK, p).is_valid, payloads))
    schemas.close_sync()
    assert verdicts == [True, False] * 500
    assert sorted(registry.paths()) == [V2_PATH.replace("v2", "v1"), V2_PATH]


def test_refresh_reuses_the_document_on_304(
    fake_registry: StartRegistry, folder: Path, lock_dir: Path
) -> None:
    registry = fake_registry(folder)
    clock = ManualClock()
    with manager(registry, lock_dir, preload=[FEEDBACK], ttl=60, clock=clock) as schemas:
        before = schemas._entries[(FEEDBACK, "v2")]
        clock.advance(61)
        schemas.validate(FEEDBACK, event())
        _wait_for_refreshes(schemas)
        after = schemas._entries[(FEEDBACK, "v2")]
    v2 = [r for r in registry.requests if r.path == V2_PATH]
    assert "if-none-match" not in v2[0].headers and "if-none-match" in v2[1].headers
    assert after is not before and after.compiled is before.compiled  # not rebuilt
    assert after.source == "registry"


@pytest.mark.parametrize(("winner", "source"), [("registry", "registry"), ("lock", "lock")])
def test_digest_mismatch_is_reported_once_and_the_setting_decides(
    fake_registry: StartRegistry,
    folder: Path,
    lock_dir: Path,
    caplog: pytest.LogCaptureFixture,
    winner: str,
    source: str,
) -> None:
    document = schema_document(folder, RATE, "v2")
    document["description"] = "changed in the registry after locking"
    registry = fake_registry(folder)
    registry.publish(RATE, "v2", document)
    clock = ManualClock()
    with (
        caplog.at_level(logging.WARNING, "registry_contract.runtime"),
        manager(
            registry, lock_dir, preload=[RATE], ttl=60, clock=clock, digest_mismatch=winner
        ) as schemas,
    ):
        first = schemas.get_schema_sync(RATE)
        clock.advance(61)
        schemas.get_schema_sync(RATE)
        _wait_for_refreshes(schemas)
        again = schemas.get_schema_sync(RATE)
    said = [r.getMessage() for r in caplog.records if "the lock has" in r.getMessage()]
    assert len(said) == 1 and f"using the {winner}'s" in said[0]
    assert schemas.metrics.value("schema_digest_mismatches", schema=RATE, track="v2") == 1
    assert first.source == again.source == source
    assert (first.document["description"] == document["description"]) is (winner == "registry")


def test_enforce_rejects_and_mode_changes_at_run_time(
    fake_registry: StartRegistry, folder: Path
) -> None:
    registry = fake_registry(folder)
    with manager(registry, None, preload=[FEEDBACK], modes={FEEDBACK: "enforce"}) as schemas:
        strict = schemas.validate(FEEDBACK, event(utilisation=2), fallback=None)
        schemas.set_mode(Mode.SOFT, FEEDBACK)
        soft = schemas.validate(FEEDBACK, event(utilisation=2), fallback=None)
        schemas.set_mode("off")
        schemas.set_mode("off", FEEDBACK)
        off = schemas.validate(FEEDBACK, event(utilisation=2))
    assert (strict.is_valid, strict.reject, strict.mode) == (False, True, Mode.ENFORCE)
    assert (soft.is_valid, soft.reject, soft.mode) == (False, False, Mode.SOFT)
    assert (off.is_valid, off.mode, off.errors) == (True, Mode.OFF, [])


def _wait_for_refreshes(schemas: SchemaManager) -> None:
    for future in schemas._cache.in_flight():
        future.result(timeout=30)
