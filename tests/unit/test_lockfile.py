from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from registry_contract import lockfile
from registry_contract.errors import LockError
from registry_contract.lockfile import (
    canonical_json,
    load_lock,
    read_lock_files,
    render_lock,
    verify_lock,
    write_lock,
)

SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}
REGISTRY = {"api": "core", "url": "https://user:secret@registry.example.com/api"}


def documents(version: int = 1) -> dict[str, dict[str, tuple[int, object]]]:
    return {
        "a.Event": {"v1": (version, SCHEMA), "v2": (version + 1, {**SCHEMA, "title": "v2"})},
        "b.Event": {"v2": (7, {"type": "string"})},
    }


def test_canonical_json_sorts_keys_indents_and_ends_with_newline() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == (
        b'{\n  "a": [\n    1,\n    {\n      "c": 3,\n      "d": 2\n    }\n  ],\n  "b": 1\n}\n'
    )


def test_render_lock_is_deterministic_and_drops_credentials() -> None:
    files = render_lock(REGISTRY, documents())
    assert files == render_lock(dict(REGISTRY), documents())
    index = json.loads(files["lock.json"])
    assert index["lock-version"] == 1
    assert index["registry"] == {"api": "core", "url": "https://registry.example.com/api"}
    entry = index["schemas"]["a.Event"]["v2"]
    assert entry["version"] == 2 and entry["file"] == "a.Event/v2.json"
    assert entry["sha256"] == lockfile.sha256_hex(files["a.Event/v2.json"])
    assert b"secret" not in b"".join(files.values())


def test_write_then_load_round_trips_and_unchanged_write_is_a_no_op(tmp_path: Path) -> None:
    lock_dir = tmp_path / "schemas-lock"
    files = render_lock(REGISTRY, documents())
    assert write_lock(lock_dir, files) is True
    assert read_lock_files(lock_dir) == files
    before = {p: p.stat().st_mtime_ns for p in lock_dir.rglob("*")}
    assert write_lock(lock_dir, files) is False
    assert {p: p.stat().st_mtime_ns for p in lock_dir.rglob("*")} == before
    lock = load_lock(lock_dir)
    assert lock.tracks("a.Event") == ["v1", "v2"]
    assert lock.schema("b.Event", "v2") == {"type": "string"}
    assert verify_lock(lock) == []


def test_write_replaces_the_whole_tree_and_leaves_no_staging(tmp_path: Path) -> None:
    lock_dir = tmp_path / "schemas-lock"
    write_lock(lock_dir, render_lock(REGISTRY, documents()))
    smaller = {"a.Event": {"v2": (9, SCHEMA)}}
    write_lock(lock_dir, render_lock(REGISTRY, smaller))
    assert sorted(read_lock_files(lock_dir)) == ["a.Event/v2.json", "lock.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["schemas-lock"]


def test_interrupted_write_keeps_the_old_lock_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock_dir = tmp_path / "schemas-lock"
    write_lock(lock_dir, render_lock(REGISTRY, documents()))
    old = read_lock_files(lock_dir)
    real_write = lockfile._write_file
    calls = []

    def interrupted(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_write(path, data)

    monkeypatch.setattr(lockfile, "_write_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_lock(lock_dir, render_lock(REGISTRY, documents(version=5)))
    assert read_lock_files(lock_dir) == old
    assert [p.name for p in tmp_path.iterdir()] == ["schemas-lock"]


KILLED_WRITER = """
import sys
from pathlib import Path
from registry_contract.lockfile import render_lock, write_lock
big = {"type": "object", "description": "x" * 200000}
version = 2
while True:
    docs = {f"s{i}.Event": {"v1": (version, big), "v2": (version, big)} for i in range(40)}
    write_lock(Path(sys.argv[1]), render_lock({"api": "core", "url": None}, docs))
    print("wrote", flush=True)
    version += 1
"""


def test_killed_writer_leaves_a_complete_lock(tmp_path: Path) -> None:
    lock_dir = tmp_path / "schemas-lock"
    big = {"type": "object", "description": "x" * 200000}
    first = {f"s{i}.Event": {"v1": (1, big), "v2": (1, big)} for i in range(40)}
    write_lock(lock_dir, render_lock({"api": "core", "url": None}, first))
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(lock_dir)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # at least one full write happened; the next one is in flight
    time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    lock = load_lock(lock_dir)
    assert verify_lock(lock) == []
    versions = {e.version for tracks in lock.entries.values() for e in tracks.values()}
    assert len(versions) == 1  # never a mix of two writes
    write_lock(lock_dir, render_lock({"api": "core", "url": None}, first))
    assert [p.name for p in tmp_path.iterdir()] == ["schemas-lock"]  # stale staging cleaned


@pytest.fixture
def lock_dir(tmp_path: Path) -> Path:
    path = tmp_path / "schemas-lock"
    write_lock(path, render_lock(REGISTRY, documents()))
    return path


def test_verify_reports_a_tampered_file(lock_dir: Path) -> None:
    (lock_dir / "a.Event" / "v1.json").write_text('{"type": "object", "x": 1}\n')
    [problem] = verify_lock(load_lock(lock_dir))
    assert "a.Event/v1.json (a.Event@v1): sha256 mismatch" in problem


def test_verify_reports_a_missing_file(lock_dir: Path) -> None:
    (lock_dir / "b.Event" / "v2.json").unlink()
    [problem] = verify_lock(load_lock(lock_dir))
    assert "b.Event/v2.json (b.Event@v2): file is missing" in problem


def test_verify_reports_an_unlisted_file(lock_dir: Path) -> None:
    (lock_dir / "a.Event" / "v3.json").write_text("{}\n")
    [problem] = verify_lock(load_lock(lock_dir))
    assert problem.endswith("a.Event/v3.json: unlisted file in the lock directory")


def test_verify_reports_a_schema_that_breaks_its_metaschema(tmp_path: Path) -> None:
    bad = {"a.Event": {"v1": (1, {"type": "strang"})}}
    write_lock(tmp_path / "lock", render_lock(REGISTRY, bad))
    [problem] = verify_lock(load_lock(tmp_path / "lock"))
    assert "not a valid JSON Schema" in problem and "a.Event@v1" in problem


def test_verify_refuses_an_entry_that_points_outside_its_place(lock_dir: Path) -> None:
    index = json.loads((lock_dir / "lock.json").read_text())
    index["schemas"]["a.Event"]["v1"]["file"] = "../../etc/passwd"
    (lock_dir / "lock.json").write_text(json.dumps(index))
    problems = verify_lock(load_lock(lock_dir))
    assert any("file should be a.Event/v1.json" in p for p in problems)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(None, "lockfile not found", id="missing"),
        pytest.param("{not json", "not valid JSON", id="corrupt"),
        pytest.param('{"lock-version": 99}', "lock-version 1", id="wrong-version"),
        pytest.param(
            '{"lock-version": 1, "schemas": {"a": {"v1": {}}}}', "malformed entry", id="malformed"
        ),
    ],
)
def test_load_lock_errors_name_the_file(tmp_path: Path, content: str | None, expected: str) -> None:
    tmp_path.joinpath("schemas-lock").mkdir()
    if content is not None:
        (tmp_path / "schemas-lock" / "lock.json").write_text(content)
    with pytest.raises(LockError) as info:
        load_lock(tmp_path / "schemas-lock")
    assert expected in str(info.value)
    assert str(tmp_path / "schemas-lock" / "lock.json") in str(info.value)
    assert info.value.exit_code == 4
