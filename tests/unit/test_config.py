from __future__ import annotations

from pathlib import Path

import pytest

from registry_contract.config import find_config, load_config
from registry_contract.errors import ConfigError, ExitCode

MINIMAL = "schemas:\n  telemetry.FeedbackEvent:\n    fixtures: fx\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "registry-contract.yml"
    path.write_text(text)
    return path


def test_minimal_config_gets_the_documented_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL), environ={})
    assert config.tracks == ("v2", "v1")
    assert config.compatibility == "BACKWARD"
    assert config.mode == "enforce"
    assert config.registry.api == "core"
    assert config.registry.connect_timeout == 5.0 and config.registry.read_timeout == 30.0
    assert config.lock_dir == tmp_path / "schemas-lock"
    schema = config.schemas["telemetry.FeedbackEvent"]
    assert schema.fixtures == tmp_path / "fx"
    assert schema.tracks == ("v2", "v1") and schema.require_track is None
    assert config.formats is True


def test_bundled_config_loads_with_per_schema_override() -> None:
    root = Path(__file__).resolve().parents[2]
    config = load_config(root / "registry-contract.yml", environ={})
    assert config.schemas["telemetry.RateAdjustment"].require_track == "v2"
    assert config.deprecated_tracks == ("v1",)


def test_registry_url_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "registry:\n  url: https://a.example\n" + MINIMAL)
    assert load_config(path, environ={}).registry.url == "https://a.example"
    env = {"REGISTRY_URL": "http://127.0.0.1:9"}
    assert load_config(path, environ=env).registry.url == "http://127.0.0.1:9"


def test_per_schema_tracks_override_the_global_order(tmp_path: Path) -> None:
    text = "tracks: [v2, v1]\nschemas:\n  a.B:\n    tracks: [v2]\n    require-track: v2\n"
    config = load_config(write(tmp_path, text), environ={})
    assert config.schemas["a.B"].tracks == ("v2",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("colour: red\n" + MINIMAL, "unknown key 'colour'", id="unknown-top-level-key"),
        pytest.param(
            "registry:\n  host: x\n" + MINIMAL,
            "unknown key 'host' under registry",
            id="unknown-nested-key",
        ),
        pytest.param(
            "schemas:\n  a.B:\n    fixture: x\n",
            "unknown key 'fixture' under schemas.\"a.B\"",
            id="typo-in-schema",
        ),
        pytest.param("tracks: v2\n" + MINIMAL, "key tracks: expected array", id="wrong-type"),
        pytest.param(
            "compatibility: SIDEWAYS\n" + MINIMAL,
            "key compatibility: 'SIDEWAYS' is not one of",
            id="level",
        ),
        pytest.param(
            "mode: maybe\n" + MINIMAL, "key mode: 'maybe' is not one of enforce, warn", id="mode"
        ),
        pytest.param("registry:\n  api: soap\n" + MINIMAL, "key registry.api", id="api"),
        pytest.param("schemas:\n  a/b: {}\n", "schema name 'a/b'", id="slash-in-name"),
        pytest.param("schemas:\n  a..b: {}\n", "schema name 'a..b'", id="dotdot-in-name"),
        pytest.param("schemas:\n  'a b': {}\n", "schema name 'a b'", id="space-in-name"),
        pytest.param("schemas: {}\n", "key schemas", id="no-schemas"),
        pytest.param(
            "tracks: [v2, '../x']\n" + MINIMAL, "key tracks.1: track '../x'", id="bad-track"
        ),
        pytest.param(
            "schemas:\n  a.B:\n    tracks: [v1]\n    require-track: v2\n",
            "schemas.a.B.require-track: 'v2' is not among its tracks",
            id="require-track-not-configured",
        ),
        pytest.param(
            MINIMAL + "exemptions:\n  - {schema: a.B, rule: x, reason: y, expires: soon}\n",
            "key exemptions.0.expires",
            id="bad-expiry-date",
        ),
        pytest.param("schemas: [\n", "not valid YAML", id="yaml-syntax"),
    ],
)
def test_config_mistakes_are_one_line_naming_the_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), environ={})
    message = str(info.value)
    assert expected in message
    assert "\n" not in message
    assert str(tmp_path / "registry-contract.yml") in message
    assert info.value.exit_code == ExitCode.USAGE


def test_missing_config_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="registry-contract init"):
        find_config(None, cwd=tmp_path)
    with pytest.raises(ConfigError, match=r"nope\.yml not found"):
        find_config(str(tmp_path / "nope.yml"))
