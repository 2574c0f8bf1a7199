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
from registry_contract.report.parse import result_from_report
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
        pytest.param([], "top level is not an object", id="not-an-object"),
        pytest.param(_broken(lambda d: d.pop("mode")), "missing key 'mode'", id="no-mode"),
        pytest.param(
            _broken(lambda d: d.update({"report-version": 99})), "newer", id="future-version"
        ),
        pytest.param(
            _broken(lambda d: d["findings"][0].update({"severity": "fatal"})),
            "severity",
            id="bad-severity",
        ),
        pytest.param(
            _broken(lambda d: d["findings"][0].update({"line": "3"})),
            "expected an integer",
            id="line-not-int",
        ),
        pytest.param(
            _broken(lambda d: d.update({"findings": {}})), "not a list", id="findings-not-list"
        ),
    ],
)
def test_malformed_report_is_a_usage_error_naming_the_file(data: Any, detail: str) -> None:
    with pytest.raises(UsageError, match=r"report\.json: not a registry-contract JSON report") as e:
        result_from_report(data, "report.json")
    assert detail in str(e.value)
    assert "registry-contract gate --report-dir" in str(e.value)


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
