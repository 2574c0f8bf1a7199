"""Figure 3: `registry-contract lock` of 200 schemas from a 50 ms registry against a loop."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    ROOT,
    Comparison,
    Figure,
    Measurement,
    byte_compile,
    console,
    parse_args,
    time_command,
    write_figure,
)

LATENCY_MS = 50
WORKERS = 16  # the config default, registry.workers
FAKE_REGISTRY = ROOT / "tests" / "support" / "fake_registry.py"
# The baseline: one requests.get after the other over the same URLs on the same server.
BASELINE = """
import json, sys, time
import requests
urls = json.loads(open(sys.argv[1]).read())
started = time.perf_counter()
for url in urls:
    response = requests.get(url, timeout=30)
    response.raise_for_status()
print(json.dumps({"requests": len(urls), "seconds": time.perf_counter() - started}))
"""
# The fetch phase alone, in-process: registry-contract's own client and fetch_tracks, without
# interpreter start-up, imports, config and lock writing.
FETCH_PHASE = """
import json, sys, time
from pathlib import Path
from registry_contract.config import load_config
from registry_contract.registry import build_client
from registry_contract.registry.fetch import fetch_tracks
config = load_config(Path("registry-contract.yml"))
pairs = [(name, track) for name, schema in config.schemas.items() for track in schema.tracks]
client = build_client(config, lock=None)
started = time.perf_counter()
found = fetch_tracks(client, pairs, config.registry.workers)
seconds = time.perf_counter() - started
client.close()
if not all(found.values()):
    raise SystemExit("some schemas were not found")
print(json.dumps({"requests": len(pairs), "seconds": seconds}))
"""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    names, runs, base_runs = (5, 1, 1) if args.quick else (100, 5, 3)
    requests_per_run = names * 2
    warmup = 0 if args.quick else 1
    floor = requests_per_run * LATENCY_MS / 1000 / WORKERS
    byte_compile()
    with tempfile.TemporaryDirectory(prefix="bench-lock-") as tmp:
        root = Path(tmp)
        write_registry(root / "registry", names)
        server = subprocess.Popen(
            [
                sys.executable,
                str(FAKE_REGISTRY),
                "--dir",
                str(root / "registry"),
                "--port",
                "0",
                "--api",
                "core",
                "--latency-ms",
                str(LATENCY_MS),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            url = read_url(server)
            project = write_project(root / "project", url, names)
            urls = [
                f"{url}/schemas/{name}/tracks/{track}"
                for name in schema_names(names)
                for track in ("v2", "v1")
            ]
            (root / "urls.json").write_text(json.dumps(urls), encoding="utf-8")
            (root / "baseline.py").write_text(BASELINE, encoding="utf-8")
            env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
            env["XDG_CACHE_HOME"] = str(root / "cache")

            def fresh() -> None:  # no lock and no ETag cache: every run fetches everything
                shutil.rmtree(project / "schemas-lock", ignore_errors=True)
                shutil.rmtree(root / "cache", ignore_errors=True)

            ours_s, out = time_command(
                [console("registry-contract"), "lock"],
                cwd=project,
                runs=runs,
                env=env,
                prepare=fresh,
                warmup=warmup,
            )
            if not (project / "schemas-lock" / "lock.json").is_file():
                raise SystemExit(f"registry-contract lock wrote no lock:\n{out}")
            fetch_s = []
            for _ in range(runs):
                fresh()
                _, out = time_command(
                    [sys.executable, "-c", FETCH_PHASE], cwd=project, runs=1, env=env, warmup=0
                )
                fetch_s.append(json.loads(out)["seconds"])
            base_s, _ = time_command(
                [sys.executable, str(root / "baseline.py"), str(root / "urls.json")],
                cwd=root,
                runs=base_runs,
                env=env,
                warmup=warmup,
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
    figure = Figure(
        3,
        f"lock {requests_per_run} schemas from a registry with {LATENCY_MS} ms latency",
        args.quick,
        f"{names} schemas x 2 tracks on the loopback fake registry (core API, "
        f"--latency-ms {LATENCY_MS}); `registry-contract lock` with {WORKERS} workers, wall "
        "clock of the whole command; baseline: a plain loop of requests.get over the same URLs",
    )
    figure.measurements = [
        Measurement("registry-contract lock", ours_s, "registry-contract lock", requests_per_run),
        Measurement(
            "fetch phase alone (fetch_tracks, in-process)",
            fetch_s,
            "registry_contract.registry.fetch.fetch_tracks(client, pairs, 16)",
            requests_per_run,
        ),
        Measurement(
            "sequential requests.get loop (baseline)",
            base_s,
            "python baseline.py",
            requests_per_run,
        ),
    ]
    ours, fetch, base = (m.median_s for m in figure.measurements)
    figure.comparisons += [
        Comparison(
            "lock speed-up over the sequential loop", base / ours, ">= 10x", base / ours >= 10
        ),
        Comparison(
            f"lock / concurrency floor ({requests_per_run} x {LATENCY_MS} ms / {WORKERS}"
            f" = {floor:.3f} s)",
            ours / floor,
            "<= 1.5x",
            ours / floor <= 1.5,
        ),
        Comparison(
            "fetch phase / concurrency floor", fetch / floor, "<= 1.5x", fetch / floor <= 1.5
        ),
    ]
    figure.notes.append(
        "The fake registry is a Python server on the same machine: its request handling competes "
        "with the client for the same cores (it works out each answer before the injected delay, "
        "which stands for network latency). With 16 workers, 200 requests take 13 rounds, so "
        "even a free client needs 0.65 s. The whole command also pays interpreter start-up, "
        "imports (requests, yaml, jsonschema-rs), config validation and the lock's final swap; "
        "documents are written into the next lock tree while the fetches wait."
    )
    write_figure(figure, args.results, "lock")
    return 0


def schema_names(count: int) -> list[str]:
    return [f"bench.Event{index:03d}" for index in range(count)]


def write_registry(folder: Path, count: int) -> None:
    for index, name in enumerate(schema_names(count)):
        for number, track in enumerate(("v1", "v2"), start=1):
            document = {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": f"https://schemas.example.com/{name}/{track}.json",
                "x-version": number,
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "n": {"type": "integer"}},
                "description": f"benchmark schema {index} {track}",
            }
            path = folder / name / f"{track}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(document), encoding="utf-8")


def write_project(folder: Path, url: str, count: int) -> Path:
    folder.mkdir(parents=True)
    schemas = "".join(f"  {name}: {{}}\n" for name in schema_names(count))
    config = f"registry:\n  api: core\n  url: {url}\ntracks: [v2, v1]\nschemas:\n{schemas}"
    (folder / "registry-contract.yml").write_text(config, encoding="utf-8")
    return folder


def read_url(server: subprocess.Popen[str]) -> str:
    """The fake registry prints `... on URL` once it listens."""
    assert server.stdout is not None
    deadline = time.monotonic() + 30
    line = server.stdout.readline()
    if " on " not in line or time.monotonic() > deadline:
        raise SystemExit(f"the fake registry did not start: {line!r}")
    return line.rsplit(" on ", 1)[1].strip()


if __name__ == "__main__":
    raise SystemExit(main())
