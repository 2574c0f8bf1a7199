"""The Confluent Schema Registry REST API (also Redpanda, Karapace, Apicurio ccompat)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ..dialect import DEFAULT_DIALECT_NAME
from ..errors import ConfigError, RegistryError
from .base import (
    FetchedSchema,
    FetchStats,
    check_schema_document,
    parse_version,
    refuse_deep_json,
)
from .cache import ConditionalGetter
from .http import Response, Transport

NOT_FOUND_CODES = frozenset({40401, 40402})  # subject not found, version not found


class ConfluentClient:
    api = "confluent"

    def __init__(
        self,
        base_url: str,
        getter: ConditionalGetter,
        subject_template: str,
        default_dialect: str = DEFAULT_DIALECT_NAME,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._getter = getter
        self.default_dialect = default_dialect
        self._transport: Transport = getter.transport
        self.stats: FetchStats = self._transport.stats
        self._template = subject_template

    def subject(self, name: str, track: str) -> str:
        return subject_name(self._template, name, track)

    def url_for(self, name: str, track: str) -> str:
        return self._versions_url(name, track) + "/latest"

    def fetch(self, name: str, track: str) -> FetchedSchema | None:
        return self._fetch_url(self.url_for(name, track), name, track)

    def fetch_version(self, name: str, track: str, version: int) -> FetchedSchema | None:
        return self._fetch_url(f"{self._versions_url(name, track)}/{version}", name, track)

    def list_versions(self, name: str, track: str) -> list[int]:
        response = self._transport.get(self._versions_url(name, track))
        if _not_found(response):
            return []
        data = response.json()
        if not isinstance(data, list):
            raise _shape_error(response, "a JSON array of version numbers")
        return sorted(parse_version(v, response.url, name, track) for v in data)

    def list_schemas(self) -> None:
        """Subjects cannot be mapped back to names for every subject-template."""
        return None

    def close(self) -> None:
        self._getter.close()

    def _versions_url(self, name: str, track: str) -> str:
        return f"{self.base_url}/subjects/{quote(self.subject(name, track), safe='')}/versions"

    def _fetch_url(self, url: str, name: str, track: str) -> FetchedSchema | None:
        answer = self._getter.get(url, name, track)
        if isinstance(answer, FetchedSchema):
            return answer
        if _not_found(answer):
            return None
        fetched = self._parse(answer, name, track)
        self._getter.remember(url, answer, fetched)
        return fetched

    def _parse(self, response: Response, name: str, track: str) -> FetchedSchema:
        data: Any = response.json()
        if not isinstance(data, dict) or not isinstance(data.get("schema"), str):
            raise _shape_error(response, 'an object with "subject", "version" and "schema"')
        subject = self.subject(name, track)
        if data.get("subject", subject) != subject:
            raise RegistryError(
                f"{response.url}: asked for subject {subject!r} ({name}@{track}) but the "
                f"registry answered {data.get('subject')!r}",
                hint="check registry.url; a proxy or cache may be serving the wrong document",
            )
        schema_type = data.get("schemaType", "AVRO")
        if schema_type != "JSON":
            raise RegistryError(
                f"{response.url}: subject {subject!r} holds {_article(schema_type)} "
                f"{schema_type} schema; registry-contract handles JSON schemas only",
                hint="register the subject with schemaType JSON, or fix subject-template",
            )
        version = parse_version(data.get("version"), response.url, name, track)
        where = f"{response.url}: the schema text of subject {subject!r} ({name}@{track})"
        refuse_deep_json(data["schema"].encode(errors="surrogatepass"), where)
        try:
            document = json.loads(data["schema"])
        except (ValueError, RecursionError) as e:
            raise RegistryError(
                f"{response.url}: the schema text of subject {subject!r} is not JSON ({e})",
                hint="fix the schema in the registry; the lock was not changed",
            ) from e
        schema = check_schema_document(document, response.url, name, track, self.default_dialect)
        return FetchedSchema(name, track, version, schema, response.url)


def subject_name(template: str, name: str, track: str) -> str:
    """The subject of a schema track: `registry.subject-template` filled in."""
    try:
        return template.format(name=name, track=track)
    except (KeyError, IndexError, ValueError) as e:
        raise ConfigError(
            f"registry.subject-template {template!r} is invalid ({e!r})",
            hint="use only the placeholders {name} and {track}, e.g. '{name}-{track}'",
        ) from e


def _not_found(response: Response) -> bool:
    """A 404 with error_code 40401/40402 means the track does not exist; others are errors."""
    if response.status != 404:
        return False
    data = response.json()
    code = data.get("error_code") if isinstance(data, dict) else None
    if code in NOT_FOUND_CODES:
        return True
    raise RegistryError(
        f"{response.url}: HTTP 404 without a Schema Registry error code (got {code!r})",
        hint="check that registry.url is the Schema Registry base URL and registry.api matches",
    )


def _shape_error(response: Response, expected: str) -> RegistryError:
    return RegistryError(
        f"{response.url}: unexpected response (HTTP {response.status}), expected {expected}",
        hint="check that registry.api is `confluent` and registry.url is the API base URL",
    )


def _article(word: object) -> str:
    return "an" if str(word)[:1].upper() in "AEIOU" else "a"
