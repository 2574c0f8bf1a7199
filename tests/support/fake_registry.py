"""A loopback fake schema registry serving a folder over the core, confluent or static API.

Folder layout (the same as examples/schemas): NAME/TRACK.json is the latest version of a
track; its version is its integer `x-version` annotation, else 1. Older versions may sit in
NAME/TRACK/N.json. Files are read on every request, so tests can change them between runs.

Use it as a context manager (`with FakeRegistry(folder, api="core") as reg: reg.url`), or as
a script: `python tests/support/fake_registry.py --dir FOLDER --port N --api core --latency-ms 50`.
Options: `token=` (require a bearer token), `basic=(user, password)`, `tls=(cert, key)` (serve
https), `latency_ms=` (every request), `etags=False` (no ETag/304). Faults are injected per
path glob with `reg.fault(kind, path="*", times=None, **params)` (see FAULTS; `times` limits
how often it fires) and removed with `reg.clear()`, which also forgets the recorded requests.
Every request is recorded in `reg.requests` (method, path, lower-cased headers); `reg.paths()`
lists the paths. `reg.publish(name, track, document)` and `reg.remove(name, track)` change the
folder while it runs. Standard library only, so benchmarks can run it without the package.
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import hashlib
import json
import signal
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

APIS = ("core", "confluent", "static")
FAULTS = (
    "latency",  # ms=...: sleep, then answer normally
    "status",  # status=500, retry_after=None, body=None: answer that status
    "reset",  # close the connection (RST) without answering
    "truncate",  # declare the full Content-Length, send half the body, close
    "invalid-json",  # 200 with a body that is not JSON
    "html",  # 200 text/html, like a captive portal or proxy login page
    "oversize",  # 200 with a body of size=6 MiB; declare_length=False streams it unannounced
    "slow-body",  # the real answer, one byte every interval=1.0 s (each read well in time)
    "wrong-envelope",  # a valid answer for another schema name / subject
    "redirect",  # 302 to `to` + the same path (e.g. another FakeRegistry's url)
    "body",  # status=200, body=bytes|str|json-able, content_type=...: anything
)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    target: str = ""  # the request line's target: absolute-form when sent to a proxy


@dataclass
class Fault:
    kind: str
    path: str
    times: int | None
    params: dict[str, Any] = field(default_factory=dict)


class FakeRegistry:
    """A threaded HTTP/1.1 server on 127.0.0.1; `url` is the API base URL."""

    def __init__(
        self,
        folder: Path | str,
        *,
        api: str = "core",
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: float = 0,
        token: str | None = None,
        basic: tuple[str, str] | None = None,
        etags: bool = True,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        if api not in APIS:
            raise ValueError(f"api must be one of {APIS}, not {api!r}")
        self.folder = Path(folder)
        self.api = api
        self.latency_ms = latency_ms
        self.token = token
        self.basic = basic
        self.etags = etags
        self.requests: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._server = _Server((host, port), _Handler, self)
        self._scheme = "http"
        if tls is not None:  # (certificate, key) PEM files
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    def start(self) -> FakeRegistry:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeRegistry:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fault(self, kind: str, path: str = "*", *, times: int | None = None, **params: Any) -> None:
        """Inject a fault on request paths matching the glob `path`, `times` times (None: always)."""
        if kind not in FAULTS:
            raise ValueError(f"fault must be one of {FAULTS}, not {kind!r}")
        with self._lock:
            self._faults.append(Fault(kind, path, times, params))

    def clear(self) -> None:
        """Remove every fault and forget the recorded requests."""
        with self._lock:
            self._faults.clear()
            self.requests.clear()

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def _record(
        self, method: str, path: str, headers: dict[str, str], target: str = ""
    ) -> list[Fault]:
        """Record a request and return the faults that fire for it (consuming `times`)."""
        fired = []
        with self._lock:
            self.requests.append(RecordedRequest(method, path, headers, target or path))
            for fault in self._faults:
                if fault.times == 0 or not fnmatch.fnmatchcase(path, fault.path):
                    continue
                if fault.kind != "latency" and any(f.kind != "latency" for f in fired):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                fired.append(fault)
        return fired

    # --- the folder ---------------------------------------------------------------------
    def publish(self, name: str, track: str, document: Any) -> None:
        """Make `document` the latest version of NAME/TRACK (its `x-version` is its version)."""
        path = self.folder / name / f"{track}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(document, sort_keys=True, indent=2))
        tmp.replace(path)  # a request never reads a half-written file

    def remove(self, name: str, track: str) -> None:
        """Delete NAME/TRACK from the registry (the track then answers 404)."""
        (self.folder / name / f"{track}.json").unlink()

    def versions(self, name: str, track: str) -> dict[int, Any]:
        """Every version of a track: NAME/TRACK/N.json plus the latest, NAME/TRACK.json."""
        found: dict[int, Any] = {}
        older = self.folder / name / track
        if older.is_dir():
            for path in older.glob("*.json"):
                if path.stem.isdigit():
                    found[int(path.stem)] = json.loads(path.read_bytes())
        latest = self.latest(name, track)
        if latest is not None:
            found[latest[0]] = latest[1]
        return found

    def latest(self, name: str, track: str) -> tuple[int, Any] | None:
        """NAME/TRACK.json and its version: the `x-version` annotation, else 1."""
        path = self.folder / name / f"{track}.json"
        if not path.is_file():
            return None
        document = json.loads(path.read_bytes())
        version = document.get("x-version") if isinstance(document, dict) else None
        ok = isinstance(version, int) and not isinstance(version, bool) and version >= 1
        return (version if ok else 1), document

    def listing(self) -> list[dict[str, Any]]:
        if not self.folder.is_dir():
            return []
        return [
            {"name": d.name, "tracks": sorted(f.stem for f in d.glob("*.json"))}
            for d in sorted(self.folder.iterdir())
            if d.is_dir()
        ]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type, registry: FakeRegistry) -> None:
        self.registry = registry
        super().__init__(address, handler)


def _json(data: Any) -> bytes:
    return (json.dumps(data, sort_keys=True) + "\n").encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        arrived = time.monotonic()
        registry = self.server.registry
        target = self.path
        if target.startswith(("http://", "https://")):  # absolute-form: we are the proxy
            path = urlsplit(target).path
        else:
            path = target.split("?", 1)[0]
        headers = {k.lower(): v for k, v in self.headers.items()}
        faults = registry._record("GET", path, headers, target)
        delay = registry.latency_ms + sum(
            f.params.get("ms", 0) for f in faults if f.kind == "latency"
        )
        fault = next((f for f in faults if f.kind != "latency"), None)
        faulty = fault is not None and fault.kind in ("reset", "redirect", "status", "body")
        authorized = self._authorized(headers)
        # The delay stands for the network's latency: the answer leaves `delay` ms after the
        # request arrived, whatever this server spent working it out meanwhile.
        answer = None if faulty or not authorized else self._route(path, fault)
        if delay:
            time.sleep(max(0.0, delay / 1000 - (time.monotonic() - arrived)))
        try:
            if faulty:
                assert fault is not None
                self._fault(fault, path)
            elif answer is None:
                self._send(
                    401, _json({"error_code": 40101, "message": "unauthorized"}), "application/json"
                )
            else:
                self._answer(*answer, fault, headers)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _authorized(self, headers: dict[str, str]) -> bool:
        registry = self.server.registry
        given = headers.get("authorization", "")
        if registry.token is not None:
            return given == f"Bearer {registry.token}"
        if registry.basic is not None:
            encoded = base64.b64encode(":".join(registry.basic).encode()).decode()
            return given == f"Basic {encoded}"
        return True

    def _fault(self, fault: Fault, path: str) -> None:
        params = fault.params
        if fault.kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif fault.kind == "redirect":
            self.send_response(int(params.get("status", 302)))
            self.send_header("Location", str(params["to"]).rstrip("/") + path)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            status = int(params.get("status", 200 if fault.kind == "body" else 500))
            body = params.get("body")
            if body is None:
                body = _json({"error_code": status * 100, "message": f"injected {status}"})
            elif isinstance(body, str):
                body = body.encode()
            elif not isinstance(body, bytes):
                body = _json(body)
            extra = {"Retry-After": str(params["retry_after"])} if "retry_after" in params else {}
            self._send(status, body, params.get("content_type", "application/json"), extra)

    def _route(self, path: str, fault: Fault | None) -> tuple[int, bytes, str]:
        api = self.server.registry.api
        wrong = fault is not None and fault.kind == "wrong-envelope"
        if api == "core":
            return self._core(path, wrong)
        if api == "confluent":
            return self._confluent(path, wrong)
        return self._static(path)

    def _core(self, path: str, wrong: bool) -> tuple[int, bytes, str]:
        registry = self.server.registry
        parts = [unquote(p) for p in path.strip("/").split("/")]
        kind = "application/json"
        if parts == ["schemas"]:
            return 200, _json({"schemas": registry.listing()}), kind
        if len(parts) >= 4 and parts[0] == "schemas" and parts[2] == "tracks":
            name, track, rest = parts[1], parts[3], parts[4:]
            latest = registry.latest(name, track) if not rest else None
            versions = {latest[0]: latest[1]} if latest else registry.versions(name, track)
            if not versions:
                return 404, _json({"error": f"no track {track} for {name}"}), kind
            if rest == ["versions"]:
                return 200, _json({"versions": sorted(versions)}), kind
            if not rest:
                found = latest or max(versions.items())
            elif len(rest) == 2 and rest[0] == "versions" and rest[1].isdigit():
                v = int(rest[1])
                found = (v, versions[v]) if v in versions else None
            else:
                found = None
            if found is None:
                return 404, _json({"error": f"no such version: {path}"}), kind
            envelope = {"name": name, "track": track, "version": found[0], "schema": found[1]}
            if wrong:
                envelope["name"] = "someone.Else"
            return 200, _json(envelope), kind
        return 404, _json({"error": f"no route {path}"}), kind

    def _confluent(self, path: str, wrong: bool) -> tuple[int, bytes, str]:
        registry = self.server.registry
        kind = "application/vnd.schemaregistry.v1+json"
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts == ["subjects"]:
            subjects = [f"{i['name']}-{t}" for i in registry.listing() for t in i["tracks"]]
            return 200, _json(subjects), kind
        if (
            len(parts) < 3
            or parts[0] != "subjects"
            or parts[2] != "versions"
            or "-" not in parts[1]
        ):
            return 404, _json({"error_code": 404, "message": "HTTP 404 Not Found"}), kind
        subject = parts[1]
        name, track = subject.rsplit("-", 1)
        versions = registry.versions(name, track)
        if not versions:
            return (
                404,
                _json({"error_code": 40401, "message": f"Subject '{subject}' not found."}),
                kind,
            )
        if len(parts) == 3:
            return 200, _json(sorted(versions)), kind
        wanted = parts[3]
        found = registry.latest(name, track) if wanted == "latest" else None
        if found is None and wanted == "latest":
            found = max(versions.items())
        if wanted.isdigit() and int(wanted) in versions:
            found = (int(wanted), versions[int(wanted)])
        if found is None:
            return (
                404,
                _json({"error_code": 40402, "message": f"Version {wanted} not found."}),
                kind,
            )
        answer = {
            "subject": "someone.Else-v9" if wrong else subject,
            "id": 1000 + found[0],
            "version": found[0],
            "schemaType": "JSON",
            "schema": json.dumps(found[1], sort_keys=True),
        }
        return 200, _json(answer), kind

    def _static(self, path: str) -> tuple[int, bytes, str]:
        target = (self.server.registry.folder / unquote(path).lstrip("/")).resolve()
        root = self.server.registry.folder.resolve()
        if root not in target.parents or not target.is_file():
            return 404, b"Not Found\n", "text/plain"
        return 200, target.read_bytes(), "application/json"

    def _answer(
        self,
        status: int,
        body: bytes,
        content_type: str,
        fault: Fault | None,
        headers: dict[str, str],
    ) -> None:
        kind = fault.kind if fault is not None else None
        if kind == "invalid-json" and status == 200:
            self._send(200, b'{"name": "truncated', "application/json")
        elif kind == "html" and status == 200:
            page = b"<!DOCTYPE html><html><body><h1>Proxy login</h1></body></html>\n"
            self._send(200, page, "text/html; charset=utf-8")
        elif kind == "oversize" and status == 200:
            self._oversize(fault)
        elif kind == "slow-body":
            self._trickle(status, body, content_type, float(fault.params.get("interval", 1.0)))
        elif kind == "truncate" and status == 200:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            if status == 200 and self.server.registry.etags:
                if etag in [t.strip() for t in headers.get("if-none-match", "").split(",")]:
                    self._send(304, b"", content_type, {"ETag": etag})
                    return
                self._send(status, body, content_type, {"ETag": etag})
            else:
                self._send(status, body, content_type)

    def _trickle(self, status: int, body: bytes, content_type: str, interval: float) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for i in range(len(body)):
            self.wfile.write(body[i : i + 1])
            self.wfile.flush()
            time.sleep(interval)

    def _oversize(self, fault: Fault) -> None:
        size = int(fault.params.get("size", 6 * 1024 * 1024))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if fault.params.get("declare_length", True):
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        chunk = b" " * 65536
        sent = 0
        while sent < size:
            self.wfile.write(chunk[: size - sent])
            sent += len(chunk)

    def _send(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a schema folder as a fake registry.")
    parser.add_argument("--dir", required=True, help="folder laid out as NAME/TRACK.json")
    parser.add_argument("--api", choices=APIS, default="core")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0, help="added to every request")
    parser.add_argument("--token", help="require this bearer token")
    args = parser.parse_args(argv)
    registry = FakeRegistry(
        args.dir,
        api=args.api,
        host=args.host,
        port=args.port,
        latency_ms=args.latency_ms,
        token=args.token,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with registry:
        print(f"fake {args.api} registry serving {args.dir} on {registry.url}", flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
