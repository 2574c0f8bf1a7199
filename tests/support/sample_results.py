"""Hand-built GateResults for the report and GitHub tests: passing, failing, fallback, drift, many."""

from __future__ import annotations

from registry_contract.model import (
    BREAKING_CHANGE,
    DEPRECATED_TRACK,
    DRIFT,
    FALLBACK,
    INVALID_FIXTURE,
    CompatCheck,
    Finding,
    FixtureResult,
    GateResult,
    SchemaReport,
)

FEEDBACK = "telemetry.FeedbackEvent"
RATE = "telemetry.RateAdjustment"
SHA_A = "87c4578cb15474e4775fcfb37dbd0e9afd5394a533ef280a5b494a03610cc12b"
SHA_B = "e2f67f909f7867020b917247a6507f018b2f749a2780afef32cc57582188f870"
FIXTURES = "tests/contracts/fixtures/payloads"


def _schemas(**changes: object) -> list[SchemaReport]:
    feedback = SchemaReport(FEEDBACK, "v2", False, 3, SHA_A, ["v2", "v1"], 22, 0, "compatible")
    rate = SchemaReport(RATE, "v2", False, 1, SHA_B, ["v2", "v1"], 9, 0, "compatible")
    for key, value in changes.items():
        setattr(rate, key, value)
    return [feedback, rate]


def _fixtures(failed: int = 0) -> list[FixtureResult]:
    ok = [
        FixtureResult(FEEDBACK, "v2", f"{FIXTURES}/{FEEDBACK}/valid/store-ok.json", "valid", True),
        FixtureResult(
            FEEDBACK, "v2", f"{FIXTURES}/{FEEDBACK}/valid/captured.jsonl", "valid", True, 1
        ),
        FixtureResult(RATE, "v2", f"{FIXTURES}/{RATE}/valid/halve-rate.json", "valid", True),
    ]
    bad = [
        FixtureResult(
            FEEDBACK, "v2", f"{FIXTURES}/{FEEDBACK}/valid/captured.jsonl", "valid", False, 3
        ),
        FixtureResult(RATE, "v2", f"{FIXTURES}/{RATE}/invalid/zero-scale.json", "invalid", False),
    ]
    return ok + bad[:failed]


def _compat(compatible: bool = True) -> list[CompatCheck]:
    return [
        CompatCheck(
            FEEDBACK,
            "tracks",
            f"{FEEDBACK}@v1 (version 2)",
            f"{FEEDBACK}@v2 (version 3)",
            "BACKWARD",
            True,
            0,
        ),
        CompatCheck(
            RATE,
            "tracks",
            f"{RATE}@v1 (version 1)",
            f"{RATE}@v2 (version 1)",
            "BACKWARD",
            compatible,
            0 if compatible else 1,
        ),
    ]


def _base(**kwargs: object) -> GateResult:
    result = GateResult(
        mode="enforce",
        timings={"validate": 0.0132, "compat": 0.0051, "total": 0.0214},
        command="registry-contract gate --offline",
    )
    for key, value in kwargs.items():
        setattr(result, key, value)
    return result


def passing() -> GateResult:
    return _base(schemas=_schemas(), fixtures=_fixtures(), compat_checks=_compat())


def failing() -> GateResult:
    """Two invalid fixtures (one with Markdown-hostile text), a breaking change, one accepted."""
    result = _base(
        schemas=_schemas(fixtures_failed=1, compat="breaking"),
        fixtures=_fixtures(failed=2),
        compat_checks=_compat(compatible=False),
        fetch={"requests": 12, "p50_ms": 8.0, "p95_ms": 35.2, "cache_hit_ratio": 0.8},
        command="registry-contract gate --against origin/main",
    )
    result.schemas[0].fixtures_failed = 1
    result.findings = [
        Finding(
            kind=INVALID_FIXTURE,
            severity="error",
            schema=FEEDBACK,
            track="v2",
            file=f"{FIXTURES}/{FEEDBACK}/valid/captured.jsonl",
            line=3,
            path="/level",
            schema_path="/properties/level/enum",
            rule="enum",
            message="'fatal|<b>x</b>' is not one of ['info', 'warn'] (ping @octo-org/team, `rm`)",
        ),
        Finding(
            kind=INVALID_FIXTURE,
            severity="error",
            schema=RATE,
            track="v2",
            file=f"{FIXTURES}/{RATE}/invalid/zero-scale.json",
            rule="negative-fixture-accepted",
            message=f"negative fixture was accepted by {RATE}@v2; it must be rejected",
        ),
        Finding(
            kind=BREAKING_CHANGE,
            severity="error",
            schema=RATE,
            track="v2",
            file=f"schemas-lock/{RATE}/v2.json",
            path="/properties/reason/enum",
            schema_path="/properties/reason/enum",
            rule="enum-value-removed",
            message=f"{RATE}@v1 (version 1) -> {RATE}@v2 (version 1): "
            "enum value 'quota' was removed",
            witness={"provider": "aws", "reason": "quota", "scale": 0.5},
            has_witness=True,
        ),
        Finding(
            kind=BREAKING_CHANGE,
            severity="error",
            schema=FEEDBACK,
            track="v2",
            file=f"schemas-lock/{FEEDBACK}/v2.json",
            path="/required",
            rule="required-added",
            message=f"{FEEDBACK}@v1 (version 2) -> {FEEDBACK}@v2 (version 3): "
            "property 'source' became required",
            witness={"level": "info"},
            has_witness=True,
            accepted=True,
            reason="all producers send source since 2024-03 (TICKET-12)",
        ),
    ]
    return result


