"""Replay captured payloads (JSON Lines, optionally gzipped) against one locked schema."""

from __future__ import annotations

import gzip
import json
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .errors import UsageError
from .fixtures import MAX_FIXTURE_BYTES, parse_json
from .text import excerpt, one_line

if TYPE_CHECKING:
    from .validation.validators import Issue, SchemaValidator

UNPARSEABLE = "unparseable"
TOO_DEEP = "recursion-limit"
# orjson turns integers beyond 64 bits into floats, so a line with 19 digits in a row goes to
# json; mapping digits to "0" and finding the run is several times faster than a regex.
_DIGITS_TO_ZERO = bytes(b if b == 48 else 48 if 48 < b <= 57 else 120 for b in range(256))
_LONG_RUN = b"0" * 19
_UNPARSED = object()
MESSAGE_LIMIT = 200  # messages quote the payload; keep captured production data out of logs


@dataclass(frozen=True)
class SampleFailure:
    """One failing line: where in the file and in the payload, which rule, why."""

    line: int
    rule: str
    path: str | None
    schema_path: str | None
    message: str


@dataclass
class ReplayResult:
    """Counts for every sample, rules by number of failing samples, and the first failures."""

    file: str
    schema: str
    track: str
    version: int | None
    samples: int = 0
    passed: int = 0
    unparseable: int = 0
    rules: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[SampleFailure] = field(default_factory=list)
    seconds: float = 0.0
    fast: bool = True
    slow_reason: str | None = None

    @property
    def failed(self) -> int:
        return self.samples - self.passed

    @property
    def pass_rate(self) -> float:
        return self.passed / self.samples if self.samples else 1.0


def replay_samples(
    path: Path,
    validator: SchemaValidator,
    result: ReplayResult,
    first: int,
    max_line_bytes: int = MAX_FIXTURE_BYTES,
) -> None:
    """Validate every line of `path`, filling `result`; explains failures with the reference."""
    started = time.perf_counter()
    with open_lines(path, max_line_bytes) as lines:
        _replay(lines, validator, result, first)
    result.fast = validator.fast
    result.slow_reason = validator.slow_reason
    result.seconds = time.perf_counter() - started


@contextmanager
def open_lines(path: Path, max_line_bytes: int = MAX_FIXTURE_BYTES) -> Iterator[Iterable[bytes]]:
    """The file's lines, gunzipped when it starts with the gzip magic bytes; a line longer than
    `max_line_bytes` (a gzip bomb inflates to one endless line) stops the run with an error."""
    try:
        raw = path.open("rb")
    except OSError as e:
        raise UsageError(
            f"--samples {path}: cannot read ({e.strerror})", hint="check the path"
        ) from e
    with raw:
        gzipped = raw.peek(2)[:2] == b"\x1f\x8b"
        try:
            stream = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
            yield chain.from_iterable(_line_blocks(stream.read, max_line_bytes, path))
        except (OSError, EOFError, zlib.error) as e:  # a corrupt or truncated gzip stream
            raise UsageError(f"--samples {path}: cannot read ({e})", hint="check the file") from e


def _line_blocks(read: Callable[[int], bytes], limit: int, path: Path) -> Iterator[list[bytes]]:
    """The lines of a stream, a block at a time, split in C (with chain.from_iterable, faster
    than iterating the stream); no line may grow past `limit` bytes, so memory stays bounded."""
    block_size = min(limit, 1 << 20)
    carry = b""
    number = 0
    for block in iter(lambda: read(block_size), b""):
        lines = (carry + block).split(b"\n")
        carry = lines.pop()  # the unfinished last line, or b"" after a newline
        if len(lines[0] if lines else carry) > limit:  # only the carried line can be that long
            raise UsageError(
                f"--samples {path}: line {number + 1} is longer than max-fixture-bytes "
                f"({limit} bytes); stopped reading",
                hint="one line holds one payload: check the file (a gzip bomb?), or raise "
                "max-fixture-bytes in the config",
            )
        number += len(lines)
        yield lines
    if carry:
        yield [carry]


