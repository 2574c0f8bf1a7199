"""Shared pieces of the Redis bus tests: a lock whose v2 is stricter than v1, and the payloads."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from registry_contract.lockfile import load_lock, render_lock

ROOT = Path(__file__).resolve().parents[2]
FEEDBACK = "telemetry.FeedbackEvent"


def write_lock(lock_dir: Path, *, v2_requires: tuple[str, ...] = ("lag_ms",)) -> Path:
    """The bundled lock, with FeedbackEvent v2 also requiring `v2_requires`, so that a payload
    without them is valid on v1 only (the bundled v2 accepts every v1 event)."""
    bundled = load_lock(ROOT / "schemas-lock")
    documents: dict[str, dict[str, tuple[int, Any]]] = {}
    for name, tracks in bundled.entries.items():
        for track, entry in tracks.items():
            document = copy.deepcopy(bundled.schema(name, track))
            if (name, track) == (FEEDBACK, "v2"):
                document["required"] = [*document["required"], *v2_requires]
            documents.setdefault(name, {})[track] = (entry.version, document)
    lock_dir.mkdir(parents=True, exist_ok=True)
    for rel, data in render_lock(bundled.registry, documents).items():
        (lock_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (lock_dir / rel).write_bytes(data)
    return lock_dir


def feedback(number: int, **changes: Any) -> dict[str, Any]:
    """A FeedbackEvent valid on both tracks of write_lock's lock (it has `lag_ms`)."""
    event: dict[str, Any] = {
        "event_id": f"00000000-0000-4000-8000-{number:012d}",
        "source": "store",
        "coordinator_id": f"coord-{number}",
        "queue_size": 5,
        "queue_capacity": 10,
        "utilisation": 0.5,
        "backpressure": "ok",
        "timestamp": "2026-11-02T10:00:00Z",
        "lag_ms": 12,
    }
    event.update(changes)
    return {k: v for k, v in event.items() if v is not None}


def payload(number: int, **changes: Any) -> bytes:
    return json.dumps(feedback(number, **changes)).encode()


# The mixed stream: (label, payload bytes). The handler raises on coordinator "explode".
MIXED = (
    ("valid-v2", payload(1)),
    ("valid-v1-only", payload(2, lag_ms=None)),
    ("invalid", payload(3, utilisation=1.5)),
    ("unparseable", b'{"event_id": '),
    ("handler-raises", payload(5, coordinator_id="explode")),
)
