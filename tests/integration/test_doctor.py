"""`registry-contract doctor` against the bundled example and loopback registries."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from registry_contract.doctor.checks import GATE_WORKFLOW

from registry_contract.cli import main

ROOT = Path(__file__).resolve().parents[2]
FEEDBACK = "telemetry.FeedbackEvent"
RATE = "telemetry.RateAdjustment"
TOKEN = "doctor-secret-token"
WORKFLOW = f"on: pull_request\njobs:\n  contract:\n    uses: {GATE_WORKFLOW}\n"

Serve = Callable[..., str]


def doctor(
    capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, dict[str, Any]], str]:
    """Run doctor twice, as JSON (parsed, keyed by subject) and as text."""
    code = main(["doctor", "--format", "json", *args])
    captured = capsys.readouterr()
    assert captured.out, captured.err
    report = json.loads(captured.out)
    text_code = main(["doctor", *args])
    text = capsys.readouterr().out
    assert text_code == code
    return code, {c["subject"]: c for c in report["checks"]}, text


@pytest.fixture
def ready(example: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled example, with a workflow that calls the gate and a private cache."""
    (example / ".github" / "workflows").mkdir(parents=True)
    (example / ".github" / "workflows" / "contract.yml").write_text(WORKFLOW)
    monkeypatch.setenv("XDG_CACHE_HOME", str(example / "cache"))
    monkeypatch.setenv("REGISTRY_CONTRACT_BACKOFF", "0")
    return example


def drop_locked_track(lock_dir: Path, name: str, track: str) -> None:
    index = json.loads((lock_dir / "lock.json").read_text())
    del index["schemas"][name][track]
    (lock_dir / "lock.json").write_text(json.dumps(index))
    (lock_dir / name / f"{track}.json").unlink()


@pytest.fixture
def serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Serve]:
    """Start loopback core-API registries from copies of the bundled lock; REGISTRY_URL -> it."""
    from registry_contract.registry.serve import LockServer, LockSnapshot

    started: list[tuple[LockServer, threading.Thread]] = []

    def start(*, token: str | None = None, drop: tuple[tuple[str, str], ...] = ()) -> str:
        served = tmp_path / f"served-{len(started)}"
        shutil.copytree(ROOT / "schemas-lock", served)
        for name, track in drop:
            drop_locked_track(served, name, track)
        server = LockServer(("127.0.0.1", 0), LockSnapshot(served), token)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((server, thread))
        monkeypatch.setenv("REGISTRY_URL", server.url)
        return server.url

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join()


def use_core_api(example: Path) -> None:
    config = example / "registry-contract.yml"
    config.write_text(config.read_text().replace("api: static", "api: core"))


def test_everything_in_place_passes_with_a_checklist(
    ready: Path, serve: Serve, capsys: pytest.CaptureFixture[str]
) -> None:
    use_core_api(ready)
    serve()
    code, checks, text = doctor(capsys)
    assert code == 0, text
    assert {c["status"] for c in checks.values()} == {"ok"}
    assert checks["lock fresh"]["message"] == "schemas-lock matches the registry"
    assert text.splitlines()[0] == "registry-contract doctor: everything the gate needs is in place"
    assert f"✅ workflow: .github/workflows/contract.yml calls {GATE_WORKFLOW}" in text


