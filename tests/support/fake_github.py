"""A loopback fake GitHub REST API: issue comments (paginated), issues, labels, pull requests.

As a context manager: `with FakeGitHub(prefix="/api/v3", token="t") as gh: gh.url` is the
value for GITHUB_API_URL. As a script, for end-to-end runs (act) that inspect it afterwards:

    python tests/support/fake_github.py --port 0 --state state.json \
        [--host 127.0.0.1] [--prefix /api/v3] [--token T] [--seed seed.json] [--per-page 30]

It prints `fake GitHub listening on URL` and rewrites --state (JSON: url, requests, comments,
issues, labels, pulls) after every request; SIGTERM/SIGINT stop it cleanly.

Every request is recorded in `gh.requests` (method, path without the prefix, query, lower-cased
headers without Authorization, body, whether the token matched, the status answered). Faults
are injected per path glob with `gh.fault(kind, path, method=None, times=None, **params)`, or
over HTTP with `POST {prefix}/_fake/faults` and a JSON object of the same arguments. Seed data
(`--seed` or `POST {prefix}/_fake/seed`): {"pulls": [...], "issues": [...], "comments": [...],
"labels": [...]}, each item the keyword arguments of the add_* method plus "repo".
Standard library only.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import signal
import threading
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

FAULTS = {
    # kind: (status, message, default params)
    "status": (
        500,
        "Server Error",
        {},
    ),  # status=..., message=..., headers={...}, body=... (bytes: raw)
    "forbidden": (403, "Resource not accessible by integration", {}),
    "rate-limit": (429, "Too Many Requests", {"retry_after": 1}),
    "secondary-rate-limit": (
        403,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        {"retry_after": 1},
    ),
    "primary-rate-limit": (403, "API rate limit exceeded", {"reset_in": 1}),
    "server-error": (502, "Bad Gateway", {}),
}
COMMENT_LIMIT = 65_536


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str
    authorized: bool
    status: int = 0

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Fault:
    kind: str
    path: str
    method: str | None
    times: int | None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Repo:
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # pull requests too
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_number: int = 1


class FakeGitHub:
    """A threaded HTTP/1.1 server on `host`; `url` is the API base URL (with the prefix)."""

    def __init__(
        self,
        *,
        prefix: str = "",
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        per_page: int = 30,
        state_file: Path | str | None = None,
    ) -> None:
        self.prefix = prefix.rstrip("/")
        self.token = token
        self.per_page = per_page
        self.state_file = Path(state_file) if state_file else None
        self.requests: list[RecordedRequest] = []
        self.repos: dict[str, _Repo] = {}
        self._faults: list[Fault] = []
        self._next_comment = 1000
        self._lock = threading.RLock()
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.prefix}"

    def start(self) -> FakeGitHub:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self.save()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.save()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- faults and records -------------------------------------------------------------
    def fault(
        self,
        kind: str,
        path: str = "*",
        *,
        method: str | None = None,
        times: int | None = None,
        **params: Any,
    ) -> None:
        """Answer requests whose path matches the glob with a fault, `times` times (None: always)."""
        if kind not in FAULTS:
            raise ValueError(f"fault must be one of {sorted(FAULTS)}, not {kind!r}")
        with self._lock:
            self._faults.append(Fault(kind, path, method, times, {**FAULTS[kind][2], **params}))

    def clear(self) -> None:
        """Remove every fault and forget the recorded requests (the data stays)."""
        with self._lock:
            self._faults.clear()
            self.requests.clear()

    def calls(self, method: str | None = None, path: str = "*") -> list[RecordedRequest]:
        """The recorded requests with this method whose path matches the glob."""
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and fnmatch.fnmatchcase(r.path, path)
            ]

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "url": self.url,
                "requests": [asdict(r) for r in self.requests],
                "repos": {
                    name: {
                        "issues": list(repo.issues.values()),
                        "pulls": list(repo.pulls.values()),
                        "comments": list(repo.comments.values()),
                        "labels": list(repo.labels.values()),
                    }
                    for name, repo in self.repos.items()
                },
            }

    def save(self) -> None:
        """Write the state file atomically (script mode), so readers never see half of it."""
        if self.state_file is None:
            return
        with self._lock:
            text = json.dumps(self.state(), indent=2)
            partial = self.state_file.with_name(self.state_file.name + ".partial")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, self.state_file)

    # --- data ----------------------------------------------------------------------------
    def repo(self, name: str) -> _Repo:
        with self._lock:
            return self.repos.setdefault(name, _Repo())

    def add_issue(
        self,
        repo: str,
        title: str = "an issue",
        body: str = "",
        labels: list[str] | tuple[str, ...] = (),
        state: str = "open",
        number: int | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            data = self.repo(repo)
            for label in labels:
                data.labels.setdefault(label, {"name": label, "color": "ededed"})
            number = self._number(data, number)
            issue = {
                "number": number,
                "title": title,
                "body": body,
                "state": state,
                "labels": [{"name": label} for label in labels],
                "html_url": f"https://github.example/{repo}/issues/{number}",
            }
            data.issues[number] = issue
            return issue

    def add_pull_request(
        self,
        repo: str,
        head: str = "feature",
        base: str = "main",
        title: str = "a change",
        body: str = "",
        head_sha: str = "0" * 40,
        fork: str | None = None,
        number: int | None = None,
    ) -> dict[str, Any]:
        """`fork` is the head repository's full name when it is not `repo`."""
        with self._lock:
            data = self.repo(repo)
            number = self._number(data, number)
            head_repo = fork or repo
            pull = {
                "number": number,
                "title": title,
                "body": body,
                "state": "open",
                "head": {
                    "ref": head,
                    "sha": head_sha,
                    "label": f"{head_repo.split('/')[0]}:{head}",
                    "repo": {"full_name": head_repo},
                },
                "base": {"ref": base, "repo": {"full_name": repo}},
                "html_url": f"https://github.example/{repo}/pull/{number}",
            }
            data.pulls[number] = pull
            data.issues[number] = {
                "number": number,
                "title": title,
                "body": body,
                "state": "open",
                "labels": [],
                "pull_request": {"url": pull["html_url"]},
                "html_url": pull["html_url"],
            }
            return pull

    def add_comment(
        self, repo: str, number: int, body: str, user: str = "someone"
    ) -> dict[str, Any]:
        with self._lock:
            data = self.repo(repo)
            self._next_comment += 1
            comment = {
                "id": self._next_comment,
                "issue_number": number,
                "body": body,
                "user": {"login": user},
                "html_url": f"https://github.example/{repo}/pull/{number}"
                f"#issuecomment-{self._next_comment}",
            }
            data.comments[comment["id"]] = comment
            return comment

    def comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        with self._lock:
            return [c for c in self.repo(repo).comments.values() if c["issue_number"] == number]

    def seed(self, data: dict[str, Any]) -> None:
        """Add the items of a seed document: {"pulls": [{"repo": ..., ...}], ...}."""
        adders = {
            "labels": self._add_label,
            "issues": self.add_issue,
            "pulls": self.add_pull_request,
            "comments": self.add_comment,
        }
        for key, add in adders.items():
            for item in data.get(key, []):
                add(**item)

    def _add_label(self, repo: str, name: str, color: str = "ededed") -> None:
        self.repo(repo).labels[name] = {"name": name, "color": color}

    @staticmethod
    def _number(data: _Repo, number: int | None) -> int:
        if number is None:
            number = data.next_number
        data.next_number = max(data.next_number, number + 1)
        return number

    def _fired(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times == 0 or not fnmatch.fnmatchcase(path, fault.path):
                    continue
                if fault.method not in (None, method):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed ACK

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read gh.requests instead of the server's log."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    @property
    def fake(self) -> FakeGitHub:
        return self.server.fake  # type: ignore[attr-defined, no-any-return]

    def _handle(self) -> None:
        fake = self.fake
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if not split.path.startswith(fake.prefix + "/"):
            self._send(404, {"message": "Not Found (outside the API prefix)"})
            return
        path = split.path[len(fake.prefix) :]
        query = dict(parse_qsl(split.query))
        if path.startswith("/_fake/"):
            self._control(path, body)
            return
        auth = self.headers.get("Authorization", "")
        authorized = fake.token is None or auth in (f"Bearer {fake.token}", f"token {fake.token}")
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() != "authorization"}
        record = RecordedRequest(self.command, path, query, headers, body, authorized)
        with fake._lock:
            fake.requests.append(record)
        try:
            status, data, extra = self._answer(fake, path, query, body, authorized)
            record.status = status
            self._send(status, data, extra)
        finally:
            fake.save()

    def _answer(
        self, fake: FakeGitHub, path: str, query: dict[str, str], body: str, authorized: bool
    ) -> tuple[int, Any, dict[str, str]]:
        fault = fake._fired(self.command, path)
        if fault is not None:
            return _fault_answer(fault)
        if not authorized:
            return 401, {"message": "Bad credentials"}, {}
        for method, pattern, route in ROUTES:
            match = re.fullmatch(pattern, path)
            if match and method == self.command:
                try:
                    payload = json.loads(body) if body else {}
                except ValueError:
                    return 400, {"message": "Problems parsing JSON"}, {}
                with fake._lock:
                    status, data = route(fake, match["repo"], match, query, payload)
                if status == 200 and isinstance(data, list):
                    return page_of(fake, data, path, query, self.headers.get("Host", ""))
                return status, data, {}
        return 404, {"message": "Not Found"}, {}

    def _control(self, path: str, body: str) -> None:
        fake = self.fake
        data = json.loads(body) if body else {}
        if path == "/_fake/state" and self.command == "GET":
            self._send(200, fake.state())
        elif path == "/_fake/faults" and self.command == "POST":
            fake.fault(**data)
            self._send(201, {"ok": True})
        elif path == "/_fake/seed" and self.command == "POST":
            fake.seed(data)
            fake.save()
            self._send(201, {"ok": True})
        else:
            self._send(404, {"message": "unknown control endpoint"})

    def _send(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        if isinstance(data, bytes):  # a fault's body sent as it is: HTML, broken JSON
            raw = data
        else:
            raw = b"" if status == 204 else json.dumps(data).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)


