"""The redis_server fixture: a missing redis-server skips the bus tests, except under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
USES_REDIS = """
def test_uses_redis(redis_url):
    assert redis_url.startswith("redis://127.0.0.1:")
"""


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", "1 error"), ("", "1 skipped")], ids=["ci", "laptop"]
)
def test_missing_redis_server_fails_under_ci_and_skips_elsewhere(
    tmp_path: Path, ci: str, outcome: str
) -> None:
    (tmp_path / "conftest.py").write_text(
        "from support.redis_server import redis_server, redis_url  # noqa: F401\n"
    )
    (tmp_path / "test_it.py").write_text(USES_REDIS)
    # PATH with the interpreter's folder only: no redis-server on it
    env = {**os.environ, "PATH": str(Path(sys.executable).parent), "CI": ci}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)],
        env={**env, "PYTHONPATH": str(ROOT / "tests")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert outcome in done.stdout, done.stdout + done.stderr
    assert "redis-server is not installed; run `bash .ci/install`" in done.stdout
