from __future__ import annotations

import pytest
from urllib3 import HTTPResponse

from registry_contract.errors import ConfigError
from registry_contract.registry.auth import Credentials
from registry_contract.registry.http import (
    RETRY_AFTER_MAX,
    BoundedRetry,
    StrictSession,
    Transport,
    backoff_factor,
)


@pytest.mark.parametrize(
    ("old", "new", "strip"),
    [
        pytest.param("https://r.example/a", "https://r.example/b", False, id="same-origin"),
        pytest.param("https://r.example/a", "https://r.example:443/b", False, id="default-port"),
        pytest.param("http://127.0.0.1:8080/a", "http://127.0.0.1:8081/a", True, id="port"),
        pytest.param("http://127.0.0.1:80/a", "http://localhost:80/a", True, id="host"),
        pytest.param("http://r.example/a", "https://r.example/a", True, id="http-to-https"),
        pytest.param("https://r.example/a", "http://r.example/a", True, id="https-to-http"),
        pytest.param("https://R.example/a", "https://r.EXAMPLE/a", False, id="host-case"),
    ],
)
def test_credentials_are_stripped_on_any_change_of_origin(old: str, new: str, strip: bool) -> None:
    assert StrictSession().should_strip_auth(old, new) is strip


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(None, 0.5, id="default"),
        pytest.param("0", 0.0, id="zero"),
        pytest.param("0.01", 0.01, id="small"),
        pytest.param("abc", None, id="not-a-number"),
        pytest.param("-1", None, id="negative"),
        pytest.param("60", None, id="too-large"),
    ],
)
def test_backoff_factor_from_the_environment(raw: str | None, expected: float | None) -> None:
    env = {} if raw is None else {"REGISTRY_CONTRACT_BACKOFF": raw}
    if expected is None:
        with pytest.raises(ConfigError, match="REGISTRY_CONTRACT_BACKOFF"):
            backoff_factor(env)
    else:
        assert backoff_factor(env) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("2", 2.0, id="seconds"),
        pytest.param("3600", RETRY_AFTER_MAX, id="capped"),
    ],
)
def test_retry_after_is_honoured_up_to_a_bound(header: str, expected: float) -> None:
    response = HTTPResponse(status=429, headers={"Retry-After": header})
    assert BoundedRetry(total=3).get_retry_after(response) == expected
    assert BoundedRetry(total=3).new(total=2).get_retry_after(response) == expected


def test_sessions_verify_tls_honour_requests_ca_bundle_and_pool_per_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/company-ca.pem")
    transport = Transport(
        connect_timeout=1, read_timeout=2, workers=24, credentials=Credentials(), accept="*/*"
    )
    session = transport._session()
    assert session is transport._session()
    assert session.verify is True and session.trust_env is True
    settings = session.merge_environment_settings("https://r.example", {}, None, None, None)
    assert settings["verify"] == "/etc/ssl/company-ca.pem"
    adapter = session.get_adapter("https://r.example")
    assert adapter._pool_maxsize >= 24  # type: ignore[attr-defined]
    retry = adapter.max_retries  # type: ignore[attr-defined]
    assert (retry.total, retry.respect_retry_after_header) == (3, True)
    assert set(retry.status_forcelist) == {429, 502, 503, 504}
    assert retry.backoff_jitter > 0
    transport.close()
