"""A loopback HTTP/1.0 server whose every answer trickles: one byte every half second.

An HTTP/1.0 answer closes its connection, so the client's connection object lets go of the
socket while the response still reads from it: the case a whole-answer deadline must cut off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = b"[" + b" " * 98 + b"]"  # 50 s at this pace


class _Trickling(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        for byte in BODY:
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:  # the client cut the connection off
                return
            time.sleep(0.5)

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def trickling_server() -> Iterator[str]:
    """The server's base URL, http://127.0.0.1:PORT, while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickling)
    server.daemon_threads = True  # a handler still trickling must not hold the test up
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
