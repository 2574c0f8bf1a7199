"""`registry-contract serve`: a development registry serving a lock folder until interrupted."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from ._common import load_config_from

if TYPE_CHECKING:
    from ..config import Config

HELP = "development server: serve a lock folder over the core or Schema Registry API"
APIS = ("core", "confluent", "both")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lock-dir", metavar="DIR", help="lock folder (default: from the config)")
    parser.add_argument(
        "--api",
        choices=APIS,
        default="core",
        help="core (default), confluent (the Schema Registry API of Kafka clients), or both",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=_port, default=0, help="port (default: 0, any free port)")
    parser.add_argument(
        "--token", metavar="T", help="require `Authorization: Bearer T` on every request"
    )
    parser.add_argument(
        "--username",
        metavar="NAME",
        help="require basic auth as NAME, with the password in REGISTRY_PASSWORD",
    )
    parser.add_argument(
        "--writable",
        metavar="DIR",
        help="confluent API: also write registrations to DIR (never to the lock), and reload them",
    )


def _port(text: str) -> int:
    """A TCP port number: argparse says so in its one-line usage error (exit 2) otherwise."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 0 to 65535")
    return int(text)


class _Stop(Exception):
    """SIGINT or SIGTERM, turned into a clean exit."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def run(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..lock.reader import load_intact_lock
    from ..redact import check_credential
    from ..registry.auth import is_loopback
    from ..registry.serve import LockServer, LockSnapshot
    from ..registry.serve_auth import ServerAuth
    from ..text import one_line

    if args.writable and args.api == "core":
        raise UsageError(
            "--writable needs --api confluent or both", hint="the core API is read-only"
        )
    password = os.environ.get("REGISTRY_PASSWORD") or None
    for name, value in (
        ("--token", args.token),
        ("--username", args.username),
        ("REGISTRY_PASSWORD", password if args.username else None),
    ):
        check_credential(name, value)  # before anything could quote it
    if args.username and not password:
        raise UsageError(
            "--username needs the password in the REGISTRY_PASSWORD environment variable",
            hint="set REGISTRY_PASSWORD, or drop --username",
        )
    config: Config | None
    if args.lock_dir:  # the core API needs no config then; the other reads its settings
        lock_dir = Path(args.lock_dir)
        config = _config(args) if args.api != "core" else None
    else:
        config = load_config_from(args)
        lock_dir = config.lock_dir
    lock = load_intact_lock(lock_dir)
    snapshot = LockSnapshot(lock) if args.api != "confluent" else None
    confluent = None
    if args.api != "core":
        from ..registry.serve_confluent import build_confluent_api
        from ..registry.serve_writable import WritableFolder

        writable = (
            WritableFolder(_outside(Path(args.writable), lock_dir)) if args.writable else None
        )
        confluent = build_confluent_api(lock, config, writable)
    auth = ServerAuth(args.token, args.username, password if args.username else None)
    try:
        server = LockServer(
            (args.host, args.port), snapshot, confluent=confluent, auth=auth, log=sys.stderr
        )
    except OSError as e:
        raise UsageError(
            f"cannot listen on {args.host}:{args.port} ({e.strerror})",
            hint="pick another --port, or --port 0 for any free port",
        ) from e
    if not is_loopback(args.host):
        print(
            f"warning: serving on {args.host}, not loopback: anyone who can reach it can read "
            "the schemas (and register versions, on the confluent API); this is a development "
            "server",
            file=sys.stderr,
        )
    # Set both explicitly: a shell's background job starts with SIGINT ignored.
    previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    over = {"core": "", "confluent": " over the confluent API", "both": " over both APIs"}
    print(f"serving {one_line(lock_dir)}{over[args.api]} on {server.url}", flush=True)
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


def _config(args: argparse.Namespace) -> Config | None:
    """The config, when one is given or in the working directory; the confluent API takes its
    subject-template, levels and comparison policy from it."""
    from ..config import CONFIG_NAME

    if getattr(args, "config", None) or (Path.cwd() / CONFIG_NAME).is_file():
        return load_config_from(args)
    return None


def _outside(writable: Path, lock_dir: Path) -> Path:
    """The writable folder, which must not be (in) the lock: only `lock` writes there."""
    from ..errors import UsageError

    lock = lock_dir.resolve()
    if writable.resolve() == lock or lock in writable.resolve().parents:
        raise UsageError(
            f"--writable {writable} is inside the lock folder {lock_dir}",
            hint="registrations never go into the lock; pick a folder outside it",
        )
    return writable
