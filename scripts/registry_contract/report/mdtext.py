"""Markdown escaping for text we do not control (file names, messages, payloads).

Each function redacts secrets first: escaping would turn `ghp_x*y` into `ghp\\_x\\*y`, which
redacting the finished Markdown no longer finds.
"""

from __future__ import annotations

import re

from ..redact import redact

_PUNCTUATION = re.compile(r"([\\`*_\[\]|~#])")
_BACKTICKS = re.compile(r"`+")
_MENTION = re.compile(r"(?<![A-Za-z0-9])@")
_AUTOLINK = re.compile(r"(?i)(:)(//)|(www)(\.)")


def escape(text: str) -> str:
    """Inline text that renders literally: no HTML, no emphasis, no table breaks, no @mentions,
    no links."""
    text = " ".join(redact(text).splitlines())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _PUNCTUATION.sub(r"\\\1", text)
    # A zero-width space after a mention's '@' keeps payload text from notifying anyone, and
    # one inside '://' or 'www.' keeps GitHub from turning a bare URL into a link.
    text = _AUTOLINK.sub(r"\1\3&#8203;\2\4", text)
    return _MENTION.sub("@&#8203;", text)


def code(text: str, *, table: bool = False) -> str:
    """An inline code span that survives backticks in the text (and '|' inside a table)."""
    text = " ".join(redact(text).splitlines())
    if not text:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") or text.endswith(" ") else ""
    if table:
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(text: str, language: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run in the text."""
    text = redact(text)
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"
