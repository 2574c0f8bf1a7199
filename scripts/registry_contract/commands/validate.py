"""`registry-contract validate`: check fixtures against the locked schemas, offline."""

from __future__ import annotations

import argparse

from ._common import add_output_arguments, command_line, emit_result, load_config_from

HELP = "validate the fixture payloads against the locked schemas (no network)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--track", metavar="TRACK", help="only this track")
    add_output_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ..gate import GateOptions, run_gate

    config = load_config_from(args)
    words = ["validate", *(["--track", args.track] if args.track else [])]
    options = GateOptions(mode=args.mode, track=args.track, command=command_line(args, *words))
    return emit_result(run_gate(config, options), args)
