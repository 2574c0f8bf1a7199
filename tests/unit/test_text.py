"""Untrusted text made printable: one value one line, no forged workflow command, excerpts."""

from __future__ import annotations

import io
import json

import pytest

from registry_contract.text import emit_line, excerpt, one_line, printable, printable_json


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("a\nb", "a\\nb", id="lf"),
        pytest.param("a\r\nb", "a\\r\\nb", id="crlf"),
        pytest.param("a\x85b\u2028c\u2029d", "a\\u0085b\\u2028c\\u2029d", id="unicode-breaks"),
        pytest.param("a\x1b[31mb\x00c\x7f", "a\\u001b[31mb\\u0000c\\u007f", id="controls"),
        pytest.param("tab\tstays", "tab\tstays", id="tab"),
        pytest.param("ünïcödé ✓", "ünïcödé ✓", id="printable-unicode"),
        pytest.param(42, "42", id="not-a-string"),
    ],
)
def test_one_line_escapes_breaks_and_control_characters(value: object, expected: str) -> None:
    assert one_line(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ok\n::error::x\n", "ok\n%3A:error::x\n", id="command"),
        pytest.param("ok\n   ::warning::x", "ok\n   %3A:warning::x", id="indented-command"),
        pytest.param("a ##[error]x", "a ##%5Berror]x", id="old-command-anywhere"),
        pytest.param("a\rb\u2028::x", "a\\rb\\u2028::x", id="breaks-inside-a-line"),
        pytest.param("a::b\nc", "a::b\nc", id="colons-inside-a-line"),
    ],
)
def test_printable_keeps_the_tools_lines_and_defuses_commands(text: str, expected: str) -> None:
    assert printable(text) == expected


def test_printable_json_keeps_the_data_and_defuses_commands() -> None:
    data = {"a": "##[error]x", "b": "line\u2028sep\x85", "c": ["::error::y"]}
    text = json.dumps(data, indent=2, ensure_ascii=False)
    safe = printable_json(text)
    assert json.loads(safe) == data
    assert "##[" not in safe and "\u2028" not in safe and "\x85" not in safe


def test_excerpt_cuts_long_text_and_says_how_much() -> None:
    assert excerpt("short", 10) == "short"
    assert excerpt("x" * 25, 10) == "x" * 10 + "… (15 more characters cut)"


def test_emit_line_writes_one_redacted_line_that_forges_no_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGISTRY_TOKEN", "tok\nen-secret")
    stream = io.StringIO()
    emit_line("::error::x\n::warning::y tok\nen-secret", stream)
    assert stream.getvalue() == "%3A:error::x\\n::warning::y ***\n"
