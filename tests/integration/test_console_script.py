"""The console script: same output and exit code as main(), flushed, without teardown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry_contract.cli import main

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "data" / "broken-example" / "registry-contract.yml"
SCRIPT = Path(sys.executable).parent / "registry-contract"


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["gate", "--offline", "--config", str(BROKEN), "--format", "json"], id="json"),
        pytest.param(["gate", "--offline", "--config", str(BROKEN)], id="text"),
        pytest.param(["verify", "--config", str(ROOT / "registry-contract.yml")], id="pass"),
        pytest.param(["lock", "--config", str(ROOT / "missing.yml")], id="error"),
    ],
)
@pytest.mark.parametrize("command", ["script", "module"])
def test_output_and_exit_code_match_main(
    argv: list[str], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    launcher = [str(SCRIPT)] if command == "script" else [sys.executable, "-m", "registry_contract"]
    done = subprocess.run(
        [*launcher, *argv], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    if "json" in argv:  # the same report but for its timings
        out, done.stdout = (_untimed(text) for text in (out, done.stdout))
    assert (done.returncode, done.stdout, done.stderr) == (code, out, err)
    assert len(out + err) > 0


def _untimed(report: str) -> str:
    data = json.loads(report)
    assert set(data.pop("timings")) >= {"total"}
    return json.dumps(data)


def test_a_reader_that_stops_early_gets_no_error_and_exit_code_141() -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte is written
    with os.fdopen(write, "wb") as stdout:
        done = subprocess.run(
            [str(SCRIPT), "gate", "--offline", "--config", str(BROKEN), "--format", "json"],
            cwd=ROOT,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 141  # as for a command killed by SIGPIPE
    assert done.stderr == ""


def test_a_broken_pipe_elsewhere_is_still_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from registry_contract.commands import verify

    def broken(args: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(verify, "run", broken)
    assert main(["verify"]) == 5
    assert "internal error: BrokenPipeError" in capsys.readouterr().err


@pytest.mark.parametrize("watched", [False, True])
def test_exit_skips_the_teardown_unless_a_tracer_or_profiler_watches(watched: bool) -> None:
    code = f"""
import atexit, sys
atexit.register(lambda: print("atexit ran"))
if {watched}:
    sys.setprofile(lambda *args: None)  # as cProfile does; coverage sets a trace function
sys.argv = ["registry-contract", "--version"]
from registry_contract.cli import run
run()
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("registry-contract ")
    assert ("atexit ran" in done.stdout) is watched
