"""`registry-contract compat`: compare two schemas, or the lock at a git ref with the work tree."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dialect import DEFAULT_DIALECT_NAME, DIALECT_BY_NAME
from ..errors import ExitCode, UsageError
from ..text import emit, excerpt, one_line
from ._common import command_line, emit_result, load_config_from, read_limited

if TYPE_CHECKING:
    from ..config import Config

HELP = "check two schema versions for compatibility, with rule ids and witness payloads"
SCHEMA_LIMIT = 5 * 2**20  # bytes, as the registry clients' MAX_BODY: no schema is larger
_LOCKED = re.compile(r"(?P<name>[A-Za-z0-9._-]+)@(?P<track>[A-Za-z0-9._-]+)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", nargs="?", help="old schema: a file, or NAME@TRACK from the lock")
    parser.add_argument("new", nargs="?", help="new schema: a file, or NAME@TRACK from the lock")
    parser.add_argument("--level", help="compatibility level (default: the config's or BACKWARD)")
    parser.add_argument(
        "--default-dialect",
        choices=tuple(DIALECT_BY_NAME),
        help="dialect of schemas without $schema (default: the config's default-dialect or draft7)",
    )
    parser.add_argument(
        "--against", metavar="GIT_REF", help="compare the lock at GIT_REF with the working tree"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--report", metavar="FILE", help="with --against: write the JSON report")
    parser.add_argument("--mode", choices=("enforce", "warn"), help="with --against: override mode")


def run(args: argparse.Namespace) -> int:
    if args.against:
        if args.old or args.new:
            raise UsageError("give either OLD NEW or --against GIT_REF, not both")
        return _run_against(args)
    if not (args.old and args.new):
        raise UsageError("compat needs OLD and NEW", hint="e.g. compat old.json new.json")
    from ..compat import LEVELS, check_compatibility
    from ..compat.documents import dialect_names

    config = _config(args)
    level = (args.level or (config.compatibility if config else "BACKWARD")).upper()
    if level not in LEVELS:
        raise UsageError(f"--level {args.level!r} is not one of {', '.join(LEVELS)}")
    dialect = args.default_dialect or (config.default_dialect if config else DEFAULT_DIALECT_NAME)
    old, new = _load(args, args.old), _load(args, args.new)
    options: dict[str, Any] = {"default_dialect": dialect}
    if config is not None:  # the gate's settings, so that both judge a pair alike
        options.update(
            open_content_model=config.open_content_model,
            undecidable=config.undecidable,
            formats=config.formats,
            budget=config.compat_budget,
        )
    try:
        verdict = check_compatibility(old, new, level, **options)
    except RecursionError as e:  # Python's stack ran out before the schemas' depth did
        raise UsageError(
            f"{args.old} -> {args.new}: a schema is nested too deeply to compare",
            hint="real schemas nest far less; check the files",
        ) from e
    dialects = dialect_names(old, new, dialect)
    if args.format == "json":
        emit(json.dumps({**verdict.to_dict(), "dialects": dialects}, indent=2) + "\n", as_json=True)
    else:
        emit(render_verdict(args.old, args.new, verdict, dialects))
    return int(ExitCode.PASSED if verdict.compatible else ExitCode.VIOLATIONS)


def _run_against(args: argparse.Namespace) -> int:
    from ..compat_gate import check_against
    from ..gate import load_verified_lock
    from ..model import GateResult

    config = load_config_from(args)
    mode = args.mode or config.mode
    command = command_line(args, "compat", "--against", args.against)
    result = GateResult(mode="warn" if mode == "warn" else "enforce", command=command)
    check_against(config, load_verified_lock(config), args.against, result)
    return emit_result(result, args)


def _config(args: argparse.Namespace) -> Config | None:
    from ..config import CONFIG_NAME

    if getattr(args, "config", None) or Path(CONFIG_NAME).is_file():
        return load_config_from(args)
    return None


def _load(args: argparse.Namespace, spec: str) -> Any:
    path = Path(spec)
    if path.is_file():
        data = read_limited(
            path,
            SCHEMA_LIMIT,
            what=str(path),
            refusal="not a schema",
            hint="pass a JSON Schema file, or NAME@TRACK for a locked schema",
        )
        return _parse_file(path, data)
    match = _LOCKED.fullmatch(spec)
    if match is None:
        raise UsageError(f"{spec}: no such file, and not NAME@TRACK", hint="check the argument")
    from ..gate import load_verified_lock

    lock = load_verified_lock(load_config_from(args))
    name, track = match["name"], match["track"]
    if lock.entry(name, track) is None:
        locked = ", ".join(lock.tracks(name)) or "none"
        raise UsageError(f"{spec} is not in the lock", hint=f"locked tracks of {name}: {locked}")
    return lock.schema(name, track)


def render_verdict(old: str, new: str, verdict: Any, dialects: dict[str, str]) -> str:
    breaking = [c for c in verdict.changes if c.breaking]
    state = "compatible" if verdict.compatible else f"NOT compatible ({len(breaking)} breaking)"
    head = f"{one_line(old)} -> {one_line(new)}: {verdict.level} {state}"
    lines = [
        f"{head}, {len(verdict.changes)} change(s)",
        f"  dialect: OLD {one_line(dialects['old'])}, NEW {one_line(dialects['new'])}"
        f" (schemas without $schema are read as {dialects['default']})",
    ]
    for change in verdict.changes:
        mark = "breaking" if change.breaking else "ok      "
        where = f"{one_line(change.rule)} at {one_line(change.path or '/')}"
        lines.append(f"  {mark} {where}: {one_line(excerpt(change.message))}")
        if change.has_witness:
            witness = json.dumps(change.witness, sort_keys=True, default=str)
            lines.append(f"           witness: {excerpt(witness)}")
    return "\n".join(lines) + "\n"


def _parse_file(path: Path, data: bytes) -> Any:
    try:
        text = data.decode("utf-8")
        if path.suffix.lower() in (".yaml", ".yml"):
            from ..yamlio import load_yaml

            return load_yaml(text)
        return json.loads(text)
    except Exception as e:  # JSONDecodeError, YAMLError, UnicodeDecodeError, RecursionError
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise UsageError(f"{path}: not a readable JSON/YAML schema ({first})") from e
