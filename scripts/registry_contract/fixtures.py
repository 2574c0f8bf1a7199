"""Discover and load payload fixtures (JSON, YAML, JSONL) under a schema's fixtures folder."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

EXPECTATIONS = ("valid", "invalid")
SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".jsonl": "lines", ".ndjson": "lines"}


@dataclass(frozen=True)
class Fixture:
    """One payload to check: `track` None means every locked track of the schema."""

    schema: str
    track: str | None
    expected: Literal["valid", "invalid"]
    file: Path
    line: int | None
    payload: Any = None
    error: str | None = None  # set when the payload could not be parsed


def discover_fixture_files(root: Path) -> Iterator[tuple[str | None, str, Path]]:
    """Yield (track or None, expectation, file) for `TRACK/valid/**`, `valid/**` and so on."""
    if not root.is_dir():
        return
    for expected in EXPECTATIONS:
        yield from ((None, expected, f) for f in _files(root / expected))
    for track_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if track_dir.name in EXPECTATIONS:
            continue
        for expected in EXPECTATIONS:
            yield from ((track_dir.name, expected, f) for f in _files(track_dir / expected))


def _files(folder: Path) -> list[Path]:
    """The fixture files below `folder` in Path order, as `rglob("*")` and `is_file()` find
    them (symlinked folders are not entered; symlinked files count), five times faster."""
    if not folder.is_dir():
        return []
    found: list[str] = []
    _scan(os.fspath(folder), found)
    found.sort(key=_parts)
    return [Path(path) for path in found]


def _scan(folder: str, found: list[str]) -> None:
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:  # an unreadable folder is skipped, as rglob skips it
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _scan(entry.path, found)
        elif os.path.splitext(entry.name)[1].lower() in SUFFIXES and entry.is_file():
            found.append(entry.path)


def _parts(path: str) -> list[str]:
    """How pathlib orders paths: part by part, ignoring case where the OS does."""
    return os.path.normcase(path).split(os.sep)


def load_fixtures(schema: str, track: str | None, expected: str, path: Path) -> list[Fixture]:
    """Parse one fixture file into payloads; a parse failure is a Fixture with `error` set."""
    kind = SUFFIXES[path.suffix.lower()]
    exp: Literal["valid", "invalid"] = "valid" if expected == "valid" else "invalid"
    try:
        with open(path, "rb") as handle:  # not Path.read_bytes: this runs once per file
            data = handle.read()
    except OSError as e:
        return [Fixture(schema, track, exp, path, None, error=f"cannot read: {e.strerror}")]
    if kind == "lines":
        return list(_load_lines(schema, track, exp, path, data))
    try:
        if kind == "json":
            payload = json.loads(data)
        else:
            from .yamlio import load_yaml

            payload = load_yaml(data)
    except Exception as e:  # json.JSONDecodeError, yaml.YAMLError, UnicodeDecodeError
        line = _error_line(e)
        return [Fixture(schema, track, exp, path, line, error=_first_line(e))]
    return [Fixture(schema, track, exp, path, None, payload)]


def _load_lines(
    schema: str, track: str | None, expected: Literal["valid", "invalid"], path: Path, data: bytes
) -> Iterator[Fixture]:
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            yield Fixture(schema, track, expected, path, number, json.loads(raw))
        except ValueError as e:
            yield Fixture(schema, track, expected, path, number, error=_first_line(e))


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"not parseable: {text[0] if text else type(error).__name__}"


def _error_line(error: Exception) -> int | None:
    if isinstance(error, json.JSONDecodeError):
        return error.lineno
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line + 1 if mark is not None else None
