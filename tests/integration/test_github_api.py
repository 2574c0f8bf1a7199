"""The REST client against the loopback fake GitHub: upserts, pagination, limits, Enterprise."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from registry_contract.github.api import GitHubClient, GitHubError, GitHubPermissionError

from support.fake_github import FakeGitHub

TOKEN = "ghs_fakeTokenForTests0123456789"
REPO = "acme/shop"
MARKER = "<!-- registry-contract-gate:default -->"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(prefix="/api/v3", token=TOKEN) as fake:
        fake.add_pull_request(REPO, number=7)
        yield fake


class Sleeps(list[float]):
    """Records the waits instead of sleeping: no test here depends on time."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(gh: FakeGitHub, sleeps: Sleeps) -> GitHubClient:
    return GitHubClient(gh.url, TOKEN, REPO, sleep=sleeps)


def test_comment_is_created_once_updated_once_and_left_alone_when_unchanged(
    gh: FakeGitHub, client: GitHubClient
) -> None:
    first = client.upsert_comment(7, MARKER, f"{MARKER}\nfailing")
    again = client.upsert_comment(7, MARKER, f"{MARKER}\nfailing")
    second = client.upsert_comment(7, MARKER, f"{MARKER}\nnow passing")
    third = client.upsert_comment(7, MARKER, f"{MARKER}\nnow passing")
    assert [first.action, again.action, second.action, third.action] == [
        "created",
        "unchanged",
        "updated",
        "unchanged",
    ]
    assert len(gh.calls("POST")) == 1
    assert len(gh.calls("PATCH")) == 1
    assert [c["body"] for c in gh.comments(REPO, 7)] == [f"{MARKER}\nnow passing"]


def test_comment_is_not_created_when_not_wanted_but_an_existing_one_is_updated(
    gh: FakeGitHub, client: GitHubClient
) -> None:
    assert client.upsert_comment(7, MARKER, f"{MARKER}\nok", create=False).action == "skipped"
    assert gh.comments(REPO, 7) == []
    gh.add_comment(REPO, 7, f"{MARKER}\nfailing", user="github-actions[bot]")
    assert client.upsert_comment(7, MARKER, f"{MARKER}\nok", create=False).action == "updated"


def test_comments_of_other_keys_and_quotes_of_the_marker_are_left_alone(
    gh: FakeGitHub, client: GitHubClient
) -> None:
    other = gh.add_comment(REPO, 7, "<!-- registry-contract-gate:payments -->\nfailing")
    quote = gh.add_comment(REPO, 7, f"> {MARKER}\n> failing\n\nwhy?")
    client.upsert_comment(7, MARKER, f"{MARKER}\nfailing")
    bodies = {c["id"]: c["body"] for c in gh.comments(REPO, 7)}
    assert bodies[other["id"]] == other["body"] and bodies[quote["id"]] == quote["body"]
    assert len(bodies) == 3


def test_existing_comment_is_found_across_three_pages(gh: FakeGitHub, client: GitHubClient) -> None:
    for n in range(239):
        gh.add_comment(REPO, 7, f"chatter {n}")
    ours = gh.add_comment(REPO, 7, f"{MARKER}\nfailing", user="github-actions[bot]")
    for n in range(10):
        gh.add_comment(REPO, 7, f"more chatter {n}")
    done = client.upsert_comment(7, MARKER, f"{MARKER}\nnow passing")
    assert (done.action, done.number) == ("updated", ours["id"])
    pages = gh.calls("GET", "/repos/acme/shop/issues/7/comments")
    assert [r.query.get("page", "1") for r in pages] == ["1", "2", "3"]
    assert [r.path for r in gh.calls("PATCH")] == [f"/repos/acme/shop/issues/comments/{ours['id']}"]


def test_403_from_a_read_only_token_is_a_permission_error(
    gh: FakeGitHub, client: GitHubClient
) -> None:
    gh.fault("forbidden", "/repos/*/issues/7/comments", method="POST")
    with pytest.raises(GitHubPermissionError, match="403: Resource not accessible") as e:
        client.upsert_comment(7, MARKER, f"{MARKER}\nfailing")
    assert "pull-requests: write" in str(e.value)
    assert len(gh.calls("POST")) == 1  # a plain 403 is final: no retry


def test_429_is_retried_after_retry_after(
    gh: FakeGitHub, client: GitHubClient, sleeps: Sleeps
) -> None:
    gh.fault("rate-limit", "/repos/*/issues/7/comments", method="POST", times=1, retry_after=2)
    assert client.upsert_comment(7, MARKER, f"{MARKER}\nx").action == "created"
    assert sleeps == [2.0]
    assert [r.status for r in gh.calls("POST")] == [429, 201]


def test_secondary_rate_limit_403_is_retried(
    gh: FakeGitHub, client: GitHubClient, sleeps: Sleeps
) -> None:
    gh.fault("secondary-rate-limit", "/repos/*/issues/7/comments", method="GET", times=2)
    assert client.find_comment(7, MARKER) is None
    assert sleeps == [1.0, 1.0]
    assert [r.status for r in gh.calls("GET")] == [403, 403, 200]


def test_rate_limit_retries_are_bounded(
    gh: FakeGitHub, client: GitHubClient, sleeps: Sleeps
) -> None:
    gh.fault("rate-limit", "/repos/*/issues/7/comments")
    with pytest.raises(GitHubError, match="429") as e:
        client.find_comment(7, MARKER)
    assert "rate limited" in str(e.value)
    assert len(sleeps) == client.max_retries
    assert len(gh.calls("GET")) == client.max_retries + 1


