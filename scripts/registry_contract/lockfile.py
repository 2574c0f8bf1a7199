"""Read, verify and atomically write the lockfile directory `schemas-lock/`."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .errors import LockError

if TYPE_CHECKING:  # the writing side imports its modules when it runs: reading stays lean
    import ctypes
    from concurrent.futures import ThreadPoolExecutor

LOCK_FILE = "lock.json"
LOCK_VERSION = 1
_NAME = re.compile(r"^(?!.*\.\.)[A-Za-z0-9._-]+$")
_RENAME_EXCHANGE = 2
SYNCFS_ABOVE = 16  # files left to sync at the end: more than this, and one syncfs does it


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


def verify_lock(lock: Lock) -> list[str]:
    """Return every integrity problem: digests, missing or unlisted files, invalid schemas."""
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
            error = find_schema_error(document)
            if error is not None:
                problems.append(f"{where}: not a valid JSON Schema ({error.message})")
    for path in sorted(lock.dir.rglob("*")):
        rel = path.relative_to(lock.dir).as_posix()
        if path.is_file() and rel not in listed:
            problems.append(f"{path}: unlisted file in the lock directory")
    return problems


def load_intact_lock(lock_dir: Path, *, check: Callable[[Lock], list[str]] | None = None) -> Lock:
    """Load and verify a lock, refusing one with any problem (exit 4, each problem listed).

    `check` adds a caller's own problems with the loaded lock (e.g. schemas it lacks).
    """
    lock = load_lock(lock_dir)
    problems = verify_lock(lock) + (check(lock) if check else [])
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


class StagedLock:
    """The next lock tree, written beside the current one while its documents arrive.

    `put` is called from the fetching threads as each document comes in; one writer thread
    writes each file and syncs it and its folder to disk while the fetches wait for the
    registry, and the fetching threads go straight on to their next request.
    `write_lock(..., staged=...)` then writes and syncs only what is missing or different, and
    swaps the tree in. Nothing in the lock directory changes before that swap; `discard`
    removes the staged tree. A file that cannot be staged is simply written again by
    write_lock, which reports any error.
    """

    def __init__(self, lock_dir: Path) -> None:
        import threading

        self.lock_dir = lock_dir
        self._lock = threading.Lock()
        self._writer: ThreadPoolExecutor | None = None
        self._dir: Path | None = None
        self._written: dict[str, bytes] = {}

    def put(self, rel: str, data: bytes) -> None:
        with self._lock:
            if self._writer is None:
                from concurrent.futures import ThreadPoolExecutor

                self._writer = ThreadPoolExecutor(1, thread_name_prefix="lock-writer")
            self._writer.submit(self._write, rel, data)

    def _write(self, rel: str, data: bytes) -> None:
        try:
            if self._dir is None:  # only the writer thread sets it
                self._dir = _new_staging(self.lock_dir)
            path = self._dir / rel
            _write_file(path, data)
            _fsync_file(path)
            _fsync_dir(path.parent)
        except OSError:
            return
        self._written[rel] = data

    def take(self) -> tuple[Path | None, dict[str, bytes]]:
        """The staged tree and what it holds, once every write is done; this object forgets
        both."""
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.shutdown(wait=True)
        taken = (self._dir, self._written)
        self._dir, self._written = None, {}
        return taken

    def discard(self) -> None:
        folder, _ = self.take()
        if folder is not None:
            _remove_tree(folder)


def write_lock(
    lock_dir: Path, files: dict[str, bytes], *, staged: StagedLock | None = None
) -> bool:
    """Replace the lock directory with `files` atomically; return False when nothing changed.

    The new tree is built and synced beside the old one (`staged` may hold part of it
    already), then swapped in with one rename (RENAME_EXCHANGE on Linux), so an interrupted
    write leaves the old lock intact.
    """
    folder, written = staged.take() if staged is not None else (None, {})
    if read_lock_files(lock_dir) == files:
        if folder is not None:
            _remove_tree(folder)
        return False
    parent = lock_dir.parent
    staging = folder or _new_staging(lock_dir)
    try:
        unsynced = [rel for rel, data in files.items() if written.get(rel) != data]
        for rel in unsynced:
            _write_file(staging / rel, files[rel])
        for rel in written.keys() - files.keys():
            (staging / rel).unlink()
            with contextlib.suppress(OSError):
                (staging / rel).parent.rmdir()  # only when empty
        _sync_tree(staging, unsynced)
        if lock_dir.exists() and _exchange(staging, lock_dir):
            pass  # staging now holds the old tree
        elif lock_dir.exists():
            backup = parent / f".{lock_dir.name}.old-{os.getpid()}"
            os.rename(lock_dir, backup)
            os.rename(staging, lock_dir)
            staging = backup
        else:
            os.rename(staging, lock_dir)
            staging = Path()
        _fsync_dir(parent)
    finally:
        if staging != Path():
            _remove_tree(staging)
    return True


def _new_staging(lock_dir: Path) -> Path:
    parent = lock_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(lock_dir)
    import tempfile

    return Path(tempfile.mkdtemp(prefix=f".{lock_dir.name}.tmp-", dir=parent))


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def _sync_tree(staging: Path, unsynced: list[str]) -> None:
    """Make the staged tree durable before it is swapped in; `unsynced` are the files not
    synced yet (staged files were synced, with their folders, as they were written).

    Many files take one syncfs(2) of the filesystem where there is one: 201 fsyncs in a row
    cost about 75 ms. A few take an fsync each, which does not wait for whatever else is
    waiting to be written to the same filesystem, as syncfs does.
    """
    if len(unsynced) > SYNCFS_ABOVE and _syncfs(staging):
        return
    for rel in unsynced:
        _fsync_file(staging / rel)
    for folder in {(staging / rel).parent for rel in unsynced} | {staging}:
        _fsync_dir(folder)


def _syncfs(path: Path) -> bool:
    libc = _libc()
    syncfs = getattr(libc, "syncfs", None) if libc else None
    if syncfs is None:
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        return bool(syncfs(fd) == 0)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library already loaded into this process (dlopen(NULL)); None where there is none.

    Not ctypes.util.find_library("c"): on Linux it runs `ldconfig -p` in a subprocess, which
    cost 28 ms of every lock write.
    """
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):  # Windows has no dlopen(NULL): fsync and rename instead
        return None


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _remove_stale(lock_dir: Path) -> None:
    """Remove staging trees left by a killed writer; restore a lock lost between two renames."""
    backups = sorted(lock_dir.parent.glob(f".{lock_dir.name}.old-*"))
    if backups and not lock_dir.exists():
        os.rename(backups.pop(), lock_dir)
    for stale in [*lock_dir.parent.glob(f".{lock_dir.name}.tmp-*"), *backups]:
        _remove_tree(stale)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories with renameat2(RENAME_EXCHANGE), where the OS has it."""
    libc = _libc()
    renameat2 = getattr(libc, "renameat2", None) if libc else None
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)
