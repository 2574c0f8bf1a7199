"""A real validator over a lock folder with the runtime API's verdicts (the package's own
SchemaValidator per schema and track), for the bus tests while no registry is involved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from registry_contract.lockfile import load_intact_lock
from registry_contract.runtime.model import (
    Mode,
    PayloadParseError,
    SchemaUnavailableError,
    ValidationIssue,
    ValidationOutcome,
)
from registry_contract.validation import SchemaValidator, build_locked_refs


class LockValidator:
    """validate / validate_payload / mode_for / set_mode over `lock_dir`, in `mode`."""

    def __init__(self, lock_dir: Path, mode: Mode = Mode.ENFORCE) -> None:
        self.lock = load_intact_lock(lock_dir)
        self._refs = build_locked_refs(self.lock)
        self._validators: dict[tuple[str, str], SchemaValidator] = {}
        self._mode = mode
        self.calls = 0

    def mode_for(self, name: str) -> Mode:
        return self._mode

    def set_mode(self, mode: Mode, name: str | None = None) -> None:
        self._mode = mode

    def _validator(self, name: str, track: str) -> SchemaValidator | None:
        if self.lock.entry(name, track) is None:
            return None
        key = (name, track)
        if key not in self._validators:
            document = self.lock.schema(name, track)
            self._validators[key] = SchemaValidator(
                document, label=f"{name}@{track}", formats=True, registry=self._refs
            )
        return self._validators[key]

    def validate(
        self, name: str, payload: Any, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        self.calls += 1
        tracks = [t for t in (prefer, fallback) if t is not None]
        usable = [(t, v) for t in tracks if (v := self._validator(name, t)) is not None]
        if not usable:
            raise SchemaUnavailableError(f"{name}: no locked track among {tracks}")
        first_issues: tuple[ValidationIssue, ...] = ()
        for index, (track, validator) in enumerate(usable):
            issues = validator.check(payload) if not validator.is_valid(payload) else []
            if not issues:
                return self._outcome(name, track, True, ())
            if index == 0:
                first_issues = tuple(
                    ValidationIssue(i.path, i.schema_path, i.keyword, i.message) for i in issues
                )
        return self._outcome(name, usable[0][0], False, first_issues)

    async def validate_payload(
        self, name: str, payload: Any, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        return self.validate(name, payload, prefer, fallback)

    async def validate_json_payload(
        self, name: str, data: bytes | str, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        try:
            payload = json.loads(data)
        except ValueError as e:
            raise PayloadParseError(f"the body is not JSON: {e}") from e
        return self.validate(name, payload, prefer, fallback)

    def _outcome(
        self, name: str, track: str, valid: bool, issues: tuple[ValidationIssue, ...]
    ) -> ValidationOutcome:
        entry = self.lock.entry(name, track)
        assert entry is not None
        return ValidationOutcome(
            is_valid=valid,
            errors=[i.message for i in issues],
            issues=issues,
            name=name,
            track=track,
            version=entry.version,
            digest=entry.sha256,
            source="lock",
            mode=self._mode,
            reject=self._mode is Mode.ENFORCE and not valid,
        )
