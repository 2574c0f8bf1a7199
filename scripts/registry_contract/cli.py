"""Command line: argparse -> options -> command; the only place that prints errors and exits."""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType

from . import __version__
from .errors import ContractError, ExitCode
from .redact import redact
from .startup import defer_rfc3987_syntax

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
)


def _command(name: str) -> ModuleType:
    return importlib.import_module(f".commands.{name.replace('-', '_')}", __package__)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="config file (default: ./registry-contract.yml)",
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    parser = argparse.ArgumentParser(
        prog="registry-contract",
        description="Gate pull requests on the JSON Schemas of a schema registry.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"registry-contract {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = _command(name)
        child = sub.add_parser(name, help=module.HELP, description=module.HELP, parents=[common])
        module.add_arguments(child)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
            print(f"  - {redact(problem)}", file=sys.stderr)
        if debug:
            print(redact(traceback.format_exc()), file=sys.stderr)
        return int(e.exit_code)
    except KeyboardInterrupt:
        _print_error("interrupted; a lock refresh in progress leaves the previous lock intact")
        return int(ExitCode.INTERNAL)
    except Exception as e:  # a bug: say so, keep the traceback for --debug
        _print_error(
            f"internal error: {type(e).__name__}: {e}; rerun with --debug and report it as a bug"
        )
        if debug:
            print(redact(traceback.format_exc()), file=sys.stderr)
        return int(ExitCode.INTERNAL)


def _print_error(message: str) -> None:
    print(f"registry-contract: error: {redact(message)}", file=sys.stderr)
