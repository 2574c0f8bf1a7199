"""`registry-contract lock`: selections, --check, and what it keeps, adds and removes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from registry_contract.lock.reader import read_lock_files
from support.fake_registry import FakeRegistry

Cli = Callable[..., tuple[int, str, str]]


def bump(folder: Path, name: str, track: str, version: int) -> None:
    """Publish a new version of a track in the fake registry's folder."""
    path = folder / name / f"{track}.json"
    document = json.loads(path.read_text())
    document["x-version"] = version
    document.setdefault("properties", {})[f"added_in_{version}"] = {"type": "string"}
    path.write_text(json.dumps(document))


def versions(root: Path) -> dict[str, dict[str, int]]:
    index = json.loads((root / "schemas-lock" / "lock.json").read_text())
    return {n: {t: e["version"] for t, e in ts.items()} for n, ts in index["schemas"].items()}


@pytest.fixture
def locked(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> tuple[FakeRegistry, Path]:
    registry = fake_registry()
    root = project({"api": "core", "url": registry.url})
    assert cli("lock")[0] == 0
    return registry, root


def test_lock_of_one_schema_keeps_the_other_entries(
    locked: tuple[FakeRegistry, Path], cli: Cli
) -> None:
    registry, root = locked
    bump(registry.folder, "shop.Order", "v2", 2)
    bump(registry.folder, "shop.Refund", "v1", 5)
    before = read_lock_files(root / "schemas-lock")
    code, out, _ = cli("lock", "--schema", "shop.Order")
    assert code == 0
    assert "shop.Refund" not in out
    assert versions(root) == {"shop.Order": {"v1": 2, "v2": 2}, "shop.Refund": {"v1": 1}}
    after = read_lock_files(root / "schemas-lock")
    assert after["shop.Refund/v1.json"] == before["shop.Refund/v1.json"]
    assert after["shop.Order/v2.json"] != before["shop.Order/v2.json"]


def test_lock_of_one_track_keeps_the_other_tracks(
    locked: tuple[FakeRegistry, Path], cli: Cli
) -> None:
    registry, root = locked
    bump(registry.folder, "shop.Order", "v2", 2)
    bump(registry.folder, "shop.Order", "v1", 3)
    code, out, _ = cli("lock", "--track", "v1")
    assert code == 0
    assert "shop.Order   v1  changed (version 2 -> 3)" in out
    assert versions(root) == {"shop.Order": {"v1": 3, "v2": 1}, "shop.Refund": {"v1": 1}}
    registry.clear()
    assert cli("lock", "--track", "v1")[0] == 0
    assert not any("/tracks/v2" in p for p in registry.paths())


def test_lock_reports_added_and_removed_tracks(locked: tuple[FakeRegistry, Path], cli: Cli) -> None:
    registry, root = locked
    shutil.copy(
        registry.folder / "shop.Refund" / "v1.json", registry.folder / "shop.Refund" / "v2.json"
    )
    (registry.folder / "shop.Order" / "v1.json").unlink()
    shutil.rmtree(registry.folder / "shop.Order" / "v1")
    code, out, _ = cli("lock", "--check")
    assert code == 1
    assert "shop.Order   v1  removed (was version 2)" in out
    assert "shop.Refund  v2  added (version 1)" in out
    assert "drift: schemas-lock/ would change (1 added, 1 removed)" in out
    assert cli("lock")[0] == 0
    assert versions(root) == {"shop.Order": {"v2": 1}, "shop.Refund": {"v1": 1, "v2": 1}}
    assert not (root / "schemas-lock" / "shop.Order" / "v1.json").exists()
    assert cli("lock", "--check")[0] == 0


def test_lock_check_ignores_where_the_lock_came_from(
    locked: tuple[FakeRegistry, Path],
    fake_registry: Callable[..., FakeRegistry],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A mirror (REGISTRY_URL) serving the same schemas is not drift."""
    registry, _ = locked
    mirror = fake_registry(registry.folder, api="core")
    monkeypatch.setenv("REGISTRY_URL", mirror.url)
    code, out, _ = cli("lock", "--check")
    assert code == 0
    assert "schemas-lock/ is up to date with the registry" in out
    assert mirror.requests


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--schema", "shop.Nope"], "--schema shop.Nope: not in", id="schema"),
        pytest.param(["--track", "v9"], "--track v9: not a configured track", id="track"),
    ],
)
def test_lock_refuses_unknown_selections(
    locked: tuple[FakeRegistry, Path], cli: Cli, argv: list[str], message: str
) -> None:
    code, _, err = cli("lock", *argv)
    assert code == 2
    assert message in err


def test_partial_lock_refuses_a_tampered_lock(locked: tuple[FakeRegistry, Path], cli: Cli) -> None:
    _, root = locked
    (root / "schemas-lock" / "shop.Refund" / "v1.json").write_text("{}\n")
    code, _, err = cli("lock", "--schema", "shop.Order")
    assert code == 4
    assert "cannot keep its other entries" in err
    assert "sha256 mismatch" in err


def test_full_lock_replaces_a_corrupt_lock(locked: tuple[FakeRegistry, Path], cli: Cli) -> None:
    _, root = locked
    good = read_lock_files(root / "schemas-lock")
    (root / "schemas-lock" / "lock.json").write_text("{not json")
    code, _, err = cli("lock")
    assert code == 0
    assert "replacing the unreadable" in err
    assert read_lock_files(root / "schemas-lock") == good


def test_bundled_example_locks_from_its_static_folder_without_drift(
    example: Path, cli: Cli
) -> None:
    assert cli("lock")[0] == 0
    code, out, _ = cli("lock", "--check")
    assert code == 0
    assert "schemas-lock/ is up to date with the registry" in out
    assert cli("verify")[0] == 0
