"""Registering a version: schema checks, our compatibility verdict, caps, the writable folder."""

from __future__ import annotations

import json
from typing import Any

from ..compat import LEVELS
from ..errors import UsageError
from ..lock.reader import MAX_SCHEMA_DEPTH, too_deep
from ..validation.metaschema import find_schema_error, is_known_dialect
from .serve_reply import ApiError, shown
from .serve_store import StoredSchema, SubjectStore
from .serve_verdict import Policy, Verdict, judge
from .serve_writable import SUBJECT, WritableFolder

MAX_REGISTRATIONS = 1000
MAX_REGISTERED_BYTES = 32 * 1024 * 1024


class Registrar:
    """Adds versions to a store, refusing what breaks the subject's compatibility level.

    Registrations are kept in memory (at most MAX_REGISTRATIONS, MAX_REGISTERED_BYTES of
    schema text), and also written to `writable` when it is given.
    """

    def __init__(
        self, store: SubjectStore, policy: Policy, writable: WritableFolder | None = None
    ) -> None:
        self.store = store
        self.policy = policy
        self.writable = writable
        self.count = 0
        self.bytes = 0

    def reload(self, max_bytes: int) -> None:
        """Add back the registrations written to the writable folder by an earlier run."""
        if self.writable is None:
            return
        for subject, version, document in self.writable.load(MAX_REGISTRATIONS, max_bytes):
            schema = self.store.intern(document)
            held = (self.store.versions(subject) or {}).get(version)
            if held is not None and held is not schema:
                raise UsageError(
                    f"{self.writable.root / subject / f'{version}.json'}: version {version} of "
                    f"{subject} is also in the lock, with another schema",
                    hint="remove the file: the lock was refreshed since it was registered",
                )
            self.store.add(subject, version, schema)
            self._count(schema)

    def check(self, subject: str, body: dict[str, Any], version: str | None) -> Verdict:
        """The candidate in `body` against `version` of the subject, or against the versions
        its level looks at when `version` is None (every one for *_TRANSITIVE)."""
        document = parse_candidate(body)
        versions = self.store.versions(subject)
        if versions is None:
            if version is None:
                return Verdict(True, [])
            raise subject_not_found(subject)
        if version is None:
            history = [s.document for s in versions.values()]
        else:
            history = [pick_version(subject, versions, version)[1].document]
        return judge(history, document, self.store.level(subject), self.policy)

    def register(self, subject: str, body: dict[str, Any]) -> tuple[int, StoredSchema]:
        """(version, schema) of the candidate under `subject`, new or already there."""
        if not SUBJECT.match(subject):
            raise ApiError(
                422,
                42208,
                f"Invalid subject '{shown(subject)}': use letters, digits, '.', '_' and '-'",
            )
        document = parse_candidate(body)
        with self.store.lock:
            versions = self.store.versions(subject) or {}
            known = self.store.find(document)
            for version, held in versions.items():
                if held is known:
                    return version, held
            if self.count >= MAX_REGISTRATIONS or self.bytes > MAX_REGISTERED_BYTES:
                raise ApiError(
                    422,
                    42205,
                    f"Operation not permitted: this development registry keeps at most "
                    f"{MAX_REGISTRATIONS} registrations ({MAX_REGISTERED_BYTES} bytes); "
                    "restart it to drop them",
                )
            history = [s.document for s in versions.values()]
            level = self.store.level(subject)
            verdict = judge(history, document, level, self.policy)
            if not verdict.compatible:
                raise ApiError(
                    409,
                    409,
                    f"Schema being registered is incompatible with an earlier schema for "
                    f"subject '{shown(subject)}' at {level}: " + "; ".join(verdict.messages),
                )
            version = max(versions, default=0) + 1
            schema = self.store.intern(document)
            if self.writable is not None:
                self.writable.save(subject, version, schema.text)
            self.store.add(subject, version, schema)
            self._count(schema)
        return version, schema

    def _count(self, schema: StoredSchema) -> None:
        self.count += 1
        self.bytes += len(schema.text)


def parse_candidate(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema document of a register, lookup or compatibility request body."""
    kind = body.get("schemaType", "AVRO")
    if kind != "JSON":
        raise ApiError(
            422, 42201, f"Invalid schema: schemaType '{shown(str(kind))}'; only JSON is served"
        )
    if body.get("references"):
        raise ApiError(422, 42201, "Invalid schema: references are not supported here")
    text = body.get("schema")
    if not isinstance(text, str):
        raise ApiError(422, 42201, 'Invalid schema: "schema" must be the schema as JSON text')
    if too_deep(text.encode(errors="surrogatepass")):  # `lock` would refuse it, then verify
        raise ApiError(
            422, 42201, f"Invalid schema: nested more than {MAX_SCHEMA_DEPTH} levels deep"
        )
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise ApiError(422, 42201, f"Invalid schema: not JSON ({shown(str(e))})") from e
    if not isinstance(document, dict):
        raise ApiError(422, 42201, "Invalid schema: a JSON Schema here must be an object")
    dialect = document.get("$schema")
    if dialect is not None and not is_known_dialect(str(dialect)):
        raise ApiError(422, 42201, f"Invalid schema: unknown $schema '{shown(str(dialect))}'")
    error = find_schema_error(document)
    if error is not None:
        raise ApiError(422, 42201, f"Invalid schema: {shown(error.message)} at {shown(error.path)}")
    return document


def pick_version(
    subject: str, versions: dict[int, StoredSchema], wanted: str
) -> tuple[int, StoredSchema]:
    """`latest` (or -1) or a version number, as the Schema Registry API reads them."""
    if wanted in ("latest", "-1"):
        return next(reversed(versions.items()))
    if not wanted.isdigit() or not 1 <= int(wanted) <= 2**31 - 1:
        raise ApiError(
            422,
            42202,
            f"The specified version '{shown(wanted)}' is not a valid version id; use an "
            "integer from 1 to 2^31-1 or the string latest",
        )
    found = versions.get(int(wanted))
    if found is None:
        raise ApiError(404, 40402, f"Version {wanted} not found.")
    return int(wanted), found


def subject_not_found(subject: str) -> ApiError:
    return ApiError(404, 40401, f"Subject '{shown(subject)}' not found.")


def check_level(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in LEVELS:
        raise ApiError(
            422,
            42203,
            f"Invalid compatibility level '{shown(str(value))}'; use one of " + ", ".join(LEVELS),
        )
    return value.upper()
