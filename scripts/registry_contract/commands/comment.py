"""`registry-contract comment`: post a saved JSON report as the sticky pull request comment."""

from __future__ import annotations

import argparse

from ._comment_options import add_comment_arguments

HELP = "upsert the pull request comment from a JSON report (e.g. in a later workflow_run job)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--report", metavar="FILE", required=True, help="the gate's report.json")
    add_comment_arguments(parser, default="auto")
    parser.add_argument(
        "--pull-request",
        metavar="NUMBER",
        type=int,
        help="the pull request to comment on (default: from the event; a workflow_run job "
        "must be given the number the gate's job saved for a fork's pull request)",
    )


def run(args: argparse.Namespace) -> int:
    import os

    from ..github.actions import ActionsEnv, load_event, workflow_run_head_sha
    from ..text import one_line
    from ._common import read_report
    from ._github import comment_target, post_comment

    result = read_report(args.report)
    if args.comment == "never":
        return 0
    env = ActionsEnv.from_environ(os.environ)
    event = load_event(env.event_path)
    number = args.pull_request or comment_target(env, event)
    if number is None:
        return 0
    run = event.get("workflow_run") or {}
    run_url = run.get("html_url") if isinstance(run.get("html_url"), str) else None
    head_sha = workflow_run_head_sha(event)
    done = post_comment(
        result, args.comment, args.comment_key, env, number, head_sha=head_sha, run_url=run_url
    )
    print(one_line(done))
    return 0
