"""The dead-letter stream's entry contract, and replaying or counting its entries."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import ContractError, ExitCode
from .model import PayloadParseError, SchemaUnavailableError, ValidationIssue, ValidationOutcome
from .payload import parse_payload

# The documented fields of a dead-letter entry, in the order they are written (docs/runtime-bus.md).
DLQ_FIELDS = (
    "orig_stream",
    "orig_id",
    "group",
    "consumer",
    "service",
    "schema",
    "track",
    "version",
    "reason",
    "errors",
    "payload",
    "failed_at",
    "times_delivered",
)
REASONS = ("schema-invalid", "unparseable", "handler-error")
MAX_ERRORS = 10  # items in a dead-letter entry's `errors`
DEFAULT_DLQ_MAXLEN = 100_000
REPLAY_BATCH = 100  # entries per XRANGE while replaying or counting

# Acknowledge, then dead-letter, in one step: a crash cannot lose the entry, and an entry that
# two consumers hold (one reclaimed it) reaches the dead-letter stream once, since only the
# first XACK acknowledges anything.
# KEYS: stream, dead-letter stream; ARGV: group, id, maxlen, then the entry's field/value pairs.
MOVE_TO_DLQ = """
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return false end
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, 4))
"""
# Back to the original stream and out of the dead-letter stream in one step; an entry another
# replay took already is skipped. KEYS: dead-letter stream, stream; ARGV: id, field/value pairs.
MOVE_BACK = """
if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return false end
return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
"""


class BusError(ContractError):
    """Redis could not be reached or refused a command."""

    exit_code = ExitCode.REGISTRY


def dlq_stream(stream: str) -> str:
    return f"{stream}:dlq"


def safe_url(url: str) -> str:
    """The Redis URL without its user name and password, fit to print."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        if parts.port is not None:
            netloc += f":{parts.port}"
    except ValueError:
        return "<unparseable Redis URL>"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def errors_json(issues: Iterable[ValidationIssue]) -> str:
    """At most MAX_ERRORS issues as JSON; never their messages, which may quote the payload."""
    items = [
        {"path": i.path, "keyword": i.keyword, "schema_path": i.schema_path}
        for i in itertools.islice(issues, MAX_ERRORS)
    ]
    return json.dumps(items, separators=(",", ":"))


@dataclass(frozen=True)
class DeadLetter:
    """Why one entry of `orig_stream` was dead-lettered; `fields()` is the documented entry."""

    orig_stream: str
    orig_id: str
    group: str
    consumer: str
    service: str
    schema: str
    reason: str
    payload: bytes
    times_delivered: int
    outcome: ValidationOutcome | None = None

    def fields(self, now: datetime | None = None) -> dict[str, str | bytes]:
        outcome = self.outcome
        failed_at = (now or datetime.now(UTC)).isoformat(timespec="milliseconds")
        return {
            "orig_stream": self.orig_stream,
            "orig_id": self.orig_id,
            "group": self.group,
            "consumer": self.consumer,
            "service": self.service,
            "schema": outcome.name if outcome else self.schema,
            "track": outcome.track if outcome else "",
            "version": str(outcome.version) if outcome else "",
            "reason": self.reason,
            "errors": errors_json(outcome.issues if outcome else ()),
            "payload": self.payload,
            "failed_at": failed_at.replace("+00:00", "Z"),
            "times_delivered": str(self.times_delivered),
        }


def entry_payload(data: bytes | None) -> Any:
    """The parsed `payload` field of a stream entry (None when the entry has none)."""
    if data is None:
        raise PayloadParseError("the entry has no `payload` field")
    return parse_payload(data)


# Validate (schema, payload, track): strictly on `track` when the entry failed on one, else
# as the caller's config prefers; see the CLI's dlq command.
Validate = Callable[[str, Any, str], ValidationOutcome]