def fallback() -> GateResult:
    """RateAdjustment has no v2 in the lock: fell back to v1, below require-track; warn mode."""
    result = _base(
        mode="warn",
        schemas=_schemas(track="v1", fallback=True, version=1, tracks=["v1"], compat=None),
        fixtures=_fixtures(),
        compat_checks=_compat()[:1],
        override="label `contract-break-glass` on #42 by @alice: hotfix for INC-7",
    )
    result.findings = [
        Finding(
            kind=FALLBACK,
            severity="error",
            schema=RATE,
            track="v1",
            rule="require-track",
            message=f"{RATE} has no v2 in the lock; fell back to v1, below require-track v2",
        ),
        Finding(
            kind=DEPRECATED_TRACK,
            severity="warning",
            schema=RATE,
            track="v1",
            rule="deprecated-track",
            message=f"{RATE} resolves to deprecated track v1; move to v2",
        ),
    ]
    return result


def drift() -> GateResult:
    """The registry has a newer FeedbackEvent v2 than the lock; RateAdjustment is unknown."""
    result = _base(
        schemas=_schemas(drift="unknown"),
        fixtures=_fixtures(),
        compat_checks=[
            *_compat(),
            CompatCheck(
                FEEDBACK,
                "drift",
                f"{FEEDBACK}@v2 (version 3, locked)",
                f"{FEEDBACK}@v2 (version 4, registry)",
                "BACKWARD",
                True,
                0,
            ),
        ],
        fetch={"requests": 4, "p50_ms": 11.0, "p95_ms": 48.9, "cache_hit_ratio": 0.5},
        command="registry-contract gate",
    )
    result.schemas[0].drift = "changed"
    result.findings = [
        Finding(
            kind=DRIFT,
            severity="warning",
            schema=FEEDBACK,
            track="v2",
            rule="registry-newer",
            message=f"the registry has {FEEDBACK}@v2 version 4, the lock has version 3; "
            "run `registry-contract lock` to refresh",
        ),
        Finding(
            kind=DRIFT,
            severity="warning",
            schema=RATE,
            track="v2",
            rule="registry-unreachable",
            message="the registry did not answer for telemetry.RateAdjustment-v2 (timeout)",
        ),
    ]
    return result


def many_findings(count: int) -> GateResult:
    """`count` invalid JSONL lines and `count` breaking changes: far too much for one comment."""
    result = failing()
    jsonl = f"{FIXTURES}/{FEEDBACK}/valid/big.jsonl"
    result.findings = [
        Finding(
            kind=INVALID_FIXTURE,
            severity="error",
            schema=FEEDBACK,
            track="v2",
            file=jsonl,
            line=n,
            path="/utilisation",
            rule="maximum",
            message=f"{1 + n / 1000} is greater than the maximum of 1",
        )
        for n in range(1, count + 1)
    ] + [
        Finding(
            kind=BREAKING_CHANGE,
            severity="error",
            schema=RATE,
            track="v2",
            file=f"schemas-lock/{RATE}/v2.json",
            path=f"/properties/field{n}",
            rule="property-removed",
            message=f"property field{n} was removed",
            witness={f"field{n}": "x" * 40},
            has_witness=True,
        )
        for n in range(1, count + 1)
    ]
    return result
