"""examples/: each service's config and fixtures pass the gate offline against the bundled lock."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
Cli = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize(
    ("example", "mode", "schemas"),
    [
        pytest.param("pipeline", "enforce", ["telemetry.FeedbackEvent"], id="pipeline"),
        pytest.param("store", "enforce", ["telemetry.FeedbackEvent"], id="store"),
        pytest.param(
            "orchestrator",
            "warn",
            ["telemetry.FeedbackEvent", "telemetry.RateAdjustment"],
            id="orchestrator",
        ),
    ],
)
def test_example_passes_offline_on_every_track(
    example: str,
    mode: str,
    schemas: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli,
) -> None:
    repo = Path(shutil.copytree(ROOT / "examples" / example, tmp_path / example))
    shutil.copytree(ROOT / "schemas-lock", repo / "schemas-lock")
    monkeypatch.chdir(repo)
    for track in ("v1", "v2"):
        code, out, err = cli("gate", "--offline", "--track", track, "--format", "json")
        assert code == 0, out + err
        report = json.loads(out)
        assert report["mode"] == mode and report["findings"] == []
        assert [s["name"] for s in report["schemas"]] == schemas
        checked = {(f["track"], f["expected"]) for f in report["fixtures"]}
        assert (track, "valid") in checked
