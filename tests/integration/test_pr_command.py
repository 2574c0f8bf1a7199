"""`registry-contract pr` against the fake GitHub: one pull request per branch, updated in place."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.fake_github import FakeGitHub

Cli = Callable[..., tuple[int, str, str]]
TOKEN = "ghs_integrationFakeToken0123456789"
REPO = "o/r"
BRANCH = "registry-contract/refresh-lock"


@pytest.fixture
def github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as gh:
        monkeypatch.setenv("GITHUB_API_URL", gh.url)
        monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "output.txt"))
        yield gh


def pr(cli: Cli, body: Path, text: str) -> tuple[int, str, str]:
    body.write_text(text)
    return cli(
        "pr", "--head", BRANCH, "--base", "main", "--title", "Refresh", "--body-file", str(body)
    )


def test_opens_then_updates_then_leaves_one_pull_request(
    github: FakeGitHub, cli: Cli, tmp_path: Path
) -> None:
    body = tmp_path / "body.md"
    assert pr(cli, body, "drift v1")[:2] == (
        0,
        "registry-contract: pull request #1 created: https://github.example/o/r/pull/1\n",
    )
    assert pr(cli, body, "drift v2")[1].startswith("registry-contract: pull request #1 updated")
    assert pr(cli, body, "drift v2")[1].startswith("registry-contract: pull request #1 unchanged")
    (pull,) = github.repo(REPO).pulls.values()
    assert (pull["head"]["ref"], pull["base"]["ref"], pull["body"]) == (BRANCH, "main", "drift v2")
    assert "pull-request-action<<" in (tmp_path / "output.txt").read_text()


def test_unreadable_body_file_is_a_usage_error(
    github: FakeGitHub, cli: Cli, tmp_path: Path
) -> None:
    code, _, err = cli(
        "pr",
        "--head",
        BRANCH,
        "--base",
        "main",
        "--title",
        "t",
        "--body-file",
        str(tmp_path / "nope"),
    )
    assert code == 2 and "cannot read (No such file or directory)" in err
    assert github.requests == []
