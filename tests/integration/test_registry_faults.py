"""Registry faults: each one is a clear exit-3 error naming the URL, and the lock is untouched."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registry_contract.lock.reader import read_lock_files
from support.fake_registry import FakeRegistry

Cli = Callable[..., tuple[int, str, str]]
ORDER_V2 = "/schemas/shop.Order/tracks/v2"


@pytest.fixture
def locked(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> tuple[FakeRegistry, Path]:
    """A project locked from a healthy core registry, whose v2 of shop.Order then changes."""
    registry = fake_registry()
    root = project({"api": "core", "url": registry.url, "read-timeout": 0.3})
    assert cli("lock")[0] == 0
    v2 = registry.folder / "shop.Order" / "v2.json"
    document = json.loads(v2.read_text())
    document["x-version"] = 2
    v2.write_text(json.dumps(document))
    registry.clear()
    return registry, root


FAULTS = [
    pytest.param("status", {"status": 500}, "HTTP 500, a server error", id="500"),
    pytest.param("status", {"status": 503}, "HTTP 503 after 3 retries", id="503"),
    pytest.param("status", {"status": 429, "retry_after": 0}, "HTTP 429 after 3 retries", id="429"),
    pytest.param("reset", {}, "request failed after 3 retries", id="reset"),
    pytest.param("truncate", {}, "the response body was cut off", id="truncated"),
    pytest.param("invalid-json", {}, "response is not valid JSON", id="invalid-json"),
    pytest.param("html", {}, "answered HTML instead of JSON", id="html"),
    pytest.param("oversize", {}, "larger than 5 MiB", id="oversize-declared"),
    pytest.param(
        "oversize", {"declare_length": False}, "larger than 5 MiB", id="oversize-streamed"
    ),
    pytest.param(
        "wrong-envelope",
        {},
        "asked for shop.Order@v2 but the registry answered 'someone.Else'@'v2'",
        id="wrong-envelope",
    ),
    pytest.param(
        "body",
        {"body": {"name": "shop.Order", "track": "v2", "version": 2, "schema": {"type": 12}}},
        "the schema of shop.Order@v2 is not a valid JSON Schema",
        id="invalid-schema",
    ),
    pytest.param(
        "body",
        {"body": {"name": "shop.Order", "track": "v2", "version": "2", "schema": {}}},
        "version of shop.Order@v2 is '2', expected a positive integer",
        id="string-version",
    ),
    pytest.param("latency", {"ms": 2000}, "timed out after 3 retries", id="read-timeout"),
]


@pytest.mark.parametrize(("kind", "params", "message"), FAULTS)
def test_lock_refresh_keeps_the_old_lock_byte_identical_on_a_registry_fault(
    locked: tuple[FakeRegistry, Path], cli: Cli, kind: str, params: dict[str, Any], message: str
) -> None:
    registry, root = locked
    before = read_lock_files(root / "schemas-lock")
    registry.fault(kind, ORDER_V2, **params)
    code, out, err = cli("lock")
    assert code == 3, (out, err)
    assert err.startswith(f"registry-contract: error: {registry.url}{ORDER_V2}: ")
    assert message in err
    assert err.count("\n") == 1
    assert read_lock_files(root / "schemas-lock") == before
    assert not list(root.glob(".schemas-lock*"))


def test_lock_check_reports_drift_and_writes_nothing(locked: tuple[FakeRegistry, Path], cli: Cli):
    _, root = locked
    before = read_lock_files(root / "schemas-lock")
    code, out, _ = cli("lock", "--check")
    assert code == 1
    assert "changed (version 1 -> 2)" in out
    assert "drift: schemas-lock/ would change (1 changed)" in out
    assert read_lock_files(root / "schemas-lock") == before


def test_retries_a_429_after_its_retry_after_then_succeeds(
    locked: tuple[FakeRegistry, Path], cli: Cli
) -> None:
    registry, _ = locked
    registry.fault("status", ORDER_V2, times=1, status=429, retry_after=1)
    code, out, err = cli("lock")
    assert code == 0, err
    assert registry.paths().count(ORDER_V2) == 2
    assert "changed (version 1 -> 2)" in out


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        pytest.param("reset", {}, id="reset"),
        pytest.param("status", {"status": 502}, id="502"),
        pytest.param("status", {"status": 504}, id="504"),
    ],
)
def test_retries_transient_failures(
    locked: tuple[FakeRegistry, Path], cli: Cli, kind: str, params: dict[str, Any]
) -> None:
    registry, _ = locked
    registry.fault(kind, ORDER_V2, times=2, **params)
    code, _, err = cli("lock")
    assert code == 0, err
    assert registry.paths().count(ORDER_V2) == 3


def test_gives_up_after_three_retries(locked: tuple[FakeRegistry, Path], cli: Cli) -> None:
    registry, _ = locked
    registry.fault("status", ORDER_V2, status=503)
    assert cli("lock")[0] == 3
    assert registry.paths().count(ORDER_V2) == 4


@pytest.mark.parametrize(
    ("status", "message"),
    [
        pytest.param(400, "unexpected HTTP 400", id="400"),
        pytest.param(500, "HTTP 500, a server error", id="500"),
    ],
)
def test_other_errors_are_not_retried(
    locked: tuple[FakeRegistry, Path], cli: Cli, status: int, message: str
) -> None:
    registry, _ = locked
    registry.fault("status", ORDER_V2, status=status)
    code, _, err = cli("lock")
    assert code == 3
    assert message in err
    assert registry.paths().count(ORDER_V2) == 1


def test_refresh_asks_for_304_and_reuses_the_locked_documents(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry()
    root = project({"api": "core", "url": registry.url})
    assert cli("lock")[0] == 0
    before = read_lock_files(root / "schemas-lock")
    registry.clear()
    code, out, _ = cli("lock")
    assert code == 0
    assert "schemas-lock/ is up to date" in out
    assert not list(root.glob(".schemas-lock*"))  # nothing was staged, or it was removed
    etagged = [r for r in registry.requests if "if-none-match" in r.headers]
    assert {r.path for r in etagged} == {
        ORDER_V2,
        "/schemas/shop.Order/tracks/v1",
        "/schemas/shop.Refund/tracks/v1",
    }
    assert read_lock_files(root / "schemas-lock") == before
    cache = json.loads((root.parent / "xdg-cache" / "registry-contract" / "etags.json").read_text())
    assert set(cache) == {f"{registry.url}{r.path}" for r in etagged}


def test_304_is_not_trusted_when_the_locked_file_was_edited(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry()
    root = project({"api": "core", "url": registry.url})
    assert cli("lock")[0] == 0
    before = read_lock_files(root / "schemas-lock")
    (root / "schemas-lock" / "shop.Order" / "v2.json").write_text('{"type": "object"}\n')
    registry.clear()
    code, _, err = cli("lock")
    assert code == 0, err
    sent = {r.path: "if-none-match" in r.headers for r in registry.requests}
    assert sent[ORDER_V2] is False
    assert read_lock_files(root / "schemas-lock") == before
