"""The GitHub side of a run: outputs, step summary, annotations and the sticky PR comment."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from ..errors import ContractError, UsageError
from ..github.actions import (
    ActionsEnv,
    append_summary,
    is_fork_pull_request,
    load_event,
    pull_request_number,
    write_outputs,
)
from ..redact import redact
from ..report.annotations import format_command, render_annotations
from ..report.markdown import COMMENT_LIMIT, comment_marker, render_markdown, stable_body
from ..report.outputs import gate_outputs
from ..text import one_line
from ._comment_options import DEFAULT_KEY

if TYPE_CHECKING:
    from ..model import GateResult
    from ..report.locations import Locations


def comment_wanted(policy: str, result: GateResult) -> bool:
    """Whether to create a comment; an existing one is updated under any policy but never."""
    if policy == "always":
        return True
    if policy == "on-failure":
        return bool(result.violations)
    if policy == "auto":
        return bool(result.violations) or any(
            f.severity == "warning" and not f.accepted for f in result.findings
        )
    return False


def say(env: ActionsEnv, level: str, message: str, stream: IO[str] | None = None) -> None:
    """A notice or warning: a workflow command in Actions, a plain stderr line elsewhere."""
    if env.actions:
        print(format_command(level, redact(message)), file=stream or sys.stdout)
    else:
        print(f"registry-contract: {level}: {one_line(redact(message))}", file=sys.stderr)


def publish_result(
    result: GateResult,
    args: argparse.Namespace,
    env: ActionsEnv,
    locations: Locations,
    paths: Mapping[str, str],
    stream: IO[str],
) -> None:
    """Outputs, summary and annotations in Actions, then the comment; never changes the verdict."""
    key = getattr(args, "comment_key", DEFAULT_KEY)
    if env.actions:
        if env.output_path:
            write_outputs(env.output_path, gate_outputs(result, **paths))
        if env.summary_path:
            markdown = render_markdown(result, label=_label(key), run_url=env.run_url)
            append_summary(env.summary_path, redact(markdown))
        for line in render_annotations(result, locations):
            print(redact(line), file=stream)
    policy = getattr(args, "comment", None)
    if policy in (None, "never"):
        return
    try:
        number = comment_target(env, load_event(env.event_path), stream)
        if number is not None:
            print(one_line(post_comment(result, policy, key, env, number)), file=sys.stderr)
    except ContractError as e:
        from ..github.api import GitHubPermissionError

        if isinstance(e, GitHubPermissionError):
            say(
                env,
                "notice",
                f"no pull request comment ({e.message}); the result is in the "
                "step summary. Give the job `pull-requests: write`.",
                stream,
            )
        else:
            say(
                env,
                "warning",
                f"no pull request comment: {e}; the gate's result is unchanged",
                stream,
            )


def comment_target(
    env: ActionsEnv, event: Mapping[str, Any], stream: IO[str] | None = None
) -> int | None:
    """The pull request to comment on; None (said once) when there is none or it is a fork's."""
    if is_fork_pull_request(event):
        say(
            env,
            "notice",
            "fork pull request: its token is read-only, so the result is in the "
            "step summary only (docs/github.md shows how to comment from a workflow_run job)",
            stream,
        )
        return None
    number = pull_request_number(event)
    if number is None:
        say(env, "notice", "not a pull request event: no comment posted", stream)
    return number


def post_comment(
    result: GateResult,
    policy: str,
    key: str,
    env: ActionsEnv,
    number: int,
    *,
    head_sha: str | None = None,
    run_url: str | None = None,
) -> str:
    """Upsert the sticky comment on pull request `number`; returns one line saying what it did.

    `head_sha` (from a workflow_run event) must be the pull request's head: the report came
    from another job, so a forged number must not move the comment to someone else's PR.
    """
    from ..github.api import GitHubClient

    if not env.token:
        raise UsageError(
            "no GitHub token to comment with",
            hint="set GITHUB_TOKEN (the action passes its github-token input)",
        )
    client = GitHubClient(env.api_url, env.token, env.repository)
    if head_sha is not None:
        head = (client.pull_request(number).get("head") or {}).get("sha")
        if head != head_sha:
            raise UsageError(
                f"pull request #{number} is at {head}, but the report is for {head_sha}",
                hint="pass the pull request of the run that wrote the report",
            )
    marker = comment_marker(key)
    body = render_markdown(
        result,
        marker=marker,
        label=_label(key),
        limit=COMMENT_LIMIT,
        run_url=run_url or env.run_url,
    )
    done = client.upsert_comment(
        number,
        marker,
        redact(body),
        create=comment_wanted(policy, result),
        same=lambda old, new: stable_body(old) == stable_body(new),
    )
    if done.action == "skipped":
        return f"registry-contract: nothing to say on pull request #{number}; no comment created"
    return f"registry-contract: comment {done.action} on pull request #{number}: {done.url or ''}"


def _label(key: str) -> str:
    return "" if key == DEFAULT_KEY else key
