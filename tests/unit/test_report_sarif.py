"""SARIF 2.1.0: valid against the official schema, stable rule ids, locations, suppressions."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from registry_contract.model import GateResult
from registry_contract.report.locations import Locations
from registry_contract.report.sarif import FINGERPRINT, render_sarif
from support import sample_results

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif" / "sarif-schema-2.1.0.json"


def _sarif(result: GateResult, locations: Locations | None = None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_sarif(result, locations))
    return data


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(sample_results.passing, id="passing"),
        pytest.param(sample_results.failing, id="failing"),
        pytest.param(sample_results.fallback, id="fallback"),
        pytest.param(sample_results.drift, id="drift"),
    ],
)
def test_sarif_is_valid_against_the_official_2_1_0_schema(build: Any) -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [e.message for e in validator.iter_errors(_sarif(build()))]
    assert errors == []


def test_invalid_fixtures_and_breaking_changes_are_results_with_locations() -> None:
    run = _sarif(sample_results.failing())["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    fixture = by_rule["invalid-fixture/enum"]
    location = fixture["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("valid/captured.jsonl")
    assert location["region"]["startLine"] == 3
    change = by_rule["breaking-change/enum-value-removed"]
    uri = change["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "schemas-lock/telemetry.RateAdjustment/v2.json"
    assert change["properties"]["jsonPointer"] == "/properties/reason/enum"
    assert change["properties"]["witness"] == {"provider": "aws", "reason": "quota", "scale": 0.5}


def test_rule_ids_are_declared_once_and_indexed() -> None:
    run = _sarif(sample_results.many_findings(5))["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules))
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]


def test_fingerprints_are_stable_across_runs_and_distinct_per_finding() -> None:
    first = _sarif(sample_results.many_findings(5))["runs"][0]["results"]
    second = _sarif(sample_results.many_findings(5))["runs"][0]["results"]
    prints = [r["partialFingerprints"][FINGERPRINT] for r in first]
    assert prints == [r["partialFingerprints"][FINGERPRINT] for r in second]
    assert len(prints) == len(set(prints))


def test_accepted_findings_are_suppressed_with_the_exemption_reason() -> None:
    results = _sarif(sample_results.failing())["runs"][0]["results"]
    accepted = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in accepted] == ["breaking-change/required-added"]
    assert accepted[0]["suppressions"][0]["justification"].startswith("all producers")


def test_paths_are_relative_to_the_repository_root_for_a_config_in_a_subfolder() -> None:
    locations = Locations(root="services/shop")
    results = _sarif(sample_results.fallback(), locations)["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"services/shop/schemas-lock/telemetry.RateAdjustment/v1.json"}


def test_file_names_are_percent_encoded_as_uris() -> None:
    result = sample_results.failing()
    result.findings = [dataclasses.replace(result.findings[0], file="fixtures/with space#1.json")]
    uri = _sarif(result)["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"
    ]["uri"]
    assert uri == "fixtures/with%20space%231.json"