def test_json_output_has_a_stable_shape(
    ready: Path, serve: Serve, capsys: pytest.CaptureFixture[str]
) -> None:
    use_core_api(ready)
    serve()
    main(["doctor", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["doctor-version"] == 1 and report["passed"] is True
    assert set(report["counts"]) == {"ok", "warn", "fail", "skip"}
    ids = [c["id"] for c in report["checks"]]
    assert ids == [
        "config",
        "registry-url",
        "registry",
        "token",
        "schema",
        "schema",
        "lock",
        "lock-fresh",
        "fixtures",
        "fixtures",
        "workflow",
    ]
    assert all(set(c) == {"id", "status", "subject", "message", "fix"} for c in report["checks"])


def test_a_live_registry_with_a_token_is_checked_and_the_token_never_printed(
    ready: Path,
    serve: Serve,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_core_api(ready)
    url = serve(token=TOKEN)
    code, checks, text = doctor(capsys)
    assert code == 1
    assert checks["registry reachable"]["status"] == "ok"
    assert checks["token"]["message"] == "required by the registry, none set"
    assert "fix: export REGISTRY_TOKEN" in text
    assert checks[f"schema {FEEDBACK}"]["status"] == "skip"

    monkeypatch.setenv("REGISTRY_TOKEN", "not-" + TOKEN)
    code, checks, text = doctor(capsys)
    assert code == 1 and checks["token"]["message"] == "REGISTRY_TOKEN rejected"
    assert TOKEN not in text

    monkeypatch.setenv("REGISTRY_TOKEN", TOKEN)
    code, checks, text = doctor(capsys)
    assert code == 0, text
    assert checks["registry URL"]["message"] == f"{url} (api core, from REGISTRY_URL)"
    assert checks["token"]["message"] == "REGISTRY_TOKEN accepted"
    assert checks[f"schema {FEEDBACK}"]["message"] == "found v2 (version 3), v1 (version 1)"
    assert TOKEN not in text


def test_fallbacks_and_drift_are_reported_per_schema(
    ready: Path, serve: Serve, capsys: pytest.CaptureFixture[str]
) -> None:
    use_core_api(ready)
    serve(drop=((FEEDBACK, "v2"), (RATE, "v2")))
    code, checks, text = doctor(capsys)
    assert code == 1
    feedback, rate = checks[f"schema {FEEDBACK}"], checks[f"schema {RATE}"]
    assert feedback["status"] == "warn"
    assert feedback["message"].startswith("no v2: falls back to v1")
    assert rate["status"] == "fail"
    assert rate["message"] == "no v2: falls back to v1, below require-track v2"
    fresh = checks["lock fresh"]
    assert fresh["status"] == "fail" and "telemetry.FeedbackEvent@v2 removed" in fresh["message"]
    assert "fix: run `registry-contract lock`, review the change and commit it" in text


@pytest.mark.parametrize(
    ("setting", "subject", "message", "fix"),
    [
        pytest.param(
            "REGISTRY_URL=",
            "registry URL",
            "not set",
            "set registry.url in registry-contract.yml, or export REGISTRY_URL",
            id="no-url",
        ),
        pytest.param(
            "REGISTRY_URL=http://127.0.0.1:9",
            "registry reachable",
            "http://127.0.0.1:9/schemas/telemetry.FeedbackEvent/tracks/v2: request failed",
            "check that the registry is up and registry.url is right, then retry",
            id="unreachable",
        ),
    ],
)
def test_registry_problems_say_how_to_fix_them(
    ready: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    subject: str,
    message: str,
    fix: str,
) -> None:
    config = ready / "registry-contract.yml"
    text = config.read_text().replace("api: static", "api: core")
    config.write_text(text.replace("  url: examples/schemas", ""))
    name, value = setting.split("=", 1)
    monkeypatch.setenv(name, value)
    code, checks, _ = doctor(capsys)
    assert code == 1
    assert checks[subject]["status"] == "fail"
    assert checks[subject]["message"].startswith(message)
    assert checks[subject]["fix"] == fix
    assert checks[f"schema {FEEDBACK}"]["status"] == "skip"
    assert checks["lock"]["status"] == "ok"


@pytest.mark.parametrize(
    ("damage", "message", "fix"),
    [
        pytest.param(
            "missing",
            "lockfile not found",
            "run `registry-contract lock` to create it",
            id="missing",
        ),
        pytest.param(
            "tampered",
            "sha256 mismatch",
            "run `registry-contract verify` to list the problems",
            id="tampered",
        ),
    ],
)
def test_a_missing_or_tampered_lock_fails(
    ready: Path, capsys: pytest.CaptureFixture[str], damage: str, message: str, fix: str
) -> None:
    lock = ready / "schemas-lock"
    if damage == "missing":
        shutil.rmtree(lock)
    else:
        target = lock / FEEDBACK / "v2.json"
        target.write_text(target.read_text().replace('"maximum": 1', '"maximum": 2'))
    code, checks, _ = doctor(capsys)
    assert code == 1
    assert checks["lock"]["status"] == "fail" and message in checks["lock"]["message"]
    assert checks["lock"]["fix"].startswith(fix)
    assert checks["lock fresh"]["status"] == "skip"


def test_fixtures_must_cover_every_locked_track(
    ready: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payloads = ready / "tests/contracts/fixtures/payloads"
    shutil.rmtree(payloads / FEEDBACK / "valid")
    shutil.rmtree(payloads / RATE)
    code, checks, text = doctor(capsys)
    assert code == 1
    feedback, rate = checks[f"fixtures of {FEEDBACK}"], checks[f"fixtures of {RATE}"]
    assert feedback["message"] == (
        "no valid payload for v1 under tests/contracts/fixtures/payloads/telemetry.FeedbackEvent"
    )
    assert rate["message"].startswith("no payload files under")
    assert (
        "fix: add one under tests/contracts/fixtures/payloads/telemetry.FeedbackEvent/valid/"
        in text
    )


def test_a_folder_registry_needs_no_token(ready: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, checks, _ = doctor(capsys)
    assert checks["registry reachable"]["message"] == "the folder is readable"
    assert checks["token"]["status"] == "skip"
    assert checks["token"]["message"] == "not used by a folder registry"


def test_init_placeholders_and_a_missing_workflow_are_flagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REGISTRY_URL", raising=False)
    (tmp_path / ".git").mkdir()  # the workflow search stops at the repository's top level
    assert main(["init", "--api", "static", "--url", "schemas", "--schema", FEEDBACK]) == 0
    (tmp_path / ".github" / "workflows" / "contract-gate.yml").unlink()
    capsys.readouterr()
    code, checks, text = doctor(capsys)
    assert code == 1
    placeholder = checks[f"fixtures of {FEEDBACK}"]
    assert placeholder["status"] == "warn"
    assert "still the placeholder `init` wrote" in placeholder["message"]
    assert checks["workflow"]["status"] == "fail"
    assert checks["workflow"]["fix"].startswith("run `registry-contract init`, or add a job with")
    assert "❌ registry reachable: static registry folder" in text
    assert "⚠️" in text


def test_an_invalid_config_is_one_failed_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "registry-contract.yml").write_text("schemas: {}\nextra: 1\n")
    code, checks, text = doctor(capsys)
    assert code == 1
    assert checks["config"]["status"] == "fail"
    assert "unknown key 'extra'" in checks["config"]["message"]
    assert list(checks) == ["config", "workflow"]
    assert text.startswith("registry-contract doctor: 2 problem(s), 0 warning(s)\n❌ config:")
