"""`registry-contract summary`: render a saved JSON report as the Markdown step summary."""

from __future__ import annotations

import argparse

HELP = "write the Markdown summary of a JSON report to $GITHUB_STEP_SUMMARY (else stdout)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--report", metavar="FILE", required=True, help="the gate's report.json")


def run(args: argparse.Namespace) -> int:
    import os

    from ..github.actions import ActionsEnv, append_summary, load_event
    from ..redact import redact
    from ..report.markdown import render_markdown
    from ..text import emit
    from ._common import read_report

    result = read_report(args.report)
    env = ActionsEnv.from_environ(os.environ)
    run = load_event(env.event_path).get("workflow_run") or {}
    run_url = run.get("html_url") if isinstance(run.get("html_url"), str) else env.run_url
    markdown = redact(render_markdown(result, run_url=run_url))
    if env.summary_path:
        append_summary(env.summary_path, markdown)
    else:
        emit(markdown)  # a message may start a line of it: no line may read as a command
    return 0
