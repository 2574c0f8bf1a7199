"""Helpers shared by the subcommands: config lookup and report output."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ExitCode, UsageError

if TYPE_CHECKING:
    from ..config import Config
    from ..model import GateResult


def load_config_from(args: argparse.Namespace) -> Config:
    from ..config import find_config, load_config

    return load_config(find_config(getattr(args, "config", None)))


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="stdout format")
    parser.add_argument("--report", metavar="FILE", help="also write the JSON report to FILE")
    parser.add_argument("--mode", choices=("enforce", "warn"), help="override the config's mode")


def emit_result(result: GateResult, args: argparse.Namespace) -> int:
    """Print the result in the chosen format, write --report, and pick the exit code."""
    from ..report.json import render_json
    from ..report.text import render_text

    if args.report:
        write_text(Path(args.report), render_json(result))
    sys.stdout.write(render_json(result) if args.format == "json" else render_text(result))
    return int(ExitCode.PASSED if result.passed else ExitCode.VIOLATIONS)


def write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise UsageError(
            f"{path}: cannot write report ({e.strerror})", hint="check the path"
        ) from e


def command_line(args: argparse.Namespace, *parts: str) -> str:
    """The exact command that reproduces this run locally."""
    config = getattr(args, "config", None)
    words = ["registry-contract", *parts]
    if config:
        words += ["--config", config]
    return shlex.join(words)
