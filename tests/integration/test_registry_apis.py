"""The core, confluent and static APIs against a loopback fake registry, through `lock`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from registry_contract.lock.reader import read_lock_files
from support.fake_registry import FakeRegistry

Cli = Callable[..., tuple[int, str, str]]


def schema_files(root: Path) -> dict[str, bytes]:
    files = read_lock_files(root / "schemas-lock")
    index = json.loads(files.pop("lock.json"))
    files["schemas"] = json.dumps(index["schemas"], sort_keys=True).encode()
    return files


@pytest.mark.parametrize("api", ["core", "confluent", "static"])
def test_lock_fetches_every_track_and_reports_the_fallback(
    api: str, fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry(api=api)
    root = project({"api": api, "url": registry.url})
    code, out, err = cli("lock")
    assert code == 0, err
    index = json.loads((root / "schemas-lock" / "lock.json").read_text())
    assert index["registry"] == {"api": api, "url": registry.url}
    versions = {n: {t: e["version"] for t, e in ts.items()} for n, ts in index["schemas"].items()}
    assert versions == {"shop.Order": {"v1": 2, "v2": 1}, "shop.Refund": {"v1": 1}}
    assert "shop.Refund: no v2 in the registry, falls back to v1" in out
    assert "wrote schemas-lock/ (3 added)" in out


def test_all_apis_and_the_folder_produce_the_same_lock(
    registry_folder: Path,
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
) -> None:
    locks = []
    for api in ("core", "confluent", "static"):
        root = project({"api": api, "url": fake_registry(api=api).url})
        assert cli("lock")[0] == 0
        locks.append(schema_files(root))
    root = project({"api": "static", "url": registry_folder.as_uri()})
    assert cli("lock")[0] == 0
    locks.append(schema_files(root))
    assert all(lock == locks[0] for lock in locks)


def test_confluent_uses_the_subject_template_and_schema_registry_accept(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry(api="confluent")
    project({"api": "confluent", "url": registry.url, "subject-template": "{name}-{track}"})
    assert cli("lock")[0] == 0
    assert "/subjects/shop.Order-v2/versions/latest" in registry.paths()
    accept = registry.requests[0].headers["accept"]
    assert accept.startswith("application/vnd.schemaregistry.v1+json")


def test_confluent_subject_without_schema_type_is_avro_and_refused(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry(api="confluent")
    avro = {"subject": "shop.Order-v2", "id": 1, "version": 1, "schema": '{"type": "record"}'}
    registry.fault("body", "/subjects/shop.Order-v2/versions/latest", body=avro)
    project({"api": "confluent", "url": registry.url})
    code, _, err = cli("lock")
    assert code == 3
    assert "subject 'shop.Order-v2' holds an AVRO schema" in err
    assert "JSON schemas only" in err


def test_confluent_404_without_error_code_is_not_a_missing_track(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry(api="confluent")
    registry.fault("status", "/subjects/shop.Order-v2/*", status=404, body={"message": "nope"})
    project({"api": "confluent", "url": registry.url})
    code, _, err = cli("lock")
    assert code == 3
    assert f"{registry.url}/subjects/shop.Order-v2/versions/latest: HTTP 404 without" in err


def test_static_folder_path_is_relative_to_the_config(
    registry_folder: Path, project: Callable[..., Path], cli: Cli
) -> None:
    root = project({"api": "static", "url": "../registry"})
    assert registry_folder == root.parent / "registry"
    code, out, _ = cli("lock")
    assert code == 0
    assert out.splitlines()[1].split() == ["shop.Order", "v1", "added", "(version", "2)"]


def test_schema_with_no_track_in_the_registry_is_exit_3_naming_the_urls(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry()
    root = project({"api": "core", "url": registry.url}, schemas={"shop.Gone": None})
    code, _, err = cli("lock")
    assert code == 3
    assert "schema shop.Gone: none of its tracks (v2, v1) exists in the registry" in err
    assert f"{registry.url}/schemas/shop.Gone/tracks/v2" in err
    assert f"{registry.url}/schemas/shop.Gone/tracks/v1" in err
    assert not (root / "schemas-lock").exists()
