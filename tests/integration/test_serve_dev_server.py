"""`registry-contract serve`: a lock folder over the core API, round-tripped through `lock`."""

from __future__ import annotations

import json
import re
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from registry_contract.lock.reader import read_lock_files
from support.dev_server import DevServer, lock_content

Cli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "serve-token-0123456789abcdef"


@pytest.fixture
def serve() -> Iterator[Callable[..., DevServer]]:
    servers: list[DevServer] = []

    def start(*argv: str) -> DevServer:
        servers.append(DevServer(*argv))
        return servers[-1]

    yield start
    for server in servers:
        server.kill()


def test_lock_from_a_served_lock_reproduces_it_byte_for_byte(
    serve: Callable[..., DevServer], project: Callable[..., Path], cli: Cli
) -> None:
    original = ROOT / "schemas-lock"
    server = serve("--lock-dir", str(original))
    assert server.banner == f"serving {original} on {server.url}\n"
    root = project({"api": "core", "url": server.url}, schemas=dict.fromkeys(_names(original)))
    code, _, err = cli("lock")
    assert code == 0, err
    assert lock_content(root / "schemas-lock") == lock_content(original)
    head = json.loads((root / "schemas-lock" / "lock.json").read_text())["registry"]
    assert head == {"api": "core", "url": server.url}
    assert cli("lock", "--check")[0] == 0
    code, out, err = server.stop()
    assert (code, out) == (0, "stopped\n")
    request_line = re.compile(r"^127\.0\.0\.1 GET /schemas/\S+ (200|304) \d+B \d+\.\dms$")
    assert err and all(request_line.match(line) for line in err.splitlines()), err


def test_lock_serve_lock_is_a_fixpoint_byte_for_byte(
    serve: Callable[..., DevServer], project: Callable[..., Path], cli: Cli
) -> None:
    """A lock taken from a served lock, served again on the same address, locks to itself."""
    first = serve("--lock-dir", str(ROOT / "schemas-lock"))
    root = project(
        {"api": "core", "url": first.url}, schemas=dict.fromkeys(_names(ROOT / "schemas-lock"))
    )
    assert cli("lock")[0] == 0
    port = first.url.rsplit(":", 1)[1]
    assert first.stop()[0] == 0
    locked = read_lock_files(root / "schemas-lock")
    copy = root.parent / "served-lock"
    for rel, data in locked.items():
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        (copy / rel).write_bytes(data)
    second = serve("--lock-dir", str(copy), "--port", port)
    assert second.url == first.url
    (root / "schemas-lock" / "lock.json").unlink()  # force a full rewrite, not a no-op
    assert cli("lock")[0] == 0
    assert read_lock_files(root / "schemas-lock") == locked


def test_serve_requires_its_token(
    serve: Callable[..., DevServer],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = ROOT / "schemas-lock"
    server = serve("--lock-dir", str(original), "--token", TOKEN)
    project({"api": "core", "url": server.url}, schemas=dict.fromkeys(_names(original)))
    code, _, err = cli("lock")
    assert code == 3
    assert "HTTP 401" in err
    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN)
    assert cli("lock")[0] == 0
    code, out, err = server.stop(signal.SIGINT)
    assert code == 0
    assert TOKEN not in out + err


def test_serve_answers_304_versions_and_the_listing(serve: Callable[..., DevServer]) -> None:
    original = ROOT / "schemas-lock"
    index = json.loads((original / "lock.json").read_text())["schemas"]
    name = next(iter(index))
    entry = index[name]["v1"]
    server = serve("--lock-dir", str(original))
    with requests.Session() as session:
        listing = session.get(f"{server.url}/schemas", timeout=5).json()
        assert listing["schemas"][0] == {"name": name, "tracks": sorted(index[name])}
        url = f"{server.url}/schemas/{name}/tracks/v1"
        first = session.get(url, timeout=5)
        assert first.json()["version"] == entry["version"]
        assert first.headers["ETag"] == f'"{entry["sha256"]}"'
        again = session.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=5)
        assert (again.status_code, again.content) == (304, b"")
        versions = session.get(f"{url}/versions", timeout=5).json()
        assert versions == {"versions": [entry["version"]]}
        pinned = session.get(f"{url}/versions/{entry['version']}", timeout=5)
        assert pinned.content == first.content
        assert session.get(f"{server.url}/schemas/{name}/tracks/v9", timeout=5).status_code == 404
    assert server.stop()[0] == 0


def test_serve_refuses_a_tampered_lock(tmp_path: Path, cli: Cli) -> None:
    lock_dir = tmp_path / "schemas-lock"
    original = ROOT / "schemas-lock"
    lock_dir.mkdir()
    for rel, data in read_lock_files(original).items():
        (lock_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (lock_dir / rel).write_bytes(data)
    victim = next(p for p in lock_dir.rglob("v1.json"))
    victim.write_text("{}\n")
    code, out, err = cli("serve", "--lock-dir", str(lock_dir))
    assert code == 4
    assert "1 problem(s) found" in err and "sha256 mismatch" in err
    assert out == ""


def _names(lock_dir: Path) -> list[str]:
    return list(json.loads((lock_dir / "lock.json").read_text())["schemas"])
