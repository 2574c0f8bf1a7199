from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from registry_contract.errors import LockError
from registry_contract.lock import reader as lockfile
from registry_contract.lock import writer as lockwrite
from registry_contract.lock.reader import (
    canonical_json,
    load_lock,
    public_url,
    public_urls,
    read_lock_files,
    render_lock,
    verify_lock,
)
from registry_contract.lock.writer import write_lock

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


def test_write_replaces_the_whole_tree_and_leaves_no_staging(
    tmp_path: Path, lock_dir: Path
) -> None:
    smaller = {"a.Event": {"v2": (9, SCHEMA)}}
    write_lock(lock_dir, render_lock(REGISTRY, smaller))
    assert sorted(read_lock_files(lock_dir)) == ["a.Event/v2.json", "lock.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["schemas-lock"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 and syncfs are Linux")
def test_on_linux_libc_has_syncfs_and_the_new_tree_is_swapped_in_with_renameat2(
    tmp_path: Path, lock_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    libc = lockwrite._libc()
    assert libc is not None and hasattr(libc, "syncfs") and hasattr(libc, "renameat2")
    swaps: list[bool] = []
    real_exchange = lockwrite._exchange

    def exchange(a: Path, b: Path) -> bool:
        swaps.append(real_exchange(a, b))
        return swaps[-1]

    monkeypatch.setattr(lockwrite, "_exchange", exchange)
    monkeypatch.setattr(os, "rename", None)  # the fallback is not taken
    files = render_lock(REGISTRY, documents(version=3))
    assert write_lock(lock_dir, files) is True
    assert swaps == [True]
    assert read_lock_files(lock_dir) == files


def test_interrupted_write_keeps_the_old_lock_byte_for_byte(
    tmp_path: Path, lock_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = read_lock_files(lock_dir)
    real_write = lockwrite._write_file
    calls = []

    def interrupted(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_write(path, data)

    monkeypatch.setattr(lockwrite, "_write_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_lock(lock_dir, render_lock(REGISTRY, documents(version=5)))
    assert read_lock_files(lock_dir) == old
    assert [p.name for p in tmp_path.iterdir()] == ["schemas-lock"]


KILLED_WRITER = """
import sys
from pathlib import Path
from registry_contract.lock.reader import render_lock
from registry_contract.lock.writer import write_lock
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


def test_a_staged_tree_is_completed_not_rewritten(
    tmp_path: Path, lock_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = read_lock_files(lock_dir)
    files = render_lock(REGISTRY, documents(version=4))
    written: dict[str, list[str]] = {"staged": [], "by write_lock": []}
    real_write = lockwrite._write_file

    def write(path: Path, data: bytes) -> None:
        staged_here = threading.current_thread().name.startswith("lock-writer")
        rel = path.as_posix().split(".tmp-", 1)[1].split("/", 1)[1]
        written["staged" if staged_here else "by write_lock"].append(rel)
        real_write(path, data)

    synced: dict[str, list[str]] = {"staged": [], "by write_lock": []}
    real_fsync = lockwrite._fsync_file

    def fsync(path: Path) -> None:
        staged_here = threading.current_thread().name.startswith("lock-writer")
        rel = path.as_posix().split(".tmp-", 1)[1].split("/", 1)[1]
        synced["staged" if staged_here else "by write_lock"].append(rel)
        real_fsync(path)

    monkeypatch.setattr(lockwrite, "_write_file", write)
    monkeypatch.setattr(lockwrite, "_fsync_file", fsync)
    staged = lockwrite.StagedLock(lock_dir)
    arrivals = {
        "a.Event/v1.json": files["a.Event/v1.json"],  # final bytes: kept as staged
        "b.Event/v2.json": b"stale bytes\n",  # different: written again
        "gone.Event/v1.json": b"{}\n",  # not in the final lock: removed with its folder
    }
    with ThreadPoolExecutor(3) as pool:  # documents arrive on the fetching threads
        list(pool.map(staged.put, arrivals, arrivals.values()))
    assert read_lock_files(lock_dir) == old  # nothing changes before the swap
    assert write_lock(lock_dir, files, staged=staged) is True
    assert sorted(written["staged"]) == sorted(arrivals)
    assert sorted(written["by write_lock"]) == ["a.Event/v2.json", "b.Event/v2.json", "lock.json"]
    assert synced == written  # each file is synced where it is written, once
    assert read_lock_files(lock_dir) == files
    assert [p.name for p in tmp_path.iterdir()] == ["schemas-lock"]


def test_a_staged_tree_is_removed_when_the_lock_is_unchanged_or_discarded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock_dir = tmp_path / "schemas-lock"
    files = render_lock(REGISTRY, documents())
    write_lock(lock_dir, files)
    created: list[Path] = []
    real_new = lockwrite._new_staging

    def new_staging(where: Path) -> Path:
        created.append(real_new(where))
        return created[-1]

    monkeypatch.setattr(lockwrite, "_new_staging", new_staging)
    staged = lockwrite.StagedLock(lock_dir)
    staged.put("a.Event/v1.json", files["a.Event/v1.json"])
    assert write_lock(lock_dir, files, staged=staged) is False
    # A fetch that ends after the tree was taken (an interrupted run) stages nothing.
    staged.put("a.Event/v1.json", b"{}\n")
    staged.discard()
    staged.discard()
    assert len(created) == 1 and not any(p.exists() for p in created)
    assert [p.name for p in tmp_path.iterdir()] == ["schemas-lock"]
    assert read_lock_files(lock_dir) == files


def test_documents_rendered_while_fetching_give_the_same_lock() -> None:
    from registry_contract.registry import FetchedSchema

    docs = documents()
    fetched = [
        FetchedSchema(name, track, version, document, "https://r.example")  # type: ignore[arg-type]
        for name, tracks in docs.items()
        for track, (version, document) in tracks.items()
    ]
    rendered = {lockfile.lock_file_name(f.name, f.track): f.canonical for f in fetched}
    files = render_lock(REGISTRY, docs, rendered=rendered)
    assert files == render_lock(REGISTRY, docs)
    index = json.loads(files["lock.json"])["schemas"]
    assert [index[f.name][f.track]["sha256"] for f in fetched] == [f.sha256 for f in fetched]
    assert all(f.canonical == canonical_json(f.schema) for f in fetched)


@pytest.mark.parametrize("count", [3, lockwrite.SYNCFS_ABOVE + 1])
def test_a_few_files_are_fsynced_and_many_take_one_syncfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    synced: list[Path] = []
    monkeypatch.setattr(lockwrite, "_fsync_file", synced.append)
    many = {f"s{i:02d}.Event": {"v1": (1, SCHEMA)} for i in range(count - 1)}  # + lock.json
    files = render_lock(REGISTRY, many)
    assert write_lock(tmp_path / "schemas-lock", files) is True
    has_syncfs = sys.platform.startswith("linux")
    expected = [] if count > lockwrite.SYNCFS_ABOVE and has_syncfs else sorted(files)
    staged_names = sorted(p.as_posix().split(".tmp-", 1)[1].split("/", 1)[1] for p in synced)
    assert staged_names == expected


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param("https://u:p@reg.example/api", "https://reg.example/api", id="userinfo"),
        pytest.param(
            "https://u:p@ss@reg.example:8081/", "https://reg.example:8081/", id="at-in-pw"
        ),
        pytest.param("http://u:p@[::1]:9/x", "http://[::1]:9/x", id="ipv6"),
        pytest.param("http://u:p@/x", "http:///x", id="no-host"),
        pytest.param("http://u:p@h:99999/x", "http://h:99999/x", id="bad-port"),
        pytest.param("https://h/x?token=t0k&page=2", "https://h/x?token=***&page=2", id="token"),
        pytest.param("https://h/x?api_key=k#f", "https://h/x?api_key=***#f", id="api-key"),
        pytest.param(
            "https://h/x?X-Amz-Signature=s&X-Amz-Credential=c",
            "https://h/x?X-Amz-Signature=***&X-Amz-Credential=***",
            id="presigned",
        ),
        pytest.param("https://h/x?page=2", "https://h/x?page=2", id="harmless-query"),
    ],
)
def test_public_url_drops_credentials_and_masks_secret_query_values(url: str, shown: str) -> None:
    assert public_url(url) == shown
    assert public_urls(f"Invalid URL '{url}': no host") == f"Invalid URL '{shown}': no host"
