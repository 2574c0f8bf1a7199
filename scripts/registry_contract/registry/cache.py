"""ETags kept outside schemas-lock/, so refreshes can ask for 304 and reuse locked documents."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

from ..errors import RegistryError
from ..lock.reader import canonical_json, public_url
from .base import FetchedSchema, KnownLookup
from .http import Response, Transport

CACHE_FILE = "etags.json"


def default_cache_path(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_CACHE_HOME/registry-contract/etags.json, else ~/.cache/registry-contract/."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "registry-contract" / CACHE_FILE


class EtagCache:
    """URL -> (ETag, sha256 of the canonical document). Only a cache: unreadable means empty."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, str]] = {}
        self._dirty = False
        if path is not None:
            with contextlib.suppress(OSError, ValueError, RecursionError):
                loaded = json.loads(path.read_bytes())
                if isinstance(loaded, dict):
                    self._entries = {
                        url: item
                        for url, item in loaded.items()
                        if isinstance(item, dict)
                        and isinstance(item.get("etag"), str)
                        and isinstance(item.get("sha256"), str)
                    }

    def get(self, url: str) -> tuple[str, str] | None:
        with self._lock:
            item = self._entries.get(url)
        return (item["etag"], item["sha256"]) if item else None

    def put(self, url: str, etag: str | None, sha256: str) -> None:
        with self._lock:
            if etag is None:
                self._dirty |= self._entries.pop(url, None) is not None
            elif self._entries.get(url) != {"etag": etag, "sha256": sha256}:
                self._entries[url] = {"etag": etag, "sha256": sha256}
                self._dirty = True

    def save(self) -> None:
        """Write the cache atomically; failing to write a cache is not an error."""
        if self.path is None or not self._dirty:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".etags-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(canonical_json(self._entries))
                os.replace(tmp, self.path)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        self._dirty = False


class ConditionalGetter:
    """GET a schema document with If-None-Match when the lock still holds the cached version."""

    def __init__(self, transport: Transport, etags: EtagCache, known: KnownLookup) -> None:
        self.transport = transport
        self.etags = etags
        self.known = known

    def get(self, url: str, name: str, track: str) -> Response | FetchedSchema:
        """The response, or the locked document when the registry answered 304."""
        cached = self.etags.get(public_url(url) or url)
        known = self.known(name, track) if cached else None
        etag = cached[0] if cached and known and known.sha256 == cached[1] else None
        response = self.transport.get(url, etag=etag)
        if response.status != 304:
            return response
        if etag is None or known is None:
            raise RegistryError(
                f"{response.url}: answered 304 Not Modified to a request without If-None-Match",
                hint="check registry.url; a proxy may be caching wrongly",
            )
        return FetchedSchema(
            name, track, known.version, known.schema, response.url, not_modified=True
        )

    def remember(self, url: str, response: Response, fetched: FetchedSchema) -> None:
        """Store the ETag of a 200 response with the digest of the document it carried."""
        etag = response.headers.get("ETag")
        self.etags.put(public_url(url) or url, etag, fetched.sha256)

    def close(self) -> None:
        self.transport.close()
        self.etags.save()
