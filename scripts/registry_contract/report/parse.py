"""Rebuild a GateResult from a JSON report, so a later job can render what an earlier one found."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..model import CompatCheck, Finding, FixtureResult, GateResult, SchemaReport
from ..text import excerpt
from .json import REPORT_VERSION

_FINDING_FIELDS = {f.name for f in dataclasses.fields(Finding)} - {"has_witness"}
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "report.schema.json"


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema of report.json, shipped in the package (data/report.schema.json)."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_bytes())
    return loaded


def find_shape_error(data: Any) -> str | None:
    """Where and why `data` is not a report's shape, or None when it is one."""
    import jsonschema
    import jsonschema_rs

    if jsonschema_rs.validator_for(report_schema()).is_valid(data):
        return None
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(report_schema()).iter_errors(data)
    )
    if error is None:  # jsonschema-rs was stricter than the reference; the reference wins
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"at /{where}: {excerpt(error.message)}"


def result_from_report(data: Any, source: str = "report") -> GateResult:
    """The GateResult behind `report_dict(...)`; unknown keys (added by later versions) are ignored.

    The report may come from an untrusted job (a fork's pull request), so its shape is checked
    against data/report.schema.json before anything is read from it, and rendering escapes
    all text.
    """
    problem = find_shape_error(data)
    if problem is not None:
        raise UsageError(
            f"{source}: not a registry-contract JSON report ({problem})",
            hint="pass the report.json written by `registry-contract gate --report-dir DIR`",
        )
    version = data["report-version"]
    if version > REPORT_VERSION:
        raise UsageError(
            f"{source}: report-version {version} is newer than this tool understands",
            hint="run `comment`/`summary` with the registry-contract version the gate ran",
        )
    return _build(data)


def _build(data: Mapping[str, Any]) -> GateResult:
    """The result behind a report whose shape report.schema.json has checked."""
    return GateResult(
        mode=data["mode"],
        schemas=[_schema(s) for s in data.get("schemas", [])],
        findings=[_finding(f) for f in data.get("findings", [])],
        fixtures=[_fixture(f) for f in data.get("fixtures", [])],
        compat_checks=[_compat(c) for c in data.get("compat", [])],
        timings={k: float(v) for k, v in (data.get("timings") or {}).items()},
        fetch=dict(data.get("fetch") or {}),
        command=data.get("command") or "registry-contract gate",
        override=data.get("override"),
    )


def _finding(raw: Mapping[str, Any]) -> Finding:
    fields: dict[str, Any] = {k: v for k, v in raw.items() if k in _FINDING_FIELDS}
    fields["accepted"] = bool(fields.get("accepted", False))
    return Finding(**fields, has_witness="witness" in raw)


def _schema(raw: Mapping[str, Any]) -> SchemaReport:
    fixtures = raw.get("fixtures") or {}
    return SchemaReport(
        name=raw["name"],
        track=raw.get("track"),
        fallback=bool(raw.get("fallback", False)),
        version=raw.get("version"),
        sha256=raw.get("sha256"),
        tracks=list(raw.get("tracks", [])),
        fixtures_passed=fixtures.get("passed") or 0,
        fixtures_failed=fixtures.get("failed") or 0,
        compat=raw.get("compat"),
        drift=raw.get("drift"),
    )


def _fixture(raw: Mapping[str, Any]) -> FixtureResult:
    return FixtureResult(
        schema=raw["schema"],
        track=raw["track"],
        file=raw["file"],
        expected=raw["expected"],
        ok=raw["ok"],
        line=raw.get("line"),
    )


def _compat(raw: Mapping[str, Any]) -> CompatCheck:
    return CompatCheck(
        schema=raw["schema"],
        context=raw["context"],
        old=raw["old"],
        new=raw["new"],
        level=raw["level"],
        compatible=raw["compatible"],
        breaking=raw.get("breaking") or 0,
    )
