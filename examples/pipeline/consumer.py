"""The pipeline's FeedbackEvent consumer: a Redis Streams consumer group, guarded by the manager.

    python examples/pipeline/consumer.py --redis redis://127.0.0.1:6379/0 \\
        --stream telemetry.feedback --group pipeline --mode soft|enforce [--max N]

Phase 3 (`--mode soft`): every entry is validated, failures are logged and counted, and every
entry is still processed. Phase 4 (`--mode enforce`): invalid entries go to the dead-letter
stream `telemetry.feedback:dlq` instead of the handler. One line per entry, then a summary.
Built only on the public API of registry_contract.runtime; see docs/runtime-bus.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
from collections import Counter
from pathlib import Path

import redis.asyncio as aredis

from registry_contract.runtime import SchemaManager, SchemaUnavailableError
from registry_contract.runtime.dlq import BusError
from registry_contract.runtime.redis_streams import GuardedEntry, StreamGuard

SCHEMA = "telemetry.FeedbackEvent"
HERE = Path(__file__).resolve().parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", required=True, metavar="URL")
    parser.add_argument("--stream", default="telemetry.feedback")
    parser.add_argument("--group", default="pipeline")
    parser.add_argument("--consumer", default=f"{socket.gethostname()}-{os.getpid()}")
    parser.add_argument("--mode", choices=("soft", "enforce"), required=True)
    parser.add_argument("--max", type=int, metavar="N", help="stop after N entries")
    parser.add_argument("--config", default=str(HERE / "registry-contract.yml"))
    return parser.parse_args()


class Pipeline:
    """The handler: what the pipeline does with each FeedbackEvent (here, print it)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def handle(self, entry: GuardedEntry) -> None:
        outcome, event = entry.outcome, entry.payload
        if outcome is None:  # soft mode hands unparseable entries over too
            self.counts["unparseable, processed"] += 1
            print(f"{entry.id} unparseable, skipped by the handler", flush=True)
            return
        if outcome.is_valid:
            self.counts[f"valid {outcome.track}"] += 1
            verdict = f"valid {outcome.track} v{outcome.version}"
        else:
            self.counts["invalid, processed"] += 1
            where = ", ".join(f"{i.keyword} at {i.path or '/'}" for i in outcome.issues[:3])
            verdict = f"INVALID on {outcome.track} ({where}), processed anyway"
        print(
            f"{entry.id} {verdict}: {event.get('coordinator_id')} "
            f"backpressure={event.get('backpressure')} utilisation={event.get('utilisation')}",
            flush=True,
        )


async def main() -> int:
    args = parse_args()
    # The guard logs each dead-lettered entry: one line each, on stdout with the rest.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    guard_log = logging.getLogger("registry_contract.runtime.redis")
    guard_log.addHandler(handler)
    guard_log.setLevel(logging.INFO)

    pipeline = Pipeline()
    dead: Counter[str] = Counter()
    client = aredis.Redis.from_url(args.redis)
    async with SchemaManager.from_config(args.config, mode=args.mode, preload=[SCHEMA]) as manager:
        guard = StreamGuard(
            client,
            manager,
            pipeline.handle,
            stream=args.stream,
            group=args.group,
            consumer=args.consumer,
            schema=SCHEMA,
        )
        await guard.ensure_group()
        settled = 0
        try:
            while args.max is None or settled < args.max:
                result = await guard.run_once()
                settled += result.entries
                dead.update(result.dead_lettered)
        finally:
            await client.aclose()
    summary = [f"{n} {what}" for what, n in sorted(pipeline.counts.items())]
    summary += [f"{n} dead-lettered ({reason})" for reason, n in sorted(dead.items())]
    print(f"summary: {settled} entries: " + ", ".join(summary), flush=True)
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(asyncio.run(main()))
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except (BusError, SchemaUnavailableError) as e:  # Redis down, or no source for the schema
        print(f"consumer: error: {e}", file=sys.stderr)
        raise SystemExit(3) from None
