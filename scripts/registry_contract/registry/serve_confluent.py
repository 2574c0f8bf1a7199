"""The Schema Registry REST API of the development registry, as Kafka clients use it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .serve_register import (
    Registrar,
    check_level,
    parse_candidate,
    pick_version,
    subject_not_found,
)
from .serve_reply import CONFLUENT_TYPE, MAX_BODY, ApiError, Reply, json_bytes, shown
from .serve_store import StoredSchema, store_from_lock
from .serve_verdict import Policy
from .serve_writable import WritableFolder

if TYPE_CHECKING:
    from ..config import Config
    from ..lock.reader import Lock

MAX_SUBJECT_LEVELS = 10_000  # PUT /config/{subject} is kept in memory
Query = dict[str, str]
Route = Callable[[list[str], Query, Any], Any]


class ConfluentApi:
    """Answers one request from a route table; `*` in a pattern matches one path segment."""

    def __init__(self, registrar: Registrar) -> None:
        self.registrar = registrar
        self.store = registrar.store
        self.routes: list[tuple[str, tuple[str, ...], Route]] = [
            ("GET", ("subjects",), self._subjects),
            ("GET", ("subjects", "*", "versions"), self._versions),
            ("GET", ("subjects", "*", "versions", "*"), self._version),
            ("GET", ("subjects", "*", "versions", "*", "schema"), self._version_schema),
            ("GET", ("subjects", "*", "versions", "*", "referencedby"), self._referenced_by),
            ("POST", ("subjects", "*"), self._lookup),
            ("POST", ("subjects", "*", "versions"), self._register),
            ("DELETE", ("subjects", "*"), _refuse_delete),
            ("DELETE", ("subjects", "*", "versions", "*"), _refuse_delete),
            ("GET", ("schemas", "types"), lambda *_: ["JSON"]),
            ("GET", ("schemas", "ids", "*"), self._schema),
            ("GET", ("schemas", "ids", "*", "schema"), self._schema_text),
            ("GET", ("schemas", "ids", "*", "subjects"), self._schema_subjects),
            ("GET", ("schemas", "ids", "*", "versions"), self._schema_versions),
            ("GET", ("schemas", "guids", "*"), self._schema_by_guid),
            ("GET", ("config",), lambda *_: {"compatibilityLevel": self.store.global_level}),
            ("PUT", ("config",), self._set_global_level),
            ("DELETE", ("config",), self._reset_global_level),
            ("GET", ("config", "*"), self._subject_level),
            ("PUT", ("config", "*"), self._set_subject_level),
            ("DELETE", ("config", "*"), self._delete_subject_level),
            ("POST", ("compatibility", "subjects", "*", "versions"), self._compatible),
            ("POST", ("compatibility", "subjects", "*", "versions", "*"), self._compatible),
            ("GET", ("mode",), lambda *_: {"mode": "READWRITE"}),
            ("GET", ("mode", "*"), lambda *_: {"mode": "READWRITE"}),
            ("GET", ("contexts",), lambda *_: ["."]),
        ]

    def answer(self, method: str, path: str, query: Query, body: bytes | None) -> Reply:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        try:
            route, args = self._route(method, parts)
            data = _parse_body(body) if method in ("POST", "PUT") else None
            return Reply(200, json_bytes(route(args, query, data)), CONFLUENT_TYPE)
        except ApiError as e:
            return e.reply()

    def _route(self, method: str, parts: list[str]) -> tuple[Route, list[str]]:
        allowed = False
        for verb, pattern, route in self.routes:
            if len(pattern) != len(parts):
                continue
            if all(p == "*" or p == part for p, part in zip(pattern, parts, strict=True)):
                if verb == method:
                    return route, [part for p, part in zip(pattern, parts, strict=True) if p == "*"]
                allowed = True
        if allowed:
            raise ApiError(405, 405, f"HTTP {method} is not allowed on this resource")
        raise ApiError(404, 404, "HTTP 404 Not Found")

    def _subjects(self, _: list[str], query: Query, __: Any) -> list[str]:
        prefix = query.get("subjectPrefix", "")
        return _page([s for s in self.store.subjects() if s.startswith(prefix)], query)

    def _versions(self, args: list[str], query: Query, _: Any) -> list[int]:
        return _page(list(self._subject(args[0])), query)

    def _version(self, args: list[str], _: Query, __: Any) -> dict[str, Any]:
        version, schema = pick_version(args[0], self._subject(args[0]), args[1])
        return _record(args[0], version, schema)

    def _version_schema(self, args: list[str], _: Query, __: Any) -> Any:
        return pick_version(args[0], self._subject(args[0]), args[1])[1].document

    def _referenced_by(self, args: list[str], _: Query, __: Any) -> list[int]:
        pick_version(args[0], self._subject(args[0]), args[1])
        return []  # references are not supported, so nothing refers to anything

    def _lookup(self, args: list[str], _: Query, body: Any) -> dict[str, Any]:
        versions = self._subject(args[0])
        known = self.store.find(parse_candidate(body))
        for version, held in versions.items():
            if held is known:
                return _record(args[0], version, held)
        raise ApiError(404, 40403, "Schema not found")

    def _register(self, args: list[str], _: Query, body: Any) -> dict[str, Any]:
        version, schema = self.registrar.register(args[0], body)
        return _record(args[0], version, schema)

    def _schema(self, args: list[str], _: Query, __: Any) -> dict[str, Any]:
        schema = self._by_id(args[0])
        return {"schemaType": "JSON", "schema": schema.text, "guid": schema.guid}

    def _schema_text(self, args: list[str], _: Query, __: Any) -> Any:
        return self._by_id(args[0]).document

    def _schema_subjects(self, args: list[str], query: Query, _: Any) -> list[str]:
        uses = self.store.uses(self._by_id(args[0]))
        return _page(sorted({subject for subject, _ in uses}), query)

    def _schema_versions(self, args: list[str], query: Query, _: Any) -> list[dict[str, Any]]:
        uses = self.store.uses(self._by_id(args[0]))
        return _page([{"subject": s, "version": v} for s, v in uses], query)

    def _schema_by_guid(self, args: list[str], _: Query, __: Any) -> dict[str, Any]:
        schema = self.store.by_guid(args[0])
        if schema is None:
            raise ApiError(404, 40403, f"Schema {shown(args[0])} not found")
        return {"schemaType": "JSON", "schema": schema.text, "id": schema.id}

    def _set_global_level(self, _: list[str], __: Query, body: Any) -> dict[str, str]:
        self.store.global_level = check_level(_level_in(body))
        return {"compatibility": self.store.global_level}

    def _reset_global_level(self, *_: Any) -> dict[str, str]:
        old, self.store.global_level = self.store.global_level, self.store.configured_level
        return {"compatibilityLevel": old}

    def _subject_level(self, args: list[str], query: Query, _: Any) -> dict[str, str]:
        level = self.store.levels.get(args[0])
        if level is None and query.get("defaultToGlobal", "").lower() == "true":
            level = self.store.global_level
        if level is None:
            raise ApiError(
                404,
                40408,
                f"Subject '{shown(args[0])}' does not have subject-level compatibility configured",
            )
        return {"compatibilityLevel": level}

    def _set_subject_level(self, args: list[str], _: Query, body: Any) -> dict[str, str]:
        level = check_level(_level_in(body))
        if args[0] not in self.store.levels and len(self.store.levels) >= MAX_SUBJECT_LEVELS:
            raise ApiError(
                422,
                42205,
                f"Operation not permitted: at most {MAX_SUBJECT_LEVELS} subject-level configs",
            )
        self.store.levels[args[0]] = level
        return {"compatibility": self.store.levels[args[0]]}

    def _delete_subject_level(self, args: list[str], query: Query, _: Any) -> dict[str, str]:
        answer = self._subject_level(args, {}, None)
        self.store.levels.pop(args[0], None)
        return answer

    def _compatible(self, args: list[str], query: Query, body: Any) -> dict[str, Any]:
        verdict = self.registrar.check(args[0], body, args[1] if len(args) > 1 else None)
        answer: dict[str, Any] = {"is_compatible": verdict.compatible}
        if query.get("verbose", "").lower() == "true":
            answer["messages"] = verdict.messages
        return answer

    def _subject(self, subject: str) -> dict[int, StoredSchema]:
        versions = self.store.versions(subject)
        if versions is None:
            raise subject_not_found(subject)
        return versions

    def _by_id(self, text: str) -> StoredSchema:
        schema = self.store.by_id(int(text)) if text.isdigit() and len(text) < 12 else None
        if schema is None:
            raise ApiError(404, 40403, f"Schema {shown(text)} not found")
        return schema


def _record(subject: str, version: int, schema: StoredSchema) -> dict[str, Any]:
    return {
        "subject": subject,
        "version": version,
        "id": schema.id,
        "guid": schema.guid,
        "schemaType": "JSON",
        "schema": schema.text,
    }


def _parse_body(body: bytes | None) -> dict[str, Any]:
    try:
        data = json.loads(body or b"")
    except (ValueError, RecursionError) as e:
        raise ApiError(400, 400, f"The request body is not JSON ({shown(str(e))})") from e
    if not isinstance(data, dict):
        raise ApiError(400, 400, "The request body must be a JSON object")
    return data


def _level_in(body: dict[str, Any]) -> Any:
    return body.get("compatibility", body.get("compatibilityLevel"))


def _page(items: list[Any], query: Query) -> list[Any]:
    """`offset` and `limit` (negative: no limit) as the clients send them."""
    offset = _integer(query.get("offset"), 0)
    limit = _integer(query.get("limit"), -1)
    items = items[max(offset, 0) :]
    return items if limit < 0 else items[:limit]


def _integer(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _refuse_delete(*_: Any) -> Any:
    raise ApiError(
        422,
        42205,
        "Operation not permitted: this development registry does not delete versions (the "
        "lock is read-only; restart it to drop registrations)",
    )


def build_confluent_api(
    lock: Lock, config: Config | None, writable: WritableFolder | None
) -> ConfluentApi:
    """The API over a verified lock, with the config's subject-template, levels and policy
    (the defaults when there is no config), and the registrations of `writable`."""
    from ..config import RegistryConfig

    template = config.registry.subject_template if config else RegistryConfig.subject_template
    level = config.compatibility if config else "BACKWARD"
    levels = {n: s.compatibility for n, s in config.schemas.items()} if config else {}
    policy = Policy(config.open_content_model, config.undecidable) if config else Policy()
    registrar = Registrar(store_from_lock(lock, template, level, levels), policy, writable)
    registrar.reload(MAX_BODY)
    return ConfluentApi(registrar)
