"""Registry clients (core, confluent, static) behind one small interface, and build_client."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..dialect import DEFAULT_DIALECT_NAME
from ..errors import ConfigError
from ..lock.reader import public_url
from .base import FetchedSchema, FetchStats, KnownLookup, RegistryClient, known_from_lock

if TYPE_CHECKING:
    from ..config import Config, RegistryConfig
    from ..lock.reader import Lock
    from .cache import EtagCache

__all__ = [
    "FetchStats",
    "FetchedSchema",
    "RegistryClient",
    "build_client",
    "build_registry_client",
]

ACCEPT_BY_API = {
    "core": "application/json",
    "confluent": "application/vnd.schemaregistry.v1+json, application/json;q=0.9",
    "static": "application/json",
}


def build_client(
    config: Config,
    *,
    lock: Lock | None = None,
    environ: Mapping[str, str] | None = None,
) -> RegistryClient:
    """The client for `registry.api`; `lock` supplies the documents a 304 may reuse."""
    return build_registry_client(
        config.registry,
        root=config.root,
        where=str(config.path),
        known=known_from_lock(lock),
        environ=environ,
        default_dialect=config.default_dialect,
    )


def build_registry_client(
    registry: RegistryConfig,
    *,
    root: Path,
    where: str,
    known: KnownLookup,
    etags: EtagCache | None = None,
    environ: Mapping[str, str] | None = None,
    default_dialect: str = DEFAULT_DIALECT_NAME,
) -> RegistryClient:
    """The client for `registry.api`; `known` supplies the documents a 304 may reuse, `etags`
    the ETags to send (default: the file cache; the runtime keeps its own in memory), and
    `default_dialect` is the draft of a schema without `$schema`."""
    from .auth import check_allowed_host, check_transport_security, credentials_from_env
    from .cache import ConditionalGetter, EtagCache, default_cache_path
    from .http import Transport

    env = os.environ if environ is None else environ
    url = registry.url
    if not url:
        raise ConfigError(
            f"{where}: no registry.url configured",
            hint="set registry.url in the config file or the REGISTRY_URL environment variable",
        )
    check_registry_url(url, where)
    scheme = urlsplit(url).scheme.lower()
    if registry.api == "static" and scheme not in ("http", "https"):
        from .static import FolderClient

        path = Path(unquote(urlsplit(url).path)) if scheme == "file" else root / url
        return FolderClient(path, default_dialect)
    if scheme not in ("http", "https"):
        raise ConfigError(
            f"{where}: registry.url {public_url(url)!r} must be an http(s):// URL for the "
            f"{registry.api} API",
            hint="fix registry.url, or use api: static for a folder",
        )
    check_allowed_host(url, env)
    credentials = credentials_from_env(env, basic=registry.api == "confluent")
    check_transport_security(url, credentials, registry.allow_insecure_http)
    transport = Transport(
        connect_timeout=registry.connect_timeout,
        read_timeout=registry.read_timeout,
        request_deadline=registry.request_deadline,
        deadline=registry.deadline,
        workers=registry.workers,
        credentials=credentials,
        accept=ACCEPT_BY_API[registry.api],
        environ=env,
    )
    if etags is None:
        etags = EtagCache(default_cache_path(env))
    getter = ConditionalGetter(transport, etags, known)
    if registry.api == "core":
        from .core import CoreClient

        return CoreClient(url, getter, default_dialect)
    if registry.api == "confluent":
        from .confluent import ConfluentClient

        return ConfluentClient(url, getter, registry.subject_template, default_dialect)
    from .static import StaticClient

    return StaticClient(url, getter, default_dialect)


def check_registry_url(url: str, config_path: Path | str) -> None:
    """Refuse a malformed registry URL before any request, without printing it: what does
    not parse may hold a password where the host or port should be."""
    where = f"{config_path}: registry.url (or REGISTRY_URL)"
    try:
        parts = urlsplit(url)
    except ValueError as e:  # an unbalanced or malformed [IPv6] literal
        raise ConfigError(
            f"{where} has a malformed IPv6 address; the URL is not shown",
            hint="write an IPv6 host in brackets, e.g. https://[2001:db8::1]:8081",
        ) from e
    if "@" in parts.netloc:
        raise ConfigError(
            f"{where} holds credentials (user:password@); the URL is not shown",
            hint="remove them from the URL and set REGISTRY_TOKEN, or REGISTRY_USERNAME and "
            "REGISTRY_PASSWORD",
        )
    if parts.scheme.lower() not in ("http", "https"):
        return  # a folder of the static API
    try:
        if parts.port == 0:
            raise ValueError("port 0")
    except ValueError as e:
        raise ConfigError(
            f"{where} has an invalid port (not a number from 1 to 65535); the URL is not shown",
            hint="fix the port, e.g. https://registry.example.com:8081",
        ) from e
    if not parts.hostname:
        raise ConfigError(
            f"{where} has no host; the URL is not shown",
            hint="set it to the registry's base URL, e.g. https://registry.example.com",
        )
    if parts.query or parts.fragment:  # paths are appended to it; a token there would show
        raise ConfigError(
            f"{where} has a query string or fragment; the URL is not shown",
            hint="use the API's base URL; credentials go in REGISTRY_TOKEN, or "
            "REGISTRY_USERNAME and REGISTRY_PASSWORD",
        )
