"""`registry-contract drift-issue` against loopback fakes: one issue, quiet reruns, outages."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.fake_github import FakeGitHub
from support.fake_registry import FakeRegistry

Cli = Callable[..., tuple[int, str, str]]
TOKEN = "ghs_integrationFakeToken0123456789"
REPO = "o/r"


@pytest.fixture
def github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A fake GitHub and the runner environment of an Actions step."""
    with FakeGitHub(token=TOKEN) as gh:
        for name, value in {
            "GITHUB_ACTIONS": "true",
            "GITHUB_API_URL": gh.url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        }.items():
            monkeypatch.setenv(name, value)
        yield gh


@pytest.fixture
def locked(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> FakeRegistry:
    registry = fake_registry()
    project({"api": "core", "url": registry.url})
    assert cli("lock")[0] == 0
    return registry


def narrow_order(registry: FakeRegistry) -> None:
    """Publish shop.Order v2 version 2 with a tighter amount: BACKWARD-breaking drift."""
    path = registry.folder / "shop.Order" / "v2.json"
    document = json.loads(path.read_text())
    document["x-version"] = 2
    document["properties"]["amount"] = {"type": "number", "minimum": 10}
    path.write_text(json.dumps(document))


def outputs(tmp_path: Path) -> str:
    return (tmp_path / "output.txt").read_text()


def test_no_drift_and_no_issue_only_reads(
    locked: FakeRegistry, github: FakeGitHub, cli: Cli
) -> None:
    code, out, _ = cli("drift-issue")
    assert code == 0, out
    assert "no drift: no issue open" in out
    assert [r.method for r in github.requests] == ["GET"]


def test_drift_opens_one_labelled_issue_with_the_verdict(
    locked: FakeRegistry, github: FakeGitHub, cli: Cli, tmp_path: Path
) -> None:
    narrow_order(locked)
    code, out, _ = cli("drift-issue")
    assert code == 0, out
    (issue,) = github.repo(REPO).issues.values()
    assert issue["title"] == "Schema drift: the registry no longer matches schemas-lock/"
    assert [label["name"] for label in issue["labels"]] == ["schema-drift"]
    assert "`shop.Order`" in issue["body"] and "BACKWARD breaking" in issue["body"]
    assert "refresh-lock" in issue["body"]
    assert "drift<<" in outputs(tmp_path) and "\ntrue\n" in outputs(tmp_path)
    assert "issue #1 created" in out


def test_unchanged_drift_is_quiet_on_the_next_run(
    locked: FakeRegistry, github: FakeGitHub, cli: Cli
) -> None:
    narrow_order(locked)
    assert cli("drift-issue")[0] == 0
    github.clear()
    code, out, _ = cli("drift-issue")
    assert code == 0
    assert "issue #1 unchanged" in out
    assert [r.method for r in github.requests] == ["GET"]


def test_gone_drift_closes_the_issue_with_a_comment(
    locked: FakeRegistry, github: FakeGitHub, cli: Cli
) -> None:
    narrow_order(locked)
    assert cli("drift-issue")[0] == 0
    assert cli("lock")[0] == 0  # the lock adopts the registry's schema
    code, out, _ = cli("drift-issue", "--label", "schema-drift")
    assert code == 0
    assert "no drift: issue #1 closed" in out
    (issue,) = github.repo(REPO).issues.values()
    assert issue["state"] == "closed"
    (comment,) = github.comments(REPO, 1)
    assert "matches the registry again" in comment["body"]


def test_registry_outage_is_reported_as_an_outage_and_leaves_the_issue(
    locked: FakeRegistry, github: FakeGitHub, cli: Cli, tmp_path: Path
) -> None:
    github.add_issue(REPO, "Schema drift: old", "body", labels=["schema-drift"])
    locked.fault("status", status=503)
    code, out, err = cli("drift-issue")
    assert code == 3, out + err
    assert "::error::registry outage, not drift" in out
    assert "registry unreachable" in (tmp_path / "summary.md").read_text()
    assert github.requests == []
    assert github.repo(REPO).issues[1]["state"] == "open"


def test_missing_token_is_a_usage_error(
    locked: FakeRegistry, github: FakeGitHub, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    code, _, err = cli("drift-issue")
    assert code == 2
    assert "no GitHub token" in err and "issues: write" in err
