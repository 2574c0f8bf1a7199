"""Who may use the development registry: a bearer token and/or a username and password."""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass


@dataclass(frozen=True)
class ServerAuth:
    token: str | None = None
    username: str | None = None
    password: str | None = None

    @property
    def required(self) -> bool:
        return bool(self.token or self.username)

    @property
    def secrets(self) -> tuple[str, ...]:
        """What the server must never log."""
        return tuple(s for s in (self.token, self.password) if s)

    @property
    def challenge(self) -> str:
        """The `WWW-Authenticate` value of a 401."""
        return 'Basic realm="registry-contract"' if self.username else "Bearer"

    def allows(self, authorization: str) -> bool:
        """Whether an `Authorization` header value carries the configured credentials."""
        if not self.required:
            return True
        scheme, _, value = authorization.strip().partition(" ")
        if self.token and scheme.lower() == "bearer":
            return hmac.compare_digest(value.strip().encode(), self.token.encode())
        if self.username and scheme.lower() == "basic":
            try:
                given = base64.b64decode(value.strip(), validate=True)
            except (binascii.Error, ValueError):
                return False
            expected = f"{self.username}:{self.password or ''}".encode()
            return hmac.compare_digest(given, expected)
        return False
