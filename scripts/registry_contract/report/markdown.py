"""The step summary and the pull request comment: verdict, one row per schema, details, footer."""

from __future__ import annotations

import json
import re
from typing import Any

from ..model import (
    BREAKING_CHANGE,
    DRIFT,
    FALLBACK,
    INVALID_FIXTURE,
    Finding,
    GateResult,
    SchemaReport,
)
from .annotations import MAX_ANNOTATIONS, hidden_annotations
from .mdlayout import Section, compose
from .mdtext import code, escape, fenced, plural

COMMENT_LIMIT = 65_536  # GitHub refuses longer comment bodies
SUMMARY_LIMIT = 1_000_000  # GitHub refuses step summaries over 1 MiB
WITNESS_LIMIT = 4_000  # one witness payload never crowds out the rest of the report
RUN_LINE = "<sub>⏱ "  # the line that changes on every run; see stable_body()
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")

_TITLE_BY_RESULT = {
    "pass": "✅ Contract gate passed",
    "fail": "❌ Contract gate failed",
    "warn": "⚠️ Contract gate found violations (warn mode: not failing)",
}
_KIND_LABELS = {
    INVALID_FIXTURE: ("invalid fixture", "invalid fixtures"),
    BREAKING_CHANGE: ("breaking change", "breaking changes"),
    DRIFT: ("drift", "drift"),
    FALLBACK: ("fallback", "fallbacks"),
}
_DRIFT_CELL = {"unchanged": "✅ unchanged", "changed": "⚠️ changed", "unknown": "❔ unknown"}


