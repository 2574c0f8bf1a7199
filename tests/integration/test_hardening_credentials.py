"""Credentials that cannot go into an HTTP header (a line break, a control or non-Latin-1
character) are refused with exit 2 and never printed: the GitHub token of the commands that
post to GitHub, and the development server's token, user name and password. URLs that carry
credentials are printed without them, in errors and in --debug tracebacks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.fake_github import FakeGitHub
from support.fake_registry import FakeRegistry
from support.trickling_server import trickling_server

Cli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]
SECRET = "ghs_s3cr3t_Token*value*0123"
REPO = "acme/shop"
BAD_VALUES = [
    pytest.param(f"{SECRET}\n", id="trailing-newline"),
    pytest.param(f"{SECRET}\r\n::stop-commands::x", id="crlf-command"),
    pytest.param(f"{SECRET}\x1b[2J", id="escape"),
    pytest.param(f"{SECRET}\u20ac", id="non-latin-1"),
]


def assert_refused_unprinted(code: int, out: str, err: str, name: str, value: str) -> None:
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("registry-contract: error: "), err
    assert f"{name} holds a line break, a control character or a character outside" in err
    assert "its value is not shown" in err
    for part in [*value.splitlines(), SECRET]:
        assert part not in out and part not in err


@pytest.fixture
def github(example: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A loopback GitHub with pull request #7; no token set yet."""
    with FakeGitHub() as fake:
        fake.add_pull_request(REPO, number=7, head_sha="ab" * 20)
        for name, value in {
            "GITHUB_API_URL": fake.url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_OUTPUT": str(example / "output.txt"),
        }.items():
            monkeypatch.setenv(name, value)
        for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_EVENT_PATH"):
            monkeypatch.delenv(name, raising=False)
        yield fake


@pytest.mark.parametrize("variable", ["GITHUB_TOKEN", "GH_TOKEN"])
@pytest.mark.parametrize("value", BAD_VALUES)
def test_github_commands_refuse_a_token_that_cannot_go_into_a_header_without_printing_it(
    github: FakeGitHub,
    example: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
) -> None:
    assert cli("gate", "--offline", "--report", "report.json")[0] == 0
    (example / "body.md").write_text("drift")
    monkeypatch.setenv(variable, value)
    for argv in (
        ["comment", "--report", "report.json", "--comment", "always", "--pull-request", "7"],
        ["pr", "--head", "refresh", "--base", "main", "--title", "t", "--body-file", "body.md"],
    ):
        code, out, err = cli(*argv)
        assert_refused_unprinted(code, out, err, "GITHUB_TOKEN (or GH_TOKEN)", value)
    assert github.requests == []


def serve(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """`serve` in a real process: a server that accepted the credential would run until the
    timeout, and fail the test, instead of exiting."""
    done = subprocess.run(
        [sys.executable, "-m", "registry_contract", "serve", "--lock-dir", "schemas-lock", *argv],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("value", BAD_VALUES)
@pytest.mark.parametrize("name", ["--token", "--username", "REGISTRY_PASSWORD"])
def test_serve_refuses_a_credential_that_cannot_go_into_a_header_without_printing_it(
    name: str, value: str
) -> None:
    if name == "--token":
        code, out, err = serve("--token", value)
    elif name == "--username":
        code, out, err = serve("--username", value, env={"REGISTRY_PASSWORD": "pw-0123456789"})
    else:
        code, out, err = serve("--username", "dev", env={"REGISTRY_PASSWORD": value})
    assert_refused_unprinted(code, out, err, name, value)


PASSWORD = "Pa55-W0rd_*secret*"
QUERY_TOKEN = "T0ken-V4lue_*secret*"


def assert_no_url_secret(out: str, err: str) -> None:
    for secret in (PASSWORD, QUERY_TOKEN):
        assert secret not in out and secret not in err


def test_debug_tracebacks_show_no_credentials_of_the_urls_in_library_errors(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry()
    project({"api": "core", "url": registry.url}, schemas={"shop.Order": None})
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = f"http://user:{PASSWORD}@127.0.0.1:{port}/x?token={QUERY_TOKEN}&path="
    registry.fault("redirect", to=target)
    code, out, err = cli("lock", "--debug")
    assert code == 3, (out, err)
    assert "Traceback (most recent call last)" in err
    assert "Max retries exceeded with url: /x?token=***&path=/schemas/" in err  # urllib3's
    assert err.startswith(f"registry-contract: error: http://127.0.0.1:{port}/x?token=***&path=")
    assert_no_url_secret(out, err)


@pytest.mark.parametrize("debug", [[], ["--debug"]])
def test_github_errors_show_no_credentials_of_the_api_url(
    github: FakeGitHub,
    example: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    debug: list[str],
) -> None:
    host = github.url.split("://", 1)[1]
    monkeypatch.setenv("GITHUB_API_URL", f"http://user:{PASSWORD}@{host}?token={QUERY_TOKEN}")
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_plainToken0123456789")
    (example / "body.md").write_text("drift")
    argv = ["pr", "--head", "refresh", "--base", "main", "--title", "t", "--body-file", "body.md"]
    code, out, err = cli(*debug, *argv)
    assert code == 3, (out, err)
    first = err.splitlines()[0]
    assert first.startswith(f"registry-contract: error: GitHub API GET http://{host}?token=***")
    assert "answered 404" in first
    assert (len(err.splitlines()) == 1) is not bool(debug)
    assert_no_url_secret(out, err)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"<html>proxy login</html>", "the answer (HTTP 200) is not JSON", id="html"),
        pytest.param(b"[" * 100_000, "the answer (HTTP 200) is not JSON", id="deep"),
        pytest.param(
            b'["a", "b"]', "unexpected answer, expected an object with 'number'", id="shape"
        ),
        pytest.param(b"[" + b" " * 40 * 2**20, "the answer is larger than 32 MiB", id="huge"),
    ],
)
def test_a_github_answer_that_is_not_what_github_sends_is_an_error_not_a_crash(
    github: FakeGitHub,
    example: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    body: bytes,
    message: str,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_plainToken0123456789")
    github.fault("status", "/repos/*/pulls", method="GET", status=200, body=body)
    (example / "body.md").write_text("drift")
    argv = ["pr", "--head", "refresh", "--base", "main", "--title", "t", "--body-file", "body.md"]
    code, out, err = cli(*argv)
    assert code == 3, (out, err)
    # (the fake server may log the connection this side closed early: only our lines count)
    [line] = [line for line in err.splitlines() if line.startswith("registry-contract")]
    assert f"GitHub API GET {github.url}/repos/{REPO}/pulls" in line and message in line
    assert "internal error" not in err


def test_a_github_answer_that_trickles_is_cut_off_at_the_deadline(
    example: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from registry_contract.github import api as github_api

    monkeypatch.setattr(github_api, "ANSWER_DEADLINE", 1.0)
    with trickling_server() as url:
        for name, value in {
            "GITHUB_API_URL": url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_TOKEN": "ghs_plainToken0123456789",
        }.items():
            monkeypatch.setenv(name, value)
        (example / "body.md").write_text("drift")
        argv = ["--head", "refresh", "--base", "main", "--title", "t", "--body-file", "body.md"]
        code, out, err = cli("pr", *argv)
    assert (code, out) == (3, "")
    assert err == (
        f"registry-contract: error: GitHub API GET {url}/repos/{REPO}/pulls: no complete "
        "answer within 1 s; check GITHUB_API_URL and GitHub's status, then rerun\n"
    )
