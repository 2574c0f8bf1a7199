"""`registry-contract validate`: check fixtures, or replay captured samples, against the lock."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ExitCode, UsageError
from ._common import (
    add_output_arguments,
    check_track,
    command_line,
    emit_result,
    load_config_from,
    write_text,
)

if TYPE_CHECKING:
    from ..config import Config
    from ..lock.reader import Lock
    from ..validation.validators import SchemaValidator

HELP = "validate the fixture payloads, or --samples FILE.jsonl[.gz], against the locked schemas"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--track", metavar="TRACK", help="only this track")
    parser.add_argument(
        "--samples",
        metavar="FILE",
        help="replay one JSON payload per line (.jsonl, gzipped or not) instead of the fixtures",
    )
    parser.add_argument(
        "--schema", metavar="NAME[@TRACK]", help="with --samples: the locked schema to check"
    )
    parser.add_argument(
        "--first",
        metavar="N",
        type=int,
        default=10,
        help="with --samples: show the first N failing lines (default 10)",
    )
    add_output_arguments(parser)


def run(args: argparse.Namespace) -> int:
    if args.samples or args.schema:
        return run_replay(args)
    from ..gate import GateOptions, run_gate

    config = load_config_from(args)
    check_track(config, args.track)
    words = ["validate", *(["--track", args.track] if args.track else [])]
    options = GateOptions(
        mode=args.mode, track=args.track, compat=False, command=command_line(args, *words)
    )
    return emit_result(run_gate(config, options), args, config)


def run_replay(args: argparse.Namespace) -> int:
    from ..gate import load_verified_lock
    from ..redact import redact, redact_data
    from ..replay import ReplayResult, render_replay_json, render_replay_text, replay_samples
    from ..text import emit

    if not (args.samples and args.schema):
        raise UsageError(
            "--samples and --schema go together",
            hint="run `registry-contract validate --samples FILE.jsonl --schema NAME[@TRACK]`",
        )
    for flag, value in (("--track", args.track), ("--mode", args.mode)):
        if value:
            raise UsageError(
                f"{flag} does not apply to --samples", hint="name the track as --schema NAME@TRACK"
            )
    if args.first < 0:
        raise UsageError(f"--first {args.first}: must be 0 or more")
    config = load_config_from(args)
    lock = load_verified_lock(config)
    name, track = pick_schema(config, lock, args.schema)
    entry = lock.entry(name, track)
    result = ReplayResult(args.samples, name, track, entry.version if entry else None)
    validator = build_validator(config, lock, name, track)
    replay_samples(Path(args.samples), validator, result, args.first, config.max_fixture_bytes)
    result = redact_data(result)
    as_json = render_replay_json(result)
    if args.report:
        write_text(Path(args.report), redact(as_json))
    as_text = args.format == "text"
    emit(render_replay_text(result) if as_text else as_json, as_json=not as_text)
    return int(ExitCode.VIOLATIONS if result.failed else ExitCode.PASSED)


def pick_schema(config: Config, lock: Lock, asked: str) -> tuple[str, str]:
    """NAME@TRACK as asked, or NAME at its most preferred locked track."""
    name, _, track = asked.partition("@")
    locked = lock.tracks(name)
    if not locked:
        known = ", ".join(sorted(lock.entries)) or "none"
        raise UsageError(f"--schema {asked}: {name} is not in the lock", hint=f"locked: {known}")
    if track:
        if track not in locked:
            raise UsageError(
                f"--schema {asked}: {name}@{track} is not in the lock",
                hint=f"locked tracks of {name}: {', '.join(locked)}",
            )
        return name, track
    preferred = config.schemas[name].tracks if name in config.schemas else config.tracks
    return name, next((t for t in preferred if t in locked), locked[0])


def build_validator(config: Config, lock: Lock, name: str, track: str) -> SchemaValidator:
    """One validator, resolving `$ref` among the locked schemas only, as the gate does."""
    from ..validation.validators import SchemaValidator, build_locked_refs, check_remote_refs

    registry = build_locked_refs(lock)
    document = lock.schema(name, track)
    label = f"{lock.dir / name / track}.json ({name}@{track})"
    check_remote_refs(document, {str(uri) for uri in registry}, label, config.default_dialect)
    return SchemaValidator(
        document,
        label=label,
        formats=config.formats,
        registry=registry,
        default_dialect=config.default_dialect,
    )
