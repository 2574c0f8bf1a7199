"""The pytest plugin (`pytest11` entry point), driven with pytester in a copy of the example."""

from __future__ import annotations

import importlib
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

# pytester restores sys.modules after every inner run: whatever an inner run imports first is
# dropped and imported anew later, which is slow (jsonschema's format checkers take seconds)
# and breaks identity checks in later tests (requests' cookie jars against http.cookiejar).
# So everything the plugin uses is imported here, before any inner run.
for _module in (
    "jsonschema",
    "referencing",
    "requests",
    "yaml",
    "registry_contract.drift",
    "registry_contract.gate",
    "registry_contract.validation.payload_diff",
    "registry_contract.adopt.pytest_support",
    "registry_contract.registry.core",
    "registry_contract.registry.fetch",
    "registry_contract.registry.serve",
    "registry_contract.yamlio",
):
    importlib.import_module(_module)

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path("tests/contracts/fixtures/payloads")
FEEDBACK = "telemetry.FeedbackEvent"
RATE = "telemetry.RateAdjustment"

SCHEMA_TESTS = """
import pytest

def test_feedback(registry_schema):
    print("TITLE", registry_schema("telemetry.FeedbackEvent")["title"])

def test_rate(registry_schema):
    print("TITLE", registry_schema("telemetry.RateAdjustment")["title"])
"""

FIXTURE_TESTS = """
import pytest

@pytest.mark.contract(schema="telemetry.FeedbackEvent")
def test_payload(contract_fixture, validate_payload):
    validate_payload(
        contract_fixture.schema, contract_fixture.payload, expected=contract_fixture.expected
    )
"""


@pytest.fixture
def example(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled example (config, lock, fixtures) in pytester's folder."""
    for name in ("REGISTRY_URL", "REGISTRY_TOKEN", "REGISTRY_CONTRACT_MODE"):
        monkeypatch.delenv(name, raising=False)
    shutil.copy(ROOT / "registry-contract.yml", pytester.path)
    shutil.copytree(ROOT / "schemas-lock", pytester.path / "schemas-lock")
    shutil.copytree(ROOT / FIXTURES, pytester.path / FIXTURES)
    return pytester.path


def drop_locked_track(lock_dir: Path, name: str, track: str) -> None:
    index = json.loads((lock_dir / "lock.json").read_text())
    del index["schemas"][name][track]
    (lock_dir / "lock.json").write_text(json.dumps(index))
    (lock_dir / name / f"{track}.json").unlink()


def test_options_and_marker_are_registered(pytester: pytest.Pytester) -> None:
    help_text = pytester.runpytest("--help").stdout.str()
    assert "registry-contract schema contracts:" in help_text
    for option in ("--track=TRACK", "--registry-contract-config=PATH", "--registry-live"):
        assert option in help_text
    markers = pytester.runpytest("--markers").stdout.str()
    assert "@pytest.mark.contract(schema=None, tracks=None)" in markers


def test_plugin_does_nothing_when_no_test_uses_it(pytester: pytest.Pytester) -> None:
    # Even a broken config must not matter to a suite that does not use the plugin.
    (pytester.path / "registry-contract.yml").write_text("schemas: 5\n")
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = pytester.runpytest("--strict-markers", "-W", "error")
    result.assert_outcomes(passed=1)
    assert "registry-contract:" not in result.stdout.str()


def test_marker_is_accepted_with_strict_markers(example: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "import pytest\n\n@pytest.mark.contract(tracks=['v2'])\ndef test_x():\n    pass\n"
    )
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1)


def test_registry_schema_follows_the_preference_order_and_the_header_says_so(
    example: Path, pytester: pytest.Pytester
) -> None:
    pytester.makepyfile(SCHEMA_TESTS)
    result = pytester.runpytest("-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "registry-contract: registry-contract.yml, schemas from the lock schemas-lock, "
            "track: each schema's preference order",
            "  telemetry.FeedbackEvent: v2 (version 3)",
            "  telemetry.RateAdjustment: v2 (version 1)",
            "*TITLE telemetry.FeedbackEvent v2",
        ]
    )


def test_track_option_selects_the_track(example: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SCHEMA_TESTS)
    result = pytester.runpytest("-s", "--track=v1")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*track: v1", "*TITLE telemetry.FeedbackEvent v1"])


