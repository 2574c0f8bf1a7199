from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from registry_contract.cli import main

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "data" / "broken-example" / "registry-contract.yml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_bundled_example_passes_offline(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "gate", "--offline")
    assert code == 0, out + err
    assert out.startswith("registry-contract: PASS (enforce)")
    assert "telemetry.FeedbackEvent" in out and "telemetry.RateAdjustment" in out
    assert err == ""


def test_json_report_has_the_documented_shape(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "gate", "--offline", "--format", "json", "--report", "out/r.json")
    assert code == 0
    report = json.loads(out)
    assert report == json.loads((example / "out" / "r.json").read_text())
    assert report["passed"] is True and report["mode"] == "enforce"
    names = [s["name"] for s in report["schemas"]]
    assert names == ["telemetry.FeedbackEvent", "telemetry.RateAdjustment"]
    feedback = report["schemas"][0]
    assert feedback["track"] == "v2" and feedback["fallback"] is False
    assert feedback["version"] == 3 and len(feedback["sha256"]) == 64
    assert feedback["fixtures"]["failed"] == 0 and feedback["fixtures"]["passed"] > 10
    assert report["findings"] == []


def test_broken_example_fails_and_names_each_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "gate", "--offline", "--config", str(BROKEN), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["passed"] is False
    by_file = {(f["file"], f["track"], f["rule"]): f for f in report["findings"]}
    over = by_file[("fixtures/telemetry.FeedbackEvent/valid/over-capacity.json", "v2", "maximum")]
    assert over["path"] == "/utilisation"
    assert over["schema_path"] == "/properties/utilisation/maximum"
    assert over["line"] == 7 and over["kind"] == "invalid-fixture"
    jsonl = by_file[("fixtures/telemetry.FeedbackEvent/valid/captured.jsonl", "v1", "format")]
    assert jsonl["line"] == 2 and jsonl["path"] == "/timestamp"
    yaml_finding = by_file[
        ("fixtures/telemetry.FeedbackEvent/v2/valid/bad-level.yaml", "v2", "enum")
    ]
    assert yaml_finding["line"] == 7
    assert (
        "fixtures/telemetry.FeedbackEvent/invalid/actually-valid.json",
        "v1",
        "negative-fixture-accepted",
    ) in by_file
    truncated = by_file[
        ("fixtures/telemetry.FeedbackEvent/valid/truncated.json", None, "unparseable-fixture")
    ]
    assert truncated["severity"] == "error"
    assert report["schemas"][0]["fixtures"] == {"passed": 2, "failed": 9}


def test_warn_mode_reports_but_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "gate", "--offline", "--config", str(BROKEN), "--mode", "warn")
    assert code == 0
    assert out.startswith("registry-contract: WARN (warn)")
    assert "over-capacity.json:7 at /utilisation" in out


def test_config_option_works_before_or_after_the_subcommand(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, "--config", str(BROKEN), "gate", "--offline")[0] == 1
    assert run(capsys, "gate", "--offline", "--config", str(BROKEN))[0] == 1


def test_validate_can_select_one_track(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "validate", "--track", "v1", "--config", str(BROKEN), "--format", "json"
    )
    assert code == 1
    report = json.loads(out)
    assert {f["track"] for f in report["findings"] if f["rule"] != "unparseable-fixture"} == {"v1"}


def edit_config(path: Path, change: dict[str, object]) -> None:
    data = yaml.safe_load(path.read_text())
    for key, value in change.items():
        target = data
        *parents, last = key.split("/")
        for part in parents:
            target = target[part]
        target[last] = value
    path.write_text(yaml.safe_dump(data))


def drop_track(example: Path, name: str, track: str) -> None:
    index = json.loads((example / "schemas-lock" / "lock.json").read_text())
    del index["schemas"][name][track]
    (example / "schemas-lock" / "lock.json").write_text(json.dumps(index))
    (example / "schemas-lock" / name / f"{track}.json").unlink()


def test_a_fallback_to_v1_is_reported(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drop_track(example, "telemetry.FeedbackEvent", "v2")
    shutil.rmtree(example / "tests/contracts/fixtures/payloads/telemetry.FeedbackEvent/v2")
    code, out, _ = run(capsys, "gate", "--offline", "--format", "json")
    report = json.loads(out)
    assert code == 0  # a fallback alone is a warning
    feedback = report["schemas"][0]
    assert feedback["track"] == "v1" and feedback["fallback"] is True
    kinds = {(f["kind"], f["rule"], f["severity"]) for f in report["findings"]}
    assert ("fallback", "track-fallback", "warning") in kinds
    assert ("deprecated-track", "deprecated-track", "warning") in kinds


def test_falling_back_below_require_track_is_a_violation(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drop_track(example, "telemetry.RateAdjustment", "v2")
    shutil.rmtree(example / "tests/contracts/fixtures/payloads/telemetry.RateAdjustment/v2")
    code, out, _ = run(capsys, "gate", "--offline")
    assert code == 1
    assert "below require-track v2" in out


def test_per_track_fixtures_for_an_unlocked_track_are_flagged(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drop_track(example, "telemetry.FeedbackEvent", "v2")
    code, out, _ = run(capsys, "gate", "--offline", "--format", "json")
    rules = [f["rule"] for f in json.loads(out)["findings"]]
    assert "fixture-track-not-locked" in rules and code == 0


def test_tampered_lock_exits_4_and_names_the_file(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = example / "schemas-lock" / "telemetry.FeedbackEvent" / "v2.json"
    target.write_text(target.read_text().replace('"maximum": 1', '"maximum": 2'))
    code, out, err = run(capsys, "gate", "--offline")
    assert code == 4 and out == ""
    assert "sha256 mismatch" in err and "telemetry.FeedbackEvent/v2.json" in err
    assert "Traceback" not in err


def test_verify_lists_every_problem(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "verify")[0] == 0
    (example / "schemas-lock" / "extra.json").write_text("{}")
    (example / "schemas-lock" / "telemetry.RateAdjustment" / "v1.json").unlink()
    code, _, err = run(capsys, "verify")
    assert code == 4
    assert "2 problem(s)" in err
    assert "unlisted file" in err and "file is missing" in err


def test_missing_lock_exits_4_with_the_fix(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(example / "schemas-lock")
    code, _, err = run(capsys, "gate", "--offline")
    assert code == 4
    assert "lockfile not found" in err and "registry-contract lock" in err


def test_config_errors_exit_2_in_one_line(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_config(example / "registry-contract.yml", {"mode": "loose"})
    code, out, err = run(capsys, "gate", "--offline")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "key mode" in err


def test_no_config_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "gate", "--offline")
    assert code == 2 and "registry-contract init" in err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "gate", "--frobnicate")[0] == 2


def test_internal_errors_exit_5_without_traceback_unless_debug(
    example: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import registry_contract.gate as gate

    def boom(*_: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(gate, "build_validators", boom)
    code, _, err = run(capsys, "gate", "--offline")
    assert code == 5 and "internal error: ZeroDivisionError: boom" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "gate", "--offline", "--debug")
    assert code == 5 and "Traceback" in err


def test_python_dash_m_and_the_console_script_agree(example: Path) -> None:
    module = subprocess.run(
        [sys.executable, "-m", "registry_contract", "gate", "--offline"],
        capture_output=True,
        text=True,
    )
    assert module.returncode == 0, module.stderr
    script = Path(sys.executable).with_name("registry-contract")
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("registry-contract ")
