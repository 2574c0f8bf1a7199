"""`registry-contract dlq replay|stats` against a real redis-server and a loopback registry."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml

from registry_contract.runtime import Mode, SchemaManager
from support.bus import (
    FEEDBACK,
    ROOT,
    STREAM,
    MakeManager,
    Recorder,
    dead_letters,
    payload,
    pending,
    produce,
    run_guard,
    write_lock,
)

Cli = Callable[..., tuple[int, str, str]]


def dead_letter_mixed(url: str, manager: SchemaManager) -> list[str]:
    """Two entries that strict v2 (it requires lag_ms) refuses, one invalid on every track, one
    unparseable: all dead-lettered by a guard in enforce mode, v2 strict (phase 4)."""
    ids = produce(
        url,
        [
            payload(1, lag_ms=None),
            payload(2, lag_ms=None),
            payload(3, utilisation=1.5),
            b"not json",
        ],
    )
    run_guard(url, manager, Recorder(), lambda: pending(url) == 0, fallback=None)
    assert len(dead_letters(url)) == 4
    return ids


def write_registry(folder: Path, *, v2_requires: tuple[str, ...]) -> Path:
    """The example's schemas as a registry folder, FeedbackEvent v2 requiring `v2_requires`."""
    shutil.copytree(ROOT / "examples" / "schemas", folder, dirs_exist_ok=True)
    v2 = folder / FEEDBACK / "v2.json"
    document = json.loads(v2.read_text())
    document["required"] = [r for r in document["required"] if r != "lag_ms"] + list(v2_requires)
    document["x-version"] = document["x-version"] + (0 if v2_requires else 1)
    v2.write_text(json.dumps(document, indent=2))
    return folder


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """A service's folder: its config for registry URL `url` and its lock (strict v2)."""

    def make(url: str) -> Path:
        root = tmp_path / "service"
        write_lock(root / "schemas-lock")
        config = {
            "registry": {"api": "core", "url": url, "allow-insecure-http": True},
            "lock-dir": "schemas-lock",
            "tracks": ["v2", "v1"],
            "schemas": {FEEDBACK: None, "telemetry.RateAdjustment": None},
        }
        (root / "registry-contract.yml").write_text(yaml.safe_dump(config))
        monkeypatch.chdir(root)
        return root

    return make


def test_replay_after_a_schema_fix_moves_the_entries_back(
    redis_url: str,
    tmp_path: Path,
    service: Callable[[str], Path],
    fake_registry: Callable[..., Any],
    cli: Cli,
    make_manager: MakeManager,
) -> None:
    folder = write_registry(tmp_path / "registry", v2_requires=("lag_ms",))
    registry = fake_registry(folder, api="core")
    root = service(registry.url)
    ids = dead_letter_mixed(redis_url, make_manager(root / "schemas-lock", Mode.ENFORCE))
    base = ("dlq", "replay", "--redis", redis_url, "--stream", STREAM)

    # before the fix nothing passes: nothing moves
    code, out, err = cli(*base, "--format", "json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert (report["examined"], report["moved"]) == (4, 0)

    write_registry(folder, v2_requires=())  # the fix: v2 no longer requires lag_ms
    code, out, err = cli(*base, "--dry-run")
    assert (code, err) == (1, "")
    assert out.startswith(f"{STREAM}:dlq: 4 examined, 2 would move back to {STREAM}, 2 still")
    assert len(dead_letters(redis_url)) == 4

    with redis.Redis.from_url(redis_url) as client:
        dead_ids = [i.decode() for i, _ in client.xrange(f"{STREAM}:dlq")]
    code, out, err = cli(*base, "--format", "json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert (report["examined"], report["moved"], report["dry_run"]) == (4, 2, False)
    assert {(f["reason"], f["entries"]) for f in report["still_failing"]} == {
        ("schema-invalid (maximum)", 1),
        ("unparseable", 1),
    }
    with redis.Redis.from_url(redis_url) as client:
        replayed = client.xrange(STREAM, min=f"({ids[-1]}", max="+")
    assert [(f[b"replayed_from"].decode(), f[b"payload"], f[b"service"]) for _, f in replayed] == [
        (dead_ids[0], payload(1, lag_ms=None), b"store"),
        (dead_ids[1], payload(2, lag_ms=None), b"store"),
    ]
    assert [d["reason"] for d in dead_letters(redis_url)] == [b"schema-invalid", b"unparseable"]


def test_stats_counts_dead_letters_by_schema_and_reason(
    redis_url: str, tmp_path: Path, cli: Cli, make_manager: MakeManager
) -> None:
    dead_letter_mixed(redis_url, make_manager(write_lock(tmp_path / "lock"), Mode.ENFORCE))

    code, out, err = cli("dlq", "stats", "--redis", redis_url, "--stream", STREAM)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith(f"{STREAM}:dlq: 4 entries, 4 counted, failed from 20")
    assert lines[1].split() == ["3", FEEDBACK, "schema-invalid"]
    assert lines[2].split() == ["1", FEEDBACK, "unparseable"]

    code, out, _ = cli(
        "dlq", "stats", "--redis", redis_url, "--stream", STREAM, "--format", "json", "--max", "2"
    )
    data = json.loads(out)
    assert (code, data["length"], data["scanned"]) == (0, 4, 2)
    assert data["counts"] == [{"schema": FEEDBACK, "reason": "schema-invalid", "entries": 2}]


def test_unreachable_redis_exits_3_naming_the_url_without_its_password(
    cli: Cli, example: Path
) -> None:
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"redis://:hunter2-secret@127.0.0.1:{port}/0"
    for action in ("stats", "replay"):
        code, out, err = cli("dlq", action, "--redis", url, "--stream", STREAM)
        assert (code, out) == (3, "")
        assert err.count("\n") == 1 and "hunter2" not in err
        assert f"Redis at redis://127.0.0.1:{port}/0: ConnectionError" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["stats", "--max", "0"], "--max 0: must be 1 or more", id="max"),
        pytest.param(["stats", "--dry-run"], "--dry-run applies to `dlq replay` only", id="dry"),
        pytest.param(["stats", "--redis", "http://x"], "not a Redis URL", id="scheme"),
    ],
)
def test_dlq_usage_errors_exit_2(
    argv: list[str], message: str, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    code, out, err = cli("dlq", *argv, "--stream", STREAM)
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1


def test_dlq_without_a_redis_url_exits_2(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    code, _, err = cli("dlq", "stats", "--stream", STREAM)
    assert code == 2 and "no Redis URL" in err
