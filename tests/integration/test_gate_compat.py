from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from registry_contract.cli import main
from registry_contract.lock.reader import load_lock, render_lock
from registry_contract.lock.writer import write_lock
from registry_contract.validation.validators import SchemaValidator

FEEDBACK = "telemetry.FeedbackEvent"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def relock(lock_dir: Path, name: str, track: str, change: Any) -> dict[str, Any]:
    """Rewrite one locked schema (bumping its version) the way a lock refresh would."""
    lock = load_lock(lock_dir)
    docs = {
        n: {t: (e.version, lock.schema(n, t)) for t, e in ts.items()}
        for n, ts in lock.entries.items()
    }
    version, document = docs[name][track]
    document = copy.deepcopy(document)
    change(document)
    docs[name][track] = (version + 1, document)
    write_lock(lock_dir, render_lock(lock.registry, docs))
    return document


def shorten_id(document: dict[str, Any]) -> None:
    document["properties"]["coordinator_id"]["maxLength"] = 32


def set_config(example: Path, **values: Any) -> None:
    path = example / "registry-contract.yml"
    data = yaml.safe_load(path.read_text())
    data.update({k.replace("_", "-"): v for k, v in values.items()})
    path.write_text(yaml.safe_dump(data))


def test_bundled_v1_to_v2_is_backward_compatible(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "gate", "--offline", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert [s["compat"] for s in report["schemas"]] == ["compatible", "compatible"]
    checks = {(c["schema"], c["context"]) for c in report["compat"]}
    assert checks == {(FEEDBACK, "tracks"), ("telemetry.RateAdjustment", "tracks")}
    assert all(c["compatible"] and c["level"] == "BACKWARD" for c in report["compat"])


def test_a_breaking_v2_fails_with_rule_pointer_and_a_checked_witness(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v2 = relock(example / "schemas-lock", FEEDBACK, "v2", shorten_id)
    code, out, _ = run(capsys, "gate", "--offline", "--format", "json")
    assert code == 1
    report = json.loads(out)
    breaking = [f for f in report["findings"] if f["kind"] == "breaking-change"]
    assert [(f["rule"], f["path"], f["track"]) for f in breaking] == [
        ("max-length-decreased", "/properties/coordinator_id/maxLength", "v2")
    ]
    finding = breaking[0]
    assert finding["file"] == "schemas-lock/telemetry.FeedbackEvent/v2.json"
    assert (
        "telemetry.FeedbackEvent@v1 (version 1) -> telemetry.FeedbackEvent@v2 (version 4)"
        in finding["message"]
    )
    lock = load_lock(example / "schemas-lock")
    v1 = SchemaValidator(lock.schema(FEEDBACK, "v1"), label="v1", formats=True)
    assert v1.is_valid(finding["witness"])
    assert not SchemaValidator(v2, label="v2", formats=True).is_valid(finding["witness"])
    assert report["schemas"][0]["compat"] == "breaking"
    assert report["counts"]["breaking-changes"] == 1


def test_an_exemption_accepts_the_change_until_it_expires(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    relock(example / "schemas-lock", FEEDBACK, "v2", shorten_id)
    exemption = {
        "schema": FEEDBACK,
        "rule": "max-length-decreased",
        "path": "/properties/coordinator_id/maxLength",
        "reason": "the store moved to RateAdjustment (PLAT-1)",
        "expires": "2999-01-01",
    }
    set_config(example, exemptions=[exemption])
    code, out, _ = run(capsys, "gate", "--offline")
    assert code == 0
    assert "accepted" in out and "PLAT-1" in out
    set_config(example, exemptions=[{**exemption, "expires": "2020-01-01"}])
    code, out, _ = run(capsys, "gate", "--offline")
    assert code == 1
    assert "exemption expired on 2020-01-01" in out


def test_an_exemption_for_another_path_does_not_apply(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    relock(example / "schemas-lock", FEEDBACK, "v2", shorten_id)
    set_config(
        example,
        exemptions=[
            {
                "schema": FEEDBACK,
                "rule": "enum-value-removed",
                "path": "/properties/backpressure",
                "reason": "x",
            }
        ],
    )
    assert run(capsys, "gate", "--offline")[0] == 1


def test_level_none_reports_changes_and_fails_nothing(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    relock(example / "schemas-lock", FEEDBACK, "v2", shorten_id)
    set_config(example, compatibility="NONE")
    code, out, _ = run(capsys, "gate", "--offline", "--format", "json")
    report = json.loads(out)
    assert code == 0
    changes = [f for f in report["findings"] if f["kind"] == "schema-change"]
    assert {"max-length-decreased", "property-added"} <= {f["rule"] for f in changes}
    assert all(f["severity"] == "info" for f in changes)


def test_a_fixture_that_contradicts_a_compatible_verdict_is_the_witness(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def tighten_pattern(document: dict[str, Any]) -> None:
        document["properties"]["coordinator_id"]["pattern"] = "^(?!legacy)[a-z0-9-]+$"

    def loose_pattern(document: dict[str, Any]) -> None:
        document["properties"]["coordinator_id"]["pattern"] = "^[a-z0-9-]+$"

    relock(example / "schemas-lock", FEEDBACK, "v1", loose_pattern)
    relock(example / "schemas-lock", FEEDBACK, "v2", tighten_pattern)
    set_config(example, undecidable="compatible")  # two regexes cannot be compared statically
    fixture = (
        example / "tests/contracts/fixtures/payloads" / FEEDBACK / "v1" / "valid" / "legacy.json"
    )
    fixture.parent.mkdir(parents=True)
    payload = json.loads(
        (
            example / "tests/contracts/fixtures/payloads" / FEEDBACK / "valid" / "store-ok.json"
        ).read_text()
    )
    payload["coordinator_id"] = "legacy-coordinator"
    fixture.write_text(json.dumps(payload))
    code, out, _ = run(capsys, "gate", "--offline", "--format", "json")
    report = json.loads(out)
    [finding] = [f for f in report["findings"] if f["rule"] == "fixture-contradicts-verdict"]
    assert code == 1
    assert finding["file"].endswith("v1/valid/legacy.json")
    assert finding["witness"] == payload and finding["path"] == "/coordinator_id"
    assert report["schemas"][0]["compat"] == "breaking"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(example: Path) -> Path:
    git(example, "init", "-q", "-b", "main")
    git(example, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A")
    git(example, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "base")
    return example


def test_against_shows_exactly_what_the_pr_changed_in_the_lock(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "gate", "--offline", "--against", "main", "--format", "json")
    assert code == 0 and not [c for c in json.loads(out)["compat"] if c["context"] == "against"]

    relock(repo / "schemas-lock", FEEDBACK, "v1", shorten_id)
    code, out, _ = run(capsys, "gate", "--offline", "--against", "main", "--format", "json")
    report = json.loads(out)
    assert code == 1
    [check] = [c for c in report["compat"] if c["context"] == "against"]
    assert check["old"] == "telemetry.FeedbackEvent@v1 at main (version 1)"
    assert check["new"] == "telemetry.FeedbackEvent@v1 (version 2)" and check["breaking"] == 1
    assert report["command"] == "registry-contract gate --offline --against main"
    code, out, _ = run(capsys, "compat", "--against", "main", "--format", "json")
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["max-length-decreased"]


def test_against_an_unknown_ref_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "gate", "--offline", "--against", "no-such-branch")
    assert code == 2 and "git ref 'no-such-branch' not found" in err and "fetch-depth: 0" in err


def test_compat_command_on_files_and_locked_tracks(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = example / "old.json"
    new = example / "new.json"
    old.write_text(json.dumps({"type": "object", "properties": {"a": {"type": "integer"}}}))
    new.write_text(json.dumps({"type": "object", "properties": {"a": {"type": "number"}}}))
    assert run(capsys, "compat", str(old), str(new))[0] == 0
    code, out, _ = run(
        capsys, "compat", str(old), str(new), "--level", "FORWARD", "--format", "json"
    )
    report = json.loads(out)
    assert code == 1 and report["compatible"] is False and report["level"] == "FORWARD"
    assert {"rule", "path", "old_path", "new_path", "breaking", "message", "witness"} <= set(
        report["changes"][0]
    )
    code, out, _ = run(capsys, "compat", f"{FEEDBACK}@v1", f"{FEEDBACK}@v2")
    assert code == 0 and "BACKWARD compatible" in out
    code, _, err = run(capsys, "compat", f"{FEEDBACK}@v1", f"{FEEDBACK}@v9")
    assert code == 2 and "telemetry.FeedbackEvent@v9 is not in the lock" in err
    code, _, err = run(capsys, "compat", str(old), str(new), "--level", "SIDEWAYS")
    assert code == 2 and "--level" in err


def test_against_in_a_repository_without_commits_compares_nothing(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(example, "init", "-q", "-b", "main")
    code, out, _ = run(capsys, "compat", "--against", "HEAD", "--format", "json")
    assert code == 0 and json.loads(out)["compat"] == []


def test_compat_command_says_which_dialect_it_read_each_version_in(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = example / "old.json", example / "new.json"
    old.write_text(json.dumps({"type": "object", "properties": {"a": {"type": "string"}}}))
    ref = {"$ref": "#/definitions/s", "maxLength": 3}  # draft 7 ignores siblings of $ref
    new.write_text(json.dumps({"definitions": {"s": {"type": "string"}}, "properties": {"a": ref}}))
    code, out, _ = run(capsys, "compat", str(old), str(new))
    assert code == 0
    assert "dialect: OLD draft7, NEW draft7 (schemas without $schema are read as draft7)" in out
    code, out, _ = run(capsys, "compat", str(old), str(new), "--default-dialect", "2020-12")
    assert code == 1 and "dialect: OLD 2020-12, NEW 2020-12" in out
    assert "breaking max-length-added at /properties/a/maxLength" in out
    set_config(example, default_dialect="2019-09")
    code, out, _ = run(capsys, "compat", str(old), str(new), "--format", "json")
    assert code == 1
    assert json.loads(out)["dialects"] == {"old": "2019-09", "new": "2019-09", "default": "2019-09"}


def add_date_time(document: dict[str, Any]) -> None:
    document["properties"]["coordinator_id"]["format"] = "date-time"


def test_gate_follows_the_formats_setting_for_format_changes(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    relock(example / "schemas-lock", FEEDBACK, "v2", add_date_time)
    code, out, _ = run(capsys, "gate", "--offline", "--format", "json")
    breaking = [f for f in json.loads(out)["findings"] if f["kind"] == "breaking-change"]
    assert code == 1
    assert [(f["rule"], f["path"]) for f in breaking] == [
        ("format-added", "/properties/coordinator_id/format")
    ]
    set_config(example, formats=False)  # (fixtures that only break a format now pass too)
    _, out, _ = run(capsys, "gate", "--offline", "--format", "json")
    report = json.loads(out)
    assert not [f for f in report["findings"] if f["kind"] == "breaking-change"]
    assert [c["compatible"] for c in report["compat"]] == [True, True]
    set_config(example, compatibility="NONE")
    _, out, _ = run(capsys, "gate", "--offline", "--format", "json")
    [note] = [f for f in json.loads(out)["findings"] if f["rule"] == "format-added"]
    assert (note["severity"], note.get("witness")) == ("info", None)
    assert "an annotation" in note["message"]


def test_gate_reports_a_pair_past_its_budget_as_undecidable(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    relock(example / "schemas-lock", FEEDBACK, "v2", shorten_id)
    set_config(example, compat_budget=0)
    code, out, _ = run(capsys, "gate", "--offline", "--format", "json")
    breaking = [f for f in json.loads(out)["findings"] if f["kind"] == "breaking-change"]
    assert code == 1
    assert {f["rule"] for f in breaking} == {"undecidable-budget"}  # every pair gives up
    assert "compat-budget" in breaking[0]["message"]
    set_config(example, undecidable="compatible")
    assert run(capsys, "gate", "--offline")[0] == 0
