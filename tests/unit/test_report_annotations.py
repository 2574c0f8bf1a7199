"""Workflow-command annotations: escaping, files from the repository root, the 10-per-step cap."""

from __future__ import annotations

import dataclasses

import pytest

from registry_contract.report.annotations import (
    MAX_ANNOTATIONS,
    escape_data,
    escape_property,
    format_command,
    hidden_annotations,
    render_annotations,
)
from registry_contract.report.locations import Locations
from support import sample_results


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("100%", "100%25", id="percent"),
        pytest.param("a\r\nb", "a%0D%0Ab", id="crlf"),
        pytest.param("%0A", "%250A", id="already-escaped-looking"),
        pytest.param("a:b,c", "a:b,c", id="colon-and-comma-kept-in-data"),
        pytest.param("a\u2028b\x85c\x1b", "a\\u2028b\\u0085c\\u001b", id="other-breaks"),
    ],
)
def test_escape_data(text: str, expected: str) -> None:
    assert escape_data(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a:b,c", "a%3Ab%2Cc", id="colon-and-comma"),
        pytest.param("50%\n", "50%25%0A", id="percent-and-newline"),
    ],
)
def test_escape_property(text: str, expected: str) -> None:
    assert escape_property(text) == expected


def test_format_command_redacts_before_escaping(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "tok%en:with,marks"
    monkeypatch.setenv("REGISTRY_TOKEN", secret)
    line = format_command("error", f"bad {secret}", file=f"{secret}.json", title=secret)
    assert line == "::error file=***.json,title=***::bad ***"


def test_format_command_leaves_out_missing_properties() -> None:
    line = format_command("error", "boom", file="a.json", line=None, title="t: x")
    assert line == "::error file=a.json,title=t%3A x::boom"
    assert format_command("notice", "hi") == "::notice::hi"


def test_invalid_fixture_annotation_points_at_the_jsonl_line() -> None:
    lines = render_annotations(sample_results.failing())
    first = lines[0]
    assert first.startswith(
        "::error file=tests/contracts/fixtures/payloads/telemetry.FeedbackEvent/valid/"
        "captured.jsonl,line=3,title=Invalid fixture%3A enum::"
    )
    assert "(at /level)" in first


def test_breaking_change_annotation_points_at_the_locked_schema() -> None:
    lines = render_annotations(sample_results.failing())
    change = next(line for line in lines if "enum-value-removed" in line)
    assert change.startswith(
        "::error file=schemas-lock/telemetry.RateAdjustment/v2.json,"
        "title=Breaking change%3A enum-value-removed::"
    )


def test_accepted_and_warning_findings_are_not_annotated() -> None:
    lines = render_annotations(sample_results.failing())
    assert len(lines) == 3
    assert not any("required-added" in line for line in lines)


def test_warn_mode_annotates_as_warnings() -> None:
    lines = render_annotations(sample_results.fallback())
    assert lines == [
        "::warning file=schemas-lock/telemetry.RateAdjustment/v1.json,"
        "title=Track fallback%3A require-track::telemetry.RateAdjustment@v1: "
        "telemetry.RateAdjustment has no v2 in the lock; fell back to v1, below require-track v2"
    ]


def test_only_the_first_ten_are_printed_and_the_rest_counted() -> None:
    result = sample_results.many_findings(8)
    assert len(render_annotations(result)) == MAX_ANNOTATIONS
    assert hidden_annotations(result) == 16 - MAX_ANNOTATIONS


def test_files_are_relative_to_the_repository_root() -> None:
    lines = render_annotations(sample_results.failing(), Locations(root="services/shop"))
    assert lines[0].startswith("::error file=services/shop/tests/contracts/")


def test_a_message_cannot_forge_a_second_command() -> None:
    result = sample_results.failing()
    result.findings[0] = dataclasses.replace(result.findings[0], message="x\n::error::forged")
    line = render_annotations(result)[0]
    assert "\n" not in line
    assert "x%0A::error::forged" in line
