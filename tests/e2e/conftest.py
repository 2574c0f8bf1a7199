"""Session fixtures for act (the action copy, the stubs, the wheels) and consumer repositories."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from consumers import Consumer, build_consumer
from harness import ROOT, Toolkit, copy_repository, netns_works
from stubs import write_stubs

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def toolkit(tmp_path_factory: pytest.TempPathFactory) -> Toolkit:
    """Everything the act runs share; built once per session (the wheels take a few seconds)."""
    act = BIN / "act"
    virtualenv = BIN / "virtualenv"
    for needed in (act, virtualenv):
        if not needed.is_file():
            pytest.skip(f"{needed.name} is not installed (pip install -e '.[dev]')")
    base = tmp_path_factory.mktemp("e2e")
    python = getattr(sys, "_base_executable", sys.executable)
    return Toolkit(
        act=act,
        action_repo=copy_repository(ROOT, base / "registry-contract-action"),
        stubs=write_stubs(base / "stubs", python=python, virtualenv=str(virtualenv)),
        wheelhouse=build_wheelhouse(base / "wheels"),
        app_data=base / "virtualenv-app-data",
        netns=netns_works(),
    )


def build_wheelhouse(dest: Path) -> Path:
    """The wheels of requirements/action.txt, fetched before any namespace is entered.

    RCG_E2E_WHEELHOUSE points at a ready folder instead (e.g. on a machine without an index).
    """
    ready = os.environ.get("RCG_E2E_WHEELHOUSE")
    if ready:
        return Path(ready)
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(dest)]
    command += ["--requirement", str(ROOT / "requirements" / "action.txt")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        pytest.fail(f"cannot build the wheelhouse for the action:\n{done.stderr}")
    return dest


@pytest.fixture
def consumer(tmp_path: Path) -> Callable[[str], Consumer]:
    """Build a consumer repository from examples/NAME (see consumers.build_consumer)."""
    return lambda example: build_consumer(example, tmp_path)
