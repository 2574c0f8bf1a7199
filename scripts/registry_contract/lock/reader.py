"""Read, verify and render the lockfile directory `schemas-lock/` (lock/writer.py writes it)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dialect import DEFAULT_DIALECT_NAME
from ..errors import LockError

LOCK_FILE = "lock.json"
LOCK_VERSION = 1
READ_ATTEMPTS = 5  # reads of a lock that a concurrent refresh keeps swapping out
_NAME = re.compile(r"^(?!.*\.\.)[A-Za-z0-9._-]+\Z")
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_SECRET_KEY = r"([?&;][^=&;#]*(?:token|key|secret|pass|pwd|sig|auth|cred|session)[^=&;#]*=)"
_SECRET_QUERY = re.compile(_SECRET_KEY + r"[^&;#]*", re.IGNORECASE)
_SECRET_QUERY_IN_TEXT = re.compile(_SECRET_KEY + r"[^&;#\s'\"<>]*", re.IGNORECASE)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


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
            except (OSError, ValueError, RecursionError) as e:
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
    """The URL without user:password@, and with the values of secret-looking query
    parameters (token=, api_key=, sig=, ...) masked, before it is written or printed.

    Works on the text, so that a malformed URL (a bad port or IPv6 literal) is cleaned too.
    """
    if not url:
        return url
    return _SECRET_QUERY.sub(r"\1***", _USERINFO.sub(r"\1", url))


def public_urls(text: str) -> str:
    """`text` with every URL in it made public (for messages of libraries that quote URLs),
    and secret query values masked in the URLs without a scheme too (urllib3's `url: /path?...`)."""
    public = _URL.sub(lambda m: public_url(m.group()) or "", text)
    return _SECRET_QUERY_IN_TEXT.sub(r"\1***", public)


def load_lock(lock_dir: Path) -> Lock:
    """Load lock.json; raises LockError when it is missing or malformed."""
    index = lock_dir / LOCK_FILE
    hint = "run `registry-contract lock` to create it, or restore it with git"
    try:
        raw = json.loads(index.read_bytes())
    except FileNotFoundError as e:
        raise LockError(f"{index}: lockfile not found", hint=hint) from e
    except (OSError, ValueError, RecursionError) as e:  # RecursionError: nested too deeply
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
                entry = LockEntry(name, track, item["version"], item["sha256"], item["file"])
                check_entry(entry)
                entries.setdefault(name, {})[track] = entry
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise LockError(
            f"{index}: malformed entry ({e!r})", hint="regenerate it with `registry-contract lock`"
        ) from e
    return Lock(dir=lock_dir, registry=dict(raw.get("registry") or {}), entries=entries)


def is_lock_name(name: str) -> bool:
    """Whether a schema or track name may be a folder or file name in the lock."""
    return bool(_NAME.match(name))


def check_entry(entry: LockEntry) -> None:
    """A registry version is a positive integer; the digest and the file are strings
    (ValueError or TypeError otherwise)."""
    version = entry.version
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(
            f"version of {entry.name}@{entry.track} is {version!r}, not a positive integer"
        )
    if not isinstance(entry.sha256, str) or not isinstance(entry.file, str):
        raise TypeError(f"sha256 and file of {entry.name}@{entry.track} must be strings")


def verify_lock(lock: Lock, default_dialect: str = DEFAULT_DIALECT_NAME) -> list[str]:
    """Return every integrity problem: digests, missing or unlisted files, invalid schemas
    (a schema without `$schema` is read in `default_dialect`)."""
    from ..validation.metaschema import find_schema_error

    problems = foreign_links(lock.dir)
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
            if problems and leaves_folder(lock.dir, entry.file):  # said by foreign_links
                continue  # and never read: it could be /dev/zero
            try:
                data = (lock.dir / entry.file).read_bytes()
            except OSError:
                problems.append(f"{where}: file is missing")
                continue
            if sha256_hex(data) != entry.sha256:
                problems.append(f"{where}: sha256 mismatch, the file was changed after locking")
                continue
            if too_deep(data):
                problems.append(f"{where}: nested more than {MAX_SCHEMA_DEPTH} levels deep")
                continue
            try:
                document = json.loads(data)
            except (ValueError, RecursionError) as e:
                problems.append(f"{where}: not valid JSON ({e})")
                continue
            try:
                error = find_schema_error(document, default_dialect)
            except RecursionError:
                problems.append(f"{where}: nested too deeply to check against its metaschema")
                continue
            if error is not None:
                problems.append(f"{where}: not a valid JSON Schema ({error.message})")
            # Later reads use the verified bytes, never the file again, which a refresh may
            # have replaced since.
            lock._documents[(name, track)] = document
    for path in sorted(lock.dir.rglob("*")):
        rel = path.relative_to(lock.dir).as_posix()
        if path.is_file() and rel not in listed:
            problems.append(f"{path}: unlisted file in the lock directory")
    return problems


def foreign_links(lock_dir: Path) -> list[str]:
    """The symlinks in a lock folder that resolve outside it, or nowhere (a loop): only the
    lock writer writes this folder, and it writes no links, so a pull request put them there."""
    problems = []
    for folder, dirs, files in os.walk(lock_dir):  # symlinked folders are listed, not entered
        for name in sorted(dirs + files):
            path = Path(folder, name)
            if not path.is_symlink():
                continue
            try:
                target = os.path.join(path.resolve(strict=True), "")
            except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
                problems.append(f"{path}: a symlink loop or a dangling symlink")
                continue
            if os.path.join(os.path.realpath(folder), "").startswith(target):
                problems.append(f"{path}: a symlink loop (it leads to a folder that holds it)")
            elif leaves_folder(lock_dir, path.relative_to(lock_dir).as_posix()):
                problems.append(f"{path}: a symlink that resolves outside the lock folder")
    return problems


def leaves_folder(lock_dir: Path, rel: str) -> bool:
    """Whether `rel` in the lock folder resolves (through symlinks) outside it."""
    real = os.path.realpath(lock_dir)
    return not os.path.realpath(os.path.join(lock_dir, rel)).startswith(os.path.join(real, ""))


# Deeper than any real schema, and shallow enough that the validators and the compatibility
# engine, which recurse, stay well within Python's recursion limit.
MAX_SCHEMA_DEPTH = 128
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')  # unrolled: no backtracking per char
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def too_deep(data: bytes, limit: int = MAX_SCHEMA_DEPTH) -> bool:
    """Whether a JSON text nests arrays and objects more than `limit` deep, found without
    parsing it (parsing is what a deep document breaks); strings are dropped first."""
    if data.count(b"[") + data.count(b"{") <= limit:  # most schemas: no need to look closer
        return False
    depth = 0
    for byte in _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS):
        depth += 1 if byte in b"[{" else -1
        if depth > limit:
            return True
    return False


