"""Proxies from the environment: honoured per request, with NO_PROXY, though read only once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from support.fake_registry import FakeRegistry

Cli = Callable[..., tuple[int, str, str]]
PROXY_VARIABLES = (
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
)


@pytest.fixture(autouse=True)
def _no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
def test_every_request_goes_through_the_proxy_from_the_environment(
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    registry = fake_registry()
    proxy = fake_registry()  # answers absolute-form requests for the registry's paths
    project({"api": "core", "url": registry.url, "workers": 1})  # one session: its cache is used
    monkeypatch.setenv(variable, proxy.url)
    code, _, err = cli("lock")
    assert code == 0, err
    assert registry.requests == []
    targets = [r.target for r in proxy.requests]
    assert len(targets) == 4  # 2 schemas x 2 tracks
    assert all(t.startswith(f"{registry.url}/schemas/") for t in targets), targets


def test_no_proxy_sends_requests_direct(
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = fake_registry()
    proxy = fake_registry()
    project({"api": "core", "url": registry.url, "workers": 1})  # one session: its cache is used
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    code, _, err = cli("lock")
    assert code == 0, err
    assert proxy.requests == []
    assert sorted(r.path for r in registry.requests) == sorted(
        f"/schemas/{name}/tracks/{track}"
        for name in ("shop.Order", "shop.Refund")
        for track in ("v1", "v2")
    )
    assert all(r.target == r.path for r in registry.requests)
