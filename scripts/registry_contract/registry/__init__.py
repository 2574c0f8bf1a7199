"""Registry clients (core, confluent, static) behind one small interface, and build_client."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..errors import ConfigError
from ..lockfile import public_url
from .base import FetchedSchema, FetchStats, RegistryClient, known_from_lock

if TYPE_CHECKING:
    from ..config import Config
    from ..lockfile import Lock

__all__ = ["FetchStats", "FetchedSchema", "RegistryClient", "build_client"]

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
    from .auth import check_transport_security, credentials_from_env
    from .cache import ConditionalGetter, EtagCache, default_cache_path
    from .http import Transport

    env = os.environ if environ is None else environ
    registry = config.registry
    url = registry.url
    if not url:
        raise ConfigError(
            f"{config.path}: no registry.url configured",
            hint="set registry.url in the config file or the REGISTRY_URL environment variable",
        )
    scheme = urlsplit(url).scheme.lower()
    if registry.api == "static" and scheme not in ("http", "https"):
        from .static import FolderClient

        path = Path(unquote(urlsplit(url).path)) if scheme == "file" else config.root / url
        return FolderClient(path, config.default_dialect)
    if scheme not in ("http", "https"):
        raise ConfigError(
            f"{config.path}: registry.url {public_url(url)!r} must be an http(s):// URL for the "
            f"{registry.api} API",
            hint="fix registry.url, or use api: static for a folder",
        )
    credentials = credentials_from_env(env, basic=registry.api == "confluent")
    check_transport_security(url, credentials, registry.allow_insecure_http)
    transport = Transport(
        connect_timeout=registry.connect_timeout,
        read_timeout=registry.read_timeout,
        workers=registry.workers,
        credentials=credentials,
        accept=ACCEPT_BY_API[registry.api],
        environ=env,
    )
    etags = EtagCache(default_cache_path(env))
    getter = ConditionalGetter(transport, etags, known_from_lock(lock))
    if registry.api == "core":
        from .core import CoreClient

        return CoreClient(url, getter, config.default_dialect)
    if registry.api == "confluent":
        from .confluent import ConfluentClient

        return ConfluentClient(url, getter, registry.subject_template, config.default_dialect)
    from .static import StaticClient

    return StaticClient(url, getter, config.default_dialect)
