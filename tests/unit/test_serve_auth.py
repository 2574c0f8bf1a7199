"""Who the development registry lets in: bearer token, basic username and password."""

from __future__ import annotations

import base64

import pytest

from registry_contract.registry.serve_auth import ServerAuth


def basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("auth", "header", "allowed"),
    [
        pytest.param(ServerAuth(), "", True, id="open"),
        pytest.param(ServerAuth(token="t0ken"), "Bearer t0ken", True, id="bearer"),
        pytest.param(ServerAuth(token="t0ken"), "bearer t0ken", True, id="bearer-lowercase"),
        pytest.param(ServerAuth(token="t0ken"), "Bearer t0ke", False, id="bearer-wrong"),
        pytest.param(ServerAuth(token="t0ken"), "", False, id="bearer-missing"),
        pytest.param(ServerAuth(token="t0ken"), basic("x:t0ken"), False, id="bearer-not-basic"),
        pytest.param(ServerAuth(username="u", password="p"), basic("u:p"), True, id="basic"),
        pytest.param(ServerAuth(username="u", password="p"), basic("u:q"), False, id="basic-wrong"),
        pytest.param(ServerAuth(username="u", password="p"), "Basic %%%", False, id="basic-junk"),
        pytest.param(ServerAuth(username="u", password="p"), "Bearer p", False, id="basic-bearer"),
        pytest.param(ServerAuth("t", "u", "p"), basic("u:p"), True, id="both-basic"),
        pytest.param(ServerAuth("t", "u", "p"), "Bearer t", True, id="both-bearer"),
    ],
)
def test_allows_only_the_configured_credentials(
    auth: ServerAuth, header: str, allowed: bool
) -> None:
    assert auth.allows(header) is allowed


def test_secrets_and_challenge() -> None:
    assert ServerAuth("t", "u", "p").secrets == ("t", "p")
    assert ServerAuth(token="t").challenge == "Bearer"
    assert ServerAuth(username="u", password="p").challenge.startswith("Basic ")
