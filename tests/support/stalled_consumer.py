"""A guard whose handler reports each entry, then stalls before the acknowledgement, so that a
test can SIGKILL it between handling and acking: python stalled_consumer.py URL LOCK_DIR STREAM."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import redis.asyncio as aredis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from registry_contract.runtime import Mode, SchemaManager
from registry_contract.runtime.redis_streams import GuardedEntry, StreamGuard
from support.bus import FEEDBACK

STALL_S = 120  # the test kills it long before


def handle(entry: GuardedEntry) -> None:
    print(f"handled {entry.id}", flush=True)
    time.sleep(STALL_S)


async def main(url: str, lock_dir: str, stream: str) -> None:
    client = aredis.Redis.from_url(url)
    guard = StreamGuard(
        client,
        SchemaManager(lock_dir=lock_dir, mode=Mode.ENFORCE),
        handle,
        stream=stream,
        group="pipeline",
        consumer="doomed",
        schema=FEEDBACK,
        block_ms=100,
    )
    await guard.ensure_group()
    for _ in range(600):
        await guard.run_once()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
