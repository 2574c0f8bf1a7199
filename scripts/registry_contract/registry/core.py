"""The core API: our registry service's `/schemas/{name}/tracks/{track}` endpoints."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..dialect import DEFAULT_DIALECT_NAME
from ..errors import RegistryError
from .base import FetchedSchema, FetchStats, check_schema_document, parse_version
from .cache import ConditionalGetter
from .http import Response, Transport


class CoreClient:
    api = "core"

    def __init__(
        self, base_url: str, getter: ConditionalGetter, default_dialect: str = DEFAULT_DIALECT_NAME
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._getter = getter
        self.default_dialect = default_dialect
        self._transport: Transport = getter.transport
        self.stats: FetchStats = self._transport.stats

    def url_for(self, name: str, track: str) -> str:
        return f"{self.base_url}/schemas/{quote(name, safe='')}/tracks/{quote(track, safe='')}"

    def fetch(self, name: str, track: str) -> FetchedSchema | None:
        return self._fetch_url(self.url_for(name, track), name, track)

    def fetch_version(self, name: str, track: str, version: int) -> FetchedSchema | None:
        return self._fetch_url(f"{self.url_for(name, track)}/versions/{version}", name, track)

    def list_versions(self, name: str, track: str) -> list[int]:
        response = self._transport.get(f"{self.url_for(name, track)}/versions")
        if response.status == 404:
            return []
        data = response.json()
        versions = data.get("versions") if isinstance(data, dict) else None
        if not isinstance(versions, list):
            raise _shape_error(response, 'an object with "versions": [1, 2, ...]')
        return sorted(parse_version(v, response.url, name, track) for v in versions)

    def list_schemas(self) -> dict[str, list[str]]:
        response = self._transport.get(f"{self.base_url}/schemas")
        data = response.json() if response.status == 200 else None
        items = data.get("schemas") if isinstance(data, dict) else None
        if not isinstance(items, list) or not all(
            isinstance(i, dict) and isinstance(i.get("name"), str) for i in items
        ):
            raise _shape_error(response, 'an object with "schemas": [{"name", "tracks"}]')
        return {i["name"]: [str(t) for t in i.get("tracks") or []] for i in items}

    def close(self) -> None:
        self._getter.close()

    def _fetch_url(self, url: str, name: str, track: str) -> FetchedSchema | None:
        answer = self._getter.get(url, name, track)
        if isinstance(answer, FetchedSchema):
            return answer
        if answer.status == 404:
            return None
        envelope = parse_envelope(answer, name, track, self.default_dialect)
        self._getter.remember(url, answer, envelope)
        return envelope


def parse_envelope(
    response: Response, name: str, track: str, default_dialect: str = DEFAULT_DIALECT_NAME
) -> FetchedSchema:
    """Check `{"name", "track", "version", "schema"}` against what was asked."""
    data: Any = response.json(f"the schema of {name}@{track}")
    if not isinstance(data, dict) or "schema" not in data:
        raise _shape_error(response, 'an object with "name", "track", "version" and "schema"')
    if data.get("name") != name or data.get("track") != track:
        raise RegistryError(
            f"{response.url}: asked for {name}@{track} but the registry answered "
            f"{data.get('name')!r}@{data.get('track')!r}",
            hint="check registry.url; a proxy or cache may be serving the wrong document",
        )
    version = parse_version(data.get("version"), response.url, name, track)
    schema = check_schema_document(data["schema"], response.url, name, track, default_dialect)
    return FetchedSchema(name, track, version, schema, response.url)


def _shape_error(response: Response, expected: str) -> RegistryError:
    return RegistryError(
        f"{response.url}: unexpected response (HTTP {response.status}), expected {expected}",
        hint="check that registry.api is `core` and registry.url is the API base URL",
    )
