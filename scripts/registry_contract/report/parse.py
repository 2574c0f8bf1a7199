"""Rebuild a GateResult from a JSON report, so a later job can render what an earlier one found."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..errors import UsageError
from ..model import CompatCheck, Finding, FixtureResult, GateResult, SchemaReport
from .json import REPORT_VERSION

_FINDING_FIELDS = {f.name for f in dataclasses.fields(Finding)} - {"has_witness"}


def result_from_report(data: Any, source: str = "report") -> GateResult:
    """The GateResult behind `report_dict(...)`; unknown keys (added by later versions) are ignored.

    The report may come from an untrusted job (a fork's pull request), so every field is
    type-checked here and rendering escapes all text.
    """
    try:
        return _build(data)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        detail = f"missing key {e}" if isinstance(e, KeyError) else str(e)
        raise UsageError(
            f"{source}: not a registry-contract JSON report ({detail})",
            hint="pass the report.json written by `registry-contract gate --report-dir DIR`",
        ) from e


def _build(data: Any) -> GateResult:
    if not isinstance(data, Mapping):
        raise TypeError("the top level is not an object")
    version = data["report-version"]
    if not isinstance(version, int) or version > REPORT_VERSION:
        raise ValueError(f"report-version {version!r} is newer than this tool understands")
    mode = data["mode"]
    if mode not in ("enforce", "warn"):
        raise ValueError(f"mode {mode!r} is not enforce or warn")
    return GateResult(
        mode=mode,
        schemas=[_schema(s) for s in _list(data, "schemas")],
        findings=[_finding(f) for f in _list(data, "findings")],
        fixtures=[_fixture(f) for f in _list(data, "fixtures")],
        compat_checks=[_compat(c) for c in _list(data, "compat")],
        timings={str(k): float(v) for k, v in _dict(data, "timings").items()},
        fetch=dict(_dict(data, "fetch")),
        command=_str(data.get("command")) or "registry-contract gate",
        override=_opt_str(data.get("override")),
    )


def _list(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise TypeError(f"{key} is not a list of objects")
    return value


def _dict(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{key} is not an object")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _opt_int(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value


def _finding(raw: Mapping[str, Any]) -> Finding:
    fields: dict[str, Any] = {k: v for k, v in raw.items() if k in _FINDING_FIELDS}
    for key in ("kind", "schema", "message", "rule"):
        _str(fields[key])
    if fields["severity"] not in ("error", "warning", "info"):
        raise ValueError(f"severity {fields['severity']!r} is not error, warning or info")
    for key in ("track", "file", "path", "schema_path", "reason"):
        _opt_str(fields.get(key))
    _opt_int(fields.get("line"))
    fields["accepted"] = bool(fields.get("accepted", False))
    return Finding(**fields, has_witness="witness" in raw)


def _schema(raw: Mapping[str, Any]) -> SchemaReport:
    fixtures = raw.get("fixtures") or {}
    return SchemaReport(
        name=_str(raw["name"]),
        track=_opt_str(raw.get("track")),
        fallback=bool(raw.get("fallback", False)),
        version=_opt_int(raw.get("version")),
        sha256=_opt_str(raw.get("sha256")),
        tracks=[_str(t) for t in raw.get("tracks", [])],
        fixtures_passed=_opt_int(fixtures.get("passed")) or 0,
        fixtures_failed=_opt_int(fixtures.get("failed")) or 0,
        compat=_opt_str(raw.get("compat")),
        drift=_opt_str(raw.get("drift")),
    )


def _fixture(raw: Mapping[str, Any]) -> FixtureResult:
    expected = raw["expected"]
    if expected not in ("valid", "invalid"):
        raise ValueError(f"fixture expectation {expected!r} is not valid or invalid")
    return FixtureResult(
        schema=_str(raw["schema"]),
        track=_str(raw["track"]),
        file=_str(raw["file"]),
        expected=expected,
        ok=bool(raw["ok"]),
        line=_opt_int(raw.get("line")),
    )


def _compat(raw: Mapping[str, Any]) -> CompatCheck:
    context = raw["context"]
    if context not in ("tracks", "drift", "against"):
        raise ValueError(f"compatibility context {context!r} is unknown")
    return CompatCheck(
        schema=_str(raw["schema"]),
        context=context,
        old=_str(raw["old"]),
        new=_str(raw["new"]),
        level=_str(raw["level"]),
        compatible=bool(raw["compatible"]),
        breaking=_opt_int(raw.get("breaking")) or 0,
    )
