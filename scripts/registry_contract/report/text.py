"""The terminal report: a verdict line, one line per schema, one line per finding."""

from __future__ import annotations

from ..model import GateResult


def render_text(result: GateResult) -> str:
    verdict = {"pass": "PASS", "fail": "FAIL", "warn": "WARN"}[result.result]
    lines = [
        f"registry-contract: {verdict} ({result.mode}) - {len(result.schemas)} schema(s), "
        f"{len(result.fixtures)} fixture check(s), {len(result.violations)} violation(s)"
    ]
    if result.override:
        lines.append(f"OVERRIDE: {result.override}")
    width = max((len(s.name) for s in result.schemas), default=0)
    for s in result.schemas:
        flag = " (fallback)" if s.fallback else ""
        digest = (s.sha256 or "")[:12]
        extra = f", v1->v2 {s.compat}" if s.compat else ""
        extra += f", drift {s.drift}" if s.drift else ""
        lines.append(
            f"  {s.name:<{width}}  {s.track}{flag} version {s.version} sha256 {digest}  "
            f"fixtures {s.fixtures_passed} passed, {s.fixtures_failed} failed{extra}"
        )
    for f in result.findings:
        where = f.file or ""
        if where and f.line:
            where += f":{f.line}"
        if f.path:
            where += f" at {f.path}"
        target = "registry" if f.schema == "*" else f.schema
        if f.track:
            target += f"@{f.track}"
        status = "accepted" if f.accepted else f.severity
        head = " ".join(part for part in (f"{status:<8}", target, where) if part)
        schema_path = f" (schema {f.schema_path})" if f.schema_path else ""
        lines.append(f"{head}: {f.message} [{f.kind}: {f.rule}]{schema_path}")
        if f.accepted and f.reason:
            lines.append(f"         exemption: {f.reason}")
    return "\n".join(lines) + "\n"
