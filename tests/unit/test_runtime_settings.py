"""Runtime settings: the config's `runtime:` section, environment overrides, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry_contract.errors import ConfigError, ExitCode
from registry_contract.runtime import Mode, RuntimeConfigError, SchemaManager
from support.runtime_world import FEEDBACK, RATE, ROOT, event, telemetry_lock

CONFIG = f"""\
lock-dir: schemas-lock
schemas:
  {FEEDBACK}:
  {RATE}:
    tracks: [v2]
runtime:
  ttl: 120
  mode: log
  modes:
    {RATE}: enforce
  refresh-timeout: 0.5
  negative-ttl: 30
  jitter: 0.05
  preload: [{FEEDBACK}]
  digest-mismatch: lock
"""


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    telemetry_lock(tmp_path)
    path = tmp_path / "registry-contract.yml"
    path.write_text(CONFIG)
    return path


def test_from_config_reads_the_runtime_section(config_path: Path) -> None:
    schemas = SchemaManager.from_config(config_path, environ={})
    settings = schemas.settings
    assert (settings.ttl, settings.refresh_timeout, settings.negative_ttl) == (120, 0.5, 30)
    assert (settings.jitter, settings.digest_mismatch) == (0.05, "lock")
    assert settings.preload == (FEEDBACK,) and settings.tracks_of(RATE) == ("v2",)
    assert settings.lock_dir == config_path.parent / "schemas-lock"
    assert schemas.mode_for(FEEDBACK) is Mode.LOG and schemas.mode_for(RATE) is Mode.ENFORCE
    with schemas:
        assert schemas.validate(FEEDBACK, event()).source == "lock"


def test_from_config_reads_the_default_dialect(config_path: Path) -> None:
    assert SchemaManager.from_config(config_path, environ={}).settings.default_dialect == "draft7"
    config_path.write_text(CONFIG.replace("lock-dir:", "default-dialect: 2020-12\nlock-dir:"))
    schemas = SchemaManager.from_config(config_path, environ={})
    assert schemas.settings.default_dialect == "2020-12"


def test_environment_overrides_the_runtime_section(config_path: Path) -> None:
    env = {
        "REGISTRY_CONTRACT_RUNTIME_TTL": "30",
        "REGISTRY_CONTRACT_RUNTIME_MODE": "soft",
        "REGISTRY_CONTRACT_RUNTIME_MODES": f"{FEEDBACK}=off, {RATE}=log",
        "REGISTRY_CONTRACT_RUNTIME_PRELOAD": "",
        "REGISTRY_CONTRACT_RUNTIME_DIGEST_MISMATCH": "registry",
    }
    schemas = SchemaManager.from_config(config_path, environ=env)
    assert schemas.settings.ttl == 30 and schemas.settings.preload == ()
    assert schemas.settings.digest_mismatch == "registry"
    assert schemas.mode_for(FEEDBACK) is Mode.OFF and schemas.mode_for(RATE) is Mode.LOG
    assert schemas.mode_for("other") is Mode.SOFT


def test_keyword_overrides_win_over_the_file(config_path: Path) -> None:
    schemas = SchemaManager.from_config(config_path, environ={}, ttl=5, mode="off")
    assert schemas.settings.ttl == 5 and schemas.mode_for(FEEDBACK) is Mode.OFF
    assert schemas.mode_for(RATE) is Mode.ENFORCE  # the file's per-schema mode still holds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("  mode: strict\n", "key runtime.mode: 'strict' is not one of", id="mode"),
        pytest.param("  ttl: 0\n", "key runtime.ttl:", id="ttl"),
        pytest.param("  refresh: 1\n", "unknown key 'refresh' under runtime", id="unknown-key"),
    ],
)
def test_a_bad_runtime_section_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "registry-contract.yml"
    path.write_text(f"schemas:\n  {FEEDBACK}:\nruntime:\n{text}")
    with pytest.raises(ConfigError, match=message) as caught:
        SchemaManager.from_config(path, environ={})
    assert caught.value.exit_code is ExitCode.USAGE


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param({"REGISTRY_CONTRACT_RUNTIME_MODE": "strict"}, "mode 'strict'", id="mode"),
        pytest.param(
            {"REGISTRY_CONTRACT_RUNTIME_MODES": f"{FEEDBACK}=on"}, "mode 'on'", id="modes"
        ),
        pytest.param({"REGISTRY_CONTRACT_RUNTIME_TTL": "soon"}, "is not a number", id="ttl"),
        pytest.param({"REGISTRY_CONTRACT_RUNTIME_MODES": "enforce"}, "is not name=mode", id="pair"),
    ],
)
def test_a_bad_environment_override_is_a_config_error(
    config_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        SchemaManager.from_config(config_path, environ=env)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"mode": "strict"}, "mode 'strict' is not one of off, log, soft, enforce"),
        pytest.param({"modes": {FEEDBACK: "warn"}}, f"runtime.modes.{FEEDBACK}: mode 'warn'"),
        pytest.param({"ttl": -1}, "ttl=-1 is not a positive number"),
        pytest.param({"negative_ttl": float("nan")}, "negative_ttl=nan"),
        pytest.param({"jitter": 0.5}, "jitter=0.5 is not a fraction from 0 to 0.2"),
        pytest.param({"digest_mismatch": "newest"}, "digest_mismatch='newest'"),
        pytest.param({"default_dialect": "draft-07"}, "default_dialect='draft-07' is not one of"),
    ],
)
def test_bad_settings_are_refused_at_construction(options: dict[str, object], message: str) -> None:
    with pytest.raises(RuntimeConfigError, match=message):
        SchemaManager(**options)  # type: ignore[arg-type]


def test_an_unknown_mode_set_at_run_time_is_refused_and_changes_nothing() -> None:
    schemas = SchemaManager(mode="soft")
    with pytest.raises(RuntimeConfigError, match="mode 'loud'"):
        schemas.set_mode("loud", FEEDBACK)
    assert schemas.mode_for(FEEDBACK) is Mode.SOFT


def test_the_bundled_config_works_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with SchemaManager.from_config(ROOT / "registry-contract.yml", environ={}) as schemas:
        resolved = schemas.get_schema_sync(FEEDBACK)
    assert (resolved.source, resolved.track, resolved.version) == ("registry", "v2", 3)
