"""The runtime's logger: one-line, payload-free messages, said once or rate-limited."""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Hashable

from ..redact import redact

LOGGER = logging.getLogger("registry_contract.runtime")
SUMMARY_INTERVAL = 60.0  # seconds between summaries of the failures not logged in full
MAX_KEYS = 1024  # distinct (schema, keyword, path) logged in full; paths can hold payload keys
MAX_FIELD = 200
_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def one_line(text: object, limit: int = MAX_FIELD) -> str:
    """Untrusted text as one bounded line, with secrets masked."""
    flat = _BREAKS.sub(" ", redact(str(text)))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class OnceLog:
    """Say something once per key (a fallback, a digest mismatch, metrics being off)."""

    def __init__(self, logger: logging.Logger = LOGGER) -> None:
        self.logger = logger
        self._said: set[Hashable] = set()
        self._lock = threading.Lock()

    def say(self, key: Hashable, level: int, message: str) -> bool:
        with self._lock:
            if key in self._said:
                return False
            self._said.add(key)
        self.logger.log(level, one_line(message, 1000))
        return True

    def forget(self, key: Hashable) -> bool:
        """Let `key` be said again (an outage that ended may start again); True if it was said."""
        with self._lock:
            if key not in self._said:
                return False
            self._said.discard(key)
            return True


class FailureLog:
    """The first failure per (schema, keyword, path) in full, then a summary per interval.

    "In full" means where and which keyword, never the payload's values (they may be PII).
    """

    def __init__(self, clock: Callable[[], float], logger: logging.Logger = LOGGER) -> None:
        self.logger = logger
        self._clock = clock
        self._seen: set[tuple[str, str, str]] = set()
        self._held: Counter[tuple[str, str]] = Counter()
        self._since = clock()
        self._lock = threading.Lock()

    def failed(self, name: str, track: str, keyword: str, path: str, schema_path: str) -> None:
        key = (name, keyword, path)
        now = self._clock()
        with self._lock:
            full = key not in self._seen and len(self._seen) < MAX_KEYS
            if full:
                self._seen.add(key)
            else:
                self._held[(name, keyword)] += 1
            due = self._held and now - self._since >= SUMMARY_INTERVAL
            held, since = (self._held, self._since) if due else (Counter(), now)
            if due:
                self._held, self._since = Counter(), now
        if full:
            self.logger.warning(
                "invalid payload for %s@%s: keyword %s failed at %s (schema path %s); "
                "later failures at the same place are summarised",
                one_line(name),
                one_line(track),
                one_line(keyword),
                one_line(path or "/"),
                one_line(schema_path),
            )
        if held:
            self._summarise(held, now - since)

    def _summarise(self, held: Counter[tuple[str, str]], seconds: float) -> None:
        names = sorted({name for name, _ in held})
        for name in names:
            counts = {k: n for (s, k), n in held.items() if s == name}
            parts = ", ".join(f"{one_line(k, 60)}={n}" for k, n in sorted(counts.items()))
            self.logger.warning(
                "%d more invalid payloads for %s in the last %.0f s (by keyword: %s)",
                sum(counts.values()),
                one_line(name),
                seconds,
                parts,
            )
