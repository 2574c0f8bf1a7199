"""SARIF 2.1.0 for code scanning: findings as results with locations and stable rule ids."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..model import Finding, GateResult
from .locations import Locations

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT = "registryContractFinding/v1"
_LEVEL_BY_SEVERITY = {"error": "error", "warning": "warning", "info": "note"}


def rule_id(finding: Finding) -> str:
    """Stable across runs and versions: kind/rule, e.g. breaking-change/enum-value-removed."""
    return f"{finding.kind}/{finding.rule}"


def render_sarif(result: GateResult, locations: Locations | None = None) -> str:
    return json.dumps(sarif_dict(result, locations), indent=2, ensure_ascii=False) + "\n"


def sarif_dict(result: GateResult, locations: Locations | None = None) -> dict[str, Any]:
    """One run; every finding that has a file (a fixture or a locked schema) is a result."""
    where = locations or Locations()
    located = [(f, where.file_of(f)) for f in result.findings]
    findings = [(f, file) for f, file in located if file]
    rules: dict[str, dict[str, Any]] = {}
    for finding, _ in findings:
        rules.setdefault(rule_id(finding), _rule(finding))
    index = {rid: i for i, rid in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "registry-contract",
                        "version": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "results": [_result(f, file, index[rule_id(f)]) for f, file in findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _rule(finding: Finding) -> dict[str, Any]:
    return {
        "id": rule_id(finding),
        "name": finding.rule,
        "shortDescription": {"text": f"{finding.kind}: {finding.rule}"},
        "defaultConfiguration": {"level": _LEVEL_BY_SEVERITY[finding.severity]},
        "properties": {"tags": ["registry-contract", finding.kind]},
    }


def _result(finding: Finding, file: str, rule_index: int) -> dict[str, Any]:
    target = f"{finding.schema}@{finding.track}" if finding.track else finding.schema
    at = f" at {finding.path}" if finding.path else ""
    properties: dict[str, Any] = {"schema": finding.schema, "kind": finding.kind}
    if finding.track:
        properties["track"] = finding.track
    if finding.path is not None:
        properties["jsonPointer"] = finding.path
    if finding.has_witness:
        properties["witness"] = finding.witness
    result: dict[str, Any] = {
        "ruleId": rule_id(finding),
        "ruleIndex": rule_index,
        "level": _LEVEL_BY_SEVERITY[finding.severity],
        "message": {"text": f"{target}: {finding.message}{at}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(file)},
                    "region": {"startLine": finding.line or 1},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT: _fingerprint(finding, file)},
        "properties": properties,
    }
    if finding.accepted:
        result["suppressions"] = [
            {"kind": "external", "justification": finding.reason or "accepted by an exemption"}
        ]
    return result


def _fingerprint(finding: Finding, file: str) -> str:
    """Identity without the message (alerts survive rewording); the line tells JSONL apart."""
    parts = [
        finding.kind,
        finding.rule,
        finding.schema,
        finding.track or "",
        file,
        finding.path or "",
    ]
    key = "\0".join([*parts, str(finding.line or "")])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
