"""The benchmark scripts still run and write results of the documented shape (nothing timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = {"validate": 1, "replay": 2, "lock": 3, "startup": 5, "runtime": 6, "guard": 8}


def test_quick_benchmarks_write_json_and_markdown_results(tmp_path: Path) -> None:
    only = [arg for stem in OURS for arg in ("--only", stem)]
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", *only, "--results", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["quick"] is True and summary["errors"] == []
    assert {"nproc", "cpu", "python", "versions"} <= set(summary["machine"])
    assert [f["figure"] for f in summary["figures"]] == list(OURS.values())
    for stem, number in OURS.items():
        figure = json.loads((tmp_path / f"{stem}.json").read_text())
        assert figure["figure"] == number and figure["quick"] is True
        assert {"title", "workload", "machine", "measurements", "comparisons"} <= set(figure)
        assert len(figure["measurements"]) >= 2
        for measurement in figure["measurements"]:
            assert {"name", "runs_s", "median_s"} <= set(measurement)
            assert measurement["median_s"] > 0
        for comparison in figure["comparisons"]:
            assert {"name", "value", "target", "met"} <= set(comparison)
        markdown = (tmp_path / f"{stem}.md").read_text()
        assert markdown.startswith(f"### Figure {number}: ")
        assert "| comparison (same run) | value | target | met |" in markdown
    assert "| figure | comparison | value | target | met |" in (tmp_path / "summary.md").read_text()
