"""Figure 2: bulk replay of 100,000 captured payloads against a bare jsonschema-rs loop."""

from __future__ import annotations

import gzip
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    BROKEN_KINDS,
    FEEDBACK,
    SEED,
    Comparison,
    Figure,
    Measurement,
    byte_compile,
    console,
    feedback_event,
    make_project,
    parse_args,
    time_command,
    write_figure,
)

INVALID_RATE = 0.01
TARGET = 0.5
# The baseline: json.loads and jsonschema-rs's is_valid per line, nothing else. Formats are
# checked, as the config asks (`formats: true`), so both sides decide the same question.
BASELINE = """
import gzip, json, sys, time
import jsonschema_rs
started = time.perf_counter()
schema = json.load(open(sys.argv[1]))
validator = jsonschema_rs.validator_for(schema, validate_formats=True)
path = sys.argv[2]
opener = gzip.open if path.endswith(".gz") else open
valid = 0
with opener(path, "rt", encoding="utf-8") as lines:
    for line in lines:
        valid += validator.is_valid(json.loads(line))
print(json.dumps({"valid": valid, "seconds": time.perf_counter() - started}))
"""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    count, runs = (2_000, 1) if args.quick else (100_000, 5)
    warmup = 0 if args.quick else 1
    byte_compile()
    figure = Figure(
        2,
        f"replay {count:,} JSONL payloads against a bare json.loads + jsonschema-rs loop",
        args.quick,
        f"{count:,} generated FeedbackEvent lines (seed {SEED}), {INVALID_RATE:.0%} invalid "
        f"({', '.join(BROKEN_KINDS)}), plain and gzipped, against telemetry.FeedbackEvent v2; "
        "wall clock of each whole command (interpreter start-up, imports and config included)",
    )
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        project = make_project(Path(tmp))
        invalid = write_samples(project / "samples.jsonl", count)
        schema = project / "schemas-lock" / FEEDBACK / "v2.json"
        (project / "baseline.py").write_text(BASELINE, encoding="utf-8")
        for name in ("samples.jsonl", "samples.jsonl.gz"):
            ours = [
                console("registry-contract"),
                "validate",
                "--samples",
                name,
                "--schema",
                f"{FEEDBACK}@v2",
                "--format",
                "json",
                "--first",
                "20",
            ]
            ours_s, out = time_command(ours, cwd=project, runs=runs, codes=(1,), warmup=warmup)
            report = json.loads(out)
            if report["failed"] != invalid or len(report["failures"]) != min(20, invalid):
                raise SystemExit(f"replay found {report['failed']} failures, not {invalid}")
            base = [sys.executable, "baseline.py", str(schema), name]
            base_s, base_out = time_command(base, cwd=project, runs=runs, warmup=warmup)
            if json.loads(base_out)["valid"] != count - invalid:
                raise SystemExit(f"the baseline disagrees on {name}: {base_out}")
            kind = "gzipped" if name.endswith(".gz") else "plain"
            figure.measurements += [
                Measurement(
                    f"registry-contract validate --samples ({kind})",
                    ours_s,
                    " ".join(ours[1:]),
                    count,
                ),
                Measurement(
                    f"json.loads + jsonschema-rs is_valid loop ({kind}, baseline)",
                    base_s,
                    f"python baseline.py v2.json {name}",
                    count,
                ),
            ]
            ratio = figure.measurements[-1].median_s / figure.measurements[-2].median_s
            figure.comparisons.append(
                Comparison(
                    f"replay throughput / baseline throughput ({kind})",
                    ratio,
                    f">= {TARGET:g}x",
                    ratio >= TARGET,
                )
            )
            loop = json.loads(base_out)["seconds"]
            figure.notes.append(
                f"{kind}, last run, loops alone (no start-up): replay {report['seconds']:.3f} s "
                f"({count / report['seconds']:,.0f} payloads/s, all {invalid} failures explained"
                f"), baseline {loop:.3f} s ({count / loop:,.0f} payloads/s): "
                f"{loop / report['seconds']:.2f}x."
            )
    write_figure(figure, args.results, "replay")
    return 0


def write_samples(path: Path, count: int) -> int:
    """Write `count` lines to path and path.gz; returns how many are invalid."""
    rng = random.Random(SEED)
    invalid = 0
    lines = []
    for _ in range(count):
        broken = rng.choice(BROKEN_KINDS) if rng.random() < INVALID_RATE else None
        invalid += broken is not None
        lines.append(json.dumps(feedback_event(rng, broken), separators=(",", ":")))
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(data)
    path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, mtime=0))
    return invalid


if __name__ == "__main__":
    raise SystemExit(main())
