"""Consumer repositories built from examples/NAME: their lock, git history, origin and registry."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import REPOSITORY, ROOT, SYSTEM_PATH, git

from support.fake_registry import FakeRegistry

BIN = Path(sys.executable).parent
OVERCAPACITY = "contracts/telemetry.FeedbackEvent/valid/over-capacity.json"


@dataclass
class Consumer:
    """A consumer repository with a bare `origin` and the registry folder it locks from."""

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
        """Change a schema in the registry folder and bump its x-version (a new version)."""
        path = self.registry / name / f"{track}.json"
        document = json.loads(path.read_text("utf-8"))
        edit(document)
        document["x-version"] = int(document.get("x-version", 1)) + 1
        path.write_text(json.dumps(document, indent=2) + "\n", "utf-8")

    def pull_request_event(
        self, number: int, *, labels: tuple[str, ...] = (), fork: bool = False
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


def build_consumer(example: str, folder: Path) -> Consumer:
    """examples/NAME as a repository: a lock from a copy of examples/schemas, `main`, an origin."""
    repo = Path(shutil.copytree(ROOT / "examples" / example, folder / example))
    registry = Path(shutil.copytree(ROOT / "examples" / "schemas", folder / "registry"))
    lock_from(registry, repo)
    origin = folder / "origin.git"
    git(folder, "init", "--quiet", "--bare", "--initial-branch", "main", str(origin))
    git(repo, "init", "--quiet", "--initial-branch", "main")
    git(repo, "remote", "add", "origin", str(origin))
    made = Consumer(repo=repo, origin=origin, registry=registry, work=folder / "act")
    made.commit("A consumer of the schema registry")
    git(repo, "push", "--quiet", "origin", "main")
    return made


def lock_from(registry: Path, repo: Path) -> None:
    with FakeRegistry(registry, api="core") as fake:
        env = {"PATH": SYSTEM_PATH, "HOME": str(repo.parent / "home"), "REGISTRY_URL": fake.url}
        done = subprocess.run(
            [str(BIN / "registry-contract"), "lock"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr


def cap_lag(document: dict[str, Any]) -> None:
    """Narrow v2 (BACKWARD-breaking, rule maximum-added): lag_ms gets a maximum."""
    document["properties"]["lag_ms"]["maximum"] = 60000


def add_overcapacity_fixture(consumer: Consumer) -> None:
    """A `valid/` fixture that is not: utilisation 1.5 breaks the Ratio's maximum of 1."""
    event = {
        "event_id": "6a0f8a8e-2b1c-4f7e-9a55-3c2d1e0f9b77",
        "source": "pipeline",
        "coordinator_id": "coord-eu-1",
        "queue_size": 1500,
        "queue_capacity": 1000,
        "utilisation": 1.5,
        "backpressure": "hard",
        "timestamp": "2026-11-02T09:20:00Z",
    }
    (consumer.repo / OVERCAPACITY).write_text(json.dumps(event, indent=2) + "\n", "utf-8")
