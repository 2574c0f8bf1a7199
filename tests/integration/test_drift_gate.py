"""`registry-contract gate` with a live registry: drift warnings, degrading to the lock."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.fake_registry import FakeRegistry

Cli = Callable[..., tuple[int, str, str]]
TOKEN = "gate-token-abcdef0123456789"


@pytest.fixture
def locked(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> FakeRegistry:
    registry = fake_registry()
    project({"api": "core", "url": registry.url})
    assert cli("lock")[0] == 0
    registry.clear()
    return registry


def gate(cli: Cli, *argv: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = cli("gate", "--format", "json", *argv)
    return code, json.loads(out) if out else {}, err


def test_gate_reads_the_registry_and_reports_fetch_stats(locked: FakeRegistry, cli: Cli) -> None:
    code, report, _ = gate(cli)
    assert code == 0
    assert {s["name"]: s["drift"] for s in report["schemas"]} == {
        "shop.Order": "unchanged",
        "shop.Refund": "unchanged",
    }
    assert set(report["fetch"]) == {"requests", "p50_ms", "p95_ms", "cache_hit_ratio"}
    assert report["fetch"]["requests"] == 4
    assert report["fetch"]["cache_hit_ratio"] == 0.75  # 3 tracks locked, 1 missing


def test_gate_warns_about_drift_but_validates_against_the_lock(
    locked: FakeRegistry, cli: Cli
) -> None:
    path = locked.folder / "shop.Order" / "v2.json"
    document = json.loads(path.read_text())
    document["x-version"] = 2
    document["properties"]["amount"]["minimum"] = 100  # would reject the valid fixture
    path.write_text(json.dumps(document))
    code, report, _ = gate(cli)
    assert code == 0
    drift = [f for f in report["findings"] if f["kind"] == "drift"]
    assert [(f["schema"], f["track"], f["severity"]) for f in drift] == [
        ("shop.Order", "v2", "warning")
    ]
    assert "changed (version 1 -> 2)" in drift[0]["message"]
    assert "BACKWARD breaking" in drift[0]["message"]
    assert report["schemas"][0]["drift"] == "changed"
    assert report["counts"]["invalid-fixtures"] == 0
    assert any(c["context"] == "drift" and not c["compatible"] for c in report["compat"])


def test_unreachable_registry_degrades_to_the_lock(locked: FakeRegistry, cli: Cli) -> None:
    locked.fault("reset", "*")
    code, report, _ = gate(cli)
    assert code == 0
    registry = [f for f in report["findings"] if f["kind"] == "registry"]
    assert len(registry) == 1
    assert registry[0]["severity"] == "warning"
    assert "--require-registry" in registry[0]["message"]
    assert {s["drift"] for s in report["schemas"]} == {"unknown"}
    assert report["counts"]["fixtures"] > 0


def test_require_registry_makes_an_unreachable_registry_exit_3(
    locked: FakeRegistry, cli: Cli
) -> None:
    locked.fault("status", "*", status=503)
    code, _, err = gate(cli, "--require-registry")
    assert code == 3
    assert "HTTP 503 after 3 retries" in err


def test_offline_gate_does_not_touch_the_registry(locked: FakeRegistry, cli: Cli) -> None:
    code, report, _ = gate(cli, "--offline")
    assert code == 0
    assert locked.requests == []
    assert {s["drift"] for s in report["schemas"]} == {None}


def test_require_track_fails_when_the_registry_has_no_such_track(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry()
    schemas = {"shop.Order": None, "shop.Refund": {"require-track": "v2"}}
    project({"api": "core", "url": registry.url}, schemas=schemas)
    code, out, _ = cli("lock")
    assert code == 0
    assert "falls back to v1 (below require-track v2)" in out
    code, report, _ = gate(cli)
    assert code == 1
    fallback = [f for f in report["findings"] if f["kind"] == "fallback"]
    assert [(f["schema"], f["rule"], f["severity"]) for f in fallback] == [
        ("shop.Refund", "require-track", "error")
    ]


def test_without_a_lock_the_gate_validates_live_schemas_and_says_how_to_lock(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry()
    root = project({"api": "core", "url": registry.url})
    code, report, _ = gate(cli)
    assert code == 0
    missing = [f for f in report["findings"] if f["rule"] == "lock-missing"]
    assert len(missing) == 1
    assert "run `registry-contract lock`" in missing[0]["message"]
    order = report["schemas"][0]
    assert (order["track"], order["version"], order["fixtures"]["passed"]) == ("v2", 1, 4)
    assert [f["rule"] for f in report["findings"] if f["kind"] == "fallback"] == ["track-fallback"]
    assert not (root / "schemas-lock").exists()
    shutil.rmtree(registry.folder / "shop.Refund")
    code, _, err = gate(cli)
    assert code == 3
    assert "schema shop.Refund: none of its tracks (v2, v1) exists in the registry" in err


def test_gate_reports_and_output_never_contain_the_token(
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = fake_registry(token=TOKEN)
    root = project({"api": "core", "url": registry.url})
    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN)
    assert cli("lock")[0] == 0
    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN[::-1])
    code, out, err = cli("gate", "--debug", "--report", "report.json")
    assert code == 0
    assert "credentials were rejected" in out
    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN)
    code, out2, err2 = cli("gate", "--debug", "--require-registry", "--format", "json")
    assert code == 0
    text = out + err + out2 + err2 + (root / "report.json").read_text()
    assert TOKEN not in text
    assert TOKEN[::-1] not in text
