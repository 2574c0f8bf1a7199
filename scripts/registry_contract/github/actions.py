"""The GitHub Actions runtime: its environment, $GITHUB_OUTPUT, the step summary, the event."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"


@dataclass(frozen=True)
class ActionsEnv:
    """What the runner tells a step through its environment; empty values mean 'not set'."""

    actions: bool = False
    output_path: str = ""
    summary_path: str = ""
    workspace: str = ""
    token: str = ""
    repository: str = ""
    event_path: str = ""
    api_url: str = DEFAULT_API_URL
    server_url: str = DEFAULT_SERVER_URL
    run_id: str = ""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ActionsEnv:
        return cls(
            actions=environ.get("GITHUB_ACTIONS") == "true",
            output_path=environ.get("GITHUB_OUTPUT", ""),
            summary_path=environ.get("GITHUB_STEP_SUMMARY", ""),
            workspace=environ.get("GITHUB_WORKSPACE", ""),
            token=environ.get("GITHUB_TOKEN") or environ.get("GH_TOKEN", ""),
            repository=environ.get("GITHUB_REPOSITORY", ""),
            event_path=environ.get("GITHUB_EVENT_PATH", ""),
            api_url=(environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
            server_url=(environ.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/"),
            run_id=environ.get("GITHUB_RUN_ID", ""),
        )

    @property
    def run_url(self) -> str | None:
        if not (self.repository and self.run_id):
            return None
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"


def _delimiter() -> str:
    """A random heredoc delimiter like the toolkit's `ghadelimiter_<uuid>`, from os.urandom
    (importing uuid cost 3 ms of every run)."""
    return f"ghadelimiter_{os.urandom(16).hex()}"


def format_outputs(outputs: Mapping[str, str]) -> str:
    """`name<<DELIM` heredocs, so no value (newlines, '=' or a forged DELIM) can forge another."""
    lines = []
    for name, value in outputs.items():
        delimiter = _delimiter()
        while delimiter in value:
            delimiter = _delimiter()
        lines += [f"{name}<<{delimiter}", value, delimiter]
    return "\n".join(lines) + "\n"


def write_outputs(path: str, outputs: Mapping[str, str]) -> None:
    """Append the outputs to $GITHUB_OUTPUT."""
    _append(path, format_outputs(outputs), "GITHUB_OUTPUT")


def append_summary(path: str, markdown: str) -> None:
    """Append Markdown to $GITHUB_STEP_SUMMARY (the runner shows every step's part in order)."""
    _append(path, markdown if markdown.endswith("\n") else markdown + "\n", "GITHUB_STEP_SUMMARY")


def _append(path: str, text: str, variable: str) -> None:
    try:
        with Path(path).open("a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as e:
        raise UsageError(
            f"{variable} file {path}: cannot append ({e.strerror})",
            hint=f"unset {variable} outside GitHub Actions, or point it at a writable file",
        ) from e


EVENT_LIMIT = 32 * 2**20  # bytes


def load_event(path: str) -> dict[str, Any]:
    """The webhook payload that triggered the run; {} when there is none."""
    if not path:
        return {}
    hint = "unset GITHUB_EVENT_PATH outside GitHub Actions"
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(EVENT_LIMIT + 1)
        if len(data) > EVENT_LIMIT:  # /dev/zero, say: GitHub caps payloads at 25 MB
            raise UsageError(
                f"GITHUB_EVENT_PATH {path}: larger than {EVENT_LIMIT // 2**20} MiB, not an "
                "event payload",
                hint=hint,
            )
        loaded = json.loads(data)
    except (OSError, ValueError, RecursionError) as e:  # RecursionError: nested too deeply
        raise UsageError(
            f"GITHUB_EVENT_PATH {path}: cannot read the event payload ({e})", hint=hint
        ) from e
    return loaded if isinstance(loaded, dict) else {}


def pull_request_number(event: Mapping[str, Any]) -> int | None:
    """The pull request of a pull_request(_target) event, or the one a workflow_run ran for."""
    number = (event.get("pull_request") or {}).get("number")
    if number is None:
        runs = (event.get("workflow_run") or {}).get("pull_requests") or []
        number = runs[0].get("number") if runs and isinstance(runs[0], dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def is_fork_pull_request(event: Mapping[str, Any]) -> bool:
    """A pull request from another repository: its token is read-only, so no comment."""
    pull = event.get("pull_request")
    if not isinstance(pull, dict):
        return False
    head = ((pull.get("head") or {}).get("repo") or {}).get("full_name")
    base = ((pull.get("base") or {}).get("repo") or {}).get("full_name")
    return head != base  # a deleted fork has no head repo at all: still a fork


def workflow_run_head_sha(event: Mapping[str, Any]) -> str | None:
    """The commit a workflow_run event reports on; a later job must comment on that commit's PR."""
    sha = (event.get("workflow_run") or {}).get("head_sha")
    return sha if isinstance(sha, str) else None


def workspace_relative(path: Path, workspace: str) -> str:
    """`path` from the repository root ($GITHUB_WORKSPACE, else the working directory)."""
    base = Path(workspace) if workspace else Path.cwd()
    try:
        relative = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()
    return "" if relative == "." else relative
