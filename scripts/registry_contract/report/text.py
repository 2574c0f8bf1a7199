"""The terminal report: a verdict line, one line per schema, one line per finding."""

from __future__ import annotations

from ..model import GateResult
from ..text import excerpt, one_line


def render_text(result: GateResult) -> str:
    """Every name, path and message is untrusted (a fork's fixture names, a registry's text):
    each is cut to an excerpt and kept on its line."""
    verdict = {"pass": "PASS", "fail": "FAIL", "warn": "WARN"}[result.result]
    lines = [
        f"registry-contract: {verdict} ({result.mode}) - {len(result.schemas)} schema(s), "
        f"{len(result.fixtures)} fixture check(s), {len(result.violations)} violation(s)"
    ]
    if result.override:
        lines.append(f"OVERRIDE: {_one(result.override)}")
    width = max((len(s.name) for s in result.schemas), default=0)
    for s in result.schemas:
        flag = " (fallback)" if s.fallback else ""
        digest = (s.sha256 or "")[:12]
        extra = f", v1->v2 {_one(s.compat)}" if s.compat else ""
        extra += f", drift {_one(s.drift)}" if s.drift else ""
        lines.append(
            f"  {_one(s.name):<{width}}  {_one(s.track)}{flag} version {s.version} "
            f"sha256 {_one(digest)}  "
            f"fixtures {s.fixtures_passed} passed, {s.fixtures_failed} failed{extra}"
        )
    for f in result.findings:
        where = _one(f.file or "")
        if where and f.line:
            where += f":{f.line}"
        if f.path:
            where += f" at {_one(f.path)}"
        target = "registry" if f.schema == "*" else _one(f.schema)
        if f.track:
            target += f"@{_one(f.track)}"
        status = "accepted" if f.accepted else f.severity
        head = " ".join(part for part in (f"{status:<8}", target, where) if part)
        schema_path = f" (schema {_one(f.schema_path)})" if f.schema_path else ""
        lines.append(f"{head}: {_one(f.message)} [{_one(f.kind)}: {_one(f.rule)}]{schema_path}")
        if f.accepted and f.reason:
            lines.append(f"         exemption: {_one(f.reason)}")
    return "\n".join(lines) + "\n"


def _one(value: object) -> str:
    return one_line(excerpt(str(value)))
