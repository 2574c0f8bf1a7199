"""Shared test helpers: the repository root and a temp copy of the bundled example."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the bundled example (config, lock, fixtures), as the working directory."""
    shutil.copy(ROOT / "registry-contract.yml", tmp_path / "registry-contract.yml")
    shutil.copytree(ROOT / "schemas-lock", tmp_path / "schemas-lock")
    shutil.copytree(ROOT / "examples" / "schemas", tmp_path / "examples" / "schemas")
    fixtures = Path("tests/contracts/fixtures/payloads")
    shutil.copytree(ROOT / fixtures, tmp_path / fixtures)
    monkeypatch.chdir(tmp_path)
    for name in ("REGISTRY_URL", "REGISTRY_TOKEN", "REGISTRY_CONTRACT_MODE", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path
