"""JUnit XML: one testcase per fixture and per compatibility check, failures with the reason."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from registry_contract.report.junit import render_junit
from support import sample_results


def _parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def test_one_testcase_per_fixture_and_per_compatibility_check() -> None:
    result = sample_results.failing()
    root = _parse(render_junit(result))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"fixtures", "compatibility"}
    assert len(suites["fixtures"].findall("testcase")) == len(result.fixtures)
    assert len(suites["compatibility"].findall("testcase")) == len(result.compat_checks)
    assert root.get("tests") == str(len(result.fixtures) + len(result.compat_checks))
    assert root.get("failures") == "3"


def test_failed_fixture_carries_the_finding_of_its_line() -> None:
    root = _parse(render_junit(sample_results.failing()))
    case = next(
        c
        for c in root.iter("testcase")
        if c.get("name", "").startswith(
            "tests/contracts/fixtures/payloads/telemetry.FeedbackEvent/valid/captured.jsonl:3"
        )
    )
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "enum"
    assert "is not one of" in (failure.get("message") or "")
    assert case.get("classname") == "telemetry.FeedbackEvent@v2"


def test_breaking_compat_check_lists_its_changes() -> None:
    root = _parse(render_junit(sample_results.failing()))
    failures = [c.find("failure") for c in root.iter("testcase") if "tracks:" in c.get("name", "")]
    texts = [f.text or "" for f in failures if f is not None]
    assert len(texts) == 1
    assert "enum-value-removed" in texts[0]


def test_violations_outside_fixtures_and_checks_get_a_gate_suite() -> None:
    root = _parse(render_junit(sample_results.fallback()))
    gate = [s for s in root.iter("testsuite") if s.get("name") == "gate"]
    assert len(gate) == 1 and gate[0].get("failures") == "1"


def test_control_characters_from_payloads_do_not_break_the_xml() -> None:
    result = sample_results.failing()
    result.findings[0] = dataclasses.replace(result.findings[0], message="bad \x00\x1b byte")
    root = _parse(render_junit(result))
    assert any("bad" in (f.get("message") or "") for f in root.iter("failure"))


def test_passing_run_has_no_failures() -> None:
    root = _parse(render_junit(sample_results.passing()))
    assert root.get("failures") == "0"
    assert root.find(".//failure") is None
