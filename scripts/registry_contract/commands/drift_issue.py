"""`registry-contract drift-issue`: keep one labelled issue in step with the lock's drift."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from ._common import load_config_from

if TYPE_CHECKING:
    from ..drift import DriftReport
    from ..github.actions import ActionsEnv
    from ..github.api import GitHubClient

HELP = (
    "compare schemas-lock/ with the registry; open or update one issue on drift, close it when "
    "the drift is gone (exit 0 either way; 3 when the registry is unreachable)"
)
DEFAULT_LABEL = "schema-drift"
ISSUE_FOOTER = (
    "This issue is kept up to date by the scheduled drift job and closed when the lock matches "
    "the registry again. To adopt the registry's schemas, run the refresh-lock workflow (or "
    "`registry-contract lock`), review the compatibility verdicts above, and merge the lock."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--label",
        default=DEFAULT_LABEL,
        help=f"the label that identifies the drift issue (default: {DEFAULT_LABEL})",
    )


def run(args: argparse.Namespace) -> int:
    from ..errors import RegistryError
    from ..gate import compare_live, load_verified_lock
    from ..github.actions import ActionsEnv
    from ..text import one_line

    env = ActionsEnv.from_environ(os.environ)
    config = load_config_from(args)
    lock = load_verified_lock(config)
    try:
        report, _live = compare_live(config, lock)
    except RegistryError as e:
        from ._github import say

        say(env, "error", f"registry outage, not drift: {e}; the drift issue was left as it is")
        _publish(env, {"drift": "unknown", "issue": "", "issue-action": "skipped"}, outage(str(e)))
        raise
    client = _client(env)
    where = config.lock_dir.name + "/"
    if report.drifted:
        done = client.upsert_issue(args.label, issue_title(where), issue_body(report))
        line = f"drift found: issue #{done.number} {done.action}: {done.url or ''}"
    else:
        comment = f"The lock matches the registry again (`{report.registry}`); closing."
        done = client.close_issue(args.label, comment)
        what = f"issue #{done.number} closed" if done.action == "closed" else "no issue open"
        line = f"no drift: {what}"
    print(f"registry-contract: {one_line(line)}")
    outputs = {
        "drift": "true" if report.drifted else "false",
        "issue": str(done.number or ""),
        "issue-action": done.action,
    }
    _publish(env, outputs, f"{render_summary(report)}\n{line}\n")
    return 0


def issue_title(where: str) -> str:
    return f"Schema drift: the registry no longer matches {where}"


def issue_body(report: DriftReport) -> str:
    """The drift report with each change's compatibility verdict; no timestamps, so a rerun on
    the same drift leaves the issue unchanged."""
    return f"{render_summary(report)}\n{ISSUE_FOOTER}\n"


def render_summary(report: DriftReport) -> str:
    from .drift import render_markdown

    return render_markdown(report)


def outage(message: str) -> str:
    from ..redact import redact

    return (
        "### registry-contract drift: registry unreachable\n\n"
        f"{redact(message)}\n\nThis is an outage, not drift: the drift issue was left as it is.\n"
    )


def _client(env: ActionsEnv) -> GitHubClient:
    from ..errors import UsageError
    from ..github.api import GitHubClient

    if not env.token:
        raise UsageError(
            "no GitHub token to manage the drift issue with",
            hint="set GITHUB_TOKEN and give the job `issues: write`",
        )
    return GitHubClient(env.api_url, env.token, env.repository)


def _publish(env: ActionsEnv, outputs: dict[str, str], summary: str) -> None:
    from ..github.actions import append_summary, write_outputs

    if env.output_path:
        write_outputs(env.output_path, outputs)
    if env.summary_path:
        append_summary(env.summary_path, summary)
