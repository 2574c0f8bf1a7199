"""The action's outputs (`steps.<id>.outputs.*`) as strings, computed from one result."""

from __future__ import annotations

from ..model import BREAKING_CHANGE, DRIFT, FALLBACK, INVALID_FIXTURE, GateResult


def gate_outputs(
    result: GateResult, *, report_json: str = "", summary_markdown: str = ""
) -> dict[str, str]:
    """Counts follow the JSON report: violations only, except drift and fallbacks (any severity)."""
    return {
        "result": result.result,
        "violations": str(len(result.violations)),
        "invalid-fixtures": str(result.count(INVALID_FIXTURE)),
        "breaking-changes": str(result.count(BREAKING_CHANGE)),
        "drift": "true" if any(f.kind == DRIFT for f in result.findings) else "false",
        "fallbacks": str(sum(1 for f in result.findings if f.kind == FALLBACK)),
        "report-json": report_json,
        "summary-markdown": summary_markdown,
    }
