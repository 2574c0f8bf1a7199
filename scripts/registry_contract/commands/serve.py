"""`registry-contract serve`: a development registry serving a lock folder over the core API."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType

from ._common import load_config_from

HELP = "development server: serve a lock folder over the core API until interrupted"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lock-dir", metavar="DIR", help="lock folder (default: from the config)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (default: 0, any free port)")
    parser.add_argument(
        "--token", metavar="T", help="require `Authorization: Bearer T` on every request"
    )


class _Stop(Exception):
    """SIGINT or SIGTERM, turned into a clean exit."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def run(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..registry.auth import is_loopback
    from ..registry.serve import LockServer, LockSnapshot
    from ..text import one_line

    lock_dir = Path(args.lock_dir) if args.lock_dir else load_config_from(args).lock_dir
    snapshot = LockSnapshot(lock_dir)
    try:
        server = LockServer((args.host, args.port), snapshot, args.token)
    except OSError as e:
        raise UsageError(
            f"cannot listen on {args.host}:{args.port} ({e.strerror})",
            hint="pick another --port, or --port 0 for any free port",
        ) from e
    if not is_loopback(args.host):
        print(
            f"warning: serving on {args.host}, not loopback: anyone who can reach it can read "
            "the schemas; this is a development server",
            file=sys.stderr,
        )
    # Set both explicitly: a shell's background job starts with SIGINT ignored.
    previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    print(f"serving {one_line(lock_dir)} on {server.url}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        server.server_close()
    print("stopped", flush=True)
    return 0
