"""Read the lockfile directory as it is at a git ref, without touching the work tree."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .reader import LOCK_FILE, LockEntry, check_entry, is_lock_name, lock_file_name


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as e:
        raise UsageError("git is not installed", hint="install git to use --against") from e


def read_lock_at(ref: str, lock_dir: Path) -> dict[str, dict[str, tuple[int, Any]]] | None:
    """The locked documents at `ref` as {name: {track: (version, schema)}}; None when absent."""
    folder = lock_dir if lock_dir.is_dir() else lock_dir.parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UsageError(
            f"{lock_dir} is not inside a git repository", hint="run --against from a git checkout"
        )
    root = Path(top.stdout.decode().strip())
    if _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        if _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
            return None  # a repository with no commit yet has no earlier lock to compare with
        raise UsageError(
            f"git ref {ref!r} not found",
            hint="fetch it first (actions/checkout with fetch-depth: 0, or git fetch origin REF)",
        )
    rel = lock_dir.resolve().relative_to(root.resolve()).as_posix()
    index = _git(root, "show", f"{ref}:{rel}/{LOCK_FILE}")
    if index.returncode != 0:
        return None
    try:
        raw = json.loads(index.stdout)
        documents: dict[str, dict[str, tuple[int, Any]]] = {}
        for name, tracks in raw["schemas"].items():
            for track, item in tracks.items():
                entry = LockEntry(name, track, item["version"], item["sha256"], item["file"])
                check_entry(entry)
                if not (is_lock_name(name) and is_lock_name(track)):
                    raise ValueError(f"invalid schema or track name {name!r}@{track!r}")
                if entry.file != lock_file_name(name, track):  # never another file of the ref
                    raise ValueError(f"file of {name}@{track} should be {name}/{track}.json")
                shown = _git(root, "show", f"{ref}:{rel}/{entry.file}")
                if shown.returncode != 0:
                    raise ValueError(f"{entry.file} is missing")
                document = json.loads(shown.stdout)
                documents.setdefault(name, {})[track] = (entry.version, document)
    except (ValueError, KeyError, TypeError, RecursionError) as e:
        raise UsageError(
            f"the lock at git ref {ref!r} ({rel}) is unreadable: {e}",
            hint="compare against another ref",
        ) from e
    return documents
