"""The Markdown summary and comment: golden files, escaping, truncation and comment identity.

Regenerate the golden files after an intended change with:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_report_markdown.py
and review the diff of tests/data/golden/ before committing it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from registry_contract.model import GateResult
from registry_contract.report.json import report_dict
from registry_contract.report.markdown import (
    COMMENT_LIMIT,
    RUN_LINE,
    comment_marker,
    render_markdown,
    stable_body,
)
from registry_contract.report.mdtext import code, escape, fenced
from registry_contract.report.parse import result_from_report
from support import sample_results

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
RUN_URL = "https://github.example/acme/shop/actions/runs/4242"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "build"),
    [
        pytest.param("passing", sample_results.passing, id="passing"),
        pytest.param("failing", sample_results.failing, id="failing"),
        pytest.param("fallback", sample_results.fallback, id="fallback-with-override"),
        pytest.param("drift", sample_results.drift, id="drift"),
    ],
)
def test_comment_matches_golden_file(name: str, build: Callable[[], GateResult]) -> None:
    marker = comment_marker("default")
    _golden(name, render_markdown(build(), marker=marker, run_url=RUN_URL))


def test_truncated_comment_matches_golden_file() -> None:
    # A small limit keeps the golden file readable; the real limit is tested below.
    text = render_markdown(
        sample_results.many_findings(40), marker=comment_marker("payments"), limit=6_000
    )
    assert len(text.encode("utf-8")) <= 6_000
    _golden("truncated", text)


def test_comment_over_github_limit_is_cut_at_an_item_boundary_with_a_note() -> None:
    text = render_markdown(
        sample_results.many_findings(2_000), marker=comment_marker("default"), limit=COMMENT_LIMIT
    )
    assert len(text) <= COMMENT_LIMIT
    assert "This report was cut to fit GitHub's size limit" in text
    assert "`report.json`" in text
    assert text.count("<details>") == text.count("</details>")
    assert text.count("```") % 2 == 0  # no code block left open
    assert "Reproduce locally" in text  # the footer survives the cut


def test_uncut_report_has_no_truncation_note() -> None:
    text = render_markdown(sample_results.failing())
    assert "cut to fit" not in text


def test_summary_and_comment_render_the_same_from_the_json_report() -> None:
    result = sample_results.failing()
    rebuilt = result_from_report(report_dict(result))
    assert render_markdown(rebuilt, run_url=RUN_URL) == render_markdown(result, run_url=RUN_URL)


def test_override_is_announced_before_the_counts() -> None:
    text = render_markdown(sample_results.fallback())
    assert text.index("BREAK-GLASS OVERRIDE") < text.index("fixture checks")


def test_fallback_track_is_flagged_in_the_schema_table() -> None:
    text = render_markdown(sample_results.fallback())
    assert "| ⚠️ `v1` (fallback) |" in text


def test_more_than_ten_violations_are_counted_as_not_annotated() -> None:
    text = render_markdown(sample_results.many_findings(6))
    assert "GitHub shows 10 annotations per step: 2 more violations have no annotation" in text


def test_stable_body_ignores_only_the_run_line() -> None:
    first = render_markdown(sample_results.failing(), run_url=RUN_URL)
    slower = sample_results.failing()
    slower.timings["total"] = 9.5
    second = render_markdown(slower, run_url=RUN_URL.replace("4242", "4243"))
    assert first != second
    assert stable_body(first) == stable_body(second)
    assert RUN_LINE not in stable_body(first)
    assert stable_body(first) != stable_body(render_markdown(sample_results.passing()))


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("default", id="default"),
        pytest.param("services/payments", id="path-like"),
        pytest.param("a.b_c-1", id="punctuation"),
    ],
)
def test_comment_marker_is_a_hidden_html_comment(key: str) -> None:
    assert comment_marker(key) == f"<!-- registry-contract-gate:{key} -->"


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("", id="empty"),
        pytest.param("x -->", id="closes-the-comment"),
        pytest.param("-leading-dash", id="leading-dash"),
        pytest.param("k" * 101, id="too-long"),
        pytest.param("web\n", id="trailing-newline"),
    ],
)
def test_comment_marker_refuses_keys_that_could_break_the_marker(key: str) -> None:
    with pytest.raises(ValueError, match="comment key"):
        comment_marker(key)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a|b", r"a\|b", id="pipe"),
        pytest.param("`x`", r"\`x\`", id="backticks"),
        pytest.param("<script>", "&lt;script&gt;", id="html"),
        pytest.param("a & b", "a &amp; b", id="ampersand"),
        pytest.param("two\nlines", "two lines", id="newline"),
        pytest.param("*bold* _it_ [l](u)", r"\*bold\* \_it\_ \[l\](u)", id="emphasis-and-links"),
        pytest.param("cc @alice", "cc @&#8203;alice", id="mention"),
        pytest.param("me@example.com", "me@example.com", id="email-is-not-a-mention"),
        pytest.param("see https://x.io", "see https:&#8203;//x.io", id="bare-url-is-no-link"),
        pytest.param("www.x.io", "www&#8203;.x.io", id="www-is-no-link"),
    ],
)
def test_escape_renders_user_text_literally(text: str, expected: str) -> None:
    assert escape(text) == expected


@pytest.mark.parametrize(
    ("text", "table", "expected"),
    [
        pytest.param("/a/b", False, "`/a/b`", id="plain"),
        pytest.param("a`b", False, "`` a`b ``", id="backtick-inside"),
        pytest.param("a|b", True, r"`a\|b`", id="pipe-in-table"),
        pytest.param("a\nb", False, "`a b`", id="newline"),
    ],
)
def test_code_span_survives_hostile_text(text: str, table: bool, expected: str) -> None:
    assert code(text, table=table) == expected


def test_fenced_block_outgrows_backtick_runs_in_the_payload() -> None:
    block = fenced('{"a": "```"}', "json")
    assert block.startswith("````json\n") and block.endswith("\n````")


def test_no_raw_html_from_payloads_reaches_the_markdown() -> None:
    result = sample_results.failing()
    text = render_markdown(result)
    # Our own tags only: details, summary, b, br, sub and the hidden marker.
    tags = set(re.findall(r"</?([a-zA-Z]+)", text))
    assert tags <= {"details", "summary", "b", "br", "sub"}
