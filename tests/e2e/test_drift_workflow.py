"""drift.yml under act, called by examples/pipeline's drift.yml: one issue, opened then closed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from consumers import Consumer, cap_lag
from harness import REGISTRY_TOKEN, REPOSITORY, ActRun, Toolkit, run_act, seed_from

pytestmark = pytest.mark.e2e

ISSUES = f"/repos/{REPOSITORY}/issues"


def drift(toolkit: Toolkit, consumer: Consumer, seed: dict[str, Any] | None = None) -> ActRun:
    return run_act(
        toolkit,
        consumer.repo,
        consumer.work,
        event_name="workflow_dispatch",
        workflow=".github/workflows/drift.yml",
        registry_dir=consumer.registry,
        secrets={"SCHEMA_REGISTRY_TOKEN": REGISTRY_TOKEN},
        variables={"SCHEMA_REGISTRY_URL": "http://127.0.0.1:{registry}"},
        github_seed=seed,
    )


def test_drift_opens_one_issue_with_the_verdict_then_closes_it_when_gone(
    toolkit: Toolkit, consumer: Callable[[str], Consumer]
) -> None:
    pipeline = consumer("pipeline")
    pipeline.set_schema("telemetry.FeedbackEvent", "v2", cap_lag)  # the registry moved

    first = drift(toolkit, pipeline)

    assert list(first.job_results().values()) == ["success"], first.explain()
    assert first.output("drift", "drift") == ["true"]
    (opened,) = first.requests("POST", ISSUES)
    issue = json.loads(opened["body"])
    assert issue["labels"] == ["schema-drift"]
    assert "telemetry.FeedbackEvent" in issue["body"] and "maximum-added" in issue["body"]
    labels = f"/repos/{REPOSITORY}/labels"
    assert [(r["method"], r["path"]) for r in first.writes()] == [
        ("POST", labels),
        ("POST", ISSUES),
    ]
    if toolkit.netns:
        assert first.interfaces == ["lo"]

    # The lock adopts the registry's schema (the refresh PR merged): the drift is gone.
    pipeline.lock()
    pipeline.commit("Adopt the registry's FeedbackEvent v2")
    second = drift(toolkit, pipeline, seed=seed_from(first.github))

    assert list(second.job_results().values()) == ["success"], second.explain()
    assert second.output("drift", "drift") == ["false"]
    number = first.repo_data("issues")[0]["number"]
    (closed,) = second.requests("PATCH", f"{ISSUES}/{number}")
    assert json.loads(closed["body"])["state"] == "closed"
    assert len(second.requests("POST", f"{ISSUES}/{number}/comments")) == 1
    assert [i["state"] for i in second.repo_data("issues")] == ["closed"]
