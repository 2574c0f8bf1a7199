"""Registrations written to `serve --writable DIR` and read back on the next start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry_contract.errors import UsageError
from registry_contract.lock.reader import load_intact_lock
from registry_contract.registry.serve_register import Registrar
from registry_contract.registry.serve_store import SubjectStore, store_from_lock
from registry_contract.registry.serve_verdict import Policy
from registry_contract.registry.serve_writable import WritableFolder

ROOT = Path(__file__).resolve().parents[2]
STRING = {"schema": '{"type": "string"}', "schemaType": "JSON"}


def test_a_registration_is_written_and_reloaded_with_the_same_id(tmp_path: Path) -> None:
    folder = WritableFolder(tmp_path / "registered")
    first = Registrar(SubjectStore("BACKWARD"), Policy(), folder)
    version, schema = first.register("orders-value", STRING)
    assert (tmp_path / "registered" / "orders-value" / "1.json").read_text() == schema.text
    assert [p.name for p in (tmp_path / "registered" / "orders-value").iterdir()] == ["1.json"]
    again = Registrar(SubjectStore("BACKWARD"), Policy(), folder)
    again.reload(1024)
    reloaded = again.store.versions("orders-value")
    assert reloaded is not None and reloaded[version].id == schema.id


def test_versions_reload_in_numeric_order(tmp_path: Path) -> None:
    for version, kind in ((10, "integer"), (9, "string")):
        path = tmp_path / "s" / f"{version}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps({"type": kind}))
    loaded = WritableFolder(tmp_path).load(10, 1024)
    assert [(s, v) for s, v, _ in loaded] == [("s", 9), ("s", 10)]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("bad name/1.json", b"{}", "not a subject name", id="subject"),
        pytest.param("s/1.json", b"{", "cannot read a registered schema", id="not-json"),
        pytest.param("s/1.json", b"[]", "must be a JSON object", id="not-object"),
        pytest.param("s/1.json", b"{}" + b" " * 2000, "larger than 1024 bytes", id="too-large"),
    ],
)
def test_a_bad_file_in_the_folder_is_a_usage_error_naming_it(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    with pytest.raises(UsageError, match=message):
        WritableFolder(tmp_path).load(10, 1024)


def test_more_files_than_the_cap_are_refused(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    for version in (1, 2, 3):
        (tmp_path / "s" / f"{version}.json").write_text("{}")
    with pytest.raises(UsageError, match="more than 2 registrations"):
        WritableFolder(tmp_path).load(2, 1024)


def test_a_file_that_contradicts_the_lock_is_refused(tmp_path: Path) -> None:
    lock = load_intact_lock(ROOT / "schemas-lock")
    entry = lock.entries["telemetry.FeedbackEvent"]["v2"]
    path = tmp_path / "telemetry.FeedbackEvent-v2" / f"{entry.version}.json"
    path.parent.mkdir()
    path.write_text('{"type": "string"}')
    store = store_from_lock(lock, "{name}-{track}", "BACKWARD", {})
    with pytest.raises(UsageError, match="is also in the lock, with another schema"):
        Registrar(store, Policy(), WritableFolder(tmp_path)).reload(1024 * 1024)
