"""Fetch many (schema, track) pairs concurrently; a missing track is None, errors are raised."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from ..errors import RegistryError
from .base import FetchedSchema, RegistryClient

Pair = tuple[str, str]


def fetch_tracks(
    client: RegistryClient, pairs: Sequence[Pair], workers: int
) -> dict[Pair, FetchedSchema | None]:
    """Every pair's document (None when the track does not exist), in the order asked.

    All fetches run to the end so that the first error, in the order asked, is the one
    reported, whatever the timing.
    """
    if not pairs:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(pairs)))) as pool:
        futures: dict[Pair, Future[FetchedSchema | None]] = {
            pair: pool.submit(client.fetch, *pair) for pair in pairs
        }
    return {pair: future.result() for pair, future in futures.items()}


def require_some_track(
    client: RegistryClient, name: str, tracks: Sequence[str], found: Sequence[str]
) -> None:
    """A schema with none of its tracks in the registry cannot be locked or checked."""
    if found:
        return
    tried = ", ".join(client.url_for(name, t) for t in tracks)
    raise RegistryError(
        f"schema {name}: none of its tracks ({', '.join(tracks)}) exists in the registry; "
        f"tried {tried}",
        hint="check the schema name and registry.url, or remove the schema from the config",
    )
