"""Orchestrate one gate run over the lock and the fixtures, returning a GateResult."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .fixtures import Fixture, load_fixtures, refused_outside, scan_fixtures
from .lock.paths import display_path, printable_name
from .lock.reader import load_intact_lock, public_url
from .model import (
    DEPRECATED_TRACK,
    FALLBACK,
    INVALID_FIXTURE,
    REGISTRY,
    Finding,
    FixtureResult,
    GateResult,
    SchemaReport,
)
from .validation.validators import SchemaValidator, build_locked_refs, check_remote_refs

if TYPE_CHECKING:
    from .config import Config, SchemaConfig
    from .drift import DriftReport, Live
    from .errors import RegistryError
    from .lock.reader import Lock


@dataclass(frozen=True)
class GateOptions:
    mode: str | None = None
    track: str | None = None
    compat: bool = True
    against: str | None = None
    command: str = "registry-contract gate --offline"
    live: bool = False  # also read the registry: drift warnings, or live schemas without a lock
    require_registry: bool = False


def run_gate(config: Config, options: GateOptions) -> GateResult:
    """Verify the lock, resolve each schema's track and validate every fixture."""
    started = time.perf_counter()
    mode: Literal["enforce", "warn"] = (
        "warn" if (options.mode or config.mode) == "warn" else "enforce"
    )
    result = GateResult(mode=mode, command=options.command)
    lock, drift = load_gate_lock(config, options, result)
    validators = build_validators(config, lock)
    for schema in config.schemas.values():
        report = resolve_schema(config, schema, lock, result)
        report.drift = drift.get(schema.name)
        result.schemas.append(report)
        check_fixtures(config, schema, lock, validators, report, result, options.track)
    result.timings["validate"] = time.perf_counter() - started
    if options.compat:
        from .compat_gate import check_against, check_tracks

        compat_started = time.perf_counter()
        check_tracks(config, lock, validators, result)
        if options.against:
            check_against(config, lock, options.against, result)
        result.timings["compat"] = time.perf_counter() - compat_started
    result.timings["total"] = time.perf_counter() - started
    return result


def load_gate_lock(
    config: Config, options: GateOptions, result: GateResult
) -> tuple[Lock, dict[str, str]]:
    """The verified lock and, when live with a registry URL, each schema's drift (see drift.py)."""
    if not options.live or not config.registry.url:
        return load_verified_lock(config), {}
    from .drift import check_live_registry

    try:
        return check_live_registry(
            config, result, load_verified_lock, require_registry=options.require_registry
        )
    except RecursionError as e:  # a registry's schema nested too deeply to read or compare
        return _degrade_to_lock(config, options, result, e)


def compare_live(config: Config, lock: Lock | None) -> tuple[DriftReport, Live]:
    """compare_with_registry(), with a registry schema too deep to read or compare (which
    Python only notices by running out of stack) as the registry error it is (exit 3)."""
    from .drift import compare_with_registry

    try:
        return compare_with_registry(config, lock)
    except RecursionError as e:
        raise _too_deep(config) from e


def _too_deep(config: Config) -> RegistryError:
    from .errors import RegistryError

    return RegistryError(
        f"{public_url(config.registry.url)}: a schema is nested too deeply to read or compare",
        hint="fix the schema in the registry",
    )


def _degrade_to_lock(
    config: Config, options: GateOptions, result: GateResult, error: RecursionError
) -> tuple[Lock, dict[str, str]]:
    """The lock alone, and a warning, when the registry served what could not be compared."""
    from .lock.reader import LOCK_FILE

    refusal = _too_deep(config)
    if options.require_registry or not (config.lock_dir / LOCK_FILE).is_file():
        raise refusal from error
    result.findings.append(
        Finding(
            kind=REGISTRY,
            severity="warning",
            schema="*",
            rule="registry-unreadable",
            message=f"{refusal.message}; validated against {config.lock_dir.name}/ only",
        )
    )
    return load_verified_lock(config), dict.fromkeys(config.schemas, "unknown")


def load_verified_lock(config: Config) -> Lock:
    """Load the lock and refuse to run on a tampered or incomplete one (exit 4)."""

    def missing(lock: Lock) -> list[str]:
        return [
            f"{config.lock_dir}: schema {name} has none of its tracks "
            f"({', '.join(schema.tracks)}) in the lock"
            for name, schema in config.schemas.items()
            if not any(t in lock.tracks(name) for t in schema.tracks)
        ]

    return load_intact_lock(config.lock_dir, check=missing, default_dialect=config.default_dialect)


def build_validators(config: Config, lock: Lock) -> dict[tuple[str, str], SchemaValidator]:
    """One validator per locked (schema, track), built once and reused for every payload."""
    registry = build_locked_refs(lock)
    known = {str(uri) for uri in registry}
    validators = {}
    for name, schema in config.schemas.items():
        for track in schema.tracks:
            if lock.entry(name, track) is None:
                continue
            document = lock.schema(name, track)
            label = f"{lock.dir / name / track}.json ({name}@{track})"
            check_remote_refs(document, known, label, config.default_dialect)
            validators[(name, track)] = SchemaValidator(
                document,
                label=label,
                formats=config.formats,
                registry=registry,
                default_dialect=config.default_dialect,
            )
    return validators


