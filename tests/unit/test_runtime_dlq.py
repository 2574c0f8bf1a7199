"""The dead-letter entry's fields, the printable Redis URL, and the circuit breaker's arithmetic."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from registry_contract.runtime.breaker import CircuitBreaker
from registry_contract.runtime.dlq import DLQ_FIELDS, DeadLetter, entry_payload, safe_url
from registry_contract.runtime.model import (
    Mode,
    PayloadParseError,
    RuntimeConfigError,
    ValidationIssue,
    ValidationOutcome,
)


@pytest.mark.parametrize(
    ("url", "printed"),
    [
        pytest.param("redis://:pw@10.0.0.1:6380/2", "redis://10.0.0.1:6380/2", id="password"),
        pytest.param("rediss://user:pw@cache.example/0", "rediss://cache.example/0", id="user"),
        pytest.param("redis://h:6379/0?password=pw", "redis://h:6379/0", id="query"),
        pytest.param("redis://[::1]:6379", "redis://[::1]:6379", id="ipv6"),
        pytest.param("redis://h:notaport/0", "<unparseable Redis URL>", id="bad-port"),
    ],
)
def test_safe_url_drops_credentials(url: str, printed: str) -> None:
    assert safe_url(url) == printed


def outcome(issues: int) -> ValidationOutcome:
    items = tuple(
        ValidationIssue(f"/labels/k{i}", "/properties/labels/maxLength", "maxLength", f"'{i}'")
        for i in range(issues)
    )
    return ValidationOutcome(
        is_valid=False,
        errors=[i.message for i in items],
        issues=items,
        name="telemetry.FeedbackEvent",
        track="v2",
        version=3,
        digest="d",
        source="lock",
        mode=Mode.ENFORCE,
        reject=True,
    )


def test_dead_letter_fields_are_the_contract_and_carry_no_messages() -> None:
    letter = DeadLetter(
        orig_stream="s", orig_id="1-0", group="g", consumer="c", service="store",
        schema="telemetry.FeedbackEvent", reason="schema-invalid", payload=b'{"x": 1}',
        times_delivered=2, outcome=outcome(12),
    )  # fmt: skip
    fields = letter.fields(datetime(2026, 12, 7, 1, 2, 3, 456789, tzinfo=UTC))
    assert tuple(fields) == DLQ_FIELDS
    assert fields["failed_at"] == "2026-12-07T01:02:03.456Z"
    assert (fields["track"], fields["version"], fields["times_delivered"]) == ("v2", "3", "2")
    errors = json.loads(fields["errors"])
    assert len(errors) == 10 and errors[0] == {
        "path": "/labels/k0",
        "keyword": "maxLength",
        "schema_path": "/properties/labels/maxLength",
    }


def test_unparseable_dead_letter_has_no_track_version_or_errors() -> None:
    letter = DeadLetter("s", "1-0", "g", "c", "", "telemetry.FeedbackEvent", "unparseable",
                        b"{", 1)  # fmt: skip
    fields = letter.fields()
    assert (fields["track"], fields["version"], fields["errors"]) == ("", "", "[]")
    assert fields["schema"] == "telemetry.FeedbackEvent" and fields["payload"] == b"{"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(None, "no `payload` field", id="missing"),
        pytest.param(b"{", "not JSON", id="truncated"),
        pytest.param(b'{"x": NaN}', "not JSON", id="nan"),
        pytest.param(b"\xff", "not UTF-8", id="bytes"),
    ],
)
def test_entry_payload_refuses_what_is_not_plain_json(data: bytes | None, reason: str) -> None:
    with pytest.raises(PayloadParseError, match=reason):
        entry_payload(data)


def test_breaker_trips_on_the_invalid_ratio_once_enough_verdicts_are_in() -> None:
    breaker = CircuitBreaker(window=10, max_invalid_ratio=0.5, min_entries=6, max_consecutive=99)
    verdicts = [True, False, True, False, True]  # 3 of 5: not enough verdicts yet
    assert not any(breaker.record(v) for v in verdicts)
    assert breaker.record(True)  # 4 of 6 > 0.5
    breaker.reset()
    assert not breaker.open and not breaker.record(True)


def test_breaker_window_forgets_old_verdicts() -> None:
    breaker = CircuitBreaker(window=4, max_invalid_ratio=0.5, min_entries=4, max_consecutive=99)
    for invalid in (True, True, False, False, False, False):
        assert not breaker.record(invalid)
    assert not breaker.record(True)  # the window holds F F F T: 1 of 4


def test_breaker_trips_on_a_run_of_invalid_entries() -> None:
    breaker = CircuitBreaker(
        window=1000, max_invalid_ratio=0.99, min_entries=1000, max_consecutive=3
    )
    assert not breaker.record(True) and not breaker.record(True)
    assert not breaker.record(False)  # the run starts again
    assert [breaker.record(True) for _ in range(3)] == [False, False, True]


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({"window": 10, "min_entries": 11}, id="min-over-window"),
        pytest.param({"max_invalid_ratio": 1.0}, id="ratio"),
        pytest.param({"max_consecutive": 0}, id="run"),
    ],
)
def test_breaker_refuses_settings_that_could_never_or_always_trip(settings: dict[str, Any]) -> None:
    with pytest.raises(RuntimeConfigError, match="expected 1 <= min_entries <= window"):
        CircuitBreaker(**settings)
