"""Discover and load payload fixtures (JSON, YAML, JSONL) under a schema's fixtures folder."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .lock.paths import printable_name

EXPECTATIONS = ("valid", "invalid")
SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".jsonl": "lines", ".ndjson": "lines"}
# The default of the config's `max-fixture-bytes`: a fixture is one hand-made or captured
# payload (or a few hundred lines of them), never a data dump; larger files are refused unread.
MAX_FIXTURE_BYTES = 10 * 2**20
UNPARSEABLE = "unparseable-fixture"
TOO_LARGE = "fixture-too-large"
OUTSIDE = "fixture-outside-folder"


@dataclass(frozen=True)
class Fixture:
    """One payload to check: `track` None means every locked track of the schema."""

    schema: str
    track: str | None
    expected: Literal["valid", "invalid"]
    file: Path
    line: int | None
    payload: Any = None
    error: str | None = None  # set when the payload could not be read or parsed
    rule: str = UNPARSEABLE  # why, when `error` is set


@dataclass
class FixtureScan:
    """What discovery found under a fixtures folder: the files to check, and the symlinks
    (files or folders) that resolve outside it, which are refused and never read."""

    files: list[tuple[str | None, str, Path]] = field(default_factory=list)
    outside: list[tuple[str | None, str, Path]] = field(default_factory=list)


def discover_fixture_files(root: Path) -> Iterator[tuple[str | None, str, Path]]:
    """Yield (track or None, expectation, file) for `TRACK/valid/**`, `valid/**` and so on."""
    yield from scan_fixtures(root).files


def scan_fixtures(root: Path) -> FixtureScan:
    """The fixture files under `root` (see discover_fixture_files), and the symlinks that
    resolve outside it: a pull request must not make the gate read, and print, /etc/passwd."""
    scan = FixtureScan()
    if not root.is_dir():
        return scan
    inside = _Inside(os.path.realpath(root))
    for expected in EXPECTATIONS:
        _add(scan, inside, None, expected, root / expected)
    for track_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        track = printable_name(track_dir.name)
        if track in EXPECTATIONS:
            continue
        if not inside(track_dir):
            scan.outside.append((track, "valid", track_dir))
            continue
        for expected in EXPECTATIONS:
            _add(scan, inside, track, expected, track_dir / expected)
    return scan


class _Inside:
    """Whether a path resolves inside the fixtures folder; only symlinks need resolving."""

    def __init__(self, real_root: str) -> None:
        self.prefix = os.path.join(real_root, "")

    def __call__(self, path: Path | str) -> bool:
        if not os.path.islink(path):
            return True
        return os.path.join(os.path.realpath(path), "").startswith(self.prefix)


def _add(
    scan: FixtureScan, inside: _Inside, track: str | None, expected: str, folder: Path
) -> None:
    if not folder.is_dir():
        return
    if not inside(folder):
        scan.outside.append((track, expected, folder))
        return
    found: list[str] = []
    outside: list[str] = []
    _scan(os.fspath(folder), found, outside, inside)
    found.sort(key=_parts)
    scan.files += [(track, expected, Path(path)) for path in found]
    scan.outside += [(track, expected, Path(path)) for path in sorted(outside, key=_parts)]


def _scan(folder: str, found: list[str], outside: list[str], inside: _Inside) -> None:
    """The fixture files below `folder`, as `rglob("*")` and `is_file()` find them (symlinked
    folders are not entered; symlinked files count), five times faster."""
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:  # an unreadable folder is skipped, as rglob skips it
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _scan(entry.path, found, outside, inside)
        elif os.path.splitext(entry.name)[1].lower() in SUFFIXES:
            if entry.is_symlink() and not inside(entry.path):
                outside.append(entry.path)
            elif entry.is_file():
                found.append(entry.path)


def _parts(path: str) -> list[str]:
    """How pathlib orders paths: part by part, ignoring case where the OS does."""
    return os.path.normcase(path).split(os.sep)


def refused_outside(schema: str, track: str | None, expected: str, path: Path) -> Fixture:
    """The finding's Fixture for a symlink that leads out of the fixtures folder (never read)."""
    exp: Literal["valid", "invalid"] = "valid" if expected == "valid" else "invalid"
    error = (
        "is a symlink that resolves outside the fixtures folder, so it was not read; "
        "put the payload itself in the folder"
    )
    return Fixture(schema, track, exp, path, None, error=error, rule=OUTSIDE)


def load_fixtures(
    schema: str,
    track: str | None,
    expected: str,
    path: Path,
    max_bytes: int = MAX_FIXTURE_BYTES,
) -> list[Fixture]:
    """Parse one fixture file into payloads; a read or parse failure is a Fixture with `error`
    set, and so is a file over `max_bytes` (read no further than that)."""
    kind = SUFFIXES[path.suffix.lower()]
    exp: Literal["valid", "invalid"] = "valid" if expected == "valid" else "invalid"
    try:
        with open(path, "rb") as handle:  # not Path.read_bytes: this runs once per file
            data = handle.read(max_bytes + 1)
    except OSError as e:
        return [Fixture(schema, track, exp, path, None, error=f"cannot read: {e.strerror}")]
    if len(data) > max_bytes:
        error = f"larger than max-fixture-bytes ({max_bytes} bytes), not read"
        return [Fixture(schema, track, exp, path, None, error=error, rule=TOO_LARGE)]
    if kind == "lines":
        return list(_load_lines(schema, track, exp, path, data))
    try:
        if kind == "json":
            payload = parse_json(data)
        else:
            from .yamlio import load_yaml

            payload = load_yaml(data)
    except Exception as e:  # ValueError, yaml.YAMLError, UnicodeDecodeError, RecursionError
        line = _error_line(e)
        return [Fixture(schema, track, exp, path, line, error=_first_line(e))]
    return [Fixture(schema, track, exp, path, None, payload)]


def parse_json(data: bytes | str) -> Any:
    """Strict JSON: NaN, Infinity and numbers beyond a double are refused (Python's json takes
    them, but no JSON payload can hold them), and so is nesting past the interpreter's depth;
    each raises ValueError."""
    try:
        return json.loads(data, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("nested too deeply to read (keep payloads under ~900 levels)") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (_INFINITY, -_INFINITY):
        raise ValueError(f"{text[:20]} is beyond the range of a JSON number (a double)")
    return value


_INFINITY = float("inf")


def _load_lines(
    schema: str, track: str | None, expected: Literal["valid", "invalid"], path: Path, data: bytes
) -> Iterator[Fixture]:
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            yield Fixture(schema, track, expected, path, number, parse_json(raw))
        except ValueError as e:
            yield Fixture(schema, track, expected, path, number, error=_first_line(e))


def _first_line(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "not parseable: nested too deeply to read"
    problem = getattr(error, "problem", None)  # a YAML error: its context, then its problem
    if problem:
        return (
            f"not parseable: {'; '.join(filter(None, [getattr(error, 'context', None), problem]))}"
        )
    text = str(error).strip().splitlines()
    return f"not parseable: {text[0] if text else type(error).__name__}"


def _error_line(error: Exception) -> int | None:
    if isinstance(error, json.JSONDecodeError):
        return error.lineno
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line + 1 if mark is not None else None
