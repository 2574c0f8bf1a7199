"""Credentials: sent only where they belong, never printed; TLS verification stays on."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from support.fake_registry import FakeRegistry

Cli = Callable[..., tuple[int, str, str]]
TOKEN = "s3cr3t-registry-token-0123456789"
TLS = Path(__file__).resolve().parents[1] / "data" / "registry" / "tls"


def test_bearer_token_is_sent_but_never_printed_even_with_debug(
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = fake_registry(token=TOKEN)
    project({"api": "core", "url": registry.url})
    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN)
    outputs = [cli("lock", "--debug"), cli("lock", "--check", "--debug")]
    assert [code for code, _, _ in outputs] == [0, 0]
    assert registry.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    registry.fault("status", "/schemas/shop.Order/*", status=500, body={"echo": TOKEN})
    registry.fault("html", "*")
    outputs += [cli("lock", "--debug"), cli("drift", "--format", "json", "--debug")]
    assert [code for code, _, _ in outputs[2:]] == [3, 3]
    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN + "-wrong")
    registry.clear()
    outputs.append(cli("lock", "--debug"))
    assert outputs[-1][0] == 3
    for _, out, err in outputs:
        assert TOKEN not in out + err
    assert "Traceback" in outputs[-1][2]


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_token_names_the_variable_to_set(
    status: int,
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = fake_registry()
    registry.fault("status", "*", status=status)
    project({"api": "core", "url": registry.url})
    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN)
    code, _, err = cli("lock")
    assert code == 3
    assert f"HTTP {status}, the registry credentials were rejected" in err
    assert "set REGISTRY_TOKEN to credentials that may read the schemas" in err


def test_missing_token_says_credentials_are_required(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry(token=TOKEN)
    project({"api": "core", "url": registry.url})
    code, _, err = cli("lock")
    assert code == 3
    assert "HTTP 401, the registry credentials were required but none were set" in err
    assert "set REGISTRY_TOKEN" in err


def test_confluent_basic_auth_and_its_variables(
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = fake_registry(api="confluent", basic=("reader", TOKEN))
    project({"api": "confluent", "url": registry.url})
    monkeypatch.setenv("REGISTRY_USERNAME", "reader")
    monkeypatch.setenv("REGISTRY_PASSWORD", TOKEN)
    assert cli("lock")[0] == 0
    assert registry.requests[0].headers["authorization"].startswith("Basic ")
    monkeypatch.setenv("REGISTRY_PASSWORD", TOKEN + "-wrong")
    code, out, err = cli("lock", "--debug")
    assert code == 3
    assert "set REGISTRY_USERNAME/REGISTRY_PASSWORD" in err
    assert TOKEN not in out + err


def test_github_actions_masks_the_token_before_anything_else(
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = fake_registry(token=TOKEN)
    project({"api": "core", "url": registry.url})
    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = cli("lock")
    assert code == 0
    first, rest = out.split("\n", 1)
    assert first == f"::add-mask::{TOKEN}"
    assert TOKEN not in rest + err


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("other-port", id="same-host-other-port"),
        pytest.param("localhost", id="127.0.0.1-to-localhost"),
    ],
)
def test_redirect_to_another_origin_drops_the_credentials(
    target: str,
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = fake_registry()
    to = other.url if target == "other-port" else other.url.replace("127.0.0.1", "localhost")
    registry = fake_registry(token=TOKEN)
    registry.fault("redirect", "/schemas/shop.Order/*", to=to)
    project({"api": "core", "url": registry.url})
    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN)
    code, _, err = cli("lock")
    assert code == 0, err
    assert other.requests, "the redirect was not followed"
    assert all("authorization" not in r.headers for r in other.requests)
    refund = [r for r in registry.requests if r.path.startswith("/schemas/shop.Refund/")]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in refund)


def test_redirect_within_the_same_origin_keeps_the_credentials(
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = fake_registry(token=TOKEN)
    registry.fault("redirect", "/schemas/shop.Order/tracks/v2", times=1, to=registry.url)
    project({"api": "core", "url": registry.url})
    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN)
    assert cli("lock")[0] == 0
    order = [r for r in registry.requests if r.path == "/schemas/shop.Order/tracks/v2"]
    assert len(order) == 2
    assert all(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in order)


def test_tls_is_verified_and_requests_ca_bundle_is_honoured(
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = fake_registry(tls=(TLS / "cert.pem", TLS / "key.pem"))
    assert registry.url.startswith("https://127.0.0.1:")
    root = project({"api": "core", "url": registry.url})
    code, _, err = cli("lock")
    assert code == 3
    assert "TLS verification failed" in err
    assert "REQUESTS_CA_BUNDLE" in err
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(TLS / "cert.pem"))
    code, _, err = cli("lock")
    assert code == 0, err
    assert json.loads((root / "schemas-lock" / "lock.json").read_text())["schemas"]
