"""Credentials that cannot go into an HTTP header (a line break, a control or non-Latin-1
character) are refused with exit 2 and never printed: the GitHub token of the commands that
post to GitHub, and the development server's token, user name and password."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.fake_github import FakeGitHub

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
