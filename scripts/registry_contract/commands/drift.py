"""`registry-contract drift`: compare schemas-lock/ with the live registry."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ..text import emit, excerpt, one_line
from ._common import load_config_from

if TYPE_CHECKING:
    from ..drift import DriftEntry, DriftReport

HELP = "compare schemas-lock/ with the live registry; exit 1 on drift"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="stdout format"
    )


def run(args: argparse.Namespace) -> int:
    from ..gate import compare_live, load_verified_lock

    config = load_config_from(args)
    lock = load_verified_lock(config)
    report, _live = compare_live(config, lock)
    emit(render_drift(report, args.format), as_json=args.format == "json")
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
    lines = [f"registry-contract drift: {head} against {one_line(report.registry)}"]
    width = max((len(e.schema) for e in report.entries), default=0)
    for e in report.entries:
        name, track = one_line(e.schema), one_line(e.track)
        lines.append(f"  {name:<{width}}  {track}  {one_line(_status(e))}")
        lines += [
            f"      breaking {one_line(c['rule'])} at {one_line(c['path'])}: "
            f"{one_line(excerpt(str(c['message'])))}"
            for c in e.breaking_changes()
        ]
    if report.drifted:
        lines.append("run `registry-contract lock` to update the lock, then review and commit it")
    return "\n".join(lines) + "\n"


def render_markdown(report: DriftReport) -> str:
    """The drift issue's and the refresh pull request's body: the registry's text (versions,
    rules, messages) is untrusted, so every value is escaped or a code span."""
    from ..report.mdtext import code, escape

    head = "drift found" if report.drifted else "no drift"
    lines = [
        f"### registry-contract drift: {head}",
        "",
        f"Registry: {code(report.registry or '-')}",
        "",
        "| Schema | Track | Status | Lock | Registry | Compatibility |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        "| "
        + " | ".join(
            [
                code(e.schema, table=True),
                code(e.track, table=True),
                escape(str(e.status)),
                escape(str(e.old_version or "-")),
                escape(str(e.new_version or "-")),
                escape(e.verdict() or "-"),
            ]
        )
        + " |"
        for e in report.entries
    ]
    breaking = [(e, c) for e in report.entries for c in e.breaking_changes()]
    if breaking:
        lines += ["", "**Breaking changes**", ""]
        lines += [
            f"- {code(f'{e.schema}@{e.track}')} {code(str(c['rule']))} at "
            f"{code(str(c['path']))}: {escape(excerpt(str(c['message'])))}"
            for e, c in breaking
        ]
    if report.drifted:
        lines += ["", "Run `registry-contract lock` to update the lock, then review and commit it."]
    return "\n".join(lines) + "\n"
