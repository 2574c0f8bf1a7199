"""Fetch many (schema, track) pairs concurrently; a missing track is None, errors are raised."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait

from ..errors import RegistryError
from ..lock.reader import public_url
from .base import FetchedSchema, RegistryClient, warm_up_schema_checks

Pair = tuple[str, str]


def fetch_tracks(
    client: RegistryClient,
    pairs: Sequence[Pair],
    workers: int,
    *,
    on_fetched: Callable[[FetchedSchema], None] | None = None,
) -> dict[Pair, FetchedSchema | None]:
    """Every pair's document (None when the track does not exist), in the order asked.

    All fetches run to the end so that the first error, in the order asked, is the one
    reported, whatever the timing. `on_fetched` runs in the fetching thread for each document
    as it arrives, so that its work overlaps waiting for the others.
    """
    if not pairs:
        return {}

    def fetch(name: str, track: str) -> FetchedSchema | None:
        fetched = client.fetch(name, track)
        if fetched is not None and on_fetched is not None:
            on_fetched(fetched)
        return fetched

    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(pairs))))
    try:
        futures: dict[Pair, Future[FetchedSchema | None]] = {
            pair: pool.submit(fetch, *pair) for pair in pairs
        }
        with contextlib.suppress(Exception):  # a real problem shows again in the fetches
            warm_up_schema_checks()
        wait(futures.values())
    except BaseException:  # Ctrl-C: stop at once, not after the requests still in flight
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return {pair: future.result() for pair, future in futures.items()}


def require_some_track(
    client: RegistryClient, name: str, tracks: Sequence[str], found: Sequence[str]
) -> None:
    """A schema with none of its tracks in the registry cannot be locked or checked."""
    if found:
        return
    tried = ", ".join(public_url(client.url_for(name, t)) or "" for t in tracks)
    raise RegistryError(
        f"schema {name}: none of its tracks ({', '.join(tracks)}) exists in the registry; "
        f"tried {tried}",
        hint="check the schema name and registry.url, or remove the schema from the config",
    )