def _replay(
    lines: Iterable[bytes], validator: SchemaValidator, result: ReplayResult, first: int
) -> None:
    """orjson parses a line about three times faster than json; where the two could differ
    (integers beyond 64 bits, lone surrogates: orjson refuses or rounds them), json does, and
    those payloads go through the full plain-JSON check; NaN and Infinity are refused by both."""
    fast_loads = orjson.loads
    digits_to_zero = _DIGITS_TO_ZERO
    passes_fast = validator.passes_fast
    passes_fast_json = validator.passes_fast_json
    samples = passed = 0
    for number, line in enumerate(lines, start=1):
        try:
            fits = _LONG_RUN not in line.translate(digits_to_zero)
            payload = fast_loads(line) if fits else _UNPARSED
        except orjson.JSONDecodeError:
            payload = _UNPARSED
        if payload is _UNPARSED:
            try:
                payload = parse_json(line)
            except ValueError as e:
                if line.strip():
                    samples += 1
                    _unparseable(result, number, e, first)
                continue
            plain = False
        else:
            plain = True
        samples += 1
        if passes_fast_json(payload) if plain else passes_fast(payload):
            passed += 1
            continue
        try:
            issues = validator.check(payload)
        except RecursionError:  # a payload too deep or a $ref cycle: a failure, not a crash
            result.rules[(TOO_DEEP, "")] += 1
            if len(result.failures) < first:
                message = (
                    "could not be checked: Python's recursion limit was reached (a payload "
                    "nested too deeply, or a $ref cycle in the schema)"
                )
                result.failures.append(SampleFailure(number, TOO_DEEP, None, None, message))
            continue
        if not issues:  # beyond plain JSON (NaN, say): python-jsonschema decided it is valid
            passed += 1
            continue
        _failure(result, number, issues, first)
    result.samples += samples
    result.passed += passed


def _unparseable(result: ReplayResult, number: int, error: Exception, first: int) -> None:
    result.unparseable += 1
    result.rules[(UNPARSEABLE, "")] += 1
    if len(result.failures) < first:
        reason = "not UTF-8" if isinstance(error, UnicodeError) else str(error).splitlines()[0]
        message = f"not parseable as JSON: {reason}"
        result.failures.append(SampleFailure(number, UNPARSEABLE, None, None, message))


def _failure(result: ReplayResult, number: int, issues: list[Issue], first: int) -> None:
    for rule in {(i.keyword, i.schema_path) for i in issues}:
        result.rules[rule] += 1
    if len(result.failures) < first:
        best = issues[0]
        message = excerpt(best.message, MESSAGE_LIMIT)
        if len(issues) > 1:
            message += f" (and {len(issues) - 1} more)"
        result.failures.append(
            SampleFailure(number, best.keyword, best.path, best.schema_path, message)
        )


def render_replay_text(result: ReplayResult) -> str:
    """A verdict line, the counts, failures by rule and the first failing lines."""
    verdict = "PASS" if not result.failed else "FAIL"
    rate = f"{result.pass_rate:.2%}"
    speed = f", {result.samples / result.seconds:,.0f} samples/s" if result.seconds else ""
    lines = [
        f"registry-contract: {verdict} - {one_line(result.file)} against "
        f"{result.schema}@{result.track} (version {result.version})",
        f"  {result.samples} sample(s): {result.passed} passed ({rate}), {result.failed} failed"
        f" ({result.unparseable} unparseable); {result.seconds:.2f} s{speed}",
    ]
    if not result.fast:
        lines.append(f"  note: checked by python-jsonschema alone: {one_line(result.slow_reason)}")
    if result.rules:
        lines.append("  failing samples by rule (keyword at schema pointer):")
        for (rule, schema_path), count in _by_count(result.rules):
            lines.append(f"    {count:>9}  {one_line(rule)} at {one_line(schema_path or '(root)')}")
    if result.failures:
        lines.append(f"  first {len(result.failures)} failing sample(s):")
        for f in result.failures:
            where = f" at {one_line(f.path or '(root)')}" if f.path is not None else ""
            message = f"{one_line(f.message)} [{one_line(f.rule)}]"
            lines.append(f"    {one_line(result.file)}:{f.line}{where}: {message}")
    return "\n".join(lines) + "\n"


def render_replay_json(result: ReplayResult) -> str:
    """The same as a JSON document, for CI and scripts."""
    data: dict[str, Any] = {
        "result": "pass" if not result.failed else "fail",
        "file": result.file,
        "schema": result.schema,
        "track": result.track,
        "version": result.version,
        "samples": result.samples,
        "passed": result.passed,
        "failed": result.failed,
        "unparseable": result.unparseable,
        "pass_rate": result.pass_rate,
        "seconds": round(result.seconds, 6),
        "validator": "jsonschema-rs" if result.fast else "python-jsonschema",
        "slow_reason": result.slow_reason,
        "rules": [
            {"rule": rule, "schema_path": schema_path, "samples": count}
            for (rule, schema_path), count in _by_count(result.rules)
        ],
        "failures": [
            {
                "file": result.file,
                "line": f.line,
                "path": f.path,
                "schema_path": f.schema_path,
                "rule": f.rule,
                "message": f.message,
            }
            for f in result.failures
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def _by_count(rules: Counter[tuple[str, str]]) -> list[tuple[tuple[str, str], int]]:
    return sorted(rules.items(), key=lambda item: (-item[1], item[0]))
