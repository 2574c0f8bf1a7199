"""Hostile inputs through the commands the first hardening rounds did not cover: every printed
line stays one line, and a condition a user or a registry can cause is never exit 5."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from support.fake_registry import FakeRegistry

Cli = Callable[..., tuple[int, str, str]]
DATA = Path(__file__).resolve().parents[1] / "data" / "registry"
FORGED = "proj\n::error::forged\r::warning::also\u2028x"


def assert_lines_safe(*texts: str) -> None:
    """Each line is one of the tool's own: none forges a workflow command."""
    for text in texts:
        for line in text.splitlines():
            assert not line.lstrip().startswith("::"), line
        assert "\r" not in text and "\u2028" not in text


@pytest.fixture
def hostile_project(tmp_path: Path) -> Path:
    """A project over a folder registry, in a folder whose name forges workflow commands."""
    root = tmp_path / FORGED
    root.mkdir()
    shutil.copytree(DATA / "shop", root / "registry")
    config = {
        "registry": {"api": "static", "url": "registry"},
        "tracks": ["v2", "v1"],
        "schemas": {"shop.Order": None},
    }
    (root / "registry-contract.yml").write_text(yaml.safe_dump(config))
    return root


@pytest.mark.parametrize("damage", ["unreadable", "problems"])
def test_lock_and_verify_keep_a_hostile_folder_name_on_one_line(
    hostile_project: Path, cli: Cli, damage: str
) -> None:
    config = str(hostile_project / "registry-contract.yml")
    code, out, err = cli("--config", config, "lock")
    assert code == 0, err
    assert_lines_safe(out, err)
    lock_dir = hostile_project / "schemas-lock"
    code, out, err = cli("verify", "--lock-dir", str(lock_dir))
    assert code == 0 and out.count("\n") == 1
    assert_lines_safe(out, err)
    if damage == "unreadable":
        (lock_dir / "lock.json").write_text("not json")
    else:
        (lock_dir / "shop.Order" / "v2.json").write_text("{}")
    code, out, err = cli("--config", config, "lock")
    assert code == 0, err
    assert err.count("\n") == 1 and err.startswith("note: replacing ")
    assert "proj\\n::error::forged\\r::warning::also\\u2028x" in err
    assert_lines_safe(out, err)


def test_compat_refuses_a_schema_file_larger_than_any_schema_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.json").write_text('{"type": "object"}')
    with (tmp_path / "huge.json").open("wb") as handle:  # sparse: 2 GiB, no disk used
        handle.truncate(2 * 2**30)
    code, out, err = cli("compat", "old.json", "huge.json")
    assert (code, out) == (2, "")
    assert err == (
        "registry-contract: error: huge.json: larger than 5 MiB, not a schema; pass a JSON "
        "Schema file, or NAME@TRACK for a locked schema\n"
    )


@pytest.mark.parametrize("body", ["/dev/zero", "huge.md"])
def test_pr_refuses_a_body_file_larger_than_github_takes_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, body: str
) -> None:
    from support.fake_github import FakeGitHub

    monkeypatch.chdir(tmp_path)
    with (tmp_path / "huge.md").open("wb") as handle:
        handle.truncate(2 * 2**30)
    with FakeGitHub() as github:
        for name, value in {
            "GITHUB_API_URL": github.url,
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_TOKEN": "ghs_plainToken0123456789",
        }.items():
            monkeypatch.setenv(name, value)
        argv = ["--head", "refresh", "--base", "main", "--title", "t", "--body-file", body]
        code, out, err = cli("pr", *argv)
        assert github.requests == []
    assert (code, out) == (2, "")
    assert err.startswith(
        f"registry-contract: error: pull request body {body}: larger than 1 MiB, more than GitHub"
    )
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param(
            "https://user:Pa55-W0rd@registry.example/api", "holds credentials", id="userinfo"
        ),
        pytest.param(
            "https://registry.example/api?token=T0ken-V4lue", "has a query string", id="query"
        ),
    ],
)
def test_init_writes_no_registry_url_that_holds_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, url: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("init", "--api", "core", "--url", url, "--schema", "shop.Order")
    assert (code, out) == (2, "")
    assert err.startswith(
        "registry-contract: error: --url for registry-contract.yml: registry.url (or "
        f"REGISTRY_URL) {message}"
    )
    assert err.count("\n") == 1 and "Pa55-W0rd" not in err and "T0ken-V4lue" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("port", ["65536", "99999", "-1"])
