"""The pytest plugin's session: config, locked (or live) schemas, track resolution, cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    import referencing

    from ..config import Config
    from ..lock.reader import Lock
    from ..validation.validators import SchemaValidator

ALL_TRACKS = "all"


@dataclass(frozen=True)
class Resolution:
    """Which track a schema resolves to for a requested track (None: the preference order).

    `track` is None when the schema has no locked track at or after the requested one
    (`skip` says why); `problem` is set when the result must fail the test.
    """

    schema: str
    requested: str | None
    track: str | None
    fallback: bool = False
    skip: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class ContractCase:
    """One fixture payload of a schema, for one track: the value of `contract_fixture`."""

    schema: str
    track: str
    expected: str
    file: Path
    line: int | None
    id: str
    shown: str  # the file relative to the config's folder, for messages
    raw: Any = field(default=None, repr=False)
    error: str | None = None

    @property
    def payload(self) -> Any:
        """The parsed payload; an unparseable fixture file fails the test that reads it."""
        if self.error is not None:
            import pytest

            where = f"{self.shown}:{self.line}" if self.line else self.shown
            pytest.fail(f"{where}: {self.error}", pytrace=False)
        return self.raw


class ContractSession:
    """Everything the plugin needs for one pytest run, loaded once on first use."""

    def __init__(self, config: Config, lock: Lock, *, source: str, track: str | None) -> None:
        from ..gate import build_validators

        self.config = config
        self.lock = lock
        self.source = source
        self.track = track
        self.validators: dict[tuple[str, str], SchemaValidator] = build_validators(config, lock)

    @property
    def matrix(self) -> bool:
        return self.track == ALL_TRACKS

    def locked_tracks(self, name: str | None) -> list[str]:
        """The usable tracks of one schema (or of all schemas), most preferred first."""
        names = [name] if name is not None else list(self.config.schemas)
        order = [*self.config.tracks]
        order += [t for n in names for t in self.config.schemas[n].tracks if t not in order]
        return [t for t in order if any((n, t) in self.validators for n in names)]

    def resolve(self, name: str, requested: str | None) -> Resolution:
        """Follow the schema's preference order from `requested` to the first locked track."""
        schema = self.config.schemas.get(name)
        if schema is None:
            return Resolution(
                name,
                requested,
                None,
                problem=f"schema {name!r} is not in {self.config.path.name} "
                f"(configured: {', '.join(self.config.schemas)}); add it and run "
                "`registry-contract lock`",
            )
        if requested is not None and requested not in schema.tracks:
            reason = f"{name} has no track {requested} (its tracks: {', '.join(schema.tracks)})"
            return Resolution(name, requested, None, skip=reason)
        start = schema.tracks.index(requested) if requested is not None else 0
        wanted = schema.tracks[start]
        found = [t for t in schema.tracks[start:] if (name, t) in self.validators]
        if not found:
            reason = f"{name} has no {wanted} or later track in {self.source}"
            return Resolution(name, requested, None, skip=reason)
        track = found[0]
        required = schema.require_track
        # Asking for an older track is deliberate; only falling back below require-track fails.
        too_low = required is not None and schema.tracks.index(track) > schema.tracks.index(
            required
        )
        if track != wanted and too_low:
            return Resolution(
                name,
                requested,
                track,
                fallback=True,
                problem=f"{name} falls back to {track}, below require-track {required}; "
                f"publish {required} and run `registry-contract lock`",
            )
        return Resolution(name, requested, track, fallback=track != wanted)

    def schema(self, name: str, track: str) -> Any:
        return self.lock.schema(name, track)

    @cached_property
    def refs(self) -> referencing.Registry[Any]:
        from ..validation.validators import build_ref_registry

        return build_ref_registry(self.lock, self.config.default_dialect)

    def failure(self, name: str, track: str, payload: Any, expected: str) -> str | None:
        """Why the payload does not meet the expectation ("valid"/"invalid"), None if it does."""
        from ..validation.payload_diff import render_issues

        validator = self.validators[(name, track)]
        label = f"{name}@{track} (version {self.version(name, track)}, from {self.source})"
        valid = validator.is_valid(payload)
        if expected == "invalid":
            return f"the payload was accepted by {label}; it must be rejected" if valid else None
        if valid:
            return None
        title = f"the payload is not valid against {label}"
        issues = validator.check(payload)
        return render_issues(
            title,
            self.schema(name, track),
            payload,
            issues,
            self.refs,
            self.config.default_dialect,
        )

    def version(self, name: str, track: str) -> int | None:
        entry = self.lock.entry(name, track)
        return entry.version if entry is not None else None

    def cases(self, name: str, track: str) -> list[ContractCase]:
        """The fixture payloads that apply to one schema on one track, in a stable order."""
        from ..fixtures import discover_fixture_files, load_fixtures
        from ..lock.paths import display_path

        root = self.config.schemas[name].fixtures
        if root is None:
            return []
        cases = []
        for scope, expected, path in discover_fixture_files(root):
            if scope not in (None, track):
                continue
            for item in load_fixtures(name, scope, expected, path):
                rel = path.relative_to(root).as_posix()
                label = f"{rel}:{item.line}" if item.line and item.error is None else rel
                shown = display_path(self.config, path)
                cases.append(
                    ContractCase(
                        name,
                        track,
                        expected,
                        path,
                        item.line,
                        label,
                        shown,
                        item.payload,
                        item.error,
                    )
                )
        return cases

    def header(self) -> list[str]:
        """The lines of the pytest header: where the schemas come from and each resolution."""
        mode = {None: "each schema's preference order", ALL_TRACKS: "all (one run per track)"}
        selected = mode.get(self.track, self.track)
        lines = [
            f"registry-contract: {self.config.path.name}, schemas from {self.source}, "
            f"track: {selected}"
        ]
        for name in self.config.schemas:
            if self.matrix:
                found = [f"{t} (version {self.version(name, t)})" for t in self.locked_tracks(name)]
                lines.append(f"  {name}: {', '.join(found)}")
                continue
            lines.append(f"  {name}: {describe_resolution(self.resolve(name, self.track), self)}")
        return lines


