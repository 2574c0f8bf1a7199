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
from ..lock.reader import public_url
from ..redact import check_credential


@dataclass(frozen=True)
class Credentials:
    """REGISTRY_TOKEN (bearer), or REGISTRY_USERNAME/REGISTRY_PASSWORD (basic)."""

    token: str | None = None
    username: str | None = None
    password: str | None = None
    basic: bool = False  # whether the API takes REGISTRY_USERNAME/REGISTRY_PASSWORD too

    @property
    def present(self) -> bool:
        return bool(self.token or self.username)

    @property
    def variables(self) -> str:
        """The environment variables to set or fix, for error messages."""
        if self.username and not self.token:
            return "REGISTRY_USERNAME/REGISTRY_PASSWORD"
        if self.basic and not self.token:
            return "REGISTRY_TOKEN (or REGISTRY_USERNAME and REGISTRY_PASSWORD)"
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
    """Read the credentials; in GitHub Actions, mask them before anything else is printed.

    A credential that cannot go into an HTTP header as it is (a line break, a control or
    non-Latin-1 character) is refused, without printing it.
    """
    token = environ.get("REGISTRY_TOKEN") or None
    username = (environ.get("REGISTRY_USERNAME") or None) if basic else None
    password = (environ.get("REGISTRY_PASSWORD") or None) if basic else None
    if environ.get("GITHUB_ACTIONS") == "true":
        for secret in (token, password):
            for line in (secret or "").splitlines():  # the runner reads one line per command
                if line.strip():
                    sys.stdout.write(f"::add-mask::{line}\n")
        sys.stdout.flush()
    for variable, value in (
        ("REGISTRY_TOKEN", token),
        ("REGISTRY_USERNAME", username),
        ("REGISTRY_PASSWORD", password),
    ):
        check_credential(variable, value)
    return Credentials(token, username, password, basic=basic)


ALLOWED_HOSTS_VARIABLE = "REGISTRY_CONTRACT_ALLOWED_HOSTS"


def _host_and_port(entry: str) -> tuple[str, str]:
    """`host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, rest.removeprefix(":")
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, port
    return entry, ""


def check_allowed_host(url: str, environ: Mapping[str, str]) -> None:
    """Refuse a registry host that REGISTRY_CONTRACT_ALLOWED_HOSTS does not list.

    The list comes from the workflow, not from the config file, which a pull request may
    change to point registry.url, and so the token, at a host of its own. Entries are
    separated by commas or spaces: `host`, `host:port` or `*.domain`.
    """
    raw = environ.get(ALLOWED_HOSTS_VARIABLE, "")
    allowed = [entry.lower() for entry in raw.replace(",", " ").split()]
    if not allowed:
        return
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    for name, wanted in map(_host_and_port, allowed):
        if wanted and wanted != str(port):
            continue
        if host == name or (name.startswith("*.") and host.endswith(name[1:])):
            return
    raise ConfigError(
        f"refusing to contact the registry at {host or '(no host)'}: it is not in "
        f"{ALLOWED_HOSTS_VARIABLE} ({', '.join(allowed)}), so no request was sent",
        hint="point registry.url (or REGISTRY_URL) at an approved host, or add the host to "
        "the allowed-registry-hosts input if it is yours",
    )


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
