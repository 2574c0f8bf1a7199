"""registry/deadline.py: the watchdog cuts off a read blocked past its deadline, and only it."""

from __future__ import annotations

import socket
import time
from types import SimpleNamespace

from registry_contract.registry.deadline import Watch, Watchdog


def test_a_read_blocked_past_its_deadline_returns_and_a_finished_request_is_left_alone() -> None:
    watchdog = Watchdog()
    ours, theirs = socket.socketpair()
    spare, spare_peer = socket.socketpair()
    try:
        finished = Watch(time.monotonic())  # already due, but its request is over
        finished.connection = SimpleNamespace(sock=spare)  # type: ignore[assignment]
        watchdog.remove(finished)
        watchdog.add(finished)
        blocked = Watch(time.monotonic() + 0.05)
        blocked.connection = SimpleNamespace(sock=ours)  # type: ignore[assignment]
        watchdog.add(blocked)
        assert ours.recv(1) == b""  # no byte ever comes: only the shutdown ends this read
        assert blocked.expired and not finished.expired
        spare_peer.sendall(b"x")
        assert spare.recv(1) == b"x"
    finally:
        watchdog.close()
        for sock in (ours, theirs, spare, spare_peer):
            sock.close()
