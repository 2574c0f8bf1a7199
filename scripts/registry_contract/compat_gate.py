"""The gate's compatibility checks: v1 against v2, the base ref's lock against ours, fixtures."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from .fixtures import discover_fixture_files, load_fixtures
from .model import BREAKING_CHANGE, SCHEMA_CHANGE, CompatCheck, Finding, GateResult

if TYPE_CHECKING:
    from .compat import Change, CompatResult
    from .config import Config, Exemption, SchemaConfig
    from .lock.reader import Lock
    from .validation.validators import SchemaValidator


def compare_documents(
    config: Config,
    schema: SchemaConfig,
    old: tuple[str, Any],
    new: tuple[str, str, Any],
    context: Literal["tracks", "drift", "against"],
    result: GateResult,
    previous: list[Any] | None = None,
) -> CompatResult:
    """Run the engine on one pair and record the check and its changes as findings.

    `old` is (label, document); `new` is (label, track, document).
    """
    from .compat import check_compatibility

    (old_label, old_doc), (new_label, new_track, new_doc) = old, new
    verdict = check_compatibility(
        old_doc,
        new_doc,
        schema.compatibility,
        open_content_model=config.open_content_model,
        undecidable=config.undecidable,
        previous=previous,
        default_dialect=config.default_dialect,
        formats=config.formats,
        budget=config.compat_budget,
    )
    breaking = [c for c in verdict.changes if c.breaking]
    result.compat_checks.append(
        CompatCheck(
            schema=schema.name,
            context=context,
            old=old_label,
            new=new_label,
            level=schema.compatibility,
            compatible=verdict.compatible,
            breaking=len(breaking),
        )
    )
    reported = verdict.changes if schema.compatibility == "NONE" else breaking
    file = _lock_file(config, schema.name, new_track)
    where = f"{old_label} -> {new_label}"
    for change in reported:
        result.findings.append(change_finding(config, schema.name, new_track, file, change, where))
    return verdict


def change_finding(
    config: Config, name: str, track: str, file: str, change: Change, where: str
) -> Finding:
    """A breaking change as a finding, accepted when a live exemption covers it."""
    exemption = _exemption_for(config.exemptions, name, change.rule, change.path)
    today = dt.date.today()
    expired = exemption is not None and exemption.expires is not None and exemption.expires < today
    message = f"{where}: {change.message}"
    if exemption is not None and expired:
        message += (
            f" (exemption expired on {exemption.expires}: {exemption.reason}; renew or fix it)"
        )
    return Finding(
        kind=BREAKING_CHANGE if change.breaking else SCHEMA_CHANGE,
        severity="error" if change.breaking else "info",
        schema=name,
        track=track,
        file=file,
        path=change.path,
        schema_path=change.new_path or change.old_path,
        rule=change.rule,
        message=message,
        witness=change.witness,
        has_witness=change.has_witness,
        accepted=exemption is not None and not expired,
        reason=exemption.reason if exemption is not None else None,
    )


def _exemption_for(
    exemptions: tuple[Exemption, ...], name: str, rule: str, path: str
) -> Exemption | None:
    for exemption in exemptions:
        if (exemption.schema, exemption.rule) == (name, rule) and exemption.path in (None, path):
            return exemption
    return None


def _lock_file(config: Config, name: str, track: str) -> str:
    from .lock.paths import display_path

    return display_path(config, config.lock_dir / name / f"{track}.json")


def check_tracks(
    config: Config,
    lock: Lock,
    validators: dict[tuple[str, str], SchemaValidator],
    result: GateResult,
) -> None:
    """Compare each schema's locked tracks, oldest to newest (preference order is newest first)."""
    for report in result.schemas:
        schema = config.schemas[report.name]
        ages = list(reversed(report.tracks))  # oldest first
        if len(ages) < 2:
            continue
        verdicts = []
        for index in range(1, len(ages)):
            older, newer = ages[index - 1], ages[index]
            previous = None
            if schema.compatibility.endswith("_TRANSITIVE"):
                previous = [lock.schema(schema.name, t) for t in ages[: index - 1]]
            verdict = compare_documents(
                config,
                schema,
                (_label(lock, schema.name, older), lock.schema(schema.name, older)),
                (_label(lock, schema.name, newer), newer, lock.schema(schema.name, newer)),
                "tracks",
                result,
                previous,
            )
            verdicts.append(verdict.compatible)
            if verdict.compatible:
                _check_fixture_evidence(config, schema, older, newer, validators, result)
        contradicted = any(
            f.rule == FIXTURE_RULE and f.schema == schema.name and f.is_violation
            for f in result.findings
        )
        report.compat = "compatible" if all(verdicts) and not contradicted else "breaking"


FIXTURE_RULE = "fixture-contradicts-verdict"


def _check_fixture_evidence(
    config: Config,
    schema: SchemaConfig,
    older: str,
    newer: str,
    validators: dict[tuple[str, str], SchemaValidator],
    result: GateResult,
) -> None:
    """Valid fixtures of one track must pass the other where the level promises it."""
    from .lock.paths import display_path

    level = schema.compatibility
    directions = []
    if "BACKWARD" in level or "FULL" in level:
        directions.append((older, newer))  # old data must be readable with the new schema
    if "FORWARD" in level or "FULL" in level:
        directions.append((newer, older))
    if schema.fixtures is None:
        return
    for source, target in directions:
        validator = validators.get((schema.name, target))
        if validator is None:
            continue
        for track, expected, path in discover_fixture_files(schema.fixtures):
            if track != source or expected != "valid":
                continue
            for fixture in load_fixtures(schema.name, track, expected, path):
                if fixture.error is not None or validator.is_valid(fixture.payload):
                    continue
                issue = validator.check(fixture.payload)[0]
                result.findings.append(
                    Finding(
                        kind=BREAKING_CHANGE,
                        severity="error",
                        schema=schema.name,
                        track=target,
                        file=display_path(config, path),
                        line=fixture.line,
                        path=issue.path,
                        schema_path=issue.schema_path,
                        rule=FIXTURE_RULE,
                        message=f"{schema.name}@{source} -> @{target} was judged "
                        f"{level}-compatible, but this valid {source} fixture fails "
                        f"{target}: {issue.message}",
                        witness=fixture.payload,
                        has_witness=True,
                    )
                )


def _label(lock: Lock, name: str, track: str) -> str:
    entry = lock.entry(name, track)
    return f"{name}@{track}" + (f" (version {entry.version})" if entry else "")


def check_against(config: Config, lock: Lock, ref: str, result: GateResult) -> None:
    """Compare the lock at a git ref (the PR's base) with the working tree's lock."""
    from .lock.gitref import read_lock_at

    base = read_lock_at(ref, config.lock_dir)
    if base is None:
        return
    for name, schema in config.schemas.items():
        for track in schema.tracks:
            entry = lock.entry(name, track)
            before = base.get(name, {}).get(track)
            if before is None or entry is None:
                if before is not None:
                    result.findings.append(
                        Finding(
                            kind=BREAKING_CHANGE,
                            severity="warning",
                            schema=name,
                            track=track,
                            file=_lock_file(config, name, track),
                            rule="track-removed",
                            message=f"{name}@{track} is locked at {ref} but not in this change; "
                            "consumers pinned to it lose their schema",
                        )
                    )
                continue
            current = lock.schema(name, track)
            if before[1] == current:
                continue
            compare_documents(
                config,
                schema,
                (f"{name}@{track} at {ref} (version {before[0]})", before[1]),
                (f"{name}@{track} (version {entry.version})", track, current),
                "against",
                result,
            )
