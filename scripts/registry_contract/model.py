"""Plain data shared by the gate, the reports and the GitHub surface."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .text import EXCERPT_LIMIT, excerpt

Severity = Literal["error", "warning", "info"]

# Finding kinds; their counts become the action's outputs.
INVALID_FIXTURE = "invalid-fixture"
BREAKING_CHANGE = "breaking-change"
SCHEMA_CHANGE = "schema-change"  # a change reported at level NONE, or one that breaks nothing
DRIFT = "drift"
FALLBACK = "fallback"
DEPRECATED_TRACK = "deprecated-track"
REGISTRY = "registry"
EXEMPTION = "exemption"


_TEXT_FIELDS = ("schema", "message", "rule", "track", "file", "path", "schema_path", "reason")


@dataclass(frozen=True)
class Finding:
    """One thing the gate noticed, with where it is and why."""

    kind: str
    severity: Severity
    schema: str
    message: str
    rule: str
    track: str | None = None
    file: str | None = None
    line: int | None = None
    path: str | None = None
    schema_path: str | None = None
    witness: Any = None
    has_witness: bool = False
    accepted: bool = False
    reason: str | None = None

    def __post_init__(self) -> None:
        # Messages quote payloads (`'...' is not of type 'integer'`) and paths name their keys:
        # a fixture of megabytes must not become megabytes in every report.
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str) and len(value) > EXCERPT_LIMIT:
                object.__setattr__(self, name, excerpt(value))

    @property
    def is_violation(self) -> bool:
        return self.severity == "error" and not self.accepted

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "severity": self.severity,
            "schema": self.schema,
            "track": self.track,
            "file": self.file,
            "line": self.line,
            "path": self.path,
            "schema_path": self.schema_path,
            "rule": self.rule,
            "message": self.message,
        }
        if self.has_witness:
            data["witness"] = self.witness
        if self.accepted:
            data["accepted"] = True
            data["reason"] = self.reason
        return data


@dataclass(frozen=True)
class FixtureResult:
    """The outcome of one fixture payload (one file, or one line of a JSONL file)."""

    schema: str
    track: str
    file: str
    expected: Literal["valid", "invalid"]
    ok: bool
    line: int | None = None


@dataclass(frozen=True)
class CompatCheck:
    """One compatibility comparison the gate ran (v1 vs v2, lock vs registry, base vs PR)."""

    schema: str
    context: Literal["tracks", "drift", "against"]
    old: str
    new: str
    level: str
    compatible: bool
    breaking: int


@dataclass
class SchemaReport:
    """What the gate resolved and observed for one configured schema."""

    name: str
    track: str | None
    fallback: bool
    version: int | None
    sha256: str | None
    tracks: list[str] = field(default_factory=list)
    fixtures_passed: int = 0
    fixtures_failed: int = 0
    compat: str | None = None  # "compatible" | "breaking" | None when not checked
    drift: str | None = None  # "unchanged" | "changed" | "unknown" | None when offline

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "track": self.track,
            "fallback": self.fallback,
            "version": self.version,
            "sha256": self.sha256,
            "tracks": self.tracks,
            "fixtures": {"passed": self.fixtures_passed, "failed": self.fixtures_failed},
            "compat": self.compat,
            "drift": self.drift,
        }


@dataclass
class GateResult:
    """Everything one gate run found; reports are pure functions of this."""

    mode: Literal["enforce", "warn"]
    schemas: list[SchemaReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    fixtures: list[FixtureResult] = field(default_factory=list)
    compat_checks: list[CompatCheck] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    fetch: dict[str, Any] = field(default_factory=dict)
    command: str = "registry-contract gate --offline"
    override: str | None = None  # why enforce was turned into warn (break-glass label)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.is_violation]

    @property
    def passed(self) -> bool:
        return self.mode == "warn" or not self.violations

    @property
    def result(self) -> Literal["pass", "fail", "warn"]:
        if not self.violations:
            return "pass"
        return "warn" if self.mode == "warn" else "fail"

    def count(self, kind: str) -> int:
        """Count the violations of one kind (accepted and warning findings do not count)."""
        return sum(1 for f in self.violations if f.kind == kind)