def resolve_schema(
    config: Config, schema: SchemaConfig, lock: Lock, result: GateResult
) -> SchemaReport:
    """Pick the most preferred locked track and report fallbacks and deprecated tracks."""
    locked = [t for t in schema.tracks if lock.entry(schema.name, t) is not None]
    track = locked[0]
    entry = lock.entry(schema.name, track)
    assert entry is not None
    fallback = track != schema.tracks[0]
    if fallback:
        too_low = schema.require_track is not None and schema.tracks.index(
            track
        ) > schema.tracks.index(schema.require_track)
        wanted = schema.require_track if too_low else schema.tracks[0]
        result.findings.append(
            Finding(
                kind=FALLBACK,
                severity="error" if too_low else "warning",
                schema=schema.name,
                track=track,
                rule="require-track" if too_low else "track-fallback",
                message=f"{schema.name} has no {wanted} in the lock; fell back to {track}"
                + (f", below require-track {schema.require_track}" if too_low else ""),
            )
        )
    if track in config.deprecated_tracks:
        result.findings.append(
            Finding(
                kind=DEPRECATED_TRACK,
                severity="warning",
                schema=schema.name,
                track=track,
                rule="deprecated-track",
                message=f"{schema.name} resolves to deprecated track {track}; move to "
                + next(
                    (t for t in schema.tracks if t not in config.deprecated_tracks), "a newer track"
                ),
            )
        )
    return SchemaReport(
        name=schema.name,
        track=track,
        fallback=fallback,
        version=entry.version,
        sha256=entry.sha256,
        tracks=locked,
    )


def check_fixtures(
    config: Config,
    schema: SchemaConfig,
    lock: Lock,
    validators: dict[tuple[str, str], SchemaValidator],
    report: SchemaReport,
    result: GateResult,
    only_track: str | None,
) -> None:
    """Validate every fixture file of one schema and record results and findings."""
    if schema.fixtures is None:
        return
    scan = scan_fixtures(schema.fixtures)
    for track, expected, path in scan.outside:
        if only_track in (None, track):  # named as the link, not as where it leads
            fixture = refused_outside(schema.name, track, expected, path)
            shown = f"{display_path(config, path.parent)}/{printable_name(path.name)}"
            result.findings.append(replace(_unparseable(config, fixture), file=shown))
    for track, expected, path in scan.files:
        if track is not None and (schema.name, track) not in validators:
            if only_track in (None, track):
                result.findings.append(_untracked(config, schema, track, path))
            continue
        targets = [track] if track else [t for t in report.tracks if (schema.name, t) in validators]
        targets = [t for t in targets if only_track in (None, t)]
        if not targets:
            continue
        shown = display_path(config, path)
        for fixture in load_fixtures(schema.name, track, expected, path, config.max_fixture_bytes):
            if fixture.error is not None:
                result.findings.append(_unparseable(config, fixture))
            for target in targets:
                ok = fixture.error is None and _check_one(
                    shown, fixture, target, validators[(schema.name, target)], result
                )
                result.fixtures.append(
                    FixtureResult(schema.name, target, shown, fixture.expected, ok, fixture.line)
                )
                if ok:
                    report.fixtures_passed += 1
                else:
                    report.fixtures_failed += 1


def _untracked(config: Config, schema: SchemaConfig, track: str, path: Path) -> Finding:
    return Finding(
        kind=INVALID_FIXTURE,
        severity="warning",
        schema=schema.name,
        track=track,
        file=display_path(config, path),
        rule="fixture-track-not-locked",
        message=f"fixture not checked: {schema.name}@{track} is not a configured, locked track",
    )


def _unparseable(config: Config, fixture: Fixture) -> Finding:
    return Finding(
        kind=INVALID_FIXTURE,
        severity="error",
        schema=fixture.schema,
        track=fixture.track,
        file=display_path(config, fixture.file),
        line=fixture.line,
        rule=fixture.rule,
        message=f"{fixture.error}; fix the file or move it out of the fixtures folder",
    )


def _check_one(
    file: str, fixture: Fixture, track: str, validator: SchemaValidator, result: GateResult
) -> bool:
    """Whether the payload met its expectation; when not, the finding that says why."""
    try:
        finding = _failure(file, fixture, track, validator)
    except RecursionError:  # a payload too deep, or a $ref cycle that never ends
        finding = _fixture_finding(
            file,
            fixture,
            track,
            rule="recursion-limit",
            message=f"could not be checked against {fixture.schema}@{track}: Python's recursion "
            "limit was reached (a payload nested too deeply, or a $ref cycle in the schema)",
        )
    if finding is not None:
        result.findings.append(finding)
    return finding is None


def _failure(file: str, fixture: Fixture, track: str, validator: SchemaValidator) -> Finding | None:
    if fixture.expected == "invalid":
        if not validator.is_valid(fixture.payload):
            return None
        return _fixture_finding(
            file,
            fixture,
            track,
            rule="negative-fixture-accepted",
            message=f"negative fixture was accepted by {fixture.schema}@{track}; "
            "it must be rejected",
        )
    if validator.is_valid(fixture.payload):
        return None
    issues = validator.check(fixture.payload)
    best = issues[0]
    more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
    return _fixture_finding(
        file,
        fixture,
        track,
        line=fixture.line or _line_of(fixture.file, best.path),
        path=best.path,
        schema_path=best.schema_path,
        rule=best.keyword,
        message=f"{best.message}{more}",
    )


def _fixture_finding(
    file: str, fixture: Fixture, track: str, *, rule: str, message: str, **where: Any
) -> Finding:
    where.setdefault("line", fixture.line)
    return Finding(
        kind=INVALID_FIXTURE,
        severity="error",
        schema=fixture.schema,
        track=track,
        file=file,
        rule=rule,
        message=message,
        **where,
    )


def _line_of(path: Path, json_pointer: str) -> int | None:
    from .yamlio import find_line

    parts = [p.replace("~1", "/").replace("~0", "~") for p in json_pointer.split("/")[1:]]
    try:
        return find_line(path.read_bytes(), list(parts))
    except OSError:
        return None
