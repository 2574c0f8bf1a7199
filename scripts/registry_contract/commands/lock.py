"""`registry-contract lock`: fetch every configured schema and track into schemas-lock/."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import ExitCode, LockError, UsageError
from ..text import emit_line
from ._common import load_config_from

if TYPE_CHECKING:
    from ..config import Config
    from ..drift import DriftEntry
    from ..lock.reader import Lock
    from ..lock.writer import StagedLock
    from ..registry import FetchedSchema

HELP = "fetch every configured schema and track from the registry into schemas-lock/"
Documents = dict[str, dict[str, tuple[int, Any]]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when the lock would change"
    )
    parser.add_argument(
        "--schema", action="append", metavar="NAME", help="only this schema (repeatable)"
    )
    parser.add_argument(
        "--track", action="append", metavar="TRACK", help="only this track (repeatable)"
    )


def run(args: argparse.Namespace) -> int:
    from ..lock.writer import exclusive_writer

    config = load_config_from(args)
    if args.check:
        return _refresh(config, args)
    with exclusive_writer(config.lock_dir):
        return _refresh(config, args)


def _refresh(config: Config, args: argparse.Namespace) -> int:
    from ..drift import diff_lock
    from ..lock.reader import read_lock_files, render_lock
    from ..lock.writer import StagedLock, write_lock
    from ..registry import build_client
    from ..registry.fetch import fetch_tracks, require_some_track

    names = _select_schemas(config, args.schema)
    pairs = _select_pairs(config, names, args.track)
    partial = bool(args.schema or args.track)
    old = _load_old_lock(config, partial)
    client = build_client(config, lock=old)
    staged = None if args.check else StagedLock(config.lock_dir)
    try:
        try:
            live = fetch_tracks(client, pairs, config.registry.workers, on_fetched=_stager(staged))
            documents = _merge(old, live, keep_others=partial)
            for name in names:
                asked = [t for n, t in pairs if n == name]
                require_some_track(client, name, asked, list(documents.get(name, {})))
        finally:
            client.close()
        _refuse_remote_refs(config, documents)
        entries = diff_lock(old, live)
        _print_entries(config, names, entries, documents)
        head = {"api": config.registry.api, "url": config.registry.url}
        files = render_lock(head, documents, rendered=_rendered(live))
        where = config.lock_dir.name + "/"
        summary = _summary(entries, drop=_dropped(old, documents))
        if args.check:
            current = read_lock_files(config.lock_dir)
            if _without_head(files) != _without_head(current):
                emit_line(f"drift: {where} would change ({summary}); run `registry-contract lock`")
                return int(ExitCode.VIOLATIONS)
            emit_line(f"{where} is up to date with the registry")
            return int(ExitCode.PASSED)
        if write_lock(config.lock_dir, files, staged=staged):
            emit_line(f"wrote {where} ({summary})")
        else:
            emit_line(f"{where} is up to date with the registry")
    finally:
        if staged is not None:  # a run that failed or was interrupted leaves no staged tree
            staged.discard()
    return int(ExitCode.PASSED)


def _refuse_remote_refs(config: Config, documents: Documents) -> None:
    """Refuse, before writing, a schema whose `$ref` leaves the lock, as the gate would."""
    from ..errors import RegistryError
    from ..validation.validators import check_remote_refs, locked_refs_of

    # What the gate's build_locked_refs will find in the lock being written.
    known = set(locked_refs_of(d for tracks in documents.values() for _, d in tracks.values()))
    for name, tracks in documents.items():
        for track, (_, document) in tracks.items():
            label = f"{config.lock_dir / name / track}.json ({name}@{track})"
            try:
                check_remote_refs(document, known, label, config.default_dialect)
            except LockError as e:
                raise RegistryError(e.message, hint=e.hint) from e
            except RecursionError as e:
                raise RegistryError(
                    f"{label}: nested too deeply to check its $ref",
                    hint="flatten the schema in the registry (use $defs)",
                ) from e


def _stager(staged: StagedLock | None) -> Callable[[FetchedSchema], None] | None:
    """Write each changed document into the next lock tree as soon as it arrives."""
    if staged is None:
        return None
    from ..lock.reader import lock_file_name

    def stage(fetched: FetchedSchema) -> None:
        if not fetched.not_modified:  # a 304's document is the locked file itself
            staged.put(lock_file_name(fetched.name, fetched.track), fetched.canonical)

    return stage


def _rendered(live: dict[tuple[str, str], FetchedSchema | None]) -> dict[str, bytes]:
    """The lock files the fetched documents become, already worked out while fetching."""
    from ..lock.reader import lock_file_name

    return {lock_file_name(*pair): f.canonical for pair, f in live.items() if f is not None}


def _select_schemas(config: Config, asked: list[str] | None) -> list[str]:
    unknown = sorted(set(asked or ()) - set(config.schemas))
    if unknown:
        raise UsageError(
            f"--schema {', '.join(unknown)}: not in {config.path.name}",
            hint=f"configured schemas: {', '.join(config.schemas)}",
        )
    return [n for n in config.schemas if not asked or n in asked]


def _select_pairs(
    config: Config, names: list[str], tracks: list[str] | None
) -> list[tuple[str, str]]:
    configured = {t for n in names for t in config.schemas[n].tracks}
    unknown = sorted(set(tracks or ()) - configured)
    if unknown:
        raise UsageError(
            f"--track {', '.join(unknown)}: not a configured track of the selected schemas",
            hint=f"configured tracks: {', '.join(sorted(configured))}",
        )
    return [(n, t) for n in names for t in config.schemas[n].tracks if not tracks or t in tracks]


def _load_old_lock(config: Config, partial: bool) -> Lock | None:
    """The current lock: needed intact to keep entries, otherwise only compared with."""
    from ..lock.reader import LOCK_FILE, load_lock, verify_lock

    if not (config.lock_dir / LOCK_FILE).is_file():
        return None
    try:
        lock = load_lock(config.lock_dir)
        problems = verify_lock(lock, config.default_dialect)
    except LockError:
        if partial:
            raise
        emit_line(f"note: replacing the unreadable {config.lock_dir / LOCK_FILE}", sys.stderr)
        return None
    if problems and partial:
        raise LockError(
            f"{config.lock_dir}: {len(problems)} problem(s) found; cannot keep its other entries",
            hint="run `registry-contract lock` without --schema/--track to regenerate it",
            problems=tuple(problems),
        )
    if problems:
        emit_line(
            f"note: replacing {config.lock_dir}, which has {len(problems)} problem(s)", sys.stderr
        )
    return lock


def _merge(
    old: Lock | None, live: dict[tuple[str, str], FetchedSchema | None], *, keep_others: bool
) -> Documents:
    documents: Documents = {}
    if keep_others and old is not None:
        for name, tracks in old.entries.items():
            for track, entry in tracks.items():
                if (name, track) not in live:
                    documents.setdefault(name, {})[track] = (entry.version, old.schema(name, track))
    for (name, track), fetched in live.items():
        if fetched is not None:
            documents.setdefault(name, {})[track] = (fetched.version, fetched.schema)
    return documents


def _print_entries(
    config: Config, names: list[str], entries: list[DriftEntry], documents: Documents
) -> None:
    width = max((len(e.schema) for e in entries), default=0)
    for e in entries:
        emit_line(f"{e.schema:<{width}}  {e.track}  {e.describe()}")
    for name in names:
        schema = config.schemas[name]
        present = [t for t in schema.tracks if t in documents.get(name, {})]
        if present and present[0] != schema.tracks[0]:
            below = schema.require_track is not None and schema.tracks.index(
                present[0]
            ) > schema.tracks.index(schema.require_track)
            emit_line(
                f"{name}: no {schema.tracks[0]} in the registry, falls back to {present[0]}"
                + (f" (below require-track {schema.require_track})" if below else "")
            )


def _dropped(old: Lock | None, documents: Documents) -> int:
    if old is None:
        return 0
    return sum(1 for n, ts in old.entries.items() for t in ts if t not in documents.get(n, {}))


def _summary(entries: list[DriftEntry], *, drop: int) -> str:
    counts = Counter(e.status for e in entries)
    counts["removed"] = max(counts["removed"], drop)
    parts = [f"{counts[s]} {s}" for s in ("changed", "added", "removed") if counts[s]]
    return ", ".join(parts) or "no schema changed"


def _without_head(files: dict[str, bytes]) -> dict[str, Any]:
    """The lock's content without lock.json's registry head, which records where it came from."""
    content: dict[str, Any] = dict(files)
    try:
        index = json.loads(files.get("lock.json", b"{}"))
        index.pop("registry", None)
        content["lock.json"] = index
    except (ValueError, AttributeError):
        pass
    return content