def test_serve_refuses_a_port_out_of_range_as_a_usage_error(cli: Cli, port: str) -> None:
    lock = Path(__file__).resolve().parents[2] / "schemas-lock"
    code, out, err = cli("serve", "--lock-dir", str(lock), "--port", port)
    assert (code, out) == (2, "")
    last = err.splitlines()[-1]
    assert last == (
        f"registry-contract serve: error: argument --port: '{port}' is not a port number "
        "from 0 to 65535"
    )


@pytest.mark.parametrize("key", ["connect-timeout", "read-timeout", "request-deadline", "deadline"])
def test_a_timeout_beyond_a_day_is_a_config_error_not_an_overflow(
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    key: str,
) -> None:
    registry = fake_registry()
    project({"api": "core", "url": registry.url, key: 1e300})
    code, out, err = cli("lock")
    assert (code, out) == (2, "")
    assert f"key registry.{key}: 1e+300 is greater than the maximum of 86400" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("event", "message"),
    [
        pytest.param("/dev/zero", "larger than 32 MiB, not an event payload", id="endless"),
        pytest.param("deep.json", "cannot read the event payload (maximum recursion", id="deep"),
    ],
)
def test_comment_reads_a_bounded_event_payload(
    example: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, event: str, message: str
) -> None:
    assert cli("gate", "--offline", "--report", "report.json")[0] == 0
    (example / "deep.json").write_text("[" * 100_000)
    monkeypatch.setenv("GITHUB_EVENT_PATH", event)
    code, out, err = cli("comment", "--report", "report.json", "--comment", "always")
    assert (code, out) == (2, "")
    assert err.startswith(f"registry-contract: error: GITHUB_EVENT_PATH {event}: {message}")
    assert err.count("\n") == 1


def test_a_config_larger_than_any_config_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    with (tmp_path / "registry-contract.yml").open("wb") as handle:  # sparse: no disk used
        handle.truncate(2 * 2**30)
    for command in ("gate", "lock", "verify", "drift"):
        code, out, err = cli(command)
        assert (code, out) == (2, "")
        assert err == (
            f"registry-contract: error: {tmp_path / 'registry-contract.yml'}: larger than 4 MiB, "
            "not a config this tool reads; check the --config path\n"
        )


def test_doctor_passes_over_a_workflow_file_larger_than_any_workflow(
    example: Path, cli: Cli
) -> None:
    workflows = example / ".github" / "workflows"
    workflows.mkdir(parents=True)
    with (workflows / "huge.yml").open("wb") as handle:
        handle.truncate(2 * 2**30)
    code, out, _ = cli("doctor")
    assert code == 1
    assert "❌ workflow: no workflow in .github/workflows calls the contract gate" in out


@pytest.mark.parametrize("command", ["gate", "validate"])
def test_a_track_no_schema_has_is_a_usage_error_not_a_silent_pass(
    example: Path, cli: Cli, command: str
) -> None:
    argv = [command, "--offline"] if command == "gate" else [command]
    code, out, err = cli(*argv, "--track", "v9\n::error::forged")
    assert (code, out) == (2, "")
    assert err == (
        "registry-contract: error: --track v9\\n::error::forged: not a configured track of any "
        "schema; configured tracks: v1, v2\n"
    )
    assert cli(*argv, "--track", "v1")[0] == 0
