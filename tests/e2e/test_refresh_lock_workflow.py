"""refresh-lock.yml under act, called by examples/pipeline's refresh-lock.yml: one branch, one PR."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from consumers import Consumer, cap_lag
from harness import REGISTRY_TOKEN, REPOSITORY, ActRun, Toolkit, git, run_act

pytestmark = pytest.mark.e2e

BRANCH = "registry-contract/refresh-lock"
# The App's installation token (from the create-github-app-token stub) is the only token the
# fake GitHub accepts, so every request made with GITHUB_TOKEN instead would fail.
APP_TOKEN = "ghs_e2eFakeAppInstallationToken9876543210zyxwvutsrqponmlkjih"
APP_KEY = "-----BEGIN RSA PRIVATE KEY-----e2e-fake-app-private-key-0123456789abcdef"


def refresh(toolkit: Toolkit, consumer: Consumer) -> ActRun:
    run = run_act(
        toolkit,
        consumer.repo,
        consumer.work,
        event_name="workflow_dispatch",
        workflow=".github/workflows/refresh-lock.yml",
        registry_dir=consumer.registry,
        secrets={"SCHEMA_REGISTRY_TOKEN": REGISTRY_TOKEN, "LOCK_REFRESH_APP_PRIVATE_KEY": APP_KEY},
        variables={
            "SCHEMA_REGISTRY_URL": "http://127.0.0.1:{registry}",
            "LOCK_REFRESH_APP_ID": "4242",
        },
        env={"RCG_E2E_APP_TOKEN": APP_TOKEN},
        github_accepts=APP_TOKEN,
    )
    if toolkit.netns:
        assert run.interfaces == ["lo"]
    return run


def test_refresh_pushes_only_the_lock_and_opens_one_pull_request_with_the_report(
    toolkit: Toolkit, consumer: Callable[[str], Consumer]
) -> None:
    pipeline = consumer("pipeline")
    pipeline.set_schema("telemetry.FeedbackEvent", "v2", cap_lag)  # the registry moved

    run = refresh(toolkit, pipeline)

    assert list(run.job_results().values()) == ["success"], run.explain()
    assert run.output("drift", "drift") == ["true"]
    assert run.output("commit", "changed") == ["true"]
    changed = git(pipeline.origin, "diff", "--name-only", "main", BRANCH).splitlines()
    assert changed and all(path.startswith("schemas-lock/") for path in changed), changed
    assert "schemas-lock/telemetry.FeedbackEvent/v2.json" in changed
    assert git(pipeline.origin, "log", "-1", "--format=%an", BRANCH) == "github-actions[bot]"
    (opened,) = run.requests("POST", f"/repos/{REPOSITORY}/pulls")
    pull = json.loads(opened["body"])
    assert (pull["head"], pull["base"]) == (BRANCH, "main")
    assert "maximum-added" in pull["body"] and "telemetry.FeedbackEvent" in pull["body"]
    assert [r["method"] for r in run.writes()] == ["POST"]
    assert all(r["authorized"] for r in run.requests()), "the App token, not GITHUB_TOKEN"
    assert "app 4242, contents=write, pull-requests=write" in run.text()


def test_refresh_does_nothing_when_the_lock_is_unchanged(
    toolkit: Toolkit, consumer: Callable[[str], Consumer]
) -> None:
    pipeline = consumer("pipeline")

    run = refresh(toolkit, pipeline)

    assert list(run.job_results().values()) == ["success"], run.explain()
    assert run.output("drift", "drift") == ["false"]
    assert "The lock matches the registry: nothing to do." in run.text()
    assert run.requests() == [], run.explain()
    assert git(pipeline.origin, "branch", "--list", BRANCH) == ""
