"""What a development-registry route answers: status, body, headers, and request errors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

CORE_TYPE = "application/json"
CONFLUENT_TYPE = "application/vnd.schemaregistry.v1+json"
MAX_BODY = 1024 * 1024  # a request body or registered schema; larger is not a dev schema


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = CORE_TYPE
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """A request the Schema Registry API refuses: HTTP status, `error_code` and message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def reply(self) -> Reply:
        body = json_bytes({"error_code": self.code, "message": self.message})
        return Reply(self.status, body, CONFLUENT_TYPE)


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n").encode()


def shown(text: str, limit: int = 200) -> str:
    """Client-supplied text fit for one line of a message or log: escaped and truncated."""
    escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text[:limit])
    return escaped + ("..." if len(text) > limit else "")
