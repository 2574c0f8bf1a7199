"""The JSON report rebuilds the same GateResult, and a malformed report is refused clearly."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from registry_contract.errors import UsageError
from registry_contract.model import GateResult
from registry_contract.report.json import report_dict
from registry_contract.report.outputs import gate_outputs
from registry_contract.report.parse import find_shape_error, result_from_report
from support import sample_results


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(sample_results.passing, id="passing"),
        pytest.param(sample_results.failing, id="failing"),
        pytest.param(sample_results.fallback, id="fallback"),
        pytest.param(sample_results.drift, id="drift"),
    ],
)
def test_report_round_trips_to_an_equal_result(build: Callable[[], GateResult]) -> None:
    result = build()
    result.timings = {k: round(v, 4) for k, v in result.timings.items()}
    assert result_from_report(report_dict(result)) == result


def test_keys_added_by_later_versions_are_ignored() -> None:
    data = report_dict(sample_results.failing())
    data["something-new"] = {"x": 1}
    data["findings"][0]["id"] = "stable-change-id"
    assert result_from_report(data).findings[0].rule == "enum"


def _broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(report_dict(sample_results.failing()))
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        pytest.param([], "at /: [] is not of type 'object'", id="not-an-object"),
        pytest.param(
            _broken(lambda d: d.pop("mode")), "'mode' is a required property", id="no-mode"
        ),
        pytest.param(
            _broken(lambda d: d["findings"][0].update({"severity": "fatal"})),
            "at /findings/0/severity",
            id="bad-severity",
        ),
        pytest.param(
            _broken(lambda d: d["findings"][0].update({"line": "3"})),
            "at /findings/0/line: '3' is not of type",
            id="line-not-int",
        ),
        pytest.param(
            _broken(lambda d: d.update({"findings": {}})),
            "at /findings: {} is not of type 'array'",
            id="findings-not-list",
        ),
        pytest.param(
            _broken(lambda d: d["findings"][0].update({"kind": ["<img src=x>"]})),
            "at /findings/0/kind",
            id="kind-not-text",
        ),
        pytest.param(
            _broken(lambda d: d["timings"].update({"validate": 10**400})),
            "at /timings/validate",
            id="timing-beyond-a-float",
        ),
        pytest.param(
            _broken(lambda d: d["schemas"][0].update({"fixtures": {"passed": -1}})),
            "at /schemas/0/fixtures/passed",
            id="negative-count",
        ),
        pytest.param(
            _broken(lambda d: d.update({"report-version": 99})), "newer", id="future-version"
        ),
    ],
)
def test_malformed_report_is_a_usage_error_naming_the_file(data: Any, detail: str) -> None:
    with pytest.raises(UsageError, match=r"report\.json: ") as e:
        result_from_report(data, "report.json")
    assert detail in str(e.value)
    assert "registry-contract" in str(e.value)


def test_shipped_report_schema_accepts_every_report_the_gate_writes() -> None:
    for build in (sample_results.passing, sample_results.failing, sample_results.drift):
        assert find_shape_error(report_dict(build())) is None


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        pytest.param(
            sample_results.passing,
            {"result": "pass", "violations": "0", "drift": "false", "fallbacks": "0"},
            id="passing",
        ),
        pytest.param(
            sample_results.failing,
            {"result": "fail", "violations": "3", "invalid-fixtures": "2", "breaking-changes": "1"},
            id="failing",
        ),
        pytest.param(
            sample_results.fallback,
            {"result": "warn", "violations": "1", "fallbacks": "1"},
            id="fallback-warn",
        ),
        pytest.param(sample_results.drift, {"result": "pass", "drift": "true"}, id="drift"),
    ],
)
def test_gate_outputs(build: Callable[[], GateResult], expected: dict[str, str]) -> None:
    outputs = gate_outputs(build(), report_json="/r/report.json", summary_markdown="/r/summary.md")
    assert expected.items() <= outputs.items()
    assert outputs["report-json"] == "/r/report.json"
    assert set(outputs) == {
        "result",
        "violations",
        "invalid-fixtures",
        "breaking-changes",
        "drift",
        "fallbacks",
        "report-json",
        "summary-markdown",
    }
