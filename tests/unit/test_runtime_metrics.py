"""Runtime metrics: scraped over HTTP and parsed with prometheus-client; off without it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from registry_contract.registry.static import FolderClient
from registry_contract.runtime import SchemaManager
from support.runtime_world import FEEDBACK, ROOT, ManualClock, event, telemetry_folder

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(url: str) -> Samples:
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_scraped_over_http_count_what_happened(tmp_path: Path) -> None:
    registry = CollectorRegistry()
    client = FolderClient(telemetry_folder(tmp_path))
    schemas = SchemaManager(client=client, metrics_registry=registry, clock=ManualClock())
    for _ in range(40):
        schemas.validate(FEEDBACK, event())
    for _ in range(3):
        schemas.validate(FEEDBACK, event(utilisation=2))
    old = event(source="gateway", lag_ms=None, labels=None)
    schemas.set_mode("enforce", FEEDBACK)
    schemas.validate(FEEDBACK, old)
    server = schemas.metrics.serve()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        samples = scrape(server.url)
    finally:
        server.close()
    soft = {"schema": FEEDBACK, "track": "v2", "mode": "soft"}
    assert value(samples, "schema_validations_total", **soft, result="valid") == 40
    assert value(samples, "schema_validations_total", **soft, result="invalid") == 3
    assert value(samples, "schema_validation_failures_total", **soft, reason="maximum") == 3
    enforce = {"schema": FEEDBACK, "track": "v2", "mode": "enforce", "result": "valid"}
    assert value(samples, "schema_validations_total", **enforce) == 1
    # v2 at the first call, v1 at the first invalid payload (is it an old producer's?)
    assert value(samples, "schema_cache_lookups_total", schema=FEEDBACK, result="miss") == 2
    assert value(samples, "schema_cache_lookups_total", schema=FEEDBACK, result="hit") >= 40
    assert value(samples, "schema_registry_fetch_duration_seconds_count", schema=FEEDBACK) == 2
    entry = schemas._entries[(FEEDBACK, "v2")]
    info = {
        "schema": FEEDBACK,
        "track": "v2",
        "version": "3",
        "source": "registry",
        "digest": entry.doc.digest,
    }
    assert value(samples, "schema_source_info", **info) == 1


def test_an_old_producer_is_counted_on_the_fallback_track(tmp_path: Path) -> None:
    folder = telemetry_folder(tmp_path)
    v2 = json.loads((folder / FEEDBACK / "v2.json").read_bytes())
    v2["required"] = [*v2["required"], "lag_ms"]  # a v2 that old producers do not meet
    (folder / FEEDBACK / "v2.json").write_text(json.dumps(v2))
    schemas = SchemaManager(client=FolderClient(folder), clock=ManualClock())
    outcome = schemas.validate(FEEDBACK, event(lag_ms=None, labels=None, source="store"))
    strict = schemas.validate(FEEDBACK, event(lag_ms=None, labels=None), fallback=None)
    assert (outcome.is_valid, outcome.track) == (True, "v1")
    assert (strict.is_valid, strict.track) == (False, "v2")
    metrics = schemas.metrics
    assert metrics.value("schema_track_fallbacks", schema=FEEDBACK, track="v1", reason="payload")
    valid_v1 = {"schema": FEEDBACK, "track": "v1", "mode": "soft", "result": "valid"}
    assert metrics.value("schema_validations", **valid_v1) == 1


@pytest.mark.parametrize("how", ["sync", "async"])
def test_without_prometheus_client_the_manager_works_and_says_metrics_are_off(how: str) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, json, logging, sys
        sys.modules["prometheus_client"] = None  # as if it were not installed
        logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
        from registry_contract.runtime import SchemaManager
        payload = json.load(open({str(ROOT / "tests/contracts/fixtures/payloads" / FEEDBACK / "valid/store-ok.json")!r}))
        schemas = SchemaManager(lock_dir={str(ROOT / "schemas-lock")!r})
        schemas.start_sync()
        if {how!r} == "sync":
            outcomes = [schemas.validate({FEEDBACK!r}, payload) for _ in range(5)]
        else:
            async def run():
                return [await schemas.validate_payload({FEEDBACK!r}, payload) for _ in range(5)]
            outcomes = asyncio.run(run())
        print("valid", all(o.is_valid for o in outcomes), schemas.metrics.enabled)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "valid True False"
    off = [line for line in done.stderr.splitlines() if "metrics are off" in line]
    assert off == [
        "registry_contract.runtime prometheus-client is not installed: runtime metrics are off "
        "(install registry-contract[runtime] to turn them on)"
    ]
