"""Untrusted text made safe to print: one value stays one line, and no line forges a command."""

from __future__ import annotations

import re
import sys
from typing import IO

from .redact import redact

# Line breaks of any kind (LF, CR, NEL, LS, PS) and the other C0/C1 control characters; a tab
# is harmless. Each would let a name or message start a line of its own in the runner's log.
# Lone surrogates (a file name's bytes that are not UTF-8) cannot be written at all.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# In a JSON document a raw LF or tab is layout; anything else here can only be in a string
# (json.dumps(..., ensure_ascii=False) keeps U+2028 and the C1 controls raw).
_UNSAFE_IN_JSON = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_ESCAPE_BY_CHAR = {"\n": "\\n", "\r": "\\r"}
# The runner reads `::command::` at the start of a line (after blanks) and the older
# `##[command]` anywhere in it; the tool's own commands are written by report/annotations.py.
_COMMAND_START = re.compile(r"^(\s*)::", re.MULTILINE)
_OLD_COMMAND = "##["
EXCERPT_LIMIT = 1000  # characters of a payload, message or name quoted in a report


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPE_BY_CHAR.get(char) or f"\\u{ord(char):04x}"


def one_line(value: object) -> str:
    """`value` as text on one line: line breaks and control characters become visible escapes."""
    return _UNSAFE.sub(_escape, str(value))


def printable(text: str) -> str:
    """A block of the tool's own lines, made safe to print: the line breaks it has stay, no
    other break or control character gets through, and no line reads as a workflow command."""
    lines = [one_line(line) for line in text.split("\n")]
    safe = _COMMAND_START.sub(r"\1%3A:", "\n".join(lines))
    return safe.replace(_OLD_COMMAND, "##%5B")


def excerpt(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """At most `limit` characters of `text`, saying how much was cut: reports quote payloads,
    and a payload of megabytes must not become megabytes of report."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters cut)"


def printable_json(text: str) -> str:
    """A JSON document (json.dumps escapes every control character) made safe to print, with
    the same data: `##[` and the characters above only occur inside its strings, where a
    `\\uXXXX` escape reads as the character."""
    escaped = _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return escaped.replace(_OLD_COMMAND, "##\\u005b")


def emit(text: str, stream: IO[str] | None = None, *, as_json: bool = False) -> None:
    """Write a block of output (text, or a JSON document): secrets redacted, then made safe."""
    safe = printable_json if as_json else printable
    (stream or sys.stdout).write(safe(redact(text)))


def emit_line(line: str, stream: IO[str] | None = None) -> None:
    """Write one line of output: secrets redacted, then kept on one line and made safe."""
    emit(one_line(redact(line)) + "\n", stream)
