from __future__ import annotations

import pytest

from registry_contract.errors import ConfigError
from registry_contract.registry.auth import (
    ALLOWED_HOSTS_VARIABLE,
    BearerAuth,
    Credentials,
    check_allowed_host,
    check_transport_security,
    credentials_from_env,
    is_loopback,
)

TOKEN = "tok-0123456789"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        pytest.param("127.0.0.1", True, id="ipv4"),
        pytest.param("127.8.9.10", True, id="ipv4-range"),
        pytest.param("::1", True, id="ipv6"),
        pytest.param("[::1]", True, id="ipv6-brackets"),
        pytest.param("LOCALHOST", True, id="localhost"),
        pytest.param("10.0.0.1", False, id="private"),
        pytest.param("registry.example", False, id="name"),
        pytest.param("localhost.example", False, id="lookalike"),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("url", "credentials", "allow", "refused"),
    [
        pytest.param("http://r.example", Credentials(token=TOKEN), False, True, id="token-http"),
        pytest.param("http://r.example", Credentials(username="u"), False, True, id="basic-http"),
        pytest.param("http://r.example", Credentials(token=TOKEN), True, False, id="allowed"),
        pytest.param("https://r.example", Credentials(token=TOKEN), False, False, id="https"),
        pytest.param("http://127.0.0.1:9", Credentials(token=TOKEN), False, False, id="loopback"),
        pytest.param("http://r.example", Credentials(), False, False, id="no-credentials"),
    ],
)
def test_plain_http_is_refused_when_credentials_are_set(
    url: str, credentials: Credentials, allow: bool, refused: bool
) -> None:
    if refused:
        with pytest.raises(ConfigError, match="refusing to send REGISTRY_") as error:
            check_transport_security(url, credentials, allow)
        assert "allow-insecure-http" in str(error.value)
    else:
        check_transport_security(url, credentials, allow)


def test_credentials_prefer_the_token_and_name_their_variables() -> None:
    both = credentials_from_env(
        {"REGISTRY_TOKEN": TOKEN, "REGISTRY_USERNAME": "u", "REGISTRY_PASSWORD": "p"}, basic=True
    )
    assert isinstance(both.auth(), BearerAuth)
    assert both.variables == "REGISTRY_TOKEN"
    basic = credentials_from_env({"REGISTRY_USERNAME": "u", "REGISTRY_PASSWORD": "p"}, basic=True)
    assert basic.variables == "REGISTRY_USERNAME/REGISTRY_PASSWORD"
    assert credentials_from_env({"REGISTRY_USERNAME": "u"}, basic=False) == Credentials()
    assert TOKEN not in repr(both.auth())


def test_github_actions_masks_every_secret(capsys: pytest.CaptureFixture[str]) -> None:
    env = {"GITHUB_ACTIONS": "true", "REGISTRY_TOKEN": TOKEN, "REGISTRY_PASSWORD": "pw-secret"}
    credentials_from_env(env, basic=True)
    assert capsys.readouterr().out == f"::add-mask::{TOKEN}\n::add-mask::pw-secret\n"
    credentials_from_env({"REGISTRY_TOKEN": TOKEN}, basic=True)
    assert capsys.readouterr().out == ""


def test_github_actions_masks_every_line_of_a_multi_line_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {"GITHUB_ACTIONS": "true", "REGISTRY_TOKEN": f"{TOKEN}\r\nsecond-line\n"}
    with pytest.raises(ConfigError):
        credentials_from_env(env, basic=False)
    assert capsys.readouterr().out == f"::add-mask::{TOKEN}\n::add-mask::second-line\n"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(f"{TOKEN}\n", id="newline"),
        pytest.param(f"{TOKEN}\r", id="carriage-return"),
        pytest.param(f"{TOKEN}\t", id="tab"),
        pytest.param(f"{TOKEN}\x7f", id="delete"),
        pytest.param(f"{TOKEN}\x85", id="next-line"),
        pytest.param(f"{TOKEN}\u2028", id="line-separator"),
        pytest.param(f"{TOKEN}\u20ac", id="non-latin-1"),
    ],
)
def test_a_credential_that_cannot_go_into_a_header_is_refused_unprinted(value: str) -> None:
    with pytest.raises(ConfigError) as error:
        credentials_from_env({"REGISTRY_PASSWORD": value, "REGISTRY_USERNAME": "u"}, basic=True)
    assert error.value.exit_code == 2
    assert "REGISTRY_PASSWORD holds a line break" in str(error.value)
    assert TOKEN not in str(error.value)


def test_a_latin_1_credential_is_accepted() -> None:
    assert credentials_from_env({"REGISTRY_TOKEN": "caf\xe9-token"}, basic=False).present


def test_no_credentials_name_every_way_to_set_them() -> None:
    assert (
        Credentials(basic=True).variables
        == "REGISTRY_TOKEN (or REGISTRY_USERNAME and REGISTRY_PASSWORD)"
    )
    assert Credentials().variables == "REGISTRY_TOKEN"


@pytest.mark.parametrize(
    ("url", "allowed", "ok"),
    [
        pytest.param("https://reg.example/api", "", True, id="unset"),
        pytest.param("https://reg.example/api", "reg.example", True, id="host"),
        pytest.param("https://REG.example:443/api", "reg.example:443", True, id="default-port"),
        pytest.param("https://reg.example:8081", "reg.example:443", False, id="other-port"),
        pytest.param(
            "https://a.corp.example", "other.example, *.corp.example", True, id="wildcard"
        ),
        pytest.param("https://corp.example", "*.corp.example", False, id="wildcard-not-apex"),
        pytest.param("https://evilcorp.example", "*.corp.example", False, id="wildcard-suffix"),
        pytest.param("http://[::1]:9/", "[::1]:9", True, id="ipv6-port"),
        pytest.param("http://[::1]:9/", "::1", True, id="ipv6-bare"),
        pytest.param("https://reg.example.evil/", "reg.example", False, id="lookalike"),
    ],
)
def test_allowed_registry_hosts(url: str, allowed: str, ok: bool) -> None:
    env = {ALLOWED_HOSTS_VARIABLE: allowed}
    if ok:
        check_allowed_host(url, env)
    else:
        with pytest.raises(ConfigError, match="refusing to contact the registry"):
            check_allowed_host(url, env)
