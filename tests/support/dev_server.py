"""`registry-contract serve` in a child process for tests, and a lock's content minus its origin."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from registry_contract.lock.reader import read_lock_files


class DevServer:
    """`python -m registry_contract serve ARGV...`; the banner line gives the URL."""

    def __init__(
        self, *argv: str, env: Mapping[str, str] | None = None, cwd: Path | None = None
    ) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "registry_contract", "serve", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )
        assert self.process.stdout is not None
        self.banner = self.process.stdout.readline()
        match = re.search(r" on (http://127\.0\.0\.1:\d+)$", self.banner.strip())
        assert match, (self.banner, self.process.stderr and self.process.stderr.read())
        self.url = match.group(1)

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str, str]:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        out, err = self.process.communicate(timeout=10)
        return self.process.returncode, out, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def lock_content(lock_dir: Path) -> dict[str, object]:
    """Every file's bytes, with lock.json's registry head (where it came from) set aside."""
    files: dict[str, object] = dict(read_lock_files(lock_dir))
    index = json.loads(files.pop("lock.json"))  # type: ignore[arg-type]
    files["schemas"] = index["schemas"]
    return files