def test_a_fallback_is_reported_in_the_header(example: Path, pytester: pytest.Pytester) -> None:
    drop_locked_track(example / "schemas-lock", FEEDBACK, "v2")
    pytester.makepyfile(SCHEMA_TESTS)
    result = pytester.runpytest("-s", "--track=v2")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "  telemetry.FeedbackEvent: v1 (version 1), fallback: no v2 in the lock schemas-lock",
            "*TITLE telemetry.FeedbackEvent v1",
        ]
    )


def test_falling_back_below_require_track_fails_the_test(
    example: Path, pytester: pytest.Pytester
) -> None:
    drop_locked_track(example / "schemas-lock", RATE, "v2")
    pytester.makepyfile(SCHEMA_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*telemetry.RateAdjustment falls back to v1, below require-track v2; publish v2*"]
    )


def test_validate_payload_explains_a_failure_diff_style(
    example: Path, pytester: pytest.Pytester
) -> None:
    good = json.loads((example / FIXTURES / FEEDBACK / "valid" / "store-ok.json").read_text())
    pytester.makepyfile(
        f"""
        PAYLOAD = {good!r}

        def test_good(validate_payload):
            validate_payload("telemetry.FeedbackEvent", PAYLOAD)

        def test_too_full(validate_payload):
            validate_payload("telemetry.FeedbackEvent", {{**PAYLOAD, "utilisation": 1.5}})

        def test_rejected(validate_payload):
            validate_payload("telemetry.FeedbackEvent", {{}}, expected="invalid")

        def test_accepted_but_must_not_be(validate_payload):
            validate_payload("telemetry.FeedbackEvent", PAYLOAD, expected="invalid")
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: the payload is not valid against telemetry.FeedbackEvent@v2 "
            "(version 3, from the lock schemas-lock): 1 issue(s)",
            "E         at /utilisation [maximum] (schema /properties/utilisation/maximum)",
            "E           - expected maximum: 1",
            "E           + actual   1.5",
            "E           1.5 is greater than the maximum of 1",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: the payload was accepted by telemetry.FeedbackEvent@v2 *; "
            "it must be rejected"
        ]
    )


def test_track_all_runs_each_test_once_per_locked_track(
    example: Path, pytester: pytest.Pytester
) -> None:
    pytester.makepyfile(
        SCHEMA_TESTS
        + """
@pytest.mark.contract(tracks=["v2"])
def test_v2_only(contract_track):
    assert contract_track == "v2"
"""
    )
    result = pytester.runpytest("-v", "--track=all")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines_random(
        [
            "*test_feedback[[]v2[]] PASSED*",
            "*test_feedback[[]v1[]] PASSED*",
            "*test_rate[[]v1[]] PASSED*",
            "*test_v2_only[[]v2[]] PASSED*",
            "  telemetry.FeedbackEvent: v2 (version 3), v1 (version 1)",
        ]
    )


def test_marker_tracks_deselect_tests_for_other_tracks(
    example: Path, pytester: pytest.Pytester
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.contract(schema="telemetry.FeedbackEvent", tracks=["v2"])
        def test_v2(registry_schema):
            pass

        @pytest.mark.contract(tracks=["v1"])
        def test_v1(registry_schema):
            pass
        """
    )
    pytester.runpytest("--track=v1").assert_outcomes(passed=1, deselected=1)
    # By default the schema resolves to v2, so the v1-only test (no schema) still runs.
    pytester.runpytest().assert_outcomes(passed=2)
    drop_locked_track(example / "schemas-lock", FEEDBACK, "v2")
    pytester.runpytest().assert_outcomes(passed=1, deselected=1)


