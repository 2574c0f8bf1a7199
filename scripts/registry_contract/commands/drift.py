"""`registry-contract drift`: compare schemas-lock/ with the live registry."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from ._common import load_config_from

if TYPE_CHECKING:
    from ..drift import DriftEntry, DriftReport

HELP = "compare schemas-lock/ with the live registry; exit 1 on drift"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="stdout format"
    )


def run(args: argparse.Namespace) -> int:
    from ..drift import compare_with_registry
    from ..gate import load_verified_lock

    config = load_config_from(args)
    lock = load_verified_lock(config)
    report, _live = compare_with_registry(config, lock)
    sys.stdout.write(render_drift(report, args.format))
    return 1 if report.drifted else 0


def render_drift(report: DriftReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2) + "\n"
    if fmt == "markdown":
        return render_markdown(report)
    return render_text(report)


def _status(entry: DriftEntry) -> str:
    verdict = entry.verdict()
    return entry.describe() + (f", {verdict}" if verdict else "")


def render_text(report: DriftReport) -> str:
    head = "drift found" if report.drifted else "no drift"
    lines = [f"registry-contract drift: {head} against {report.registry}"]
    width = max((len(e.schema) for e in report.entries), default=0)
    for e in report.entries:
        lines.append(f"  {e.schema:<{width}}  {e.track}  {_status(e)}")
        lines += [
            f"      breaking {c['rule']} at {c['path']}: {c['message']}"
            for c in e.breaking_changes()
        ]
    if report.drifted:
        lines.append("run `registry-contract lock` to update the lock, then review and commit it")
    return "\n".join(lines) + "\n"


def render_markdown(report: DriftReport) -> str:
    head = "drift found" if report.drifted else "no drift"
    lines = [
        f"### registry-contract drift: {head}",
        "",
        f"Registry: `{report.registry}`",
        "",
        "| Schema | Track | Status | Lock | Registry | Compatibility |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| `{e.schema}` | {e.track} | {e.status} | {e.old_version or '-'} | "
        f"{e.new_version or '-'} | {e.verdict() or '-'} |"
        for e in report.entries
    ]
    breaking = [(e, c) for e in report.entries for c in e.breaking_changes()]
    if breaking:
        lines += ["", "**Breaking changes**", ""]
        lines += [
            f"- `{e.schema}@{e.track}` {c['rule']} at `{c['path']}`: {_cell(c['message'])}"
            for e, c in breaking
        ]
    if report.drifted:
        lines += ["", "Run `registry-contract lock` to update the lock, then review and commit it."]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return str(text).replace("\r", " ").replace("\n", " ")
