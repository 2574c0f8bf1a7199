"""The README's five-minute walk-through runs as written."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from registry_contract.doctor.checks import GATE_WORKFLOW

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- walkthrough -->"
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.DOTALL | re.MULTILINE)


def walkthrough_script() -> str:
    """The first bash block after the README's walk-through marker."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert MARKER in readme, f"README.md lost its {MARKER} marker"
    found = BLOCK.search(readme, readme.index(MARKER))
    assert found, "README.md has no ```bash block after the walk-through marker"
    return found.group(1)


def test_the_walkthrough_runs_as_written(tmp_path: Path) -> None:
    script = tmp_path / "walkthrough.sh"
    script.write_text(walkthrough_script(), encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REGISTRY_", "GITHUB_", "PYTEST_")) and k != "CI"
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        REGISTRY_CONTRACT_EXAMPLE=str(ROOT),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        TMPDIR=str(tmp_path),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="walkthrough",
        GIT_AUTHOR_EMAIL="walkthrough@example.invalid",
        GIT_COMMITTER_NAME="walkthrough",
        GIT_COMMITTER_EMAIL="walkthrough@example.invalid",
    )
    # Its own process group, so that a failed run cannot leave the background server behind.
    process = subprocess.Popen(
        ["bash", "-e", "-u", "-o", "pipefail", str(script)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the group is already gone
            os.killpg(process.pid, signal.SIGTERM)
        process.wait()
    assert process.returncode == 0, output
    repo = tmp_path / "my-service"
    assert (repo / "schemas-lock" / "lock.json").is_file()
    lines = output.splitlines()
    assert "wrote schemas-lock/ (4 added)" in lines
    assert any(line.startswith("registry-contract: PASS") for line in lines), output
    assert "registry-contract doctor: everything the gate needs is in place" in output
    assert any(line.startswith("registry-contract: FAIL") for line in lines), output
    assert "over-capacity.json" in output and "/utilisation" in output
    assert "the gate failed with exit code 1, as it should" in lines
    assert f"uses: {GATE_WORKFLOW}" in output
    assert "Add the contract gate" in output
