"""Read, verify and render the lockfile directory `schemas-lock/` (lockwrite.py writes it)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .dialect import DEFAULT_DIALECT_NAME
from .errors import LockError

LOCK_FILE = "lock.json"
LOCK_VERSION = 1
_NAME = re.compile(r"^(?!.*\.\.)[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class LockEntry:
    name: str
    track: str
    version: int
    sha256: str
    file: str


@dataclass
class Lock:
    """A loaded lock: the index plus lazily read schema documents."""

    dir: Path
    registry: dict[str, Any]
    entries: dict[str, dict[str, LockEntry]]
    _documents: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def tracks(self, name: str) -> list[str]:
        return list(self.entries.get(name, {}))

    def entry(self, name: str, track: str) -> LockEntry | None:
        return self.entries.get(name, {}).get(track)

    def schema(self, name: str, track: str) -> Any:
        """The locked schema document (parsed once)."""
        key = (name, track)
        if key not in self._documents:
            entry = self.entries[name][track]
            path = self.dir / entry.file
            try:
                self._documents[key] = json.loads(path.read_bytes())
            except (OSError, ValueError) as e:
                raise LockError(
                    f"{path}: cannot read locked schema {name}@{track} ({e})",
                    hint="run `registry-contract verify`, then `registry-contract lock`",
                ) from e
        return self._documents[key]


def canonical_json(document: Any) -> bytes:
    """Sorted keys, 2-space indent, trailing newline: identical input gives identical bytes."""
    return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def public_url(url: str | None) -> str | None:
    """Drop any user:password@ from a URL before it is written or printed."""
    if not url or "@" not in url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def load_lock(lock_dir: Path) -> Lock:
    """Load lock.json; raises LockError when it is missing or malformed."""
    index = lock_dir / LOCK_FILE
    hint = "run `registry-contract lock` to create it, or restore it with git"
    try:
        raw = json.loads(index.read_bytes())
    except FileNotFoundError as e:
        raise LockError(f"{index}: lockfile not found", hint=hint) from e
    except (OSError, ValueError) as e:
        raise LockError(f"{index}: lockfile is not valid JSON ({e})", hint=hint) from e
    if not isinstance(raw, dict) or raw.get("lock-version") != LOCK_VERSION:
        raise LockError(
            f"{index}: expected an object with lock-version {LOCK_VERSION}",
            hint="regenerate it with `registry-contract lock`",
        )
    entries: dict[str, dict[str, LockEntry]] = {}
    try:
        for name, tracks in raw["schemas"].items():
            for track, item in tracks.items():
                entry = LockEntry(name, track, int(item["version"]), item["sha256"], item["file"])
                entries.setdefault(name, {})[track] = entry
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise LockError(
            f"{index}: malformed entry ({e!r})", hint="regenerate it with `registry-contract lock`"
        ) from e
    return Lock(dir=lock_dir, registry=dict(raw.get("registry") or {}), entries=entries)


def verify_lock(lock: Lock, default_dialect: str = DEFAULT_DIALECT_NAME) -> list[str]:
    """Return every integrity problem: digests, missing or unlisted files, invalid schemas
    (a schema without `$schema` is read in `default_dialect`)."""
    from .metaschema import find_schema_error

    problems: list[str] = []
    listed = {LOCK_FILE}
    for name, tracks in lock.entries.items():
        for track, entry in tracks.items():
            where = f"{lock.dir / entry.file} ({name}@{track})"
            if not _NAME.match(name) or not _NAME.match(track):
                problems.append(f"{lock.dir / LOCK_FILE}: invalid schema or track name {name!r}")
                continue
            if entry.file != f"{name}/{track}.json":
                problems.append(f"{where}: file should be {name}/{track}.json")
                continue
            listed.add(entry.file)
            try:
                data = (lock.dir / entry.file).read_bytes()
            except OSError:
                problems.append(f"{where}: file is missing")
                continue
            if sha256_hex(data) != entry.sha256:
                problems.append(f"{where}: sha256 mismatch, the file was changed after locking")
                continue
            try:
                document = json.loads(data)
            except ValueError as e:
                problems.append(f"{where}: not valid JSON ({e})")
                continue
            error = find_schema_error(document, default_dialect)
            if error is not None:
                problems.append(f"{where}: not a valid JSON Schema ({error.message})")
    for path in sorted(lock.dir.rglob("*")):
        rel = path.relative_to(lock.dir).as_posix()
        if path.is_file() and rel not in listed:
            problems.append(f"{path}: unlisted file in the lock directory")
    return problems


def load_intact_lock(
    lock_dir: Path,
    *,
    check: Callable[[Lock], list[str]] | None = None,
    default_dialect: str = DEFAULT_DIALECT_NAME,
) -> Lock:
    """Load and verify a lock, refusing one with any problem (exit 4, each problem listed).

    `check` adds a caller's own problems with the loaded lock (e.g. schemas it lacks).
    """
    lock = load_lock(lock_dir)
    problems = verify_lock(lock, default_dialect) + (check(lock) if check else [])
    if problems:
        raise LockError(
            f"{lock_dir}: {len(problems)} problem(s) found",
            hint="restore the files with git or regenerate them with `registry-contract lock`",
            problems=tuple(problems),
        )
    return lock


def lock_file_name(name: str, track: str) -> str:
    """Where a schema's track lives, relative to the lock directory."""
    return f"{name}/{track}.json"


def render_lock(
    registry: dict[str, Any],
    documents: dict[str, dict[str, tuple[int, Any]]],
    *,
    rendered: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Map each relative path of a lock directory to its exact bytes; `rendered` holds the
    canonical_json bytes of documents the caller has worked out already, by path."""
    files: dict[str, bytes] = {}
    index: dict[str, dict[str, dict[str, Any]]] = {}
    for name in sorted(documents):
        for track in sorted(documents[name]):
            version, document = documents[name][track]
            rel = lock_file_name(name, track)
            data = rendered.get(rel) if rendered else None
            if data is None:
                data = canonical_json(document)
            files[rel] = data
            index.setdefault(name, {})[track] = {
                "version": version,
                "sha256": sha256_hex(data),
                "file": rel,
            }
    head = {"api": registry.get("api"), "url": public_url(registry.get("url"))}
    files[LOCK_FILE] = canonical_json(
        {"lock-version": LOCK_VERSION, "registry": head, "schemas": index}
    )
    return files


def read_lock_files(lock_dir: Path) -> dict[str, bytes]:
    """The current bytes of every file in a lock directory (empty when there is none)."""
    if not lock_dir.is_dir():
        return {}
    return {
        p.relative_to(lock_dir).as_posix(): p.read_bytes()
        for p in sorted(lock_dir.rglob("*"))
        if p.is_file()
    }
