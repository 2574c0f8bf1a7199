from __future__ import annotations

import pytest

from registry_contract.errors import ConfigError
from registry_contract.registry.auth import (
    BearerAuth,
    Credentials,
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