def test_rate_limit_longer_than_max_wait_fails_at_once(
    gh: FakeGitHub, client: GitHubClient, sleeps: Sleeps
) -> None:
    gh.fault("primary-rate-limit", "*", reset_in=3600)
    with pytest.raises(GitHubError, match="rate limit"):
        client.find_comment(7, MARKER)
    assert sleeps == []


def test_server_errors_are_retried_with_backoff(
    gh: FakeGitHub, client: GitHubClient, sleeps: Sleeps
) -> None:
    gh.fault("server-error", "*", times=2)
    assert client.find_comment(7, MARKER) is None
    assert sleeps == [1.0, 2.0]


def test_enterprise_api_url_with_a_path_prefix_is_honoured(gh: FakeGitHub, sleeps: Sleeps) -> None:
    assert gh.url.endswith("/api/v3")
    without_prefix = GitHubClient(gh.url.removesuffix("/api/v3"), TOKEN, REPO, sleep=sleeps)
    with pytest.raises(GitHubError, match="404"):
        without_prefix.find_comment(7, MARKER)
    assert gh.requests == []  # the fake only serves under its prefix


def test_pagination_refuses_a_next_link_outside_the_api(
    gh: FakeGitHub, client: GitHubClient
) -> None:
    link = '<http://127.0.0.2:9/steal?page=2>; rel="next"'
    gh.fault("status", "/repos/*/issues/7/comments", status=200, body=[], headers={"Link": link})
    with pytest.raises(GitHubError, match="outside"):
        client.find_comment(7, MARKER)


def test_unreachable_api_is_retried_then_a_clear_error(sleeps: Sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = GitHubClient(f"http://127.0.0.1:{port}", TOKEN, REPO, sleep=sleeps)
    with pytest.raises(GitHubError, match="ConnectionError") as e:
        client.find_comment(7, MARKER)
    assert "GITHUB_API_URL" in str(e.value)
    assert sleeps == [1.0, 2.0, 4.0]


def test_token_is_sent_only_as_a_header(gh: FakeGitHub, client: GitHubClient) -> None:
    client.upsert_comment(7, MARKER, f"{MARKER}\nx")
    client.upsert_issue("contract-drift", "Drift", "body")
    assert gh.requests and all(r.authorized for r in gh.requests)
    for request in gh.requests:
        assert TOKEN not in request.body
        assert TOKEN not in request.path + str(request.query) + str(request.headers)


def test_wrong_token_is_a_permission_error(gh: FakeGitHub, sleeps: Sleeps) -> None:
    client = GitHubClient(gh.url, "wrong", REPO, sleep=sleeps)
    with pytest.raises(GitHubPermissionError, match="401"):
        client.find_comment(7, MARKER)


def test_bad_repository_is_refused_before_any_request() -> None:
    with pytest.raises(GitHubError.__mro__[1], match="OWNER/NAME"):
        GitHubClient("http://127.0.0.1:1", TOKEN, "not-a-repo")


def test_issue_is_created_with_its_label_then_updated_then_closed(
    gh: FakeGitHub, client: GitHubClient
) -> None:
    created = client.upsert_issue("contract-drift", "Schema drift", "one schema drifted")
    assert created.action == "created"
    assert [r.path for r in gh.calls("POST")] == [
        "/repos/acme/shop/labels",
        "/repos/acme/shop/issues",
    ]
    assert client.upsert_issue("contract-drift", "Schema drift", "one schema drifted").action == (
        "unchanged"
    )
    updated = client.upsert_issue("contract-drift", "Schema drift", "two schemas drifted")
    assert (updated.action, updated.number) == ("updated", created.number)
    closed = client.close_issue("contract-drift", "No drift any more.")
    assert (closed.action, closed.number) == ("closed", created.number)
    issue = gh.repo(REPO).issues[created.number or 0]
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    assert [c["body"] for c in gh.comments(REPO, created.number or 0)] == ["No drift any more."]
    assert client.close_issue("contract-drift").action == "unchanged"


def test_issue_lookup_skips_pull_requests_and_other_labels(
    gh: FakeGitHub, client: GitHubClient
) -> None:
    gh.add_issue(REPO, "other", labels=["bug"])
    assert client.find_issue("contract-drift") is None
    wanted = gh.add_issue(REPO, "drift", labels=["contract-drift", "bug"])
    found = client.find_issue("contract-drift")
    assert found is not None and found["number"] == wanted["number"]


def test_pull_request_is_created_then_updated_then_left_alone(
    gh: FakeGitHub, client: GitHubClient
) -> None:
    created = client.upsert_pull_request("lock-refresh", "main", "Refresh lock", "v3 -> v4")
    assert created.action == "created"
    same = client.upsert_pull_request("lock-refresh", "main", "Refresh lock", "v3 -> v4")
    assert same.action == "unchanged"
    updated = client.upsert_pull_request("lock-refresh", "main", "Refresh lock", "v3 -> v5")
    assert (updated.action, updated.number) == ("updated", created.number)
    assert gh.repo(REPO).pulls[created.number or 0]["body"] == "v3 -> v5"
    pulls = gh.calls("GET", "/repos/acme/shop/pulls")
    assert pulls[0].query["head"] == "acme:lock-refresh"
