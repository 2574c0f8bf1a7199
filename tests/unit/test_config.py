from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry_contract.config import config_fast_path, config_schema, find_config, load_config
from registry_contract.errors import ConfigError, ExitCode
from registry_contract.validation.fastpath import is_plain_json
from registry_contract.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(ROOT.glob("examples/*/registry-contract.yml"))
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


# -- jsonschema-rs accepts a config only when python-jsonschema (the reference) does ----------


def reference_accepts(raw: Any) -> bool:
    cls = jsonschema.Draft202012Validator
    return bool(cls(config_schema(), format_checker=cls.FORMAT_CHECKER).is_valid(raw))


def test_the_config_schema_takes_the_fast_path() -> None:
    fast = config_fast_path()
    assert fast.validator is not None, fast.reason


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(MINIMAL, id="minimal"),
        pytest.param((ROOT / "registry-contract.yml").read_text(), id="bundled"),
        *(pytest.param(path.read_text(), id=path.parent.name) for path in EXAMPLES),
        pytest.param(
            MINIMAL + "exemptions:\n  - {schema: a.B, rule: x, reason: y, expires: '2026-01-31'}\n",
            id="expiry-date",
        ),
        pytest.param(
            MINIMAL + "exemptions:\n  - {schema: a.B, rule: x, reason: y, expires: 2026-01-31}\n",
            id="yaml-date-is-not-a-string",
        ),
        pytest.param(
            MINIMAL + "exemptions:\n  - {schema: a.B, rule: x, reason: y, expires: '2026-02-30'}\n",
            id="no-such-day",
        ),
        pytest.param("schemas:\n  1: {}\n", id="integer-schema-name"),
        pytest.param("schemas:\n  a.B:\n    tracks: [v1, v1]\n", id="duplicate-tracks"),
        pytest.param("schemas:\n  a.B:\n    tracks: ['.']\n", id="dot-track"),
        pytest.param("schemas:\n  '.': {}\n", id="dot-name"),
        pytest.param("registry:\n  workers: 1.0\n" + MINIMAL, id="float-workers"),
        pytest.param("registry:\n  workers: true\n" + MINIMAL, id="bool-workers"),
        pytest.param("registry:\n  subject-template: '{name}\\n'\n" + MINIMAL, id="template"),
    ],
)
def test_fast_path_and_reference_agree_on_configs(text: str) -> None:
    raw = load_yaml(text.encode())
    expected = reference_accepts(raw)
    # Exact on JSON data; YAML's dates and NaN always go to the reference.
    assert config_fast_path().accepts(raw) is (expected and is_plain_json(raw))


@settings(derandomize=True, deadline=None, database=None, max_examples=200)
@given(st.data())
def test_fast_path_accepts_no_config_the_reference_refuses(data: st.DataObject) -> None:
    raw = data.draw(config_like())
    if config_fast_path().accepts(raw):
        assert reference_accepts(raw), raw


def config_like() -> st.SearchStrategy[Any]:
    """Configs built from the schema's own words: mostly right, sometimes almost right."""
    bad = st.sampled_from(["a..b", ".", "..", "a/b", "a b", "x\n", "", None, 1, 1.5, True, []])
    name = st.sampled_from(["a.B", "v2", "V_1-x", "telemetry.FeedbackEvent"])
    bad_name = st.sampled_from(["a..b", ".", "a/b", "x\n", "", 1])
    track = st.sampled_from(["v1", "v2", "v3-beta"])

    def mostly(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.integers(0, 9).flatmap(lambda i: bad if i == 9 else good)

    tracks = mostly(st.lists(mostly(track), min_size=1, max_size=3, unique_by=repr))
    level = mostly(st.sampled_from(["NONE", "BACKWARD", "FULL_TRANSITIVE"]))
    schema = st.none() | st.fixed_dictionaries(
        {},
        optional={
            "fixtures": mostly(st.just("fx")),
            "tracks": tracks,
            "require-track": mostly(track),
            "compatibility": level,
        },
    )
    registry = st.fixed_dictionaries(
        {},
        optional={
            "api": mostly(st.sampled_from(["core", "confluent", "static"])),
            "url": mostly(st.just("https://r.example")),
            "subject-template": mostly(st.sampled_from(["{name}-{track}", "{track}"])),
            "connect-timeout": mostly(st.floats(0, 60) | st.integers(0, 60)),
            "workers": mostly(st.integers(0, 70)),
            "allow-insecure-http": mostly(st.booleans()),
        },
    )
    exemption = st.fixed_dictionaries(
        {"schema": mostly(name), "rule": mostly(st.just("x")), "reason": mostly(st.just("y"))},
        optional={"path": mostly(st.just("/a")), "expires": mostly(st.just("2026-01-31"))},
    )
    config = st.fixed_dictionaries(
        {"schemas": mostly(st.dictionaries(name | bad_name, schema, min_size=1, max_size=3))},
        optional={
            "registry": mostly(registry),
            "lock-dir": mostly(st.just("schemas-lock")),
            "tracks": tracks,
            "compatibility": level,
            "mode": mostly(st.sampled_from(["enforce", "warn"])),
            "formats": mostly(st.booleans()),
            "deprecated-tracks": mostly(st.lists(mostly(track), max_size=2)),
            "exemptions": mostly(st.lists(exemption, max_size=2)),
        },
    )
    return config
