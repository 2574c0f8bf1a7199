"""Runtime and gate agree: the outcome's (is_valid, errors) is the gate's verdict on every
bundled fixture, from a parsed payload and from its bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from registry_contract.config import load_config
from registry_contract.fixtures import discover_fixture_files, load_fixtures
from registry_contract.gate import build_validators, load_verified_lock
from registry_contract.runtime import SchemaManager
from registry_contract.validation.validators import SchemaValidator

ROOT = Path(__file__).resolve().parents[2]
CONFIG = load_config(ROOT / "registry-contract.yml", environ={})
LOCK = load_verified_lock(CONFIG)
VALIDATORS = build_validators(CONFIG, LOCK)
FOLDERS = [ROOT / "tests/contracts/fixtures/payloads", *sorted(ROOT.glob("examples/*/contracts"))]
# Strings where jsonschema-rs's date-time and the gate's disagree, and their neighbours.
STAMPS = (
    "2016-12-31T23:59:60Z",
    "0000-01-01T00:00:00Z",
    "2026-11-02T09:15:60Z",
    "2026-11-02T09:15:00+05:60",
    "2026-11-02T09:15:00.123456789Z",
    "2026-11-02t09:15:00z",
    "2026-11-02T09:15:00",
)


def cases() -> Iterator[Any]:
    for folder in FOLDERS:
        for name in CONFIG.schemas:
            for track, _, path in discover_fixture_files(folder / name):
                targets = [track] if track else LOCK.tracks(name)
                for fixture in load_fixtures(name, track, "valid", path):
                    if fixture.error is not None:
                        continue
                    line = f":{fixture.line}" if fixture.line else ""
                    where = f"{path.relative_to(ROOT)}{line}"
                    for target in targets:
                        yield pytest.param(name, target, fixture.payload, id=f"{where}@{target}")
                        if isinstance(fixture.payload, dict) and "timestamp" in fixture.payload:
                            for stamp in STAMPS:
                                payload = {**fixture.payload, "timestamp": stamp}
                                yield pytest.param(
                                    name, target, payload, id=f"{where}@{target}:{stamp}"
                                )


@pytest.fixture(scope="module")
def schemas() -> Iterator[SchemaManager]:
    with SchemaManager(lock_dir=ROOT / "schemas-lock") as manager:
        yield manager


def gate_verdict(validator: SchemaValidator, payload: Any) -> tuple[bool, list[str]]:
    if validator.is_valid(payload):
        return True, []
    return False, [issue.message for issue in validator.check(payload)]


@pytest.mark.parametrize(("name", "track", "payload"), list(cases()))
def test_runtime_verdict_is_the_gates(
    schemas: SchemaManager, name: str, track: str, payload: Any
) -> None:
    expected = gate_verdict(VALIDATORS[(name, track)], payload)
    outcome = schemas.validate(name, payload, prefer=track, fallback=None)
    assert tuple(outcome) == expected
    assert [i.message for i in outcome.issues] == expected[1]
    text = json.dumps(payload).encode()
    assert tuple(schemas.validate_json(name, text, prefer=track, fallback=None)) == expected
    hot = schemas._entries[(name, track)].compiled.accepts(payload)  # type: ignore[union-attr]
    assert expected[0] or not hot  # the hot path never says "valid" where the gate does not


def test_every_bundled_fixture_folder_is_covered() -> None:
    ids = [case.id for case in cases()]
    assert len(ids) > 100
    for folder in FOLDERS:
        assert any(i.startswith(str(folder.relative_to(ROOT))) for i in ids), folder
