"""The manager's public surface: unpacking, parsing bytes, copies, lifecycle, mode off."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from registry_contract.registry.static import FolderClient
from registry_contract.runtime import PayloadParseError, SchemaManager, ValidationOutcome
from support.runtime_world import FEEDBACK, event, telemetry_folder, telemetry_lock


@pytest.fixture
def schemas(tmp_path: Path) -> SchemaManager:
    return SchemaManager(lock_dir=telemetry_lock(tmp_path))


def test_an_outcome_unpacks_as_verdict_and_errors(schemas: SchemaManager) -> None:
    is_valid, errors = schemas.validate(FEEDBACK, event())
    assert (is_valid, errors) == (True, [])
    is_valid, errors = schemas.validate(FEEDBACK, event(queue_size=-1), fallback=None)
    assert (is_valid, errors) == (False, ["-1 is less than the minimum of 0"])


def test_the_shared_errors_of_valid_outcomes_cannot_be_changed(schemas: SchemaManager) -> None:
    outcome = schemas.validate(FEEDBACK, event())
    with pytest.raises(TypeError, match="shared"):
        outcome.errors.append("mine")
    assert schemas.validate(FEEDBACK, event()).errors == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b'{"utilisation": NaN}', "NaN is not JSON", id="nan"),
        pytest.param(b'{"a": 1', "payload is not JSON: Expecting ',' delimiter", id="cut"),
        pytest.param(b'\xff{"secret-4111": 1}', "payload is not UTF-8 (byte 0)", id="utf8"),
        pytest.param("[" * 100_000 + "]" * 100_000, "payload is not JSON", id="deep"),
    ],
)
def test_unparseable_bytes_raise_a_one_line_reason_without_the_payload(
    schemas: SchemaManager, data: bytes | str, reason: str
) -> None:
    with pytest.raises(PayloadParseError) as caught:
        schemas.validate_json(FEEDBACK, data)
    message = str(caught.value)
    assert reason in message and "\n" not in message and "secret" not in message
    assert isinstance(caught.value, ValueError)


def test_bytes_and_dict_give_the_same_outcome(schemas: SchemaManager) -> None:
    for payload in (
        event(),
        event(backpressure="critical"),
        event(timestamp="0000-01-01T00:00:00Z"),
    ):
        text = json.dumps(payload)
        expected = schemas.validate(FEEDBACK, payload)
        assert schemas.validate_json(FEEDBACK, text.encode()) == expected
        assert schemas.validate_json(FEEDBACK, text) == expected


def test_async_twins_give_the_same_answers(tmp_path: Path) -> None:
    async def run() -> tuple[ValidationOutcome, ValidationOutcome, str]:
        async with SchemaManager(lock_dir=telemetry_lock(tmp_path), preload=[FEEDBACK]) as m:
            first = await m.validate_payload(FEEDBACK, event(utilisation=3), fallback=None)
            second = await m.validate_json_payload(FEEDBACK, json.dumps(event()).encode())
            return first, second, (await m.get_schema(FEEDBACK)).track

    invalid, valid, track = asyncio.run(run())
    assert (invalid.is_valid, invalid.issues[0].keyword, valid.is_valid, track) == (
        False,
        "maximum",
        True,
        "v2",
    )


def test_get_schema_returns_a_copy_the_caller_may_change(schemas: SchemaManager) -> None:
    resolved = schemas.get_schema_sync(FEEDBACK)
    resolved.document["required"].clear()
    assert not schemas.validate(FEEDBACK, event(timestamp=None), fallback=None).is_valid
    assert schemas.get_schema_sync(FEEDBACK).document["required"]


def test_mode_off_validates_and_fetches_nothing(tmp_path: Path) -> None:
    client = FolderClient(telemetry_folder(tmp_path))
    schemas = SchemaManager(client=client, mode="off")
    outcome = schemas.validate(FEEDBACK, event(utilisation=9))
    assert (outcome.is_valid, outcome.source, outcome.mode.value) == (True, "off", "off")
    assert client.stats.latencies == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            b'{"queue_size": 12345678901234567890123}', 12345678901234567890123, id="long-int"
        ),
        pytest.param(b'{"queue_size": 1.5e3}', 1500.0, id="float"),
        pytest.param('{"queue_size": 7}', 7, id="str"),
        pytest.param(bytearray(b'{"queue_size": 7}'), 7, id="bytearray"),
    ],
)
def test_bytes_parse_exactly_as_json_does(text: bytes | str, expected: object) -> None:
    from registry_contract.runtime.payload import parse_payload

    parsed = parse_payload(text)
    assert parsed == {"queue_size": expected} and type(parsed["queue_size"]) is type(expected)


def test_a_lone_surrogate_orjson_refuses_is_judged_as_the_gate_judges_it(
    schemas: SchemaManager,
) -> None:
    text = json.dumps(event(coordinator_id="\\ud800")).replace("\\\\ud800", "\\ud800")
    outcome = schemas.validate_json(FEEDBACK, text.encode())
    assert outcome == schemas.validate(FEEDBACK, json.loads(text))
    assert outcome.is_valid


def test_the_hot_path_never_suspends_nor_calls_labels(
    schemas: SchemaManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prometheus_client.metrics import MetricWrapperBase

    schemas.validate(FEEDBACK, event())  # load the schema
    calls: list[object] = []
    real = MetricWrapperBase.labels
    monkeypatch.setattr(
        MetricWrapperBase, "labels", lambda self, *a, **k: calls.append(a) or real(self, *a, **k)
    )
    for _ in range(100):
        coroutine = schemas.validate_payload(FEEDBACK, event())
        with pytest.raises(StopIteration) as done:  # finished without awaiting anything
            coroutine.send(None)
        assert done.value.value.is_valid
        assert schemas.validate(FEEDBACK, event()).is_valid
    assert calls == []


def test_validate_cached_answers_only_what_the_cache_alone_can(schemas: SchemaManager) -> None:
    assert schemas.validate_cached(FEEDBACK, event()) is None  # cold: nothing loaded yet
    schemas.validate(FEEDBACK, event())  # load the schema
    outcome = schemas.validate_cached(FEEDBACK, event())
    assert outcome is not None and outcome.is_valid and outcome.track == "v2"
    assert schemas.validate_cached(FEEDBACK, event(queue_size=-1)) is None  # invalid: ask
    before = schemas.metrics.value(
        "schema_validations", schema=FEEDBACK, track="v2", mode="soft", result="valid"
    )
    schemas.validate_cached(FEEDBACK, event())
    after = schemas.metrics.value(
        "schema_validations", schema=FEEDBACK, track="v2", mode="soft", result="valid"
    )
    assert after == before + 1  # counted like any other validation


def test_a_closed_manager_serves_what_it_has_and_says_why_it_cannot_fetch(tmp_path: Path) -> None:
    from registry_contract.runtime import SchemaUnavailableError

    schemas = SchemaManager(client=FolderClient(telemetry_folder(tmp_path)))
    schemas.validate(FEEDBACK, event())
    schemas.close_sync()
    assert schemas.validate(FEEDBACK, event()).is_valid
    with pytest.raises(SchemaUnavailableError, match="the manager is closed"):
        schemas.validate("telemetry.RateAdjustment", {}, fallback=None)
