"""`registry-contract pr`: open or update the one pull request from a branch (the lock refresh)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

HELP = "open the pull request from --head into --base, or update the open one's title and body"
BODY_LIMIT = 1024 * 1024  # bytes; GitHub takes 65,536 characters


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--head", required=True, metavar="BRANCH", help="the pushed branch")
    parser.add_argument("--base", required=True, metavar="BRANCH", help="the branch to merge into")
    parser.add_argument("--title", required=True, help="the pull request title")
    parser.add_argument(
        "--body-file", required=True, metavar="FILE", help="Markdown file with the body"
    )


def run(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..github.actions import ActionsEnv, write_outputs
    from ..github.api import GitHubClient
    from ..text import one_line
    from ._common import read_limited

    env = ActionsEnv.from_environ(os.environ)
    if not env.token:
        raise UsageError(
            "no GitHub token to open the pull request with",
            hint="set GITHUB_TOKEN and give the job `pull-requests: write`",
        )
    data = read_limited(
        Path(args.body_file),
        BODY_LIMIT,
        what=f"pull request body {args.body_file}",
        refusal="more than GitHub takes",
        hint="pass the Markdown written by `registry-contract drift --format markdown`",
    )
    body = data.decode("utf-8", errors="replace")
    client = GitHubClient(env.api_url, env.token, env.repository)
    done = client.upsert_pull_request(args.head, args.base, args.title, body)
    said = f"registry-contract: pull request #{done.number} {done.action}: {done.url or ''}"
    print(one_line(said))
    if env.output_path:
        outputs = {"pull-request": str(done.number or ""), "pull-request-action": done.action}
        write_outputs(env.output_path, outputs)
    return 0
