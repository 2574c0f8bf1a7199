"""`registry-contract drift`: the lock against the live registry, with compatibility verdicts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from support.fake_registry import FakeRegistry

Cli = Callable[..., tuple[int, str, str]]


def publish(folder: Path, name: str, track: str, version: int, **properties: object) -> None:
    """Publish a new version of a track with some properties replaced or added."""
    path = folder / name / f"{track}.json"
    document = json.loads(path.read_text())
    document["x-version"] = version
    document["properties"].update(properties)
    path.write_text(json.dumps(document))


@pytest.fixture
def locked(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> FakeRegistry:
    registry = fake_registry()
    project({"api": "core", "url": registry.url})
    assert cli("lock")[0] == 0
    return registry


def test_no_drift_exits_0(locked: FakeRegistry, cli: Cli) -> None:
    code, out, _ = cli("drift")
    assert code == 0
    assert out.splitlines()[0] == f"registry-contract drift: no drift against {locked.url}"
    assert "shop.Order   v2  unchanged (version 1)" in out


def test_compatible_change_is_drift_with_its_verdict(locked: FakeRegistry, cli: Cli) -> None:
    publish(locked.folder, "shop.Order", "v2", 2, note={"type": "string"})
    code, out, _ = cli("drift")
    assert code == 1
    assert "shop.Order   v2  changed (version 1 -> 2), BACKWARD compatible" in out
    assert "run `registry-contract lock`" in out


def test_breaking_change_lists_each_breaking_change(locked: FakeRegistry, cli: Cli) -> None:
    publish(locked.folder, "shop.Order", "v2", 2, amount={"type": "number", "minimum": 10})
    code, out, _ = cli("drift", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["drift"] is True
    entry = next(e for e in report["entries"] if e["status"] == "changed")
    assert (entry["schema"], entry["track"], entry["old_version"], entry["new_version"]) == (
        "shop.Order",
        "v2",
        1,
        2,
    )
    assert entry["compat"]["compatible"] is False
    assert any(
        c["breaking"] and c["path"] == "/properties/amount/minimum"
        for c in entry["compat"]["changes"]
    )
    code, text, _ = cli("drift")
    assert "BACKWARD breaking (" in text
    assert "      breaking " in text
    code, markdown, _ = cli("drift", "--format", "markdown")
    assert "| `shop.Order` | `v2` | changed | 1 | 2 | BACKWARD breaking" in markdown
    assert "**Breaking changes**" in markdown


def test_added_and_removed_tracks(locked: FakeRegistry, cli: Cli) -> None:
    refund = locked.folder / "shop.Refund"
    shutil.copy(refund / "v1.json", refund / "v2.json")
    (refund / "v1.json").unlink()
    code, out, _ = cli("drift", "--format", "json")
    assert code == 1
    statuses = {(e["schema"], e["track"]): e["status"] for e in json.loads(out)["entries"]}
    assert statuses[("shop.Refund", "v2")] == "added"
    assert statuses[("shop.Refund", "v1")] == "removed"
    assert statuses[("shop.Order", "v1")] == "unchanged"


def test_drift_without_a_lock_is_exit_4(locked: FakeRegistry, cli: Cli) -> None:
    shutil.rmtree("schemas-lock")
    code, _, err = cli("drift")
    assert code == 4
    assert "run `registry-contract lock` to create it" in err


def test_drift_against_an_unreachable_registry_is_exit_3(locked: FakeRegistry, cli: Cli) -> None:
    locked.fault("status", "*", status=503)
    code, _, err = cli("drift")
    assert code == 3
    assert "HTTP 503 after 3 retries" in err
