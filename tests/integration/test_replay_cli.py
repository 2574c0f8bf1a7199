from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from registry_contract.cli import main

FEEDBACK = "telemetry.FeedbackEvent"
FIXTURES = Path("tests/contracts/fixtures/payloads") / FEEDBACK


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_samples(example: Path, name: str, bad_every: int = 0, count: int = 30) -> Path:
    """`count` FeedbackEvents from the bundled fixture; every `bad_every`-th one over capacity."""
    event = json.loads((example / FIXTURES / "valid" / "store-ok.json").read_text())
    lines = []
    for i in range(count):
        bad = bad_every and i % bad_every == bad_every - 1
        lines.append(json.dumps(dict(event, utilisation=1.5 if bad else 0.5)))
    data = ("\n".join(lines) + "\n").encode()
    path = example / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def test_replay_of_clean_samples_passes(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_samples(example, "day.jsonl")
    code, out, err = run(capsys, "validate", "--samples", "day.jsonl", "--schema", FEEDBACK)
    assert code == 0, out + err
    assert out.startswith(
        "registry-contract: PASS - day.jsonl against telemetry.FeedbackEvent@v2 (version 3)"
    )
    assert "30 sample(s): 30 passed (100.00%), 0 failed" in out


def test_replay_reports_rules_and_first_failing_lines_and_exits_1(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_samples(example, "day.jsonl.gz", bad_every=10)
    code, out, _ = run(
        capsys,
        "validate",
        "--samples",
        "day.jsonl.gz",
        "--schema",
        f"{FEEDBACK}@v1",
        "--first",
        "2",
    )
    assert code == 1
    assert "30 sample(s): 27 passed (90.00%), 3 failed (0 unparseable)" in out
    assert "        3  maximum at /properties/utilisation/maximum" in out
    assert "first 2 failing sample(s):" in out
    assert "day.jsonl.gz:10 at /utilisation: 1.5 is greater than the maximum of 1 [maximum]" in out
    assert "day.jsonl.gz:20 at /utilisation" in out and "day.jsonl.gz:30" not in out


def test_replay_json_output_and_report_file(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_samples(example, "day.jsonl", bad_every=15)
    code, out, _ = run(
        capsys,
        "validate",
        "--samples",
        "day.jsonl",
        "--schema",
        FEEDBACK,
        "--format",
        "json",
        "--report",
        "out/replay.json",
    )
    assert code == 1
    data = json.loads(out)
    assert data == json.loads((example / "out" / "replay.json").read_text())
    assert data["schema"] == FEEDBACK and data["track"] == "v2" and data["version"] == 3
    assert (data["samples"], data["passed"], data["failed"]) == (30, 28, 2)
    assert data["rules"] == [
        {"rule": "maximum", "schema_path": "/properties/utilisation/maximum", "samples": 2}
    ]
    assert [f["line"] for f in data["failures"]] == [15, 30]
    assert data["validator"] == "jsonschema-rs"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--samples", "day.jsonl"], "go together", id="samples-without-schema"),
        pytest.param(["--schema", FEEDBACK], "go together", id="schema-without-samples"),
        pytest.param(
            ["--samples", "day.jsonl", "--schema", "nope.Event"], "not in the lock", id="unknown"
        ),
        pytest.param(
            ["--samples", "day.jsonl", "--schema", f"{FEEDBACK}@v9"],
            "locked tracks of telemetry.FeedbackEvent: v1, v2",
            id="unlocked-track",
        ),
        pytest.param(
            ["--samples", "day.jsonl", "--schema", FEEDBACK, "--track", "v1"],
            "--track does not apply",
            id="track-flag",
        ),
        pytest.param(
            ["--samples", "day.jsonl", "--schema", FEEDBACK, "--mode", "warn"],
            "--mode does not apply",
            id="mode-flag",
        ),
        pytest.param(
            ["--samples", "missing.jsonl", "--schema", FEEDBACK], "cannot read", id="missing-file"
        ),
    ],
)
def test_replay_usage_errors_exit_2(
    example: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    write_samples(example, "day.jsonl")
    code, out, err = run(capsys, "validate", *argv)
    assert code == 2, out + err
    assert message in err
