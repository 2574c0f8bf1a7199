"""`registry-contract gate`: verify the lock, validate fixtures, report findings."""

from __future__ import annotations

import argparse

from ._common import add_output_arguments, command_line, emit_result, load_config_from

HELP = "run the whole contract gate: lock integrity, fixtures, compatibility"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--offline", action="store_true", help="use only schemas-lock/, no network")
    add_output_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ..gate import GateOptions, run_gate

    config = load_config_from(args)
    words = ["gate", "--offline"] if args.offline else ["gate"]
    if args.mode:
        words += ["--mode", args.mode]
    options = GateOptions(mode=args.mode, command=command_line(args, *words))
    return emit_result(run_gate(config, options), args)
