"""The fake GitHub as a script (how end-to-end runs under act use it): seed, faults, state file."""

from __future__ import annotations

import json
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from registry_contract.github.api import GitHubClient

SCRIPT = Path(__file__).resolve().parents[1] / "support" / "fake_github.py"
TOKEN = "ghs_scriptModeToken0123456789"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "pulls": [{"repo": "acme/shop", "number": 3, "head_sha": "a" * 40}],
                "comments": [{"repo": "acme/shop", "number": 3, "body": "hello"}],
            }
        )
    )
    state = tmp_path / "state.json"
    process = subprocess.Popen(
        [
            sys.executable,
            str(SCRIPT),
            "--port",
            "0",
            "--state",
            str(state),
            "--prefix",
            "/api/v3",
            "--token",
            TOKEN,
            "--seed",
            str(seed),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout=60)  # a bound against hanging, not a timing assertion
    if not ready:
        process.kill()
        pytest.fail("the fake GitHub did not start")
    line = process.stdout.readline()
    url = line.rsplit(" ", 1)[-1].strip()
    try:
        yield url, state, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()


def test_script_serves_seeded_data_records_requests_and_writes_state(
    served: tuple[str, Path, subprocess.Popen[str]],
) -> None:
    url, state, process = served
    assert url.endswith("/api/v3")
    assert json.loads(state.read_text())["url"] == url  # written at start, before any request
    client = GitHubClient(url, TOKEN, "acme/shop", sleep=lambda _: None)
    assert client.pull_request(3)["head"]["sha"] == "a" * 40
    fault = {"kind": "rate-limit", "path": "/repos/*/issues/3/comments", "times": 1}
    assert requests.post(f"{url}/_fake/faults", json=fault, timeout=10).status_code == 201
    assert client.upsert_comment(3, "<!-- m -->", "<!-- m -->\nbody").action == "created"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    data = json.loads(state.read_text())
    calls = [(r["method"], r["path"], r["status"]) for r in data["requests"]]
    assert calls == [
        ("GET", "/repos/acme/shop/pulls/3", 200),
        ("GET", "/repos/acme/shop/issues/3/comments", 429),
        ("GET", "/repos/acme/shop/issues/3/comments", 200),
        ("POST", "/repos/acme/shop/issues/3/comments", 201),
    ]
    bodies = [c["body"] for c in data["repos"]["acme/shop"]["comments"]]
    assert bodies == ["hello", "<!-- m -->\nbody"]
    assert all("authorization" not in r["headers"] for r in data["requests"])
