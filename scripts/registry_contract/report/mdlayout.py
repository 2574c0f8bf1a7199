"""Fit a Markdown report under a size limit, cutting its sections between items, fairly."""

from __future__ import annotations

from dataclasses import dataclass

from .mdtext import plural

SEP = "\n\n"


@dataclass(frozen=True)
class Section:
    """A part of the report that may be cut between its items (table rows or findings)."""

    head: str
    items: list[str]
    sep: str = "\n"
    tail: str = ""


def size(text: str) -> int:
    """Bytes, not characters: stricter than GitHub's character limits, and safe for both."""
    return len(text.encode("utf-8"))


def compose(top: list[str], sections: list[Section], footer: list[str], limit: int) -> str:
    """Join top, sections and footer; when too long, every section gets a fair share.

    Small sections stay whole and the large ones split what is left, so a flood of invalid
    fixtures cannot hide the breaking changes. Top and footer are never cut.
    """
    fixed = size(SEP.join(top + footer)) + size(SEP) * (len(sections) + 1) + size(_note(10**9))
    shares = fair_shares([_full_size(s) for s in sections], limit - fixed)
    pieces = list(top)
    omitted = 0
    for section, share in zip(sections, shares, strict=True):
        text, left = _cut(section, share)
        if text:
            pieces.append(text)
        omitted += left
    if omitted:
        pieces.append(_note(omitted))
    return SEP.join(pieces + footer) + "\n"


def fair_shares(sizes: list[int], budget: int) -> list[int]:
    """Max-min fair shares of `budget`: the smallest needs are met first, in full."""
    shares = [0] * len(sizes)
    left = max(budget, 0)
    order = sorted(range(len(sizes)), key=lambda i: sizes[i])
    for position, index in enumerate(order):
        shares[index] = min(sizes[index], left // (len(sizes) - position))
        left -= shares[index]
    return shares


def _full_size(section: Section) -> int:
    items = sum(size(item) for item in section.items) + size(section.sep) * len(section.items)
    return size(section.head) + items + size(section.tail)


def _cut(section: Section, share: int) -> tuple[str, int]:
    """The section within `share` bytes, and how many of its items were left out."""
    if _full_size(section) <= share:
        return section.head + section.sep + section.sep.join(section.items) + section.tail, 0
    used = size(section.head) + size(section.tail) + size(SEP) + size(_more(10**9))
    taken: list[str] = []
    for item in section.items:
        cost = size(section.sep) + size(item)
        if used + cost > share:
            break
        taken.append(item)
        used += cost
    left = len(section.items) - len(taken)
    if not taken:
        return "", left
    body = section.sep.join(taken)
    return section.head + section.sep + body + SEP + _more(left) + section.tail, left


def _more(count: int) -> str:
    return f"_… and {count} more not shown here._"


def _note(omitted: int) -> str:
    return (
        "> [!NOTE]\n> This report was cut to fit GitHub's size limit: "
        f"{plural(omitted, 'more row or finding is', 'more rows or findings are')} not shown. "
        "The full report is in the step summary and in `report.json` (`--report-dir`) of the run."
    )
