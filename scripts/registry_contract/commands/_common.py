"""Helpers shared by the subcommands: config lookup, report output and the exit code."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ExitCode, UsageError
from ..redact import redact, redact_data
from ..text import emit

if TYPE_CHECKING:
    from ..config import Config
    from ..github.actions import ActionsEnv
    from ..model import GateResult
    from ..report.locations import Locations


def load_config_from(args: argparse.Namespace) -> Config:
    from ..config import find_config, load_config

    return load_config(find_config(getattr(args, "config", None)))


def check_track(config: Config, track: str | None) -> None:
    """Refuse a --track no schema has: the run would check nothing and pass."""
    configured = sorted({t for schema in config.schemas.values() for t in schema.tracks})
    if track is not None and track not in configured:
        raise UsageError(
            f"--track {track}: not a configured track of any schema",
            hint=f"configured tracks: {', '.join(configured)}",
        )


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="stdout format")
    parser.add_argument("--report", metavar="FILE", help="also write the JSON report to FILE")
    parser.add_argument("--mode", choices=("enforce", "warn"), help="override the config's mode")
    parser.add_argument(
        "--report-dir",
        metavar="DIR",
        help="also write report.json, summary.md, junit.xml and results.sarif to DIR",
    )


def emit_result(result: GateResult, args: argparse.Namespace, config: Config | None = None) -> int:
    """Print the result, write the reports, publish to GitHub Actions, and pick the exit code.

    In GitHub Actions (GITHUB_ACTIONS=true) this also writes $GITHUB_OUTPUT, appends the step
    summary, prints the annotations and, with --comment, upserts the pull request comment.
    """
    from ..github.actions import ActionsEnv
    from ..report.json import render_json
    from ..report.text import render_text
    from ._github import publish_result

    env = ActionsEnv.from_environ(os.environ)
    locations = locations_for(config, args, env)
    result = redact_data(result)
    if args.report:
        write_text(Path(args.report), redact(render_json(result)))
    report_dir = getattr(args, "report_dir", None)
    paths = write_reports(result, Path(report_dir), locations, env) if report_dir else {}
    as_json = args.format == "json"
    emit(render_json(result) if as_json else render_text(result), as_json=as_json)
    sys.stdout.flush()
    # Workflow commands go to stderr when stdout must stay one JSON document.
    publish_result(result, args, env, locations, paths, sys.stderr if as_json else sys.stdout)
    return int(ExitCode.PASSED if result.passed else ExitCode.VIOLATIONS)


def write_reports(
    result: GateResult, directory: Path, locations: Locations, env: ActionsEnv
) -> dict[str, str]:
    """The --report-dir files; returns the action's `report-json` and `summary-markdown` paths."""
    from ..report.json import render_json
    from ..report.junit import render_junit
    from ..report.markdown import render_markdown
    from ..report.sarif import render_sarif

    directory = directory.resolve()
    files = {
        "report.json": render_json(result),
        "summary.md": render_markdown(result, run_url=env.run_url),
        "junit.xml": render_junit(result),
        "results.sarif": render_sarif(result, locations),
    }
    for name, text in files.items():
        write_text(directory / name, redact(text))
    return {
        "report_json": str(directory / "report.json"),
        "summary_markdown": str(directory / "summary.md"),
    }


def locations_for(config: Config | None, args: argparse.Namespace, env: ActionsEnv) -> Locations:
    """Where the config's files are from the repository root, for annotations and SARIF."""
    from ..config import CONFIG_NAME
    from ..github.actions import workspace_relative
    from ..report.locations import Locations

    if config is None:
        path = Path(getattr(args, "config", None) or CONFIG_NAME)
        return Locations(root=workspace_relative(path.absolute().parent, env.workspace))
    lock_dir = workspace_relative(config.lock_dir, str(config.root))
    return Locations(root=workspace_relative(config.root, env.workspace), lock_dir=lock_dir)


# A report.json may come from a fork's job: far more than any real run writes is refused unread.
REPORT_LIMIT = 64 * 2**20


def read_report(path: str) -> GateResult:
    """A GateResult from a JSON report file written by an earlier run."""
    from ..fixtures import parse_json
    from ..report.parse import result_from_report

    raw = read_limited(
        Path(path),
        REPORT_LIMIT,
        what=f"report {path}",
        refusal="not a report this tool wrote",
        hint="pass the report.json written by `registry-contract gate --report-dir DIR`",
    )
    try:
        data = parse_json(raw)
    except ValueError as e:
        raise UsageError(f"report {path}: not JSON ({e})", hint="pass the report.json") from e
    return redact_data(result_from_report(data, f"report {path}"))


def read_limited(path: Path, limit: int, *, what: str, refusal: str, hint: str) -> bytes:
    """The bytes of a file the command line names, of at most `limit` bytes: a larger one (or
    /dev/zero) is refused after reading `limit` + 1 bytes, never read to its end."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as e:
        raise UsageError(f"{what}: cannot read ({e.strerror})", hint="check the path") from e
    if len(data) > limit:
        raise UsageError(f"{what}: larger than {limit // 2**20} MiB, {refusal}", hint=hint)
    return data


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