def describe_resolution(resolution: Resolution, session: ContractSession) -> str:
    if resolution.track is None:
        return f"skipped: {resolution.skip or resolution.problem}"
    text = f"{resolution.track} (version {session.version(resolution.schema, resolution.track)})"
    if resolution.problem:
        return f"{text}, error: {resolution.problem}"
    if resolution.fallback:
        schema = session.config.schemas[resolution.schema]
        wanted = resolution.requested or schema.tracks[0]
        return f"{text}, fallback: no {wanted} in {session.source}"
    return text


def open_session(
    *, config_path: str | None, rootdir: Path, track: str | None, live: bool
) -> ContractSession:
    """Load the config and the verified lock (or the live registry); raises ContractError."""
    from ..config import find_config, load_config

    config = load_config(find_config(config_path, cwd=rootdir))
    if track is not None and track != ALL_TRACKS:
        known = list(dict.fromkeys([*config.tracks, *_schema_tracks(config)]))
        if track not in known:
            raise UsageError(
                f"--track {track}: not a track of {config.path.name}",
                hint=f"use one of {', '.join(known)} or {ALL_TRACKS}",
            )
    if live:
        lock, source = _live_lock(config)
    else:
        from ..gate import load_verified_lock

        lock, source = load_verified_lock(config), f"the lock {_shown(config.lock_dir)}"
    return ContractSession(config, lock, source=source, track=track)


def _schema_tracks(config: Config) -> list[str]:
    return [t for s in config.schemas.values() for t in s.tracks]


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _live_lock(config: Config) -> tuple[Lock, str]:
    """Fetch every configured track now; the result stands in for the lock."""
    from ..drift import configured_pairs, live_lock
    from ..lock.reader import public_url
    from ..registry import build_client
    from ..registry.fetch import fetch_tracks

    client = build_client(config)
    try:
        live = fetch_tracks(client, configured_pairs(config), config.registry.workers)
    finally:
        client.close()
    return live_lock(config, live), f"the live registry {public_url(config.registry.url)}"
