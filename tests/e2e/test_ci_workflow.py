"""ci.yml's self-test job under act: `uses: ./` on the bundled example and on the broken one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harness import Toolkit, git, run_act

pytestmark = pytest.mark.e2e


def test_self_test_passes_the_example_and_expects_the_broken_one_to_fail(
    toolkit: Toolkit, tmp_path: Path
) -> None:
    repo = Path(shutil.copytree(toolkit.action_repo, tmp_path / "registry-contract-action"))
    git(repo, "init", "--quiet", "--initial-branch", "main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "The action under test")

    run = run_act(
        toolkit,
        repo,
        tmp_path / "act",
        event_name="push",
        workflow=".github/workflows/ci.yml",
        job="self-test",
    )

    assert run.job_results() == {"ci/self-test": "success"}, run.explain()
    assert run.output("example", "result") == ["pass"]
    assert run.output("broken", "result") == ["fail"]
    assert int(run.output("broken", "invalid-fixtures")[0]) > 0
    steps = run.step_results("ci/self-test")
    assert steps[("ci/self-test", "check the verdicts")] == "success"
    assert "ok: the broken example's outcome is failure" in run.text()
    assert run.requests() == [], "comment: never"
    if toolkit.netns:
        assert run.interfaces == ["lo"]
