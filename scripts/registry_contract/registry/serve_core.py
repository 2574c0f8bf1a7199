"""The core API of the development registry: a verified lock's envelopes, with ETags."""

from __future__ import annotations

import re
from pathlib import Path

from ..lock.reader import Lock, load_intact_lock
from .serve_reply import Reply, json_bytes

_ROUTE = re.compile(
    r"^/schemas/(?P<name>[^/]+)/tracks/(?P<track>[^/]+)(?P<rest>/versions(?:/(?P<v>[^/]+))?)?$"
)


class LockSnapshot:
    """Every response body the core API can give, built once from a verified lock."""

    def __init__(self, source: Path | Lock) -> None:
        lock = source if isinstance(source, Lock) else load_intact_lock(source)
        self.envelopes: dict[tuple[str, str], tuple[bytes, str, int]] = {}
        listing = []
        for name, tracks in sorted(lock.entries.items()):
            listing.append({"name": name, "tracks": sorted(tracks)})
            for track, entry in tracks.items():
                body = json_bytes(
                    {
                        "name": name,
                        "track": track,
                        "version": entry.version,
                        "schema": lock.schema(name, track),
                    }
                )
                self.envelopes[(name, track)] = (body, f'"{entry.sha256}"', entry.version)
        self.listing = json_bytes({"schemas": listing})

    def owns(self, path: str) -> bool:
        """Whether `path` is a core API route (the rest may belong to another API)."""
        return path == "/schemas" or _ROUTE.match(path) is not None

    def answer(self, path: str, if_none_match: str) -> Reply:
        if path == "/schemas":
            return Reply(200, self.listing)
        match = _ROUTE.match(path)
        found = self.envelopes.get((match["name"], match["track"])) if match else None
        if match is None or found is None:
            return Reply(404, json_bytes({"error": f"no schema at {path}"}))
        body, etag, version = found
        if match["rest"] == "/versions":
            return Reply(200, json_bytes({"versions": [version]}))
        if match["v"] is not None and match["v"] != str(version):
            return Reply(404, json_bytes({"error": f"version {match['v']} is not in the lock"}))
        if etag in [t.strip() for t in if_none_match.split(",")]:
            return Reply(304, b"", headers={"ETag": etag})
        return Reply(200, body, headers={"ETag": etag})
