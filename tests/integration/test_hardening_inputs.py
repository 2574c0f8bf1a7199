"""Hostile inputs: symlinks out of their folder, deep nesting, huge files, NaN, names with '\\n'."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

Cli = Callable[..., tuple[int, str, str]]
FEEDBACK = "telemetry.FeedbackEvent"
FEEDBACK_FIXTURES = Path("tests/contracts/fixtures/payloads") / FEEDBACK
VALID = FEEDBACK_FIXTURES / "valid"
SENTINEL = "root:x:0:0:SENTINEL-OUTSIDE-THE-REPOSITORY"


def findings(out: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(out)["findings"]
    return found


def set_config(root: Path, **values: Any) -> None:
    path = root / "registry-contract.yml"
    data = yaml.safe_load(path.read_text()) | {k.replace("_", "-"): v for k, v in values.items()}
    path.write_text(yaml.safe_dump(data))


def test_fixtures_and_folders_symlinked_outside_are_refused_unread(
    example: Path, tmp_path_factory: pytest.TempPathFactory, cli: Cli
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "valid").mkdir()
    (outside / "passwd.yaml").write_text(f"line: {SENTINEL}\n")
    (outside / "valid" / "leak.json").write_text(json.dumps({"x": SENTINEL}))
    (example / VALID / "passwd.yaml").symlink_to(outside / "passwd.yaml")
    (example / FEEDBACK_FIXTURES / "invalid").rename(example / "moved-invalid")
    (example / FEEDBACK_FIXTURES / "invalid").symlink_to(outside / "valid")
    (example / FEEDBACK_FIXTURES / "v9").symlink_to(outside)
    # A symlink that stays inside the fixtures folder is still a fixture.
    (example / VALID / "same.json").symlink_to(example / VALID / "store-ok.json")
    code, out, err = cli("gate", "--offline", "--format", "json", "--report-dir", "reports")
    assert code == 1, err
    refused = {f["file"]: f for f in findings(out) if f["rule"] == "fixture-outside-folder"}
    assert set(refused) == {
        f"{VALID.as_posix()}/passwd.yaml",
        f"{FEEDBACK_FIXTURES.as_posix()}/invalid",
        f"{FEEDBACK_FIXTURES.as_posix()}/v9",
    }
    assert (
        "resolves outside the fixtures folder"
        in refused[f"{VALID.as_posix()}/passwd.yaml"]["message"]
    )
    checked = [x["file"] for x in json.loads(out)["fixtures"]]
    assert checked.count(f"{VALID.as_posix()}/store-ok.json") == 4  # itself and same.json, x2
    written = [out, err, *(p.read_text() for p in (example / "reports").iterdir())]
    assert not [text for text in written if "SENTINEL" in text]


def write_locked(lock_dir: Path, rel: str, data: bytes) -> None:
    """Put bytes in the lock with a matching digest, as a pull request can."""
    (lock_dir / rel).write_bytes(data)
    index = json.loads((lock_dir / "lock.json").read_text())
    name, track = rel.removesuffix(".json").split("/")
    index["schemas"][name][track]["sha256"] = hashlib.sha256(data).hexdigest()
    (lock_dir / "lock.json").write_text(json.dumps(index))


def test_lock_files_symlinked_outside_or_in_a_loop_are_refused(
    example: Path, tmp_path: Path, cli: Cli
) -> None:
    lock = example / "schemas-lock"
    locked = lock / FEEDBACK / "v1.json"
    copy = tmp_path / "elsewhere.json"
    shutil.copy(locked, copy)  # same bytes, so the digest matches
    locked.unlink()
    locked.symlink_to(copy)
    (lock / "loop").symlink_to(lock / "loop")
    (lock / "up").symlink_to(lock)
    code, out, err = cli("verify")
    assert code == 4 and out == ""
    assert f"{locked}: a symlink that resolves outside the lock folder" in err
    assert f"{lock / 'loop'}: a symlink loop or a dangling symlink" in err
    assert f"{lock / 'up'}: a symlink loop" in err
    assert cli("gate", "--offline")[0] == 4


def nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


def test_deeply_nested_fixtures_are_findings_not_crashes(example: Path, cli: Cli) -> None:
    (example / VALID / "deep.json").write_text(nested(100_000))
    (example / VALID / "deep.jsonl").write_text(nested(100_000) + "\n" + nested(5_000) + "\n")
    (example / VALID / "deep.yaml").write_text(nested(5_000))
    code, out, err = cli("gate", "--offline", "--format", "json")
    assert code == 1 and err == ""
    unparseable = {
        (f["file"].rsplit("/", 1)[-1], f["line"]): f["message"]
        for f in findings(out)
        if f["rule"] == "unparseable-fixture"
    }
    assert unparseable[("deep.json", None)].startswith("not parseable: nested too deeply")
    assert unparseable[("deep.jsonl", 1)].startswith("not parseable: nested too deeply")
    assert unparseable[("deep.jsonl", 2)].startswith("not parseable: nested too deeply")
    assert "nesting depth" in unparseable[("deep.yaml", 1)]


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_a_locked_schema_nested_thousands_deep_is_a_lock_error(
    example: Path, cli: Cli, depth: int
) -> None:
    leaf = '{"type": "integer"}'
    document = '{"properties": {"a": ' * depth + leaf + "}}" * depth
    write_locked(example / "schemas-lock", f"{FEEDBACK}/v1.json", document.encode())
    for command in (["gate", "--offline"], ["verify"]):
        code, out, err = cli(*command)
        assert code == 4 and out == ""
        assert f"{FEEDBACK}/v1.json ({FEEDBACK}@v1): nested more than 128 levels deep" in err
        assert "internal error" not in err


TREE = {
    "type": "object",
    "properties": {"child": {"$ref": "#"}, "n": {"type": "integer"}},
    "additionalProperties": False,
}


def recursive_project(root: Path, payload: Any, cli: Cli, tree: Any = TREE) -> None:
    """A one-schema project whose schema is recursive, locked over the static API."""
    (root / "registry" / "t.Tree").mkdir(parents=True)
    (root / "registry" / "t.Tree" / "v1.json").write_text(json.dumps(tree))
    (root / "fx" / "valid").mkdir(parents=True)
    (root / "fx" / "valid" / "deep.json").write_text(json.dumps(payload))
    config = {
        "registry": {"api": "static", "url": "registry"},
        "tracks": ["v1"],
        "schemas": {"t.Tree": {"fixtures": "fx"}},
    }
    (root / "registry-contract.yml").write_text(yaml.safe_dump(config))
    assert cli("--config", str(root / "registry-contract.yml"), "lock")[0] == 0


def chain(depth: int, leaf: Any) -> Any:
    payload = {"n": leaf}
    for _ in range(depth):
        payload = {"child": payload}
    return payload


def test_a_300_level_payload_under_a_recursive_schema_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    recursive_project(tmp_path, chain(300, 1), cli)
    assert cli("gate", "--offline")[0] == 0
    (tmp_path / "fx" / "valid" / "deep.json").write_text(json.dumps(chain(300, "one")))
    code, out, err = cli("gate", "--offline")
    assert code == 1 and "internal error" not in err
    assert "fx/valid/deep.json" in out and "[invalid-fixture:" in out


def test_a_ref_cycle_is_checked_without_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    cycle = {
        "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}},
        "properties": {"x": {"$ref": "#/definitions/a"}, "n": {"type": "integer"}},
    }
    recursive_project(tmp_path, {"x": 1, "n": "one"}, cli, cycle)
    code, out, err = cli("gate", "--offline")
    # jsonschema-rs, which decides, evaluates the cycle in bounded time: a verdict, no crash
    assert code == 1 and err == ""
    assert "fx/valid/deep.json" in out and "[invalid-fixture:" in out


def test_the_live_gate_degrades_to_the_lock_when_the_registry_serves_a_deep_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    recursive_project(tmp_path, chain(3, 1), cli)
    deep = '{"properties": {"a": ' * 100_000 + "{}" + "}}" * 100_000
    (tmp_path / "registry" / "t.Tree" / "v1.json").write_text(deep)
    code, out, err = cli("gate")
    assert code == 0, err
    refused = "t.Tree/v1.json: the schema of t.Tree@v1 is nested more than 128 levels deep"
    assert refused in out
    assert "validated against schemas-lock/ only (pass --require-registry" in out
    for argv in (["gate", "--require-registry"], ["drift"], ["drift", "--format", "markdown"]):
        code, _, err = cli(*argv)
        assert code == 3 and err.count("\n") == 1
        assert refused in err


def test_compat_on_schema_files_nested_too_deeply_is_undecidable_or_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, depth in (("old.json", 400), ("new.json", 401)):
        text = '{"type": "object", "properties": {"a": ' * depth + "{}" + "}}" * depth
        (tmp_path / name).write_text(text)
    (tmp_path / "deeper.json").write_text(nested(100_000))
    code, out, err = cli("compat", "old.json", "new.json")
    assert code == 1 and err == ""  # a verdict the engine cannot prove: never a crash
    assert "undecidable-size at /: could not decide: the schemas are nested too deeply" in out
    code, _, err = cli("compat", "old.json", "deeper.json")
    assert code == 2 and "deeper.json: not a readable JSON/YAML schema" in err


def test_a_fixture_over_max_fixture_bytes_is_refused_unread(example: Path, cli: Cli) -> None:
    set_config(example, max_fixture_bytes=4096)
    (example / VALID / "big.json").write_text(json.dumps({"x": "y" * 5000}))
    code, out, _ = cli("gate", "--offline", "--format", "json")
    assert code == 1
    [big] = [f for f in findings(out) if f["rule"] == "fixture-too-large"]
    assert big["file"].endswith("valid/big.json")
    assert big["message"].startswith("larger than max-fixture-bytes (4096 bytes), not read")
    set_config(example, max_fixture_bytes=0)
    code, _, err = cli("gate", "--offline")
    assert code == 2 and "max-fixture-bytes" in err


def test_reports_quote_an_excerpt_of_a_huge_payload(example: Path, cli: Cli) -> None:
    record = json.loads((example / VALID / "captured.jsonl").read_text().splitlines()[0])
    (example / VALID / "huge.json").write_text(json.dumps(record | {"backpressure": "z" * 2**21}))
    code, out, _ = cli("gate", "--offline", "--report-dir", "reports")
    assert code == 1 and len(out) < 20_000
    assert "more characters cut" in out
    for report in (example / "reports").iterdir():
        assert report.stat().st_size < 50_000, report.name


def test_a_gzip_bomb_in_samples_stops_with_a_bounded_read(example: Path, cli: Cli) -> None:
    set_config(example, max_fixture_bytes=1 << 20)
    bomb = example / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as stream:
        for _ in range(64):  # 64 MiB of one line, about 64 KiB on disk
            stream.write(b"0" * (1 << 20))
    assert bomb.stat().st_size < 1 << 20
    code, out, err = cli("validate", "--samples", str(bomb), "--schema", FEEDBACK)
    assert code == 2 and out == ""
    assert f"--samples {bomb}: line 1 is longer than max-fixture-bytes (1048576 bytes)" in err
    assert err.count("\n") == 1


def test_nan_and_infinity_are_not_json_in_json_jsonl_and_yaml_fixtures(
    example: Path, cli: Cli
) -> None:
    record = json.loads((example / VALID / "store-ok.json").read_text())
    text = json.dumps(record | {"utilisation": float("nan")})
    assert "NaN" in text
    (example / VALID / "nan.json").write_text(text)
    (example / VALID / "inf.jsonl").write_text(text.replace("NaN", "Infinity") + "\n")
    (example / VALID / "nan.yaml").write_text(yaml.safe_dump(record) + "utilisation: .nan\n")
    (example / VALID / "big.yaml").write_text(yaml.safe_dump(record) + "utilisation: 1e999\n")
    code, out, _ = cli("gate", "--offline", "--format", "json")
    assert code == 1
    refused = {
        f["file"].rsplit("/", 1)[-1]: f["message"]
        for f in findings(out)
        if f["rule"] == "unparseable-fixture"
    }
    assert refused["nan.json"].startswith("not parseable: NaN is not a JSON value")
    assert refused["inf.jsonl"].startswith("not parseable: Infinity is not a JSON value")
    assert refused["nan.yaml"].startswith("not parseable: '.nan' has no JSON value")
    assert refused["big.yaml"].startswith("not parseable: '1e999' has no JSON value")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["compat", f"{FEEDBACK}@v1\n", f"{FEEDBACK}@v2"], "not NAME@TRACK", id="compat"
        ),
        pytest.param(["gate", "--offline", "--comment-key", "web\n"], "comment key", id="key"),
    ],
)
def test_names_with_a_trailing_newline_are_refused(
    example: Path, cli: Cli, argv: list[str], message: str
) -> None:
    code, _, err = cli(*argv)
    assert code == 2 and message in err


def test_a_config_name_or_track_with_a_trailing_newline_is_refused(example: Path, cli: Cli) -> None:
    set_config(example, schemas={f"{FEEDBACK}\n": None})
    code, _, err = cli("verify")
    assert code == 2 and "is invalid" in err and err.count("\n") == 1
    set_config(example, schemas={FEEDBACK: None}, tracks=["v2", "v1\n"])
    code, _, err = cli("verify")
    assert code == 2 and "track 'v1\\n' may use only" in err


def test_an_error_quoting_a_huge_value_is_one_cut_line(example: Path, cli: Cli) -> None:
    set_config(example, mode="x" * 100_000)
    code, out, err = cli("verify")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert len(err) < 5_000 and "more characters cut)" in err


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"lock-dir": "locks\n::error::FORGED"}, id="lock-dir"),
        pytest.param({"schemas": {FEEDBACK: {"fixtures": "fx\r::error::FORGED"}}}, id="fixtures"),
    ],
)
def test_config_paths_with_line_breaks_are_refused(
    example: Path, cli: Cli, change: dict[str, Any]
) -> None:
    set_config(example, **change)
    code, out, err = cli("verify")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "may not hold line breaks or control characters" in err
