"""What the runtime tests share: the bundled telemetry schemas as a registry folder and a lock,
a clock the test moves by hand, and sample payloads."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FEEDBACK = "telemetry.FeedbackEvent"
RATE = "telemetry.RateAdjustment"
PAYLOADS = ROOT / "tests" / "contracts" / "fixtures" / "payloads"
VALID_EVENT: dict[str, Any] = json.loads(
    (PAYLOADS / FEEDBACK / "v2" / "valid" / "gateway-with-lag.json").read_bytes()
)


def telemetry_folder(tmp_path: Path) -> Path:
    """A private copy of examples/schemas (v1 and v2 of both schemas), safe to change."""
    return Path(shutil.copytree(ROOT / "examples" / "schemas", tmp_path / "telemetry-registry"))


def telemetry_lock(tmp_path: Path) -> Path:
    """A private copy of this repository's schemas-lock/ (the same documents)."""
    return Path(shutil.copytree(ROOT / "schemas-lock", tmp_path / "schemas-lock"))


def event(**changes: Any) -> dict[str, Any]:
    """A valid FeedbackEvent v2 payload with `changes` (None removes a key)."""
    payload = copy.deepcopy(VALID_EVENT)
    for key, value in changes.items():
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload


def schema_document(folder: Path, name: str, track: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((folder / name / f"{track}.json").read_bytes())
    return loaded


class ManualClock:
    """time.monotonic for a test: it moves only when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
