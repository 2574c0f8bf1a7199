"""`registry-contract gate`: verify the lock, validate fixtures, report findings."""

from __future__ import annotations

import argparse
import os

from ._comment_options import add_comment_arguments
from ._common import add_output_arguments, check_track, command_line, emit_result, load_config_from

HELP = "run the whole contract gate: lock integrity, fixtures, compatibility"
TRACK_VARIABLE = "REGISTRY_CONTRACT_TRACK"
OVERRIDE_VARIABLE = "REGISTRY_CONTRACT_OVERRIDE_REASON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--offline", action="store_true", help="use only schemas-lock/, no network")
    parser.add_argument(
        "--against",
        metavar="GIT_REF",
        help="also compare the lock at this git ref (e.g. the PR's base) with the working tree",
    )
    parser.add_argument(
        "--require-registry",
        action="store_true",
        help="exit 3 when the registry cannot be read, instead of a warning",
    )
    # The reusable workflow sets these through the action step's env (a matrix leg per track,
    # and the break-glass label), so the action needs no input for them.
    parser.add_argument(
        "--track",
        metavar="TRACK",
        default=os.environ.get(TRACK_VARIABLE) or None,
        help=f"only validate fixtures against this track (default: ${TRACK_VARIABLE})",
    )
    parser.add_argument(
        "--override-reason",
        metavar="TEXT",
        default=os.environ.get(OVERRIDE_VARIABLE) or None,
        help="break-glass: run in warn mode and say why, loudly, in every report "
        f"(default: ${OVERRIDE_VARIABLE})",
    )
    add_output_arguments(parser)
    add_comment_arguments(parser, default=None)


def run(args: argparse.Namespace) -> int:
    from ..gate import GateOptions, run_gate

    config = load_config_from(args)
    check_track(config, args.track)
    mode = "warn" if args.override_reason else args.mode
    words = ["gate", "--offline"] if args.offline else ["gate"]
    if mode:
        words += ["--mode", mode]
    if args.track:
        words += ["--track", args.track]
    if args.against:
        words += ["--against", args.against]
    if args.require_registry:
        words += ["--require-registry"]
    options = GateOptions(
        mode=mode,
        track=args.track,
        against=args.against,
        command=command_line(args, *words),
        live=not args.offline,
        require_registry=args.require_registry,
    )
    result = run_gate(config, options)
    result.override = args.override_reason
    return emit_result(result, args, config)
