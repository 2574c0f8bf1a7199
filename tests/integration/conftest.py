"""Generic integration fixtures: an isolated environment, loopback fake registries, projects."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from support.bus import make_manager  # noqa: F401 (fixture)
from support.fake_registry import FakeRegistry
from support.redis_server import redis_server, redis_url  # noqa: F401 (fixtures)

DATA = Path(__file__).resolve().parents[1] / "data" / "registry"
REGISTRY_VARIABLES = (
    "REGISTRY_URL",
    "REGISTRY_TOKEN",
    "REGISTRY_USERNAME",
    "REGISTRY_PASSWORD",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
)


@pytest.fixture(autouse=True)
def _isolated_registry_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials or cache from the developer's machine; tiny retry backoff."""
    for name in REGISTRY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("REGISTRY_CONTRACT_BACKOFF", "0.01")


@pytest.fixture
def registry_folder(tmp_path: Path) -> Path:
    """A private copy of tests/data/registry/shop, safe to change."""
    return Path(shutil.copytree(DATA / "shop", tmp_path / "registry"))


@pytest.fixture
def fake_registry(registry_folder: Path) -> Iterator[Callable[..., FakeRegistry]]:
    """Start fake registries (default: the `shop` folder over the core API); stopped after."""
    started: list[FakeRegistry] = []

    def start(folder: Path | None = None, **options: Any) -> FakeRegistry:
        registry = FakeRegistry(folder or registry_folder, **options).start()
        started.append(registry)
        return registry

    yield start
    for registry in started:
        registry.stop()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write registry-contract.yml for the `shop` schemas into a fresh folder and chdir there.

    `registry` is the config's registry mapping; `schemas` and any `extra` keys are merged in.
    The project runs as on a developer's machine, even in CI: no GITHUB_* variables.
    """
    for name in [n for n in os.environ if n.startswith("GITHUB_")]:
        monkeypatch.delenv(name)

    def make(
        registry: dict[str, Any], *, schemas: dict[str, Any] | None = None, **extra: Any
    ) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        if not (root / "fixtures").exists():
            shutil.copytree(DATA / "fixtures", root / "fixtures")
        config = {
            "registry": registry,
            "tracks": ["v2", "v1"],
            "schemas": schemas
            if schemas is not None
            else {"shop.Order": {"fixtures": "fixtures/shop.Order"}, "shop.Refund": None},
            **{k.replace("_", "-"): v for k, v in extra.items()},
        }
        (root / "registry-contract.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        monkeypatch.chdir(root)
        return root

    return make


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `registry-contract ARGV...` in-process: (exit code, stdout, stderr)."""
    from registry_contract.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
