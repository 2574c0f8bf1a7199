"""Deadlines of whole HTTP answers: a watchdog that cuts off a request that runs past its own.

urllib3's read timeout bounds each read, so a registry that trickles its answer one byte at a
time never times out. Every connection records itself as the request's while it is used, and
one thread per transport shuts its socket down when the deadline passes; the blocked read then
returns, and a retry after that gives up at once.
"""

from __future__ import annotations

import contextlib
import heapq
import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class DeadlinePassedError(Exception):
    """Raised inside urllib3 when a request starts after its deadline: no retry follows."""


class Watch:
    """The deadline of one request, and the connection it is using (to cut it off)."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.expired = False
        self.done = False
        self.connection: HTTPConnection | None = None
        # The socket of the request once sent: an answer that closes the connection (HTTP/1.0,
        # `Connection: close`) leaves it to the response alone, and the connection's sock None.
        self.sock: socket.socket | None = None

    def expire(self) -> None:
        """Cut the connection off, so that a read blocked on a trickling answer returns."""
        self.expired = True
        sock = self.sock or getattr(self.connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


CURRENT = threading.local()  # the Watch of the request this thread is making


class _WatchedConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        watch: Watch | None = getattr(CURRENT, "watch", None)
        if watch is not None:
            if watch.expired:  # a retry after the deadline: give up at once
                raise DeadlinePassedError
            watch.connection = self
        super().request(*args, **kwargs)
        if watch is not None:
            watch.sock = self.sock


class _WatchedHTTPSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


WATCHED_POOLS = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """An adapter whose connections a Watchdog can cut off (plain and HTTP-proxied)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools are their own classes
            manager.pool_classes_by_scheme = WATCHED_POOLS
        return manager


class Watchdog:
    """One thread that cuts off the requests in flight whose deadline has passed."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watch]] = []
        self._thread: threading.Thread | None = None
        self._closed = False

    def add(self, watch: Watch) -> None:
        with self._cond:
            heapq.heappush(self._heap, (watch.deadline, id(watch), watch))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="registry-deadline", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def remove(self, watch: Watch) -> None:
        """The request is over: its connection goes back to the pool untouched."""
        with self._cond:
            watch.done = True
            watch.connection = None
            watch.sock = None

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                wait = self._heap[0][0] - time.monotonic() if self._heap else None
                if wait is not None and wait <= 0:
                    heapq.heappop(self._heap)[2].expire()
                else:
                    self._cond.wait(wait)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join()
