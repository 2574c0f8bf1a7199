"""A development server: a lock folder over the core API, with ETags and an optional token."""

from __future__ import annotations

import hmac
import json
import re
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..lockfile import load_intact_lock

_ROUTE = re.compile(
    r"^/schemas/(?P<name>[^/]+)/tracks/(?P<track>[^/]+)(?P<rest>/versions(?:/(?P<v>[^/]+))?)?$"
)


class LockSnapshot:
    """Every response body the server can give, built once from a verified lock."""

    def __init__(self, lock_dir: Path) -> None:
        lock = load_intact_lock(lock_dir)
        self.envelopes: dict[tuple[str, str], tuple[bytes, str, int]] = {}
        listing = []
        for name, tracks in sorted(lock.entries.items()):
            listing.append({"name": name, "tracks": sorted(tracks)})
            for track, entry in tracks.items():
                body = _json(
                    {
                        "name": name,
                        "track": track,
                        "version": entry.version,
                        "schema": lock.schema(name, track),
                    }
                )
                self.envelopes[(name, track)] = (body, f'"{entry.sha256}"', entry.version)
        self.listing = _json({"schemas": listing})


def _json(data: Any) -> bytes:
    return (json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n").encode()


class LockRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server: LockServer

    def setup(self) -> None:
        super().setup()
        # Without it, keep-alive requests wait for delayed ACKs (tens of ms each).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        if not self._authorized():
            self._send(401, _json({"error": "missing or wrong bearer token"}))
            return
        path = self.path.split("?", 1)[0].rstrip("/")
        snapshot = self.server.snapshot
        if path == "/schemas":
            self._send(200, snapshot.listing)
            return
        match = _ROUTE.match(path)
        found = snapshot.envelopes.get((match["name"], match["track"])) if match else None
        if match is None or found is None:
            self._send(404, _json({"error": f"no schema at {path}"}))
            return
        body, etag, version = found
        if match["rest"] == "/versions":
            self._send(200, _json({"versions": [version]}))
        elif match["v"] is not None and match["v"] != str(version):
            self._send(404, _json({"error": f"version {match['v']} is not in the lock"}))
        elif etag in [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]:
            self._send(304, b"", etag)
        else:
            self._send(200, body, etag)

    def _authorized(self) -> bool:
        token = self.server.token
        if token is None:
            return True
        given = self.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())

    def _send(self, status: int, body: bytes, etag: str | None = None) -> None:
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        if status != 304:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines would only repeat what the client already knows."""


class LockServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not delay shutdown

    def __init__(self, address: tuple[str, int], snapshot: LockSnapshot, token: str | None) -> None:
        self.snapshot = snapshot
        self.token = token
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, LockRequestHandler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"
