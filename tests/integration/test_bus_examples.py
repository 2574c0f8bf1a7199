"""examples/store/producer.py feeds examples/pipeline/consumer.py through a real Redis, in the
rollout's phase 3 (soft) and phase 4 (enforce), with the schemas from a loopback registry."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120


@pytest.fixture
def pipeline(tmp_path: Path, fake_registry: Callable[..., Any]) -> tuple[Path, dict[str, str]]:
    """The pipeline example with the bundled lock, and an environment whose REGISTRY_URL is a
    loopback registry serving the example's schemas."""
    repo = Path(shutil.copytree(ROOT / "examples" / "pipeline", tmp_path / "pipeline"))
    shutil.copytree(ROOT / "schemas-lock", repo / "schemas-lock")
    registry = fake_registry(ROOT / "examples" / "schemas", api="core")
    env = {**os.environ, "REGISTRY_URL": registry.url}
    return repo, env


def run(argv: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        pytest.param(
            "soft", "summary: 20 entries: 4 invalid, processed, 16 valid v2", id="phase-3-soft"
        ),
        pytest.param(
            "enforce",
            "summary: 20 entries: 16 valid v2, 4 dead-lettered (schema-invalid)",
            id="phase-4-enforce",
        ),
    ],
)
def test_producer_feeds_the_consumer_in_each_phase(
    redis_url: str, pipeline: tuple[Path, dict[str, str]], mode: str, expected: str
) -> None:
    repo, env = pipeline
    stream = f"telemetry.feedback.{mode}"
    producer = str(ROOT / "examples" / "store" / "producer.py")
    sent = run([producer, "--redis", redis_url, "--stream", stream, "--count", "20",
                "--invalid", "5"], env, repo)  # fmt: skip
    assert sent == [f"sent 20 FeedbackEvent entries to {stream}"]

    consumer = str(repo / "consumer.py")
    lines = run([consumer, "--redis", redis_url, "--stream", stream, "--group", "pipeline",
                 "--mode", mode, "--max", "20"], env, repo)  # fmt: skip
    assert lines[-1] == expected
    entries = lines[:-1]
    assert len(entries) == 20
    invalid = [line for line in entries if "INVALID" in line or "dead-lettered" in line]
    assert len(invalid) == 4
    with redis.Redis.from_url(redis_url) as client:
        assert client.xlen(f"{stream}:dlq") == (4 if mode == "enforce" else 0)
        assert client.xpending(stream, "pipeline")["pending"] == 0