@dataclass
class ReplayReport:
    """What one replay did: entries examined, moved back (or that would be), still failing."""

    stream: str
    dry_run: bool
    examined: int = 0
    moved: int = 0
    still_failing: Counter[tuple[str, str]] = field(default_factory=Counter)
    skipped: int = 0  # gone from the dead-letter stream meanwhile, or no schema to check
    unavailable: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(self.still_failing.values())


def scan_dlq(client: Any, stream: str, limit: int) -> Iterator[tuple[bytes, dict[bytes, bytes]]]:
    """At most `limit` dead-letter entries, oldest first, REPLAY_BATCH per round trip."""
    start = "-"
    seen = 0
    while seen < limit:
        batch = client.xrange(
            dlq_stream(stream), min=start, max="+", count=min(REPLAY_BATCH, limit - seen)
        )
        if not batch:
            return
        for entry_id, fields in batch:
            seen += 1
            yield entry_id, fields
        start = "(" + batch[-1][0].decode()


def replay_dlq(
    client: Any,
    stream: str,
    validate: Validate,
    *,
    schema: str | None,
    dry_run: bool,
    limit: int,
) -> ReplayReport:
    """Re-validate up to `limit` dead-letter entries of `stream` and move those that pass back
    to `stream`, with `payload`, `service` (when set) and `replayed_from` (the
    dead-letter entry's id)."""
    report = ReplayReport(stream, dry_run)
    move_back = client.register_script(MOVE_BACK)
    for entry_id, raw in scan_dlq(client, stream, limit):
        fields = {k.decode(): v for k, v in raw.items()}
        name = fields.get("schema", b"").decode()
        if schema is not None and name != schema:
            continue
        report.examined += 1
        reason = _recheck(fields, name, validate, report)
        if reason is not None:
            report.still_failing[(name, reason)] += 1
            continue
        if dry_run:
            report.moved += 1
            continue
        back: list[str | bytes] = ["payload", fields.get("payload", b"")]
        if fields.get("service"):
            back += ["service", fields["service"]]
        back += ["replayed_from", entry_id]
        # always to `stream`, whose dead-letter stream this is, whatever `orig_stream` says
        moved = move_back(keys=[dlq_stream(stream), stream], args=[entry_id, *back])
        if moved:
            report.moved += 1
        else:
            report.skipped += 1
    return report


def _recheck(
    fields: Mapping[str, bytes], name: str, validate: Validate, report: ReplayReport
) -> str | None:
    """None when the payload now passes; otherwise why it still fails."""
    try:
        track = fields.get("track", b"").decode()
        outcome = validate(name, entry_payload(fields.get("payload")), track)
    except PayloadParseError:
        return "unparseable"
    except SchemaUnavailableError as e:
        report.unavailable.append(str(e))
        return "schema-unavailable"
    if outcome.is_valid:
        return None
    keyword = outcome.issues[0].keyword if outcome.issues else "schema-invalid"
    return f"schema-invalid ({keyword})"


@dataclass
class DlqStats:
    """Counts of dead-letter entries by (schema, reason), over at most `limit` entries."""

    stream: str
    length: int
    scanned: int = 0
    by_schema_reason: Counter[tuple[str, str]] = field(default_factory=Counter)
    oldest: str = ""
    newest: str = ""


def dlq_stats(client: Any, stream: str, limit: int, *, schema: str | None = None) -> DlqStats:
    """Count the `limit` oldest dead-letter entries of `stream` (of `schema` only, if given)."""
    stats = DlqStats(stream, int(client.xlen(dlq_stream(stream))))
    for _, raw in scan_dlq(client, stream, limit):
        name = raw.get(b"schema", b"").decode(errors="replace")
        if schema is not None and name != schema:
            continue
        stats.scanned += 1
        reason = raw.get(b"reason", b"").decode(errors="replace")
        stats.by_schema_reason[(name, reason)] += 1
        failed_at = raw.get(b"failed_at", b"").decode(errors="replace")
        if failed_at and (not stats.oldest or failed_at < stats.oldest):
            stats.oldest = failed_at
        stats.newest = max(stats.newest, failed_at)
    return stats
