"""`registry-contract dlq replay|stats`: re-validate and replay, or count, dead-letter entries."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from ..errors import ExitCode, UsageError
from ..redact import redact

if TYPE_CHECKING:
    from collections import Counter

    from ..runtime.dlq import DlqStats, ReplayReport
    from ..runtime.model import ValidationOutcome

HELP = "replay a Redis stream's dead-letter entries that now pass, or count them (dlq stats)"
DEFAULT_MAX = 10_000
SOCKET_TIMEOUT_S = 10.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=("replay", "stats"),
        help="replay: move the entries that now pass back; stats: count them by schema and reason",
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        default=os.environ.get("REDIS_URL"),
        help="redis://[:PASSWORD@]HOST:PORT/DB (default: $REDIS_URL, which keeps the password "
        "off the command line)",
    )
    parser.add_argument("--stream", metavar="S", required=True, help="the original stream")
    parser.add_argument("--schema", metavar="NAME", help="only this schema's entries")
    parser.add_argument(
        "--dry-run", action="store_true", help="replay: say what would move, move nothing"
    )
    parser.add_argument(
        "--max",
        metavar="N",
        type=int,
        default=DEFAULT_MAX,
        help=f"look at no more than the N oldest dead-letter entries (default {DEFAULT_MAX})",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="stdout format")


def run(args: argparse.Namespace) -> int:
    from ..runtime.dlq import BusError, safe_url

    if not args.redis:
        raise UsageError("no Redis URL", hint="pass --redis redis://HOST:PORT/DB or set REDIS_URL")
    if args.max < 1:
        raise UsageError(f"--max {args.max}: must be 1 or more")
    if args.dry_run and args.action == "stats":
        raise UsageError("--dry-run applies to `dlq replay` only")
    import redis

    url = safe_url(args.redis)
    try:
        client = redis.Redis.from_url(
            args.redis, socket_timeout=SOCKET_TIMEOUT_S, socket_connect_timeout=SOCKET_TIMEOUT_S
        )
    except ValueError as e:
        raise UsageError(f"--redis {url}: not a Redis URL", hint="use redis://HOST:PORT/DB") from e
    try:
        with client:
            if args.action == "stats":
                return _print_stats(_stats(client, args), args.format)
            return _print_replay(_replay(client, args), args.format)
    except redis.RedisError as e:
        # redis-py's message can quote the URL it was given; name the safe one only
        raise BusError(
            f"Redis at {url}: {type(e).__name__}",
            hint="check that the server runs and the URL, password and database are right",
        ) from e


def _stats(client: Any, args: argparse.Namespace) -> DlqStats:
    from ..runtime.dlq import dlq_stats

    return dlq_stats(client, args.stream, args.max, schema=args.schema)


def _replay(client: Any, args: argparse.Namespace) -> ReplayReport:
    from ..config import find_config, load_config
    from ..runtime import SchemaManager
    from ..runtime.dlq import replay_dlq

    path = find_config(getattr(args, "config", None))
    config = load_config(path)
    client.ping()  # an unreachable Redis is reported before the schemas are fetched
    with SchemaManager.from_config(path) as manager:

        def check(name: str, payload: Any, track: str) -> ValidationOutcome:
            """Strictly on the track the entry failed on; else preferred track, then fallback."""
            if track:
                return manager.validate(name, payload, prefer=track, fallback=None)
            tracks = config.schemas[name].tracks if name in config.schemas else config.tracks
            fallback = tracks[1] if len(tracks) > 1 else None
            return manager.validate(name, payload, prefer=tracks[0], fallback=fallback)

        return replay_dlq(
            client, args.stream, check, schema=args.schema, dry_run=args.dry_run, limit=args.max
        )


def _by_count(counts: Counter[tuple[str, str]]) -> list[tuple[tuple[str, str], int]]:
    """(schema, reason) pairs, the most frequent first."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _count_items(rows: list[tuple[tuple[str, str], int]]) -> list[dict[str, Any]]:
    return [{"schema": s, "reason": r, "entries": n} for (s, r), n in rows]


def _count_lines(rows: list[tuple[tuple[str, str], int]]) -> list[str]:
    return [f"  {n:>8}  {_line(s)}  {_line(r)}" for (s, r), n in rows]


def _print_stats(stats: DlqStats, fmt: str) -> int:
    rows = _by_count(stats.by_schema_reason)
    if fmt == "json":
        data = {
            "stream": stats.stream,
            "length": stats.length,
            "scanned": stats.scanned,
            "oldest": stats.oldest or None,
            "newest": stats.newest or None,
            "counts": _count_items(rows),
        }
        _write(json.dumps(data, indent=2) + "\n")
        return int(ExitCode.PASSED)
    lines = [
        f"{_line(stats.stream)}:dlq: {stats.length} entries, {stats.scanned} counted"
        + (f", failed from {_line(stats.oldest)} to {_line(stats.newest)}" if stats.scanned else "")
    ]
    lines += _count_lines(rows)
    _write("\n".join(lines) + "\n")
    return int(ExitCode.PASSED)


def _print_replay(report: ReplayReport, fmt: str) -> int:
    code = ExitCode.VIOLATIONS if report.failed else ExitCode.PASSED
    rows = _by_count(report.still_failing)
    if fmt == "json":
        data = {
            "stream": report.stream,
            "dry_run": report.dry_run,
            "examined": report.examined,
            "moved": report.moved,
            "skipped": report.skipped,
            "still_failing": _count_items(rows),
            "unavailable": sorted(set(report.unavailable)),
        }
        _write(json.dumps(data, indent=2) + "\n")
        return int(code)
    verb = "would move" if report.dry_run else "moved"
    lines = [
        f"{_line(report.stream)}:dlq: {report.examined} examined, {report.moved} {verb} back "
        f"to {_line(report.stream)}, {report.failed} still failing"
        + (f", {report.skipped} taken meanwhile" if report.skipped else "")
    ]
    lines += _count_lines(rows)
    lines += [f"  schema unavailable: {_line(u)}" for u in sorted(set(report.unavailable))]
    _write("\n".join(lines) + "\n")
    return int(code)


def _line(text: str) -> str:
    """Text from Redis (written by any producer) kept on one printed line."""
    return " ".join(text.splitlines())


def _write(text: str) -> None:
    sys.stdout.write(redact(text))
