"""Run every benchmark figure and write results/summary.json and results/summary.md.

python benchmarks/run.py            # full size, as quoted in docs/performance.md
python benchmarks/run.py --quick    # a tiny workload that only proves the scripts run
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import machine, make_parser, render_markdown

HERE = Path(__file__).resolve().parent
# (results stem, script); bench_compat.py belongs to the compatibility engine and is optional.
FIGURES = (
    ("validate", "bench_validate.py"),
    ("replay", "bench_replay.py"),
    ("lock", "bench_lock.py"),
    ("compat", "bench_compat.py"),
    ("startup", "bench_startup.py"),
    ("runtime", "bench_runtime.py"),
    ("guard", "bench_guard.py"),
)
OURS = {script for _, script in FIGURES} - {"bench_compat.py"}


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__ or "")
    stems = [stem for stem, _ in FIGURES]
    parser.add_argument("--only", action="append", choices=stems, help="run only this figure")
    args = parser.parse_args(argv)
    args.results.mkdir(parents=True, exist_ok=True)
    figures: list[dict[str, Any]] = []
    errors: list[str] = []
    for stem, script in FIGURES:
        if args.only and stem not in args.only:
            continue
        if not (HERE / script).is_file():
            if script in OURS:
                errors.append(f"{script}: not found")
            continue
        command = [sys.executable, str(HERE / script), "--results", str(args.results)]
        command += ["--quick"] if args.quick else []
        print(f"== {script}", flush=True)
        started = time.perf_counter()
        done = subprocess.run(command, check=False)
        result = args.results / f"{stem}.json"
        if done.returncode != 0 or not result.is_file():
            errors.append(f"{script}: exited {done.returncode}, no {result.name}")
            continue
        data = json.loads(result.read_text(encoding="utf-8"))
        data["wall_s"] = time.perf_counter() - started
        figures.append(data)
    summary = {"quick": args.quick, "machine": machine(), "figures": figures, "errors": errors}
    (args.results / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    markdown = render_summary(summary)
    (args.results / "summary.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 1 if errors else 0


def render_summary(summary: dict[str, Any]) -> str:
    """Every comparison in one table, the machine, then each figure in full."""
    m = summary["machine"]
    lines = [
        "## Benchmark results" + (" (quick)" if summary["quick"] else ""),
        "",
        f"Machine: {m['nproc']} cores, {m['cpu']}, Python {m['python']}, {m['platform']}; "
        f"load average at the end {', '.join(f'{x:.2f}' for x in m['load_average'])}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "Reproduce: `python benchmarks/run.py`"
        + (" --quick" if summary["quick"] else "")
        + " (medians over several runs; every baseline is measured in the same run).",
        "",
        "| figure | comparison | value | target | met |",
        "|---|---|---:|---|---|",
    ]
    for figure in summary["figures"]:
        for c in figure.get("comparisons", []):
            value = f"{c['value']:.2f}{c.get('unit', 'x')}"
            met = "yes" if c["met"] else "NO"
            lines.append(f"| {figure['figure']} | {c['name']} | {value} | {c['target']} | {met} |")
    lines += [f"\nnot run: {error}" for error in summary["errors"]]
    for figure in summary["figures"]:
        lines += ["", render_markdown(figure) if "measurements" in figure else _raw(figure)]
    return "\n".join(lines) + "\n"


def _raw(figure: dict[str, Any]) -> str:
    """A figure written by a script that does not use the harness (bench_compat.py)."""
    return f"### Figure {figure.get('figure', '?')}\n\n```json\n{json.dumps(figure, indent=2)}\n```"


if __name__ == "__main__":
    raise SystemExit(main())
