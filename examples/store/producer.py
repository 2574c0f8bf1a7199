"""The store's FeedbackEvent producer: XADD events to a Redis stream as the guard expects them.

    python examples/store/producer.py --redis redis://127.0.0.1:6379/0 \\
        --stream telemetry.feedback [--count N] [--invalid K] [--maxlen M]

Each entry has the payload as JSON text in the field `payload` and the producer's name in
`service` (docs/runtime-bus.md, "The stream entry"). `--invalid K` makes every K-th event
invalid (utilisation above 1), to watch phases 3 and 4 of the pipeline's consumer.
"""

from __future__ import annotations

import argparse
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import redis

BATCH = 500  # XADDs per round trip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", required=True, metavar="URL")
    parser.add_argument("--stream", default="telemetry.feedback")
    parser.add_argument("--count", type=int, default=10, help="events to send (default 10)")
    parser.add_argument("--invalid", type=int, default=0, metavar="K", help="every K-th invalid")
    parser.add_argument(
        "--maxlen", type=int, default=1_000_000, help="trim the stream to about this length"
    )
    return parser.parse_args()


def feedback_event(number: int, invalid: bool) -> dict[str, Any]:
    capacity = 100
    size = number % (capacity + 1)
    return {
        "event_id": str(uuid.uuid4()),
        "source": "store",
        "coordinator_id": f"coord-{number % 4}",
        "queue_size": size,
        "queue_capacity": capacity,
        "utilisation": 1.5 if invalid else size / capacity,
        "backpressure": "hard" if size > 90 else "soft" if size > 70 else "ok",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "lag_ms": number,
    }


def main() -> int:
    args = parse_args()
    with redis.Redis.from_url(args.redis) as client:
        pipe = client.pipeline(transaction=False)
        for number in range(1, args.count + 1):
            invalid = args.invalid > 0 and number % args.invalid == 0
            data = json.dumps(feedback_event(number, invalid), separators=(",", ":"))
            fields = {"payload": data, "service": "store"}
            pipe.xadd(args.stream, fields, maxlen=args.maxlen, approximate=True)
            if number % BATCH == 0:
                pipe.execute()
        pipe.execute()
    print(f"sent {args.count} FeedbackEvent entries to {args.stream}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
