"""`registry-contract verify`: check schemas-lock/ against its digests and the metaschemas."""

from __future__ import annotations

import argparse

from ._common import load_config_from

HELP = "verify schemas-lock/: digests, missing and unlisted files, valid schemas"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lock-dir", metavar="DIR", help="lock directory (default: from the config)"
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..lock.reader import load_intact_lock
    from ..text import emit_line

    lock_dir = Path(args.lock_dir) if args.lock_dir else load_config_from(args).lock_dir
    lock = load_intact_lock(lock_dir)
    count = sum(len(t) for t in lock.entries.values())
    emit_line(f"{lock_dir}: OK, {count} schema file(s) match their sha256 and metaschema")
    return 0
