"""The JSON report: a stable, documented shape that later versions only add to."""

from __future__ import annotations

import json
from typing import Any

from ..model import BREAKING_CHANGE, DRIFT, FALLBACK, INVALID_FIXTURE, GateResult

REPORT_VERSION = 1


def report_dict(result: GateResult) -> dict[str, Any]:
    return {
        "report-version": REPORT_VERSION,
        "passed": result.passed,
        "result": result.result,
        "mode": result.mode,
        "override": result.override,
        "counts": {
            "violations": len(result.violations),
            "invalid-fixtures": result.count(INVALID_FIXTURE),
            "breaking-changes": result.count(BREAKING_CHANGE),
            "drift": sum(1 for f in result.findings if f.kind == DRIFT),
            "fallbacks": sum(1 for f in result.findings if f.kind == FALLBACK),
            "fixtures": len(result.fixtures),
        },
        "schemas": [s.to_dict() for s in result.schemas],
        "findings": [f.to_dict() for f in result.findings],
        "compat": [
            {
                "schema": c.schema,
                "context": c.context,
                "old": c.old,
                "new": c.new,
                "level": c.level,
                "compatible": c.compatible,
                "breaking": c.breaking,
            }
            for c in result.compat_checks
        ],
        "fixtures": [
            {
                "schema": x.schema,
                "track": x.track,
                "file": x.file,
                "line": x.line,
                "expected": x.expected,
                "ok": x.ok,
            }
            for x in result.fixtures
        ],
        "timings": {k: round(v, 4) for k, v in result.timings.items()},
        "fetch": result.fetch,
        "command": result.command,
    }


def render_json(result: GateResult) -> str:
    return json.dumps(report_dict(result), indent=2, sort_keys=False) + "\n"