def _fault_answer(fault: Fault) -> tuple[int, Any, dict[str, str]]:
    import time

    status, message, _ = FAULTS[fault.kind]
    params = fault.params
    headers = dict(params.get("headers") or {})
    if params.get("retry_after") is not None:
        headers["Retry-After"] = str(params["retry_after"])
    if fault.kind == "primary-rate-limit":
        headers["X-RateLimit-Remaining"] = "0"
        headers["X-RateLimit-Reset"] = str(int(time.time() + float(params["reset_in"])))
    body = params["body"] if "body" in params else {"message": params.get("message", message)}
    return int(params.get("status", status)), body, headers


# --- the REST routes: (fake, repo, match, query, payload) -> (status, json) --------------
Answer = tuple[int, Any]


def _list_comments(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    return 200, fake.comments(repo, int(m["number"]))


def _create_comment(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    number = int(m["number"])
    if number not in fake.repo(repo).issues:
        return 404, {"message": "Not Found"}
    invalid = _invalid_body(p)
    if invalid:
        return invalid
    return 201, fake.add_comment(repo, number, p["body"], user="github-actions[bot]")


def _update_comment(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    comment = fake.repo(repo).comments.get(int(m["id"]))
    if comment is None:
        return 404, {"message": "Not Found"}
    invalid = _invalid_body(p)
    if invalid:
        return invalid
    comment["body"] = p["body"]
    return 200, comment


def _delete_comment(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    gone = fake.repo(repo).comments.pop(int(m["id"]), None)
    return (204, None) if gone else (404, {"message": "Not Found"})


def _invalid_body(p: Any) -> Answer | None:
    if not isinstance(p.get("body"), str):
        return 422, {"message": "Validation Failed", "errors": [{"field": "body"}]}
    if len(p["body"]) > COMMENT_LIMIT:
        return 422, {
            "message": "Validation Failed",
            "errors": [{"message": "body is too long (maximum is 65536 characters)"}],
        }
    return None


def _list_issues(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    wanted = {label for label in q.get("labels", "").split(",") if label}
    state = q.get("state", "open")
    return 200, [
        issue
        for issue in fake.repo(repo).issues.values()
        if state in ("all", issue["state"])
        and wanted <= {label["name"] for label in issue["labels"]}
    ]


def _get_issue(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    issue = fake.repo(repo).issues.get(int(m["number"]))
    return (200, issue) if issue else (404, {"message": "Not Found"})


def _create_issue(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    if not isinstance(p.get("title"), str) or not p["title"]:
        return 422, {"message": "Validation Failed", "errors": [{"field": "title"}]}
    issue = fake.add_issue(repo, p["title"], p.get("body") or "", tuple(p.get("labels") or ()))
    return 201, issue


def _update_issue(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    data = fake.repo(repo)
    issue = data.issues.get(int(m["number"]))
    if issue is None:
        return 404, {"message": "Not Found"}
    for key in ("title", "body", "state", "state_reason"):
        if key in p:
            issue[key] = p[key]
    if "labels" in p:
        issue["labels"] = [{"name": label} for label in p["labels"]]
    pull = data.pulls.get(issue["number"])
    if pull is not None:
        pull.update({k: issue[k] for k in ("title", "body", "state")})
    return 200, issue


def _get_label(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    label = fake.repo(repo).labels.get(m["name"])
    return (200, label) if label else (404, {"message": "Not Found"})


def _create_label(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    labels = fake.repo(repo).labels
    if p.get("name") in labels:
        return 422, {"message": "Validation Failed", "errors": [{"code": "already_exists"}]}
    labels[p["name"]] = {"name": p["name"], "color": p.get("color", "ededed")}
    return 201, labels[p["name"]]


def _list_pulls(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    state = q.get("state", "open")
    return 200, [
        pull
        for pull in fake.repo(repo).pulls.values()
        if state in ("all", pull["state"])
        and q.get("head") in (None, pull["head"]["label"])
        and q.get("base") in (None, pull["base"]["ref"])
    ]


def _get_pull(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    pull = fake.repo(repo).pulls.get(int(m["number"]))
    return (200, pull) if pull else (404, {"message": "Not Found"})


def _create_pull(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    if not all(isinstance(p.get(k), str) and p[k] for k in ("title", "head", "base")):
        return 422, {"message": "Validation Failed", "errors": [{"field": "title/head/base"}]}
    owner = repo.split("/")[0]
    for pull in fake.repo(repo).pulls.values():
        same = (pull["head"]["label"], pull["base"]["ref"]) == (f"{owner}:{p['head']}", p["base"])
        if same and pull["state"] == "open":
            return 422, {"message": f"A pull request already exists for {owner}:{p['head']}."}
    pull = fake.add_pull_request(repo, p["head"], p["base"], p["title"], p.get("body") or "")
    return 201, pull


def _update_pull(fake: FakeGitHub, repo: str, m: Any, q: Any, p: Any) -> Answer:
    return (
        _update_issue(fake, repo, m, q, p)
        if int(m["number"]) in fake.repo(repo).pulls
        else (
            404,
            {"message": "Not Found"},
        )
    )


_REPO = r"/repos/(?P<repo>[^/]+/[^/]+)"
ROUTES = [
    ("GET", _REPO + r"/issues/(?P<number>\d+)/comments", _list_comments),
    ("POST", _REPO + r"/issues/(?P<number>\d+)/comments", _create_comment),
    ("PATCH", _REPO + r"/issues/comments/(?P<id>\d+)", _update_comment),
    ("DELETE", _REPO + r"/issues/comments/(?P<id>\d+)", _delete_comment),
    ("GET", _REPO + r"/issues", _list_issues),
    ("POST", _REPO + r"/issues", _create_issue),
    ("GET", _REPO + r"/issues/(?P<number>\d+)", _get_issue),
    ("PATCH", _REPO + r"/issues/(?P<number>\d+)", _update_issue),
    ("GET", _REPO + r"/labels/(?P<name>[^/]+)", _get_label),
    ("POST", _REPO + r"/labels", _create_label),
    ("GET", _REPO + r"/pulls", _list_pulls),
    ("POST", _REPO + r"/pulls", _create_pull),
    ("GET", _REPO + r"/pulls/(?P<number>\d+)", _get_pull),
    ("PATCH", _REPO + r"/pulls/(?P<number>\d+)", _update_pull),
]


def page_of(
    fake: FakeGitHub, items: list[Any], path: str, query: dict[str, str], host: str
) -> tuple[int, Any, dict[str, str]]:
    """One page of a list, with GitHub's Link header (first, prev, next, last)."""
    per_page = min(int(query.get("per_page", fake.per_page)), 100)
    page = max(int(query.get("page", 1)), 1)
    last = max(1, -(-len(items) // per_page))
    base = f"http://{host}{fake.prefix}{path}"
    links = {"first": 1, "prev": page - 1, "next": page + 1, "last": last}
    header = ", ".join(
        f'<{base}?{urlencode({**query, "page": n})}>; rel="{rel}"'
        for rel, n in links.items()
        if 1 <= n <= last
        and not (rel in ("first", "prev") and page == 1)
        and not (rel in ("next", "last") and page == last)
    )
    chunk = items[(page - 1) * per_page : page * per_page]
    return 200, chunk, ({"Link": header} if header else {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--prefix", default="", help="API path prefix, e.g. /api/v3 (Enterprise)")
    parser.add_argument("--token", help="the only token accepted (default: any)")
    parser.add_argument("--per-page", type=int, default=30, help="default page size")
    parser.add_argument("--state", required=True, help="JSON file rewritten after each request")
    parser.add_argument("--seed", help="JSON file with pulls, issues, comments and labels")
    args = parser.parse_args()
    fake = FakeGitHub(
        prefix=args.prefix,
        token=args.token,
        host=args.host,
        port=args.port,
        per_page=args.per_page,
        state_file=args.state,
    )
    if args.seed:
        fake.seed(json.loads(Path(args.seed).read_text("utf-8")))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    fake.start()
    print(f"fake GitHub listening on {fake.url}", flush=True)
    stop.wait()
    fake.stop()


if __name__ == "__main__":
    main()
