"""Command line: argparse -> options -> command; the only place that prints errors and exits."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from . import __version__
from .errors import ContractError, ExitCode
from .redact import redact
from .startup import defer_rfc3987_syntax
from .text import excerpt, one_line, printable

# Like any command killed by SIGPIPE: the reader of standard output stopped reading.
OUTPUT_CLOSED = 128 + 13
# Like any command killed by SIGINT (Ctrl-C): not a bug, so never exit 5.
INTERRUPTED = 128 + 2
ERROR_LIMIT = 4_000  # characters of one error line

# One module per subcommand under commands/, each with HELP, add_arguments(parser) and run(args).
COMMANDS = (
    "gate",
    "validate",
    "verify",
    "compat",
    "lock",
    "drift",
    "serve",
    "drift-issue",
    "pr",
    "comment",
    "summary",
    "init",
    "doctor",
    "dlq",
)


def _command(name: str) -> ModuleType:
    return importlib.import_module(f".commands.{name.replace('-', '_')}", __package__)


class _Parser(argparse.ArgumentParser):
    """argparse, with its one-line error kept on one line: it quotes the arguments as given."""

    def error(self, message: str) -> NoReturn:
        super().error(one_line(redact(message)))


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given the command line, only the subcommands it names are imported and
    filled in (all of them when it names none, or asks for help), which saves importing and
    building a dozen others on every run."""
    tokens = set(argv or ())
    wanted = set(COMMANDS) & tokens
    if argv is None or not wanted or tokens & {"-h", "--help"}:
        wanted = set(COMMANDS)
    common = _Parser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="config file (default: ./registry-contract.yml)",
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    parser = _Parser(
        prog="registry-contract",
        description="Gate pull requests on the JSON Schemas of a schema registry.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"registry-contract {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if name not in wanted:  # not on the command line, so it never parses anything
            sub.add_parser(name, parents=[common])
            continue
        module = _command(name)
        child = sub.add_parser(name, help=module.HELP, description=module.HELP, parents=[common])
        module.add_arguments(child)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(e.code or 0)
    debug = getattr(args, "debug", False)
    if not args.command:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    defer_rfc3987_syntax()
    try:
        return int(_command(args.command).run(args))
    except ContractError as e:
        _print_error(str(e))
        for problem in getattr(e, "problems", ()):
            print(f"  - {_said(problem)}", file=sys.stderr)
        if debug:
            _print_traceback()
        return int(e.exit_code)
    except KeyboardInterrupt:
        _print_error("interrupted; a lock refresh in progress leaves the previous lock intact")
        return INTERRUPTED
    except Exception as e:  # a bug: say so, keep the traceback for --debug
        if isinstance(e, BrokenPipeError) and _stdout_gone():
            return OUTPUT_CLOSED
        _print_error(
            f"internal error: {type(e).__name__}: {e}; rerun with --debug and report it as a bug"
        )
        if debug:
            _print_traceback()
        return int(ExitCode.INTERNAL)


def _stdout_gone() -> bool:
    """Whether standard output is a pipe whose reader has gone (`| head` that stopped)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _, event in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), or no real stdout
        return False


def run() -> NoReturn:
    """The console script: main(), then exit without tearing the interpreter down.

    Freeing every module and object at exit cost 30 to 40 ms of each run (requests alone about
    25 ms), a tenth of a `gate --offline`. Nothing of ours needs that teardown: every file is
    closed and every thread pool shut down before main() returns; the output is flushed here.
    """
    code = main()
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)  # coverage or a profiler is watching: it writes its results at exit
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`) or stream
            stream.flush()
    os._exit(code)


def _print_traceback() -> None:
    import traceback

    from .lock.reader import public_urls

    print(printable(public_urls(redact(traceback.format_exc()))), file=sys.stderr)


def _print_error(message: str) -> None:
    print(f"registry-contract: error: {_said(message)}", file=sys.stderr)


def _said(message: str) -> str:
    """An error as printed: secrets redacted (and the credentials of URLs), then one line,
    then cut (a message may quote a value of megabytes from a config file or a registry)."""
    from .lock.reader import public_urls

    return excerpt(one_line(public_urls(redact(message))), ERROR_LIMIT)
