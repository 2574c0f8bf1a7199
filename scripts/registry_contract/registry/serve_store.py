"""The subjects of the development registry: locked versions, registrations, ids and levels."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from ..lock.reader import Lock, canonical_json, sha256_hex
from .confluent import subject_name

ID_SPACE = 2**31 - 1  # Java's int: the wire format's 4-byte id, read as signed by JVM clients


@dataclass(frozen=True)
class StoredSchema:
    """One distinct schema document, shared by every subject version that holds it."""

    id: int
    guid: str
    sha256: str
    text: str
    document: dict[str, Any]


def schema_id_of(sha256: str) -> int:
    """The id of a document: its digest's first 32 bits, folded into 1 .. 2**31-1."""
    return int(sha256[:8], 16) % ID_SPACE + 1


class SubjectStore:
    """Subjects and their versions, schemas by id, and compatibility levels.

    Readers take no lock (each update replaces or adds whole entries); `lock` is held by a
    registration from its compatibility check to its last write.
    """

    def __init__(self, global_level: str) -> None:
        self.configured_level = global_level
        self.global_level = global_level
        self.levels: dict[str, str] = {}
        self.lock = threading.Lock()
        self._versions: dict[str, dict[int, StoredSchema]] = {}
        self._by_id: dict[int, StoredSchema] = {}
        self._by_guid: dict[str, StoredSchema] = {}
        self._by_digest: dict[str, StoredSchema] = {}

    def intern(self, document: dict[str, Any]) -> StoredSchema:
        """The stored schema of `document`, added under its digest's id when new.

        The text served is the lock's canonical form, so its sha256 is the lock's digest.
        Two documents whose digests fold to the same id: the later one takes the next free id.
        """
        text, digest = _text_and_digest(document)
        known = self._by_digest.get(digest)
        if known is not None:
            return known
        schema_id = schema_id_of(digest)
        while schema_id in self._by_id:
            schema_id = schema_id % ID_SPACE + 1
        stored = StoredSchema(schema_id, str(uuid.UUID(digest[:32])), digest, text, document)
        self._by_id[schema_id] = stored
        self._by_guid[stored.guid] = stored
        self._by_digest[digest] = stored
        return stored

    def find(self, document: dict[str, Any]) -> StoredSchema | None:
        """The stored schema of `document`, without adding it."""
        return self._by_digest.get(_text_and_digest(document)[1])

    def add(self, subject: str, version: int, schema: StoredSchema) -> None:
        versions = dict(self._versions.get(subject, {}))
        versions[version] = schema
        self._versions[subject] = dict(sorted(versions.items()))

    def subjects(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, subject: str) -> dict[int, StoredSchema] | None:
        """Version -> schema, oldest first; None for an unknown subject."""
        return self._versions.get(subject)

    def by_id(self, schema_id: int) -> StoredSchema | None:
        return self._by_id.get(schema_id)

    def by_guid(self, guid: str) -> StoredSchema | None:
        return self._by_guid.get(guid)

    def uses(self, schema: StoredSchema) -> list[tuple[str, int]]:
        """Every (subject, version) that holds `schema`."""
        # A copy: a registration may add a subject meanwhile (readers take no lock).
        return [
            (subject, version)
            for subject, versions in sorted(list(self._versions.items()))
            for version, held in versions.items()
            if held is schema
        ]

    def level(self, subject: str) -> str:
        return self.levels.get(subject, self.global_level)


def _text_and_digest(document: dict[str, Any]) -> tuple[str, str]:
    text = canonical_json(document).decode()
    return text, sha256_hex(text.encode())


def store_from_lock(
    lock: Lock, template: str, global_level: str, level_by_name: dict[str, str]
) -> SubjectStore:
    """Each locked track as one version of its subject (`template` with {name}, {track}).

    A locked subject starts with a subject-level compatibility: its schema's level in the
    config (or the global level for a schema the config does not list).
    """
    store = SubjectStore(global_level)
    owner: dict[str, str] = {}
    for name, tracks in sorted(lock.entries.items()):
        for track, entry in sorted(tracks.items()):
            subject = subject_name(template, name, track)
            if subject in owner:
                raise ConfigError(
                    f"registry.subject-template {template!r} maps both {owner[subject]} and "
                    f"{name}@{track} to the subject {subject!r}",
                    hint="use both {name} and {track} in the template",
                )
            owner[subject] = f"{name}@{track}"
            store.add(subject, entry.version, store.intern(lock.schema(name, track)))
            store.levels[subject] = level_by_name.get(name, global_level)
    return store
