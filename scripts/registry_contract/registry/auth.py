"""Registry credentials from the environment, and where they may be sent."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth

from ..errors import ConfigError
from ..lockfile import public_url


@dataclass(frozen=True)
class Credentials:
    """REGISTRY_TOKEN (bearer), or REGISTRY_USERNAME/REGISTRY_PASSWORD (basic)."""

    token: str | None = None
    username: str | None = None
    password: str | None = None

    @property
    def present(self) -> bool:
        return bool(self.token or self.username)

    @property
    def variables(self) -> str:
        """The environment variables to set or fix, for error messages."""
        if self.username and not self.token:
            return "REGISTRY_USERNAME/REGISTRY_PASSWORD"
        return "REGISTRY_TOKEN"

    def auth(self) -> AuthBase | None:
        if self.token:
            return BearerAuth(self.token)
        if self.username:
            return HTTPBasicAuth(self.username, self.password or "")
        return None


class BearerAuth(AuthBase):
    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


def credentials_from_env(environ: Mapping[str, str], *, basic: bool) -> Credentials:
    """Read the credentials; in GitHub Actions, mask them before anything else is printed."""
    token = environ.get("REGISTRY_TOKEN") or None
    username = (environ.get("REGISTRY_USERNAME") or None) if basic else None
    password = (environ.get("REGISTRY_PASSWORD") or None) if basic else None
    if environ.get("GITHUB_ACTIONS") == "true":
        for secret in (token, password):
            if secret:
                sys.stdout.write(f"::add-mask::{secret}\n")
        sys.stdout.flush()
    return Credentials(token, username, password)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_transport_security(url: str, credentials: Credentials, allow_insecure: bool) -> None:
    """Refuse to send credentials over plain http, except to loopback or when allowed."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not credentials.present or allow_insecure:
        return
    if not is_loopback(parts.hostname or ""):
        raise ConfigError(
            f"refusing to send {credentials.variables} over plain http to {public_url(url)}",
            hint="use an https:// registry.url, or set registry.allow-insecure-http: true",
        )
