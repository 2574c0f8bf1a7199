"""The development registry's HTTP server: auth, request bounds, one log line per request."""

from __future__ import annotations

import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import parse_qsl, unquote

from ..redact import MASK, redact
from .serve_auth import ServerAuth
from .serve_core import LockSnapshot
from .serve_reply import MAX_BODY, ApiError, Reply, json_bytes, shown

if TYPE_CHECKING:  # the Schema Registry API (and the compatibility engine) only when served
    from .serve_confluent import ConfluentApi

__all__ = ["LockServer", "LockSnapshot"]

REQUEST_TIMEOUT = 30.0  # seconds a connection may stay silent, idle keep-alive included
MAX_CONNECTIONS = 64  # one thread each; more are closed at once


class LockRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    timeout = REQUEST_TIMEOUT
    server: LockServer

    def setup(self) -> None:
        super().setup()
        # Without it, keep-alive requests wait for delayed ACKs (tens of ms each).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        started = time.perf_counter()
        path, _, query = self.path.partition("?")
        try:
            reply = self._reply(method, path, query)
        except ApiError as e:
            reply = e.reply()
        except Exception as e:  # a bug: answer, log one line, keep serving
            reply = ApiError(500, 50001, "internal error in the development registry").reply()
            self.server.log(f"internal error: {type(e).__name__}: {e}")
        elapsed = (time.perf_counter() - started) * 1000
        # Logged before the answer leaves, so that a client that saw it finds it in the log.
        self.server.log(
            f"{self.client_address[0]} {method} {shown(unquote(path))} {reply.status} "
            f"{len(reply.body)}B {elapsed:.1f}ms"
        )
        self._send(reply)

    def _reply(self, method: str, path: str, query: str) -> Reply:
        server = self.server
        snapshot = server.snapshot
        core = snapshot is not None and snapshot.owns(path.rstrip("/"))
        if not server.auth.allows(self.headers.get("Authorization", "")):
            challenge = {"WWW-Authenticate": server.auth.challenge}
            self.close_connection = True  # its body, if any, is left unread
            if core or server.confluent is None:
                refusal = json_bytes({"error": "missing or wrong credentials"})
                return Reply(401, refusal, headers=challenge)
            denied = ApiError(401, 40101, "Unauthorized: missing or wrong credentials").reply()
            return Reply(401, denied.body, denied.content_type, challenge)
        body = self._read_body() if method in ("POST", "PUT") else None
        if snapshot is not None and (core or server.confluent is None):
            if method != "GET":
                return Reply(405, json_bytes({"error": f"{method} is not allowed here"}))
            return snapshot.answer(path.rstrip("/"), self.headers.get("If-None-Match", ""))
        assert server.confluent is not None  # a server serves at least one API
        return server.confluent.answer(method, path, dict(parse_qsl(query)), body)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            raise ApiError(411, 411, "Send the request body with a Content-Length")
        text = self.headers.get("Content-Length", "0")
        length = int(text) if text.isdigit() and len(text) < 12 else -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True  # the unread body would be taken as the next request
            raise ApiError(413, 413, f"The request body must be at most {MAX_BODY} bytes")
        return self.rfile.read(length)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status != 304:
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.status != 304:
            self.wfile.write(reply.body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Replaced by the line _handle logs, which shows only what is safe to show."""

    def log_message(self, format: str, *args: Any) -> None:
        """What the standard library logs besides requests: malformed ones, refused ones."""
        self.server.log(f"{self.client_address[0]} {shown(format % args)}")


class LockServer(ThreadingHTTPServer):
    """Serves the core API (`snapshot`), the Schema Registry API (`confluent`), or both."""

    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not delay shutdown

    def __init__(
        self,
        address: tuple[str, int],
        snapshot: LockSnapshot | None,
        token: str | None = None,
        *,
        confluent: ConfluentApi | None = None,
        auth: ServerAuth | None = None,
        log: TextIO | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.confluent = confluent
        self.auth = auth or ServerAuth(token=token)
        self._log = log
        self._log_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, LockRequestHandler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        shown_host = f"[{host}]" if ":" in host else host
        return f"http://{shown_host}:{port}"

    def log(self, line: str) -> None:
        """One line on the log stream, with every credential masked."""
        if self._log is None:
            return
        for secret in self.auth.secrets:
            line = line.replace(secret, MASK)
        line = " ".join(redact(line).split())
        with self._log_lock:
            self._log.write(line + "\n")
            self._log.flush()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.log(f"{client_address[0]} refused: {MAX_CONNECTIONS} connections are open")
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line instead of the standard library's traceback (a client that hung up)."""
        error = sys.exc_info()[1]
        self.log(f"{client_address[0]} connection ended: {type(error).__name__}: {error}")

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()
