"""Figure 5: start-up of `--version` and `gate --offline` against `python -c pass` and
`check-jsonschema --version`."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    ROOT,
    Comparison,
    Figure,
    Measurement,
    byte_compile,
    check_jsonschema_deferred,
    console,
    make_project,
    parse_args,
    time_command,
    write_figure,
)

TARGET = 0.4
DEFERRED = "check-jsonschema --version, rfc3987-syntax deferred"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    runs, warmup = (1, 0) if args.quick else (15, 1)
    byte_compile()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        project = make_project(Path(tmp))
        for part in ("examples/schemas", "tests/contracts/fixtures/payloads"):
            shutil.copytree(ROOT / part, project / part)
        commands = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("check-jsonschema --version", [console("check-jsonschema"), "--version"]),
            (DEFERRED, [*check_jsonschema_deferred(Path(tmp)), "--version"]),
            ("registry-contract --version", [console("registry-contract"), "--version"]),
            (
                "registry-contract gate --offline",
                [console("registry-contract"), "gate", "--offline"],
            ),
        ]
        timed = {}
        for name, argv_ in commands:
            timed[name], _ = time_command(argv_, cwd=project, runs=runs, warmup=warmup)
    figure = Figure(
        5,
        "start-up: --version and gate --offline",
        args.quick,
        "the bundled example (2 schemas x 2 tracks, its fixtures, compatibility checks); "
        "wall clock of each whole command",
    )
    figure.measurements = [Measurement(name, times, name) for name, times in timed.items()]
    medians = {m.name: m.median_s for m in figure.measurements}
    ours = medians["registry-contract --version"]
    gate = medians["registry-contract gate --offline"]
    for baseline in ("check-jsonschema --version", DEFERRED):
        ratio = ours / medians[baseline]
        figure.comparisons.append(
            Comparison(
                f"registry-contract --version / {baseline}", ratio, f"< {TARGET:g}x", ratio < TARGET
            )
        )
    figure.comparisons += [
        Comparison(
            "registry-contract --version / python -c pass",
            ours / medians["python -c pass"],
            "(reported)",
            True,
        ),
        Comparison(
            f"registry-contract gate --offline / {DEFERRED}",
            gate / medians[DEFERRED],
            "(reported)",
            True,
        ),
    ]
    write_figure(figure, args.results, "startup")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
