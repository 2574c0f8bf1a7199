"""Write the lockfile directory `schemas-lock/` atomically: a tree built and synced beside the
old one, then swapped in with one rename, so an interrupted write leaves the old lock intact."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LockError
from .reader import read_lock_files

if TYPE_CHECKING:  # imported where they are used: loading this module stays cheap
    import ctypes
    from concurrent.futures import ThreadPoolExecutor

_RENAME_EXCHANGE = 2
SYNCFS_ABOVE = 16  # files left to sync at the end: more than this, and one syncfs does it


@contextlib.contextmanager
def exclusive_writer(lock_dir: Path) -> Iterator[None]:
    """Be the only writer of `lock_dir` while the block runs, or fail at once (exit 4).

    An exclusive flock(2) on `.NAME.lock` beside the lock folder, which holds the writer's
    pid so that a second run can name it. Failing rather than waiting: a second refresh
    started while one is fetching would only fetch the same documents again. The file is
    removed on the way out; a writer that finds it replaced after locking it locks the new one.
    """
    import fcntl

    path = lock_dir.parent / f".{lock_dir.name}.lock"
    while True:
        try:
            lock_dir.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise write_error(path, e) from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise LockError(
                f"{lock_dir}: another `registry-contract lock` (pid "
                f"{holder if holder.isdigit() else 'unknown'}) is writing it",
                hint="wait for that run to finish, then run again",
            ) from e
        except OSError as e:  # a filesystem without locks
            os.close(fd)
            raise write_error(path, e) from e
        with contextlib.suppress(OSError):
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                break
        os.close(fd)  # its holder removed the file after we opened it: lock the new one
    try:
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as e:  # a full disk
            raise write_error(path, e) from e
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


def write_error(path: Path, error: OSError) -> LockError:
    """A lock that cannot be written (read-only folder, full disk), naming the path."""
    return LockError(
        f"{path}: cannot write the lock ({error.strerror or error}); the previous lock is intact",
        hint="make the lock folder's filesystem writable and give it free space, then run again",
    )


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
        self._taken = False

    def put(self, rel: str, data: bytes) -> None:
        with self._lock:
            if self._taken:  # a fetch that ends after an interrupted run was cleaned up
                return
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
            self._taken = True
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
    try:
        return _swap_in(lock_dir, files, folder, written)
    except OSError as e:
        if folder is not None:
            _remove_tree(folder)
        raise write_error(lock_dir, e) from e


def _swap_in(
    lock_dir: Path, files: dict[str, bytes], folder: Path | None, written: dict[str, bytes]
) -> bool:
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
            backup = parent / f".{lock_dir.name}.old-{os.getpid()}-"
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

    # The pid in the name tells a live writer's tree from one left by a killed writer.
    return Path(tempfile.mkdtemp(prefix=f".{lock_dir.name}.tmp-{os.getpid()}-", dir=parent))


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
    """Remove staging trees left by a killed writer; restore a lock lost between two renames.

    A tree whose writer is still running (its pid is in the name) is never touched.
    """
    backups = sorted(p for p in lock_dir.parent.glob(f".{lock_dir.name}.old-*") if _orphaned(p))
    if backups and not lock_dir.exists():
        os.rename(backups.pop(), lock_dir)
    for stale in [*lock_dir.parent.glob(f".{lock_dir.name}.tmp-*"), *backups]:
        if _orphaned(stale):
            _remove_tree(stale)


def _orphaned(tree: Path) -> bool:
    """Whether the writer that made `tree` (`.NAME.tmp-PID-...`, `.NAME.old-PID-`) is gone."""
    pid = tree.name.rsplit(".", 1)[-1].split("-")[1:2]
    if not pid or not pid[0].isdigit():
        return True  # named by an older version, which took no pid
    try:
        os.kill(int(pid[0]), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, but another user's
        return False
    return False


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories with renameat2(RENAME_EXCHANGE), where the OS has it."""
    libc = _libc()
    renameat2 = getattr(libc, "renameat2", None) if libc else None
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)