def load_intact_lock(
    lock_dir: Path,
    *,
    check: Callable[[Lock], list[str]] | None = None,
    default_dialect: str = DEFAULT_DIALECT_NAME,
) -> Lock:
    """Load and verify a lock, refusing one with any problem (exit 4, each problem listed).

    `check` adds a caller's own problems with the loaded lock (e.g. schemas it lacks).
    """
    for _ in range(READ_ATTEMPTS):
        before = _generation(lock_dir)
        lock = load_lock(lock_dir)
        problems = verify_lock(lock, default_dialect) + (check(lock) if check else [])
        if not problems or _generation(lock_dir) == before:
            break  # a problem seen while no refresh swapped the tree in is real
    if problems:
        raise LockError(
            f"{lock_dir}: {len(problems)} problem(s) found",
            hint="restore the files with git or regenerate them with `registry-contract lock`",
            problems=tuple(problems),
        )
    return lock


def _generation(lock_dir: Path) -> tuple[int, int] | None:
    """The lock folder's inode and change time: a refresh swaps in a whole new folder."""
    try:
        stat = lock_dir.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_ctime_ns


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
    """The current bytes of every file in a lock directory (empty when there is none), all
    from one tree: read again when a concurrent refresh swapped the folder meanwhile."""
    for attempt in range(READ_ATTEMPTS):
        before = _generation(lock_dir)
        if before is None or not lock_dir.is_dir():
            return {}
        try:
            files = {
                p.relative_to(lock_dir).as_posix(): p.read_bytes()
                for p in sorted(lock_dir.rglob("*"))
                if p.is_file()
            }
        except FileNotFoundError as e:  # listed in the old tree, gone from the new one
            if attempt == READ_ATTEMPTS - 1:
                raise LockError(
                    f"{lock_dir}: replaced again and again while being read",
                    hint="retry when the other `registry-contract lock` has finished",
                ) from e
            continue
        if _generation(lock_dir) == before:
            break
    return files
