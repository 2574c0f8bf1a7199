"""contract-gate.yml under act, called by the examples' one-line workflows, against loopback fakes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from typing import Any

import pytest
from consumers import OVERCAPACITY, Consumer, add_overcapacity_fixture, cap_lag
from harness import REGISTRY_TOKEN, REPOSITORY, ActRun, Toolkit, run_act

pytestmark = pytest.mark.e2e

CONTRACT = ".github/workflows/contract.yml"
PR_NUMBER = 7


def gate(
    toolkit: Toolkit,
    consumer: Consumer,
    event: dict[str, Any],
    *,
    secrets: dict[str, str] | None = None,
    github_faults: list[dict[str, Any]] | None = None,
) -> ActRun:
    run = run_act(
        toolkit,
        consumer.repo,
        consumer.work,
        event_name="pull_request",
        workflow=CONTRACT,
        event=event,
        registry_dir=consumer.registry,
        secrets={"SCHEMA_REGISTRY_TOKEN": REGISTRY_TOKEN} if secrets is None else secrets,
        variables={"SCHEMA_REGISTRY_URL": "http://127.0.0.1:{registry}"},
        github_seed={"pulls": [{"repo": REPOSITORY, "number": PR_NUMBER, "head": "feature"}]},
        github_faults=github_faults,
    )
    if toolkit.netns:
        assert run.netns and run.interfaces == ["lo"], run.interfaces
    return run


def report(run: ActRun, artifact: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (run.artifacts / artifact / "report.json").read_text("utf-8")
    )
    return loaded


def test_store_pr_passes_both_tracks_quietly(
    toolkit: Toolkit, consumer: Callable[[str], Consumer]
) -> None:
    store = consumer("store")
    shutil.copy(
        store.repo / "contracts/telemetry.FeedbackEvent/valid/queue-ok.json",
        store.repo / "contracts/telemetry.FeedbackEvent/valid/queue-ok-copy.json",
    )
    store.commit("Another event the store emits", branch="feature")

    run = gate(toolkit, store, store.pull_request_event(PR_NUMBER))

    assert run.rc == 0, run.explain()
    results = run.job_results()
    assert sorted(results.values()) == ["success", "success"], run.explain()
    assert run.output("gate", "result") == ["pass", "pass"]
    assert run.writes() == [], "a passing PR with nothing to say must not comment"
    for track in ("v1", "v2"):
        data = report(run, f"registry-contract-store-{track}")
        assert {f["track"] for f in data["fixtures"]} == {track}
        # The fake registry requires the token: "unchanged" proves the secret reached it.
        assert [s["drift"] for s in data["schemas"]] == ["unchanged"]
    summaries = run.summaries()
    assert len(summaries) == 2 and all("Contract gate passed" in s for s in summaries.values())
    assert "setup-python stub: asked for python-version=3.12" in run.text()


def test_pipeline_pr_with_an_invalid_fixture_fails_with_one_comment(
    toolkit: Toolkit, consumer: Callable[[str], Consumer]
) -> None:
    pipeline = consumer("pipeline")
    add_overcapacity_fixture(pipeline)
    pipeline.commit("An event the pipeline must accept", branch="feature")

    run = gate(toolkit, pipeline, pipeline.pull_request_event(PR_NUMBER))

    assert run.rc != 0, run.explain()
    assert list(run.job_results().values()) == ["failure"], run.explain()
    assert run.output("gate", "result") == ["fail"]
    assert int(run.output("gate", "invalid-fixtures")[0]) >= 1
    posted = run.requests("POST", f"/repos/{REPOSITORY}/issues/{PR_NUMBER}/comments")
    assert len(posted) == 1 and len(run.writes()) == 1, run.explain()
    body = json.loads(posted[0]["body"])["body"]
    assert body.startswith("<!-- registry-contract-gate:pipeline -->")
    assert OVERCAPACITY in body and "maximum" in body
    assert [c["body"] for c in run.repo_data("comments")] == [body]


def test_pipeline_pr_with_a_breaking_v2_fails_and_the_comment_names_the_rule(
    toolkit: Toolkit, consumer: Callable[[str], Consumer]
) -> None:
    pipeline = consumer("pipeline")
    pipeline.set_schema("telemetry.FeedbackEvent", "v2", cap_lag)
    pipeline.lock()
    pipeline.commit("Lock the registry's new FeedbackEvent v2", branch="feature")

    run = gate(toolkit, pipeline, pipeline.pull_request_event(PR_NUMBER))

    assert list(run.job_results().values()) == ["failure"], run.explain()
    assert run.output("gate", "result") == ["fail"]
    assert run.output("gate", "breaking-changes") == ["1"]
    assert run.output("gate", "invalid-fixtures") == ["0"]
    posted = run.requests("POST", f"/repos/{REPOSITORY}/issues/{PR_NUMBER}/comments")
    assert len(posted) == 1, run.explain()
    body = json.loads(posted[0]["body"])["body"]
    assert "maximum-added" in body and "/properties/lag_ms" in body


def test_break_glass_label_turns_enforce_into_warn_and_says_so_loudly(
    toolkit: Toolkit, consumer: Callable[[str], Consumer]
) -> None:
    pipeline = consumer("pipeline")
    pipeline.set_schema("telemetry.FeedbackEvent", "v2", cap_lag)
    pipeline.lock()
    pipeline.commit("Lock the registry's new FeedbackEvent v2", branch="feature")
    event = pipeline.pull_request_event(PR_NUMBER, labels=("contract-break-approved",))

    run = gate(toolkit, pipeline, event)

    assert run.rc == 0, run.explain()
    assert list(run.job_results().values()) == ["success"], run.explain()
    assert run.output("gate", "result") == ["warn"]
    assert run.output("gate", "breaking-changes") == ["1"]
    (summary,) = run.summaries().values()
    assert "BREAK-GLASS OVERRIDE" in summary and "contract-break-approved" in summary
    (posted,) = run.requests("POST", f"/repos/{REPOSITORY}/issues/{PR_NUMBER}/comments")
    assert "BREAK-GLASS OVERRIDE" in json.loads(posted["body"])["body"]


def test_fork_pr_gets_the_summary_only_and_the_same_verdict(
    toolkit: Toolkit, consumer: Callable[[str], Consumer]
) -> None:
    pipeline = consumer("pipeline")
    add_overcapacity_fixture(pipeline)
    pipeline.commit("An event the pipeline must accept", branch="feature")
    forbidden = {"kind": "forbidden", "path": "/repos/*", "method": "POST"}

    # A fork's run gets no secrets and a read-only token.
    run = gate(
        toolkit,
        pipeline,
        pipeline.pull_request_event(PR_NUMBER, fork=True),
        secrets={},
        github_faults=[forbidden],
    )

    assert list(run.job_results().values()) == ["failure"], run.explain()
    assert run.output("gate", "result") == ["fail"]
    assert int(run.output("gate", "invalid-fixtures")[0]) >= 1
    assert run.writes() == [], run.explain()
    (summary,) = run.summaries().values()
    assert "Contract gate failed" in summary and OVERCAPACITY in summary
    assert "fork pull request" in run.text()
    data = report(run, "registry-contract-pipeline")
    # Without the registry token the live check is skipped; the lock still decides.
    assert [s["drift"] for s in data["schemas"]] == ["unknown"]


def test_the_registry_token_is_not_sent_to_a_host_outside_allowed_registry_hosts(
    toolkit: Toolkit, consumer: Callable[[str], Consumer]
) -> None:
    pipeline = consumer("pipeline")
    workflow = pipeline.repo / CONTRACT
    text = workflow.read_text("utf-8")
    pinned = "      registry-url: ${{ vars.SCHEMA_REGISTRY_URL }}\n"
    assert pinned in text
    workflow.write_text(
        text.replace(pinned, pinned + "      allowed-registry-hosts: schemas.example.com\n"),
        "utf-8",
    )
    pipeline.commit("Only the company registry may receive the token", branch="feature")

    run = gate(toolkit, pipeline, pipeline.pull_request_event(PR_NUMBER))

    assert list(run.job_results().values()) == ["failure"], run.explain()
    assert (
        "refusing to contact the registry at 127.0.0.1: it is not in "
        "REGISTRY_CONTRACT_ALLOWED_HOSTS (schemas.example.com), so no request was sent"
    ) in run.text(), run.explain()
    assert REGISTRY_TOKEN not in run.text()