def comment_marker(key: str) -> str:
    """The hidden line that identifies our comment; one per key (service) and pull request."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"comment key {key!r} must be 1-100 letters, digits, '.', '_', '/' or '-'")
    return f"<!-- registry-contract-gate:{key} -->"


def stable_body(text: str) -> str:
    """The body without the per-run line (timings, run link): what decides 'unchanged'."""
    return "\n".join(line for line in text.split("\n") if not line.startswith(RUN_LINE))


def render_markdown(
    result: GateResult,
    *,
    marker: str = "",
    label: str = "",
    limit: int = SUMMARY_LIMIT,
    run_url: str | None = None,
) -> str:
    """The whole report as GitHub Markdown, cut at an item boundary to stay under `limit` bytes."""
    title = _TITLE_BY_RESULT[result.result] + (f" · {code(label)}" if label else "")
    top = [marker] if marker else []
    top.append(f"## {title}")
    if result.override:
        top.append(
            "> [!CAUTION]\n> **BREAK-GLASS OVERRIDE: this run was NOT enforced.** "
            f"{escape(result.override)}\n> Violations below are reported but do not fail the check."
        )
    top.append(_counts(result))
    blocks = [_schema_table(result), *_sections(result)]
    return compose(top, [b for b in blocks if b.items], _footer(result, run_url), limit)


def _counts(result: GateResult) -> str:
    violations = result.violations
    parts = [
        plural(len(result.schemas), "schema"),
        plural(len(result.fixtures), "fixture check"),
        plural(len(result.compat_checks), "compatibility check"),
    ]
    line = " · ".join(parts) + f" · **{plural(len(violations), 'violation')}**"
    kinds = []
    for kind in dict.fromkeys(f.kind for f in violations):
        one, many = _KIND_LABELS.get(kind) or (escape(kind), escape(kind))
        kinds.append(plural(sum(1 for f in violations if f.kind == kind), one, many))
    if kinds:
        line += f" ({', '.join(kinds)})"
    warnings = sum(1 for f in result.findings if f.severity == "warning" and not f.accepted)
    accepted = sum(1 for f in result.findings if f.accepted)
    if warnings:
        line += f" · {plural(warnings, 'warning')}"
    if accepted:
        line += f" · {accepted} accepted"
    return line


def _schema_table(result: GateResult) -> Section:
    head = (
        "| Schema | Track | Version | Digest | Fixtures | Track compatibility | Drift |\n"
        "| --- | --- | --- | --- | --- | --- | --- |"
    )
    return Section(head, [_schema_row(s) for s in result.schemas])


def _schema_row(s: SchemaReport) -> str:
    track = code(s.track, table=True) if s.track else "—"
    if s.fallback:
        track = f"⚠️ {track} (fallback)"
    digest = code(s.sha256[:12], table=True) if s.sha256 else "—"
    fixtures = f"{s.fixtures_passed} passed" if s.fixtures_passed or s.fixtures_failed else "—"
    if s.fixtures_failed:
        fixtures += f", ❌ {s.fixtures_failed} failed"
    compat = "—"
    if s.compat:
        icon = "✅" if s.compat == "compatible" else "❌"
        pair = f"{s.tracks[-1]} → {s.tracks[0]} " if len(s.tracks) > 1 else ""
        compat = f"{escape(pair)}{icon} {escape(s.compat)}"
    drift = _DRIFT_CELL.get(s.drift or "", escape(s.drift or "—"))
    cells = [
        code(s.name, table=True),
        track,
        str(s.version) if s.version is not None else "—",
        digest,
        fixtures,
    ]
    return "| " + " | ".join([*cells, compat, drift]) + " |"


def _sections(result: GateResult) -> list[Section]:
    live = [f for f in result.findings if not f.accepted]
    invalid = [f for f in live if f.is_violation and f.kind == INVALID_FIXTURE]
    breaking = [f for f in live if f.is_violation and f.kind == BREAKING_CHANGE]
    drift = [f for f in live if f.kind == DRIFT]
    shown = {id(f) for f in (*invalid, *breaking, *drift)}
    other = [f for f in live if f.is_violation and id(f) not in shown]
    warnings = [f for f in live if f.severity == "warning" and id(f) not in shown]
    notes = [f for f in live if f.severity == "info" and id(f) not in shown]
    accepted = [f for f in result.findings if f.accepted]
    fixture_head = "| File | Line | Schema | JSON path | Problem |\n| --- | --- | --- | --- | --- |"
    return [
        _details(
            f"❌ Invalid fixtures ({len(invalid)})",
            [_fixture_row(f) for f in invalid],
            fixture_head,
        ),
        _details(f"💥 Breaking changes ({len(breaking)})", [_item(f) for f in breaking]),
        _details(f"🔀 Drift ({len(drift)})", [_item(f) for f in drift]),
        _details(f"❌ Other violations ({len(other)})", [_item(f) for f in other]),
        _details(f"⚠️ Warnings ({len(warnings)})", [_item(f) for f in warnings]),
        _details(f"📝 Notes ({len(notes)})", [_item(f) for f in notes]),
        _details(f"🏷️ Accepted by exemption ({len(accepted)})", [_item(f) for f in accepted]),
    ]


def _details(summary: str, items: list[str], table_head: str = "") -> Section:
    head = f"<details>\n<summary><b>{summary}</b></summary>\n\n"
    if table_head:
        return Section(head + table_head, items, "\n", "\n\n</details>")
    return Section(head.rstrip("\n"), items, "\n\n", "\n\n</details>")


def _target(f: Finding) -> str:
    return f"{f.schema}@{f.track}" if f.track else f.schema


def _fixture_row(f: Finding) -> str:
    cells = [
        code(f.file, table=True) if f.file else "—",
        str(f.line) if f.line else "—",
        code(_target(f), table=True),
        code(f.path, table=True) if f.path else "—",
        f"{escape(f.message)} ({code(f.rule, table=True)})",
    ]
    return "| " + " | ".join(cells) + " |"


def _item(f: Finding) -> str:
    where = [code(_target(f))]
    if f.path:
        where.append(f"at {code(f.path)}")
    if f.file and f.kind == INVALID_FIXTURE:
        where.append(f"in {code(f.file + (f':{f.line}' if f.line else ''))}")
    text = f"**{code(f.rule)}** · {' · '.join(where)}<br>\n{escape(f.message)}"
    if f.accepted:
        text += f"<br>\n**Accepted:** {escape(f.reason or 'no reason given')}"
    if f.has_witness:
        text += "\n\nWitness payload:\n\n" + fenced(_witness(f.witness), "json")
    return text


def _witness(value: Any) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    if len(text) > WITNESS_LIMIT:
        text = text[:WITNESS_LIMIT] + "\n… (cut; the whole witness is in report.json)"
    return text


def _footer(result: GateResult, run_url: str | None) -> list[str]:
    footer = ["---"]
    hidden = hidden_annotations(result)
    if hidden:
        footer.append(
            f"GitHub shows {MAX_ANNOTATIONS} annotations per step: "
            f"{plural(hidden, 'more violation has', 'more violations have')} no annotation "
            "in the diff."
        )
    footer.append("Reproduce locally:\n\n" + fenced(result.command, "sh"))
    run = [f"run [{escape(run_url.rsplit('/', 1)[-1])}]({run_url})"] if run_url else []
    run += [f"{escape(name)} {seconds:.2f} s" for name, seconds in result.timings.items()]
    fetch = result.fetch
    if fetch.get("p95_ms") is not None:
        run.append(f"fetch p95 {float(fetch['p95_ms']):.0f} ms")
    if fetch.get("requests") is not None:
        run.append(f"{plural(int(fetch['requests']), 'request')}")
    if fetch.get("cache_hit_ratio") is not None:
        run.append(f"cache hit ratio {float(fetch['cache_hit_ratio']):.0%}")
    if run:
        footer.append(RUN_LINE + " · ".join(run) + "</sub>")
    return footer
