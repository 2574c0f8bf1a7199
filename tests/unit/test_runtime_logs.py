"""Runtime logging: payload-free, one line, the first failure in full, then summaries."""

from __future__ import annotations

import logging

import pytest

from registry_contract.runtime import SchemaManager
from registry_contract.runtime.logs import MAX_KEYS, SUMMARY_INTERVAL, FailureLog, one_line
from support.runtime_world import FEEDBACK, ManualClock, event, telemetry_lock

SECRET_VALUE = "coord-PII-4111111111111111"


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "registry_contract.runtime"]


def test_a_flood_of_bad_payloads_logs_each_place_once_then_summaries(
    tmp_path: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock()
    schemas = SchemaManager(lock_dir=telemetry_lock(tmp_path), clock=clock)  # type: ignore[arg-type]
    bad = event(source=SECRET_VALUE)
    with caplog.at_level(logging.INFO, "registry_contract.runtime"):
        for _ in range(1000):
            outcome = schemas.validate(FEEDBACK, bad, fallback=None)
        clock.advance(SUMMARY_INTERVAL)
        schemas.validate(FEEDBACK, bad, fallback=None)
    said = messages(caplog)
    assert SECRET_VALUE in " ".join(outcome.errors)  # the outcome may carry the values...
    assert not any(SECRET_VALUE in m for m in said)  # ...the logs do not
    full = [m for m in said if m.startswith("invalid payload")]
    assert sorted(full) == [
        f"invalid payload for {FEEDBACK}@v2: keyword enum failed at /source "
        "(schema path /properties/source/enum); later failures at the same place are summarised",
    ]
    assert [m for m in said if "more invalid payloads" in m] == [
        f"1000 more invalid payloads for {FEEDBACK} in the last 60 s (by keyword: enum=1000)"
    ]


def test_distinct_places_logged_in_full_are_bounded() -> None:
    clock = ManualClock()
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger = logging.getLogger("test_runtime_logs.bounded")
    logger.addHandler(Keep())
    logger.propagate = False
    failures = FailureLog(clock, logger)
    for index in range(MAX_KEYS + 50):
        failures.failed("a.B", "v2", "type", f"/items/{index}", "/items/type")
    clock.advance(SUMMARY_INTERVAL)
    failures.failed("a.B", "v2", "type", "/items/0", "/items/type")
    assert len(records) == MAX_KEYS + 1
    assert records[-1] == "51 more invalid payloads for a.B in the last 60 s (by keyword: type=51)"


@pytest.mark.parametrize(
    "text",
    ["a\nb", "a\rb", "a\u2028b", "a\u2029b", "a\x85b", "a\r\n\nb"],
)
def test_one_line_keeps_untrusted_text_on_one_line(text: str) -> None:
    assert one_line(text) == "a b"


def test_one_line_bounds_the_length() -> None:
    assert one_line("x" * 500, 10) == "x" * 9 + "…"
