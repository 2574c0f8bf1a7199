"""python-jsonschema and referencing (the reference) are imported only to confirm and explain an
"invalid": a run where the config, the lock and every payload are valid never imports them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path("tests/contracts/fixtures/payloads")
FEEDBACK = "telemetry.FeedbackEvent"


def run_cli(cwd: Path, *argv: str) -> dict[str, Any]:
    """Run `registry-contract ARGV` in a fresh interpreter; its exit code, output and which of
    jsonschema and referencing it imported."""
    code = f"""
        import contextlib, io, json, sys
        from registry_contract.cli import main
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main({list(argv)!r})
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {{"jsonschema", "referencing"}})
        print(json.dumps({{"code": code, "out": out.getvalue() + err.getvalue(), "loaded": loaded}}))
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture
def valid_project(tmp_path: Path) -> Path:
    """The bundled config and lock with only the bundled example's valid fixtures."""
    shutil.copy(ROOT / "registry-contract.yml", tmp_path / "registry-contract.yml")
    shutil.copytree(ROOT / "schemas-lock", tmp_path / "schemas-lock")
    for folder in (ROOT / FIXTURES).rglob("valid"):
        shutil.copytree(folder, tmp_path / folder.relative_to(ROOT))
    return tmp_path


def event(**changes: Any) -> dict[str, Any]:
    path = ROOT / FIXTURES / FEEDBACK / "valid" / "store-ok.json"
    return {**json.loads(path.read_text()), **changes}


def test_validate_imports_no_reference_when_everything_is_valid(valid_project: Path) -> None:
    seen = run_cli(valid_project, "validate")
    assert seen["code"] == 0, seen["out"]
    assert "0 violation(s)" in seen["out"]
    assert seen["loaded"] == []


def test_verify_imports_no_reference_when_the_lock_is_intact(valid_project: Path) -> None:
    seen = run_cli(valid_project, "verify")
    assert seen["code"] == 0, seen["out"]
    assert seen["loaded"] == []


def test_replaying_valid_samples_imports_no_reference(valid_project: Path) -> None:
    samples = valid_project / "samples.jsonl"
    samples.write_text(json.dumps(event()) + "\n" + json.dumps(event(queue_size=3)) + "\n")
    seen = run_cli(valid_project, "validate", "--samples", str(samples), "--schema", FEEDBACK)
    assert seen["code"] == 0, seen["out"]
    assert seen["loaded"] == []


def test_an_invalid_fixture_is_explained_by_the_reference(valid_project: Path) -> None:
    folder = valid_project / FIXTURES / FEEDBACK / "v2" / "valid"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "too-busy.json").write_text(json.dumps(event(utilisation=1.5)))
    seen = run_cli(valid_project, "validate")
    assert seen["code"] == 1
    assert "jsonschema" in seen["loaded"]
    assert (
        "at /utilisation: 1.5 is greater than the maximum of 1 [invalid-fixture: maximum] "
        "(schema /properties/utilisation/maximum)"
    ) in seen["out"]


def test_a_config_mistake_is_explained_by_the_reference(valid_project: Path) -> None:
    config = valid_project / "registry-contract.yml"
    config.write_text(config.read_text().replace("mode: enforce", "mode: maybe"))
    seen = run_cli(valid_project, "validate")
    assert seen["code"] == 2
    assert "jsonschema" in seen["loaded"]
    assert f"{config}: key mode: 'maybe' is not one of enforce, warn" in seen["out"]


def test_a_schema_breaking_its_metaschema_is_explained_by_the_reference(
    valid_project: Path,
) -> None:
    from registry_contract.lock.reader import load_lock, render_lock
    from registry_contract.lock.writer import write_lock

    lock = load_lock(valid_project / "schemas-lock")
    broken = {**lock.schema(FEEDBACK, "v2"), "minProperties": -1}
    documents = {
        name: {
            track: (
                entry.version,
                broken if (name, track) == (FEEDBACK, "v2") else lock.schema(name, track),
            )
            for track, entry in tracks.items()
        }
        for name, tracks in lock.entries.items()
    }
    write_lock(valid_project / "schemas-lock", render_lock(lock.registry, documents))
    seen = run_cli(valid_project, "validate")
    assert seen["code"] == 4
    assert "jsonschema" in seen["loaded"]
    assert "not a valid JSON Schema (-1 is less than the minimum of 0)" in seen["out"]
