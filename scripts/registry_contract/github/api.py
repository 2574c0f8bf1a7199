"""The GitHub REST API: sticky comments, labelled issues and pull requests, with bounded retries."""

from __future__ import annotations

import email.utils
import operator
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

import requests

from .. import __version__
from ..errors import ContractError, ExitCode, UsageError
from ..lock.reader import public_url
from ..redact import check_credential
from ..registry.deadline import CURRENT, DeadlinePassedError, Watch, Watchdog, WatchedAdapter

MAX_PAGES = 100  # 10,000 items at 100 per page: a bound, not a limit anyone should reach
ANSWER_LIMIT = 32 * 2**20  # bytes; a page of 100 comments of 65,536 characters fits
ANSWER_DEADLINE = 60.0  # seconds for a whole answer (the read timeout bounds each read only)
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_RETRYABLE = (500, 502, 503, 504)


class GitHubError(ContractError):
    """The GitHub API could not be reached or answered something unusable (exit 3, a remote)."""

    exit_code = ExitCode.REGISTRY


class GitHubPermissionError(GitHubError):
    """The token may not do this (401/403): a configuration problem, not a flaky network."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class Upserted:
    """What an upsert did to one comment, issue or pull request."""

    action: Literal["created", "updated", "unchanged", "skipped", "closed"]
    number: int | None = None  # the comment id, or the issue / pull request number
    url: str | None = None


class GitHubClient:
    """One repository on one GitHub (github.com, or Enterprise at https://HOST/api/v3)."""

    def __init__(
        self,
        api_url: str,
        token: str,
        repository: str,
        *,
        session: requests.Session | None = None,
        max_retries: int = 3,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not _REPOSITORY.fullmatch(repository):
            raise UsageError(
                f"GITHUB_REPOSITORY {repository!r} is not OWNER/NAME",
                hint="run inside GitHub Actions or set GITHUB_REPOSITORY",
            )
        check_credential("GITHUB_TOKEN (or GH_TOKEN)", token)
        self.api_url = api_url.rstrip("/")
        self.repository = repository
        self.session = session or requests.Session()
        for prefix in ("http://", "https://"):  # so that a trickling answer can be cut off
            self.session.mount(prefix, WatchedAdapter())
        self.session.headers.update(
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": f"registry-contract/{__version__}",
            }
        )
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.sleep = sleep

    @property
    def repo_path(self) -> str:
        return f"/repos/{self.repository}"

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        allow: tuple[int, ...] = (),
    ) -> requests.Response:
        """Send one call, waiting out rate limits and server errors a bounded number of times."""
        url = path if path.startswith(self.api_url + "/") else self.api_url + path
        shown = public_url(url)  # GITHUB_API_URL or a Link header may carry credentials
        for attempt in range(self.max_retries + 1):
            try:
                response = self._exchange(method, url, f"GitHub API {method} {shown}", json, params)
            except requests.RequestException as e:
                if attempt < self.max_retries:
                    self.sleep(2.0**attempt)
                    continue
                raise GitHubError(
                    f"GitHub API {method} {shown}: {type(e).__name__}",
                    hint="check GITHUB_API_URL and the runner's network",
                ) from e
            wait = self._retry_wait(response, attempt)
            if wait is None or attempt == self.max_retries:
                break
            self.sleep(wait)
        if response.ok or response.status_code in allow:
            return response
        raise _error(method, shown or "", response)

    def _exchange(
        self, method: str, url: str, where: str, json: Any, params: Mapping[str, Any] | None
    ) -> requests.Response:
        """One request and its whole answer, cut off after ANSWER_DEADLINE seconds."""
        watchdog = Watchdog()
        watch = Watch(time.monotonic() + ANSWER_DEADLINE)
        watchdog.add(watch)
        CURRENT.watch = watch
        try:
            response = self.session.request(
                method, url, json=json, params=params, timeout=(5, 30), stream=True
            )
            _read_answer(response, where)
            return response
        except (requests.RequestException, DeadlinePassedError) as e:
            if watch.expired:  # whatever cutting the connection off made of the request
                raise GitHubError(
                    f"{where}: no complete answer within {ANSWER_DEADLINE:g} s",
                    hint="check GITHUB_API_URL and GitHub's status, then rerun",
                ) from e
            raise
        finally:
            CURRENT.watch = None
            watchdog.remove(watch)
            watchdog.close()

    def _retry_wait(self, response: requests.Response, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when this answer is final."""
        if response.status_code in _RETRYABLE:
            return 2.0**attempt
        if not _rate_limited(response):
            return None
        wait = _header_wait(response)
        return wait if wait <= self.max_wait else None

    def paginate(
        self, path: str, params: Mapping[str, Any] | None = None, *, key: str
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint (each an object with `key`), following the Link
        header's rel="next"."""
        url: str | None = self.api_url + path
        query: Mapping[str, Any] | None = {"per_page": 100, **(params or {})}
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self.request("GET", url, params=query)
            items = _json(response)
            if not isinstance(items, list):
                raise GitHubError(
                    f"{_where(response)}: expected a list, got {type(items).__name__}"
                )
            yield from (_object(response, item, key) for item in items)
            url, query = response.links.get("next", {}).get("url"), None
            if url is not None and not url.startswith(self.api_url + "/"):
                raise GitHubError(
                    f"GitHub API GET {path}: the next page {public_url(url)} is outside "
                    f"{public_url(self.api_url)}",
                    hint="check GITHUB_API_URL (Enterprise: https://HOST/api/v3)",
                )

    # Comments: one sticky comment per marker (a hidden HTML comment at the start of the body).

    def find_comment(self, number: int, marker: str) -> dict[str, Any] | None:
        for comment in self.paginate(f"{self.repo_path}/issues/{number}/comments", key="id"):
            if str(comment.get("body") or "").lstrip().startswith(marker):
                return dict(comment)
        return None

    def upsert_comment(
        self,
        number: int,
        marker: str,
        body: str,
        *,
        create: bool = True,
        same: Callable[[str, str], bool] = operator.eq,
    ) -> Upserted:
        """Update our comment when its body changed; create it only when `create`."""
        existing = self.find_comment(number, marker)
        if existing is None:
            if not create:
                return Upserted("skipped")
            path = f"{self.repo_path}/issues/{number}/comments"
            return _upserted("created", self.request("POST", path, json={"body": body}), "id")
        if same(str(existing.get("body") or ""), body):
            return Upserted("unchanged", existing["id"], existing.get("html_url"))
        path = f"{self.repo_path}/issues/comments/{existing['id']}"
        return _upserted("updated", self.request("PATCH", path, json={"body": body}), "id")

    # Issues: one open issue per label (the label is the identity, like the comment marker).

    def find_issue(self, label: str) -> dict[str, Any] | None:
        params = {"labels": label, "state": "open"}
        for issue in self.paginate(f"{self.repo_path}/issues", params, key="number"):
            if "pull_request" not in issue:  # the issues API lists pull requests too
                return dict(issue)
        return None

    def ensure_label(self, label: str) -> None:
        path = f"{self.repo_path}/labels"
        if self.request("GET", f"{path}/{quote(label, safe='')}", allow=(404,)).status_code == 404:
            self.request("POST", path, json={"name": label, "color": "d93f0b"})

    def upsert_issue(self, label: str, title: str, body: str) -> Upserted:
        """Open an issue with this label, or update the open one when its text changed."""
        issue = self.find_issue(label)
        if issue is None:
            self.ensure_label(label)
            payload = {"title": title, "body": body, "labels": [label]}
            return _upserted(
                "created", self.request("POST", f"{self.repo_path}/issues", json=payload)
            )
        if (issue.get("title"), issue.get("body") or "") == (title, body):
            return Upserted("unchanged", issue["number"], issue.get("html_url"))
        path = f"{self.repo_path}/issues/{issue['number']}"
        return _upserted(
            "updated", self.request("PATCH", path, json={"title": title, "body": body})
        )

    def close_issue(self, label: str, comment: str | None = None) -> Upserted:
        """Close the open issue with this label, saying why in `comment`; none open: nothing."""
        issue = self.find_issue(label)
        if issue is None:
            return Upserted("unchanged")
        path = f"{self.repo_path}/issues/{issue['number']}"
        if comment:
            self.request("POST", f"{path}/comments", json={"body": comment})
        payload = {"state": "closed", "state_reason": "completed"}
        return _upserted("closed", self.request("PATCH", path, json=payload))

    # Pull requests: one open pull request per head branch and base.

    def pull_request(self, number: int) -> dict[str, Any]:
        response = self.request("GET", f"{self.repo_path}/pulls/{number}")
        return _object(response, _json(response), "head")

    def upsert_pull_request(self, head: str, base: str, title: str, body: str) -> Upserted:
        """Open a pull request from `head` into `base`, or update the open one's title and body."""
        owner = self.repository.split("/")[0]
        params = {"head": f"{owner}:{head}", "base": base, "state": "open"}
        pull = next(iter(self.paginate(f"{self.repo_path}/pulls", params, key="number")), None)
        if pull is None:
            payload = {"title": title, "head": head, "base": base, "body": body}
            return _upserted(
                "created", self.request("POST", f"{self.repo_path}/pulls", json=payload)
            )
        if (pull.get("title"), pull.get("body") or "") == (title, body):
            return Upserted("unchanged", pull["number"], pull.get("html_url"))
        path = f"{self.repo_path}/pulls/{pull['number']}"
        return _upserted(
            "updated", self.request("PATCH", path, json={"title": title, "body": body})
        )


def _upserted(action: Any, response: requests.Response, key: str = "number") -> Upserted:
    data = _object(response, _json(response), key)
    return Upserted(action, data[key], data.get("html_url"))


def _read_answer(response: requests.Response, where: str) -> None:
    """Read the body into the response, refusing one larger than ANSWER_LIMIT unread beyond it:
    GITHUB_API_URL may point at anything, which could answer without end."""
    chunks: list[bytes] = []
    size = 0
    with response:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > ANSWER_LIMIT:
                raise GitHubError(
                    f"{where}: the answer is larger than {ANSWER_LIMIT // 2**20} MiB",
                    hint="check GITHUB_API_URL (Enterprise: https://HOST/api/v3)",
                )
            chunks.append(chunk)
    response._content = b"".join(chunks)


def _where(response: requests.Response) -> str:
    method = response.request.method if response.request is not None else "GET"
    return f"GitHub API {method} {public_url(response.url)}"


def _json(response: requests.Response) -> Any:
    """The answer's JSON: anything else (a proxy's HTML page) is a GitHubError, not a crash."""
    try:
        return response.json()
    except (ValueError, RecursionError) as e:  # RecursionError: nested too deeply
        raise GitHubError(
            f"{_where(response)}: the answer (HTTP {response.status_code}) is not JSON",
            hint="check GITHUB_API_URL (Enterprise: https://HOST/api/v3) and the network path",
        ) from e


def _object(response: requests.Response, data: Any, key: str) -> dict[str, Any]:
    """`data` when it is an object holding `key`, as GitHub's answers are."""
    if not isinstance(data, dict) or key not in data:
        raise GitHubError(
            f"{_where(response)}: unexpected answer, expected an object with {key!r}",
            hint="check GITHUB_API_URL (Enterprise: https://HOST/api/v3)",
        )
    return data


def _rate_limited(response: requests.Response) -> bool:
    """429, or a 403 that GitHub marks as a primary or secondary rate limit."""
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    if "Retry-After" in response.headers or response.headers.get("X-RateLimit-Remaining") == "0":
        return True
    return "rate limit" in _message(response).lower()


def _header_wait(response: requests.Response) -> float:
    """Retry-After (seconds or an HTTP date), else the rate limit reset, else GitHub's 60 s."""
    retry_after = response.headers.get("Retry-After", "")
    if retry_after.isdigit():
        return float(retry_after)
    if retry_after:
        try:
            parsed = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            return 60.0
        return max(0.0, parsed.timestamp() - time.time())
    reset = response.headers.get("X-RateLimit-Reset", "")
    if reset.isdigit():
        return max(0.0, float(reset) - time.time())
    return 60.0


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
    except (ValueError, RecursionError):
        return response.text[:200]
    return str(data.get("message", "")) if isinstance(data, dict) else ""


def _error(method: str, url: str, response: requests.Response) -> GitHubError:
    status = response.status_code
    what = f"GitHub API {method} {url} answered {status}: {_message(response) or response.reason}"
    if _rate_limited(response):
        return GitHubError(what, hint="the token is rate limited; rerun the job later")
    if status in (401, 403):
        return GitHubPermissionError(
            what,
            hint="give the job `pull-requests: write` (comments) or `issues: write`, "
            "and note that fork pull requests get a read-only token",
        )
    if status == 404:
        return GitHubError(
            what, hint="check GITHUB_REPOSITORY, the number, and that the token can see the repo"
        )
    return GitHubError(what, hint="check GITHUB_API_URL and GitHub's status, then rerun")
