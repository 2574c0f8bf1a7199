"""Session fixtures for act: the action copy, the stubs, the wheels; and consumer repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from harness import (
    REPOSITORY,
    ROOT,
    SYSTEM_PATH,
    Toolkit,
    copy_repository,
    git,
    netns_works,
    write_stubs,
)

from support.fake_registry import FakeRegistry

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


@dataclass
class Consumer:
    """A consumer repository built from examples/NAME, with a bare `origin` and a registry folder."""

    repo: Path
    origin: Path
    registry: Path
    work: Path

    def commit(self, message: str, branch: str | None = None) -> str:
        if branch:
            git(self.repo, "switch", "--quiet", "--create", branch)
        git(self.repo, "add", "--all")
        git(self.repo, "commit", "--quiet", "--message", message)
        return git(self.repo, "rev-parse", "HEAD")

    def lock(self) -> None:
        """Run `registry-contract lock` against the registry folder, as a developer would."""
        lock_from(self.registry, self.repo)

    def set_schema(self, name: str, track: str, edit: Callable[[dict[str, Any]], None]) -> None:
        """Change a schema in the registry folder (bumping its x-version)."""
        path = self.registry / name / f"{track}.json"
        document = json.loads(path.read_text("utf-8"))
        edit(document)
        document["x-version"] = int(document.get("x-version", 1)) + 1
        path.write_text(json.dumps(document, indent=2) + "\n", "utf-8")

    def pull_request_event(
        self, number: int = 7, *, labels: tuple[str, ...] = (), fork: bool = False
    ) -> dict[str, Any]:
        head_repo = "someone/r" if fork else REPOSITORY
        return {
            "action": "synchronize",
            "number": number,
            "pull_request": {
                "number": number,
                "title": "a change",
                "labels": [{"name": label} for label in labels],
                "head": {
                    "ref": git(self.repo, "branch", "--show-current"),
                    "sha": git(self.repo, "rev-parse", "HEAD"),
                    "repo": {"full_name": head_repo, "fork": fork},
                },
                "base": {
                    "ref": "main",
                    "sha": git(self.repo, "rev-parse", "main"),
                    "repo": {"full_name": REPOSITORY},
                },
            },
            "repository": {"full_name": REPOSITORY, "default_branch": "main"},
        }


def lock_from(registry: Path, repo: Path) -> None:
    with FakeRegistry(registry, api="core") as fake:
        env = {
            "PATH": SYSTEM_PATH,
            "HOME": str(repo.parent / "lock-home"),
            "REGISTRY_URL": fake.url,
        }
        done = subprocess.run(
            [str(BIN / "registry-contract"), "lock"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def consumer(tmp_path: Path) -> Callable[[str], Consumer]:
    """Build a consumer repository from examples/NAME: its lock, a `main` commit, an origin."""

    def build(example: str) -> Consumer:
        repo = tmp_path / example
        shutil.copytree(ROOT / "examples" / example, repo)
        registry = Path(shutil.copytree(ROOT / "examples" / "schemas", tmp_path / "registry"))
        lock_from(registry, repo)
        origin = tmp_path / "origin.git"
        git(tmp_path, "init", "--quiet", "--bare", "--initial-branch", "main", str(origin))
        git(repo, "init", "--quiet", "--initial-branch", "main")
        git(repo, "remote", "add", "origin", str(origin))
        made = Consumer(repo=repo, origin=origin, registry=registry, work=tmp_path / "act")
        made.commit("A consumer of the schema registry")
        git(repo, "push", "--quiet", "origin", "main")
        return made

    return build
