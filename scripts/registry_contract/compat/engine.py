"""check_compatibility: run the subschema check both ways and turn findings into changes."""

from __future__ import annotations

from typing import Any

from .compare import find_differences
from .context import Finding, Run
from .documents import Document
from .model import (
    BREAKS_BY_DIRECTION,
    LEVELS,
    NARROWS,
    TRANSITIVE_LEVELS,
    WIDENS,
    Change,
    CompatError,
    CompatResult,
)
from .rules import anchors_old, rule_for
from .witness import find_witness

OPEN_CONTENT_MODELS = ("exact", "lenient")
UNDECIDABLE_OPTIONS = ("breaking", "compatible")
WITNESS_TRIES = 4  # findings of one group tried for a witness, bounding the work per change


def check_compatibility(
    old: dict[str, Any] | bool,
    new: dict[str, Any] | bool,
    level: str = "BACKWARD",
    *,
    open_content_model: str = "exact",
    undecidable: str = "breaking",
    previous: list[dict[str, Any]] | None = None,
) -> CompatResult:
    """Every change from OLD (and each of `previous` for *_TRANSITIVE) to NEW, judged at `level`."""
    _require(level, LEVELS, "level")
    _require(open_content_model, OPEN_CONTENT_MODELS, "open_content_model")
    _require(undecidable, UNDECIDABLE_OPTIONS, "undecidable")
    new_doc = Document(new, "NEW")
    history = [old, *reversed(previous or [])] if level in TRANSITIVE_LEVELS else [old]
    changes: dict[Change, None] = {}
    for back, schema in enumerate(history, start=1):
        label = "OLD" if back == 1 else f"OLD-{back - 1}"
        old_doc = Document(schema, label)
        for direction in _directions(level, back):
            for change in _changes(
                old_doc, new_doc, direction, back, level, open_content_model, undecidable
            ):
                changes.setdefault(change, None)
    ordered = sorted(changes, key=lambda c: not c.breaking)
    return CompatResult(not any(c.breaking for c in ordered), level, ordered)


def _require(value: str, allowed: tuple[str, ...], name: str) -> None:
    if value not in allowed:
        raise CompatError(f"unknown {name} {value!r}", hint="use one of " + ", ".join(allowed))


def _directions(level: str, back: int) -> tuple[str, ...]:
    if back == 1:
        return (NARROWS, WIDENS)
    return tuple(d for d in (NARROWS, WIDENS) if level in BREAKS_BY_DIRECTION[d])


def _changes(
    old: Document,
    new: Document,
    direction: str,
    back: int,
    level: str,
    content: str,
    undecidable: str,
) -> list[Change]:
    sub, sup = (old, new) if direction == NARROWS else (new, old)
    run = Run(sub, sup, lenient=content == "lenient")
    breaks = tuple(
        lvl for lvl in BREAKS_BY_DIRECTION[direction] if back == 1 or lvl in TRANSITIVE_LEVELS
    )
    changes: list[Change] = []
    for same in group(find_differences(run)):
        changes.append(_to_change(same, run, direction, back, breaks, level, undecidable))
    return changes


def group(findings: list[Finding]) -> list[list[Finding]]:
    """Findings about the same schema locations (met through different payload paths),
    certain ones first; any of them may supply the witness."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.code, f.sub_path, f.sup_path), []).append(f)
    return [sorted(same, key=lambda f: f.undecided is not None) for same in groups.values()]


def _to_change(
    same: list[Finding],
    run: Run,
    direction: str,
    back: int,
    breaks: tuple[str, ...],
    level: str,
    undecidable: str,
) -> Change:
    finding, proven, witness = same[0], False, None
    for candidate in same[:WITNESS_TRIES]:
        proven, witness = find_witness(candidate, run.sub, run.sup)
        if proven:
            finding = candidate
            break
    sub_is_old = direction == NARROWS
    if finding.undecided and not proven:
        rule = finding.undecided
        message = f"could not decide: {finding.message}"
    else:
        rule = rule_for(finding.code, sub_is_old)
        message = finding.message
    old_path, new_path = (
        (finding.sub_path, finding.sup_path) if sub_is_old else (finding.sup_path, finding.sub_path)
    )
    path = old_path if anchors_old(rule) else new_path
    waived = rule.startswith("undecidable-") and undecidable == "compatible"
    breaking = level in breaks and not waived
    return Change(
        rule, path, old_path, new_path, direction, breaks, breaking, message, proven, witness, back
    )
