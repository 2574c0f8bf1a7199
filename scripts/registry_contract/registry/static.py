"""The static API: `{url}/{name}/{track}.json` in a folder or under a plain HTTP(S) base."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..dialect import DEFAULT_DIALECT_NAME
from ..errors import RegistryError
from .base import FetchedSchema, FetchStats, check_schema_document, refuse_deep_json
from .cache import ConditionalGetter
from .http import MAX_BODY

VERSION_KEY = "x-version"


def static_version(document: Any) -> int:
    """Static files have no history: the version is their `x-version` annotation, else 1."""
    value = document.get(VERSION_KEY) if isinstance(document, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return 1


class StaticClient:
    """Over HTTP(S): GET with ETags. One version per track, so versions are [static_version]."""

    api = "static"

    def __init__(
        self, base_url: str, getter: ConditionalGetter, default_dialect: str = DEFAULT_DIALECT_NAME
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._getter = getter
        self.default_dialect = default_dialect
        self.stats: FetchStats = getter.transport.stats

    def url_for(self, name: str, track: str) -> str:
        return f"{self.base_url}/{quote(name, safe='')}/{quote(track, safe='')}.json"

    def fetch(self, name: str, track: str) -> FetchedSchema | None:
        url = self.url_for(name, track)
        answer = self._getter.get(url, name, track)
        if isinstance(answer, FetchedSchema):
            return answer
        if answer.status == 404:
            return None
        schema = check_schema_document(
            answer.json(f"the schema of {name}@{track}"),
            answer.url,
            name,
            track,
            self.default_dialect,
        )
        fetched = FetchedSchema(name, track, static_version(schema), schema, answer.url)
        self._getter.remember(url, answer, fetched)
        return fetched

    def list_versions(self, name: str, track: str) -> list[int]:
        fetched = self.fetch(name, track)
        return [fetched.version] if fetched else []

    def fetch_version(self, name: str, track: str, version: int) -> FetchedSchema | None:
        fetched = self.fetch(name, track)
        return fetched if fetched and fetched.version == version else None

    def list_schemas(self) -> None:
        """Plain HTTP has no directory listing."""
        return None

    def close(self) -> None:
        self._getter.close()


class FolderClient:
    """A local folder (or file:// URL): offline, no network, same layout and version rule."""

    api = "static"

    def __init__(self, root: Path, default_dialect: str = DEFAULT_DIALECT_NAME) -> None:
        self.root = root
        self.default_dialect = default_dialect
        self.stats = FetchStats()
        if not root.is_dir():
            raise RegistryError(
                f"static registry folder {root} does not exist",
                hint="check registry.url (a path is relative to the config file's folder)",
            )

    def url_for(self, name: str, track: str) -> str:
        return str(self.root / name / f"{track}.json")

    def fetch(self, name: str, track: str) -> FetchedSchema | None:
        path = self.root / name / f"{track}.json"
        started = time.perf_counter()
        try:
            data = _read_schema_file(path)
        except FileNotFoundError:
            return None
        except OSError as e:
            raise RegistryError(f"{path}: cannot read ({e.strerror})") from e
        finally:
            self.stats.record(time.perf_counter() - started)
        refuse_deep_json(data, f"{path}: the schema of {name}@{track}")
        try:
            document = json.loads(data)
        except (ValueError, RecursionError) as e:
            raise RegistryError(
                f"{path}: not valid JSON ({e})", hint="fix the file; the lock was not changed"
            ) from e
        schema = check_schema_document(document, str(path), name, track, self.default_dialect)
        return FetchedSchema(name, track, static_version(schema), schema, str(path))

    def list_versions(self, name: str, track: str) -> list[int]:
        fetched = self.fetch(name, track)
        return [fetched.version] if fetched else []

    def fetch_version(self, name: str, track: str, version: int) -> FetchedSchema | None:
        fetched = self.fetch(name, track)
        return fetched if fetched and fetched.version == version else None

    def list_schemas(self) -> dict[str, list[str]]:
        return {
            d.name: sorted(f.stem for f in d.glob("*.json"))
            for d in sorted(self.root.iterdir())
            if d.is_dir()
        }

    def close(self) -> None:
        return None


def _read_schema_file(path: Path) -> bytes:
    """A regular file of at most MAX_BODY bytes: never a FIFO or device that would block or
    never end (opened without blocking, then checked), nor a file too large to be a schema."""
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RegistryError(
                f"{path}: not a regular file", hint="a schema must be a plain JSON file"
            )
        data = handle.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise RegistryError(
            f"{path}: larger than {MAX_BODY // (1024 * 1024)} MiB",
            hint="check registry.url; schemas this large are not supported",
        )
    return data