def test_contract_fixture_runs_once_per_fixture_payload(
    example: Path, pytester: pytest.Pytester
) -> None:
    pytester.makepyfile(FIXTURE_TESTS)
    result = pytester.runpytest("-v")
    # v2: 5 shared valid payloads (3 JSONL lines), 4 shared invalid, 1 + 1 in v2/
    result.assert_outcomes(passed=11)
    result.stdout.fnmatch_lines_random(
        [
            "*test_payload[[]valid/captured.jsonl:2[]] PASSED*",
            "*test_payload[[]invalid/unknown-level.yaml[]] PASSED*",
            "*test_payload[[]v2/valid/gateway-with-lag.json[]] PASSED*",
        ]
    )
    assert "v1/" not in result.stdout.str()
    matrix = pytester.runpytest("-v", "--track=all")
    matrix.assert_outcomes(passed=11 + 11)
    matrix.stdout.fnmatch_lines_random(
        [
            "*test_payload[[]v1-v1/invalid/lag-not-in-v1.json[]] PASSED*",
            "*test_payload[[]v2-valid/store-ok.json[]] PASSED*",
            "*test_payload[[]v1-valid/store-ok.json[]] PASSED*",
        ]
    )


def test_contract_fixture_fails_on_a_broken_fixture_naming_it(
    example: Path, pytester: pytest.Pytester
) -> None:
    folder = example / FIXTURES / FEEDBACK / "valid"
    good = json.loads((folder / "store-ok.json").read_text())
    (folder / "over.json").write_text(json.dumps({**good, "queue_size": -1}))
    (folder / "truncated.json").write_text('{"source": ')
    pytester.makepyfile(FIXTURE_TESTS)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=11, failed=2)
    result.stdout.fnmatch_lines_random(
        [
            "*test_payload[[]valid/over.json[]] FAILED*",
            "*at /queue_size [[]minimum[]]*",
            "tests/contracts/fixtures/payloads/telemetry.FeedbackEvent/valid/truncated.json:1: "
            "not parseable: *",
        ]
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["--track=v3"],
            "*--track v3: not a track of registry-contract.yml; use one of v2, v1 or all*",
            id="unknown-track",
        ),
        pytest.param(
            ["--registry-contract-config=missing.yml"],
            "*config file missing.yml not found; check the --config path*",
            id="missing-config",
        ),
    ],
)
def test_bad_options_are_usage_errors(
    example: Path, pytester: pytest.Pytester, args: list[str], expected: str
) -> None:
    pytester.makepyfile(SCHEMA_TESTS)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: registry-contract: {expected.lstrip('*')}"])


def test_contract_fixture_needs_a_schema_on_the_marker(
    example: Path, pytester: pytest.Pytester
) -> None:
    pytester.makepyfile("def test_x(contract_fixture):\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.INTERRUPTED  # a collection error
    result.stdout.fnmatch_lines(["*contract_fixture needs @pytest.mark.contract(schema=NAME)*"])
    assert "Traceback" not in result.stdout.str() and "_manager.py" not in result.stdout.str()


def test_without_a_config_the_fixtures_fail_with_the_fix(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SCHEMA_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*no registry-contract.yml in *run `registry-contract init`*"])


@pytest.fixture
def live_registry(tmp_path: Path) -> Iterator[str]:
    """A loopback core-API registry serving the example lock without FeedbackEvent v2."""
    from registry_contract.registry.serve import LockServer, LockSnapshot

    served = tmp_path / "served-lock"
    shutil.copytree(ROOT / "schemas-lock", served)
    drop_locked_track(served, FEEDBACK, "v2")
    server = LockServer(("127.0.0.1", 0), LockSnapshot(served), None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url
    server.shutdown()
    server.server_close()
    thread.join()


def test_registry_live_checks_against_what_the_registry_serves_now(
    example: Path, pytester: pytest.Pytester, live_registry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(example / "cache"))
    config = example / "registry-contract.yml"
    text = config.read_text().replace("api: static", "api: core")
    config.write_text(text.replace("url: examples/schemas", f"url: {live_registry}"))
    pytester.makepyfile(SCHEMA_TESTS)
    locked = pytester.runpytest("-s")
    locked.assert_outcomes(passed=2)
    locked.stdout.fnmatch_lines(["*TITLE telemetry.FeedbackEvent v2"])
    live = pytester.runpytest("-s", "--registry-live")
    live.assert_outcomes(passed=2)
    live.stdout.fnmatch_lines(
        [
            f"registry-contract: registry-contract.yml, schemas from the live registry "
            f"{live_registry}, track: each schema's preference order",
            f"  telemetry.FeedbackEvent: v1 (version 1), fallback: no v2 in the live registry "
            f"{live_registry}",
            "*TITLE telemetry.FeedbackEvent v1",
        ]
    )
