"""ASGI middleware: validate the JSON body of configured routes with the schema manager."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, Protocol

from .model import Mode, PayloadParseError, SchemaUnavailableError, ValidationOutcome

logger = logging.getLogger("registry_contract.runtime.asgi")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_MAX_BODY = 1024 * 1024
MAX_ERRORS = 50  # items in a 422 answer


class _ClientGoneError(Exception):
    """The client disconnected before sending its whole body."""


class BodyValidator(Protocol):
    """What the middleware needs of a SchemaManager."""

    async def validate_json_payload(
        self, name: str, data: bytes | str, prefer: str = ..., fallback: str | None = ...
    ) -> ValidationOutcome: ...

    def mode_for(self, name: str) -> Mode: ...


class SchemaValidationMiddleware:
    """Validate the body of each `routes` entry ("POST /feedback": schema name) before `app`.

    In enforce mode an invalid or unparseable body gets 422 with the structured errors, and a
    body over `max_body` bytes gets 413; in log and soft modes the request goes on, and the
    verdict is in `request.state.schema_outcome` (None when the body is not JSON, in off mode,
    or when no source can give the schema: that never rejects a request).
    """

    def __init__(
        self,
        app: ASGIApp,
        manager: BodyValidator,
        routes: Mapping[str, str],
        *,
        prefer: str = "v2",
        fallback: str | None = "v1",
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self.app = app
        self.manager = manager
        self.routes = {_route_key(route): name for route, name in routes.items()}
        self.prefer = prefer
        self.fallback = fallback
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = None
        if scope["type"] == "http":
            name = self.routes.get(f"{scope['method']} {scope['path']}")
        if name is None:
            await self.app(scope, receive, send)
            return
        if self.manager.mode_for(name) is Mode.OFF:
            scope.setdefault("state", {})["schema_outcome"] = None
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read_body(scope, receive)
        except _ClientGoneError:
            return
        if body is None:
            await _answer(send, 413, {"detail": f"body over {self.max_body} bytes"})
            return
        try:
            outcome: ValidationOutcome | None = await self.manager.validate_json_payload(
                name, body, self.prefer, self.fallback
            )
        except PayloadParseError as e:
            if self.manager.mode_for(name) is Mode.ENFORCE:
                error = {"path": "", "schema_path": "", "keyword": "unparseable", "message": str(e)}
                await _answer(send, 422, {"detail": str(e), "schema": name, "errors": [error]})
                return
            outcome = None
        except SchemaUnavailableError as e:
            logger.warning("%s %s: not validated: %s", scope["method"], scope["path"], e)
            outcome = None
        if outcome is not None and outcome.reject:
            await _answer(send, 422, _rejection(outcome))
            return
        scope.setdefault("state", {})["schema_outcome"] = outcome
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None once it passes max_body (by Content-Length or as read)."""
        for key, value in scope.get("headers", ()):
            if key == b"content-length" and value.isdigit() and int(value) > self.max_body:
                return None
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                raise _ClientGoneError
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)


def _route_key(route: str) -> str:
    method, _, path = route.strip().partition(" ")
    if not path.startswith("/"):
        raise ValueError(f"route {route!r}: expected 'METHOD /path', e.g. 'POST /feedback'")
    return f"{method.upper()} {path.strip()}"


def _rejection(outcome: ValidationOutcome) -> dict[str, Any]:
    errors = [
        {"path": i.path, "schema_path": i.schema_path, "keyword": i.keyword, "message": i.message}
        for i in outcome.issues[:MAX_ERRORS]
    ]
    return {
        "detail": f"the body does not match {outcome.name}@{outcome.track} v{outcome.version}",
        "schema": outcome.name,
        "track": outcome.track,
        "version": outcome.version,
        "errors": errors,
    }


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive() that hands the app the body read already, then the client's messages."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(send: Send, status: int, data: dict[str, Any]) -> None:
    body = json.dumps(data).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
