"""Compare schemas-lock/ with the live registry: per schema and track, what changed and how."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import RegistryError
from .lock.reader import (
    LOCK_FILE,
    Lock,
    LockEntry,
    public_url,
    render_lock,
)
from .model import DRIFT, REGISTRY, CompatCheck, Finding, GateResult

if TYPE_CHECKING:
    from collections.abc import Callable

    from .config import Config
    from .registry import FetchedSchema

Live = dict[tuple[str, str], "FetchedSchema | None"]

UNCHANGED = "unchanged"
CHANGED = "changed"
ADDED = "added"
REMOVED = "removed"
DRIFT_VERSION = 1


@dataclass
class DriftEntry:
    """One schema track: its lock entry against what the registry serves now."""

    schema: str
    track: str
    status: str
    old_version: int | None
    new_version: int | None
    old_sha256: str | None
    new_sha256: str | None
    compat: dict[str, Any] | None = None  # CompatResult.to_dict() for changed entries

    @property
    def compatible(self) -> bool | None:
        return None if self.compat is None else bool(self.compat["compatible"])

    def describe(self) -> str:
        if self.status == CHANGED:
            same = " (content differs)" if self.old_version == self.new_version else ""
            return f"changed (version {self.old_version} -> {self.new_version}{same})"
        if self.status == ADDED:
            return f"added (version {self.new_version})"
        if self.status == REMOVED:
            return f"removed (was version {self.old_version})"
        return f"unchanged (version {self.old_version})"

    def verdict(self) -> str:
        """The compatibility verdict of a changed entry, '' when not checked."""
        if self.compat is None:
            return ""
        level = self.compat["level"]
        if self.compat["compatible"]:
            return f"{level} compatible"
        return f"{level} breaking ({len(self.breaking_changes())} breaking change(s))"

    def breaking_changes(self) -> list[dict[str, Any]]:
        return [c for c in (self.compat or {}).get("changes", []) if c.get("breaking")]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "track": self.track,
            "status": self.status,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "old_sha256": self.old_sha256,
            "new_sha256": self.new_sha256,
            "compat": self.compat,
        }


@dataclass
class DriftReport:
    registry: str | None
    entries: list[DriftEntry] = field(default_factory=list)
    fetch: dict[str, Any] = field(default_factory=dict)

    @property
    def drifted(self) -> bool:
        return any(e.status != UNCHANGED for e in self.entries)

    def schema_status(self, name: str) -> str:
        mine = [e for e in self.entries if e.schema == name]
        return CHANGED if any(e.status != UNCHANGED for e in mine) else UNCHANGED

    def to_dict(self) -> dict[str, Any]:
        return {
            "drift-version": DRIFT_VERSION,
            "registry": self.registry,
            "drift": self.drifted,
            "entries": [e.to_dict() for e in self.entries],
            "fetch": self.fetch,
        }


def diff_lock(
    lock: Lock | None, live: Mapping[tuple[str, str], FetchedSchema | None]
) -> list[DriftEntry]:
    """One entry per asked pair that exists in the lock or the registry (or both)."""
    entries = []
    for (name, track), fetched in live.items():
        old: LockEntry | None = lock.entry(name, track) if lock is not None else None
        new_sha = fetched.sha256 if fetched is not None else None
        if old is None and fetched is None:
            continue
        if old is None:
            status = ADDED
        elif fetched is None:
            status = REMOVED
        elif old.sha256 == new_sha and old.version == fetched.version:
            status = UNCHANGED
        else:
            status = CHANGED
        entries.append(
            DriftEntry(
                schema=name,
                track=track,
                status=status,
                old_version=old.version if old else None,
                new_version=fetched.version if fetched else None,
                old_sha256=old.sha256 if old else None,
                new_sha256=new_sha,
            )
        )
    return entries


def check_drift_compat(
    config: Config,
    lock: Lock,
    entries: Sequence[DriftEntry],
    live: Mapping[tuple[str, str], FetchedSchema | None],
) -> None:
    """Run the compatibility check, locked -> live, on every changed entry."""
    changed = [e for e in entries if e.status == CHANGED]
    if not changed:
        return
    from .compat import check_compatibility

    for entry in changed:
        fetched = live[(entry.schema, entry.track)]
        assert fetched is not None
        result = check_compatibility(
            lock.schema(entry.schema, entry.track),
            fetched.schema,
            config.schemas[entry.schema].compatibility,
            open_content_model=config.open_content_model,
            undecidable=config.undecidable,
            default_dialect=config.default_dialect,
            formats=config.formats,
            budget=config.compat_budget,
        )
        entry.compat = result.to_dict()


def live_lock(config: Config, live: Mapping[tuple[str, str], FetchedSchema | None]) -> Lock:
    """An in-memory lock of the live documents, for a gate run before any lock exists."""
    documents: dict[str, dict[str, tuple[int, Any]]] = {}
    for (name, track), fetched in live.items():
        if fetched is not None:
            documents.setdefault(name, {})[track] = (fetched.version, fetched.schema)
    index = json.loads(render_lock({}, documents)["lock.json"])
    entries = {
        name: {
            track: LockEntry(name, track, item["version"], item["sha256"], item["file"])
            for track, item in tracks.items()
        }
        for name, tracks in index["schemas"].items()
    }
    return Lock(
        dir=config.lock_dir,
        registry={"api": config.registry.api, "url": public_url(config.registry.url)},
        entries=entries,
        _documents={
            (name, track): document
            for name, tracks in documents.items()
            for track, (_version, document) in tracks.items()
        },
    )


def configured_pairs(config: Config) -> list[tuple[str, str]]:
    return [(name, track) for name, schema in config.schemas.items() for track in schema.tracks]


def compare_with_registry(config: Config, lock: Lock | None) -> tuple[DriftReport, Live]:
    """Fetch every configured track and diff it with the lock (compat checks when locked)."""
    from .registry import build_client
    from .registry.fetch import fetch_tracks, require_some_track

    client = build_client(config, lock=lock)
    try:
        live = fetch_tracks(client, configured_pairs(config), config.registry.workers)
        for name, schema in config.schemas.items():
            found = [t for t in schema.tracks if live[(name, t)] is not None]
            if lock is None or not lock.tracks(name):
                require_some_track(client, name, schema.tracks, found)
        stats = client.stats.to_dict()
    finally:
        client.close()
    report = DriftReport(public_url(config.registry.url), diff_lock(lock, live), stats)
    if lock is not None:
        check_drift_compat(config, lock, report.entries, live)
    return report, live


def check_live_registry(
    config: Config,
    result: GateResult,
    load_verified: Callable[[Config], Lock],
    *,
    require_registry: bool,
) -> tuple[Lock, dict[str, str]]:
    """For the gate: the lock (or live schemas when none exists yet) and each schema's drift.

    Drift and an unreachable registry are warnings; the gate still validates against the lock.
    """
    lock = load_verified(config) if (config.lock_dir / LOCK_FILE).is_file() else None
    try:
        report, live = compare_with_registry(config, lock)
    except RegistryError as e:
        if require_registry or lock is None:
            raise
        result.findings.append(
            Finding(
                kind=REGISTRY,
                severity="warning",
                schema="*",
                rule="registry-unreachable",
                message=f"{e}; validated against {config.lock_dir.name}/ only "
                "(pass --require-registry to fail instead)",
            )
        )
        return lock, dict.fromkeys(config.schemas, "unknown")
    result.fetch = report.fetch
    if lock is None:
        result.findings.append(
            Finding(
                kind=DRIFT,
                severity="warning",
                schema="*",
                rule="lock-missing",
                message=f"no {config.lock_dir.name}/ yet: validated against the live registry; "
                f"run `registry-contract lock` and commit {config.lock_dir.name}/",
            )
        )
        return live_lock(config, live), dict.fromkeys(config.schemas, CHANGED)
    for entry in report.entries:
        if entry.status == UNCHANGED:
            continue
        verdict = entry.verdict()
        result.findings.append(
            Finding(
                kind=DRIFT,
                severity="warning",
                schema=entry.schema,
                track=entry.track,
                rule="lock-drift",
                message=f"the registry has {entry.schema}@{entry.track} {entry.describe()} "
                f"against {config.lock_dir.name}/"
                + (f", {verdict}" if verdict else "")
                + "; run `registry-contract lock` to update it",
            )
        )
        if entry.compat is not None:
            result.compat_checks.append(
                CompatCheck(
                    schema=entry.schema,
                    context="drift",
                    old=f"lock {entry.track} version {entry.old_version}",
                    new=f"registry {entry.track} version {entry.new_version}",
                    level=entry.compat["level"],
                    compatible=bool(entry.compat["compatible"]),
                    breaking=len(entry.breaking_changes()),
                )
            )
    return lock, {name: report.schema_status(name) for name in config.schemas}
