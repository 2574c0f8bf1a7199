"""check_compatibility: run the subschema check both ways and turn findings into changes."""

from __future__ import annotations

from typing import Any

from ..dialect import DEFAULT_DIALECT_NAME, DIALECT_BY_NAME
from .budget import DEFAULT_BUDGET_S, Budget, OverBudgetError
from .compare import find_differences
from .context import Finding, Run
from .documents import Document
from .enums import json_key
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
UNPROVEN = "undecidable-no-witness"


def check_compatibility(
    old: dict[str, Any] | bool,
    new: dict[str, Any] | bool,
    level: str = "BACKWARD",
    *,
    open_content_model: str = "exact",
    undecidable: str = "breaking",
    previous: list[dict[str, Any]] | None = None,
    default_dialect: str = DEFAULT_DIALECT_NAME,
    formats: bool = True,
    budget: float = DEFAULT_BUDGET_S,
) -> CompatResult:
    """Every change from OLD (and each of `previous` for *_TRANSITIVE) to NEW, judged at `level`.

    Schemas without `$schema` are read in `default_dialect`; `formats` says whether `format`
    asserts; past `budget` seconds the pair is one `undecidable-budget` change.
    """
    _require(level, LEVELS, "level")
    _require(open_content_model, OPEN_CONTENT_MODELS, "open_content_model")
    _require(undecidable, UNDECIDABLE_OPTIONS, "undecidable")
    _require(default_dialect, tuple(DIALECT_BY_NAME), "default_dialect")
    if not budget >= 0:
        raise CompatError(f"budget {budget!r} is negative", hint="give a number of seconds")
    limit = Budget(budget)
    try:
        new_doc = Document(new, "NEW", default_dialect, formats)
        history = [old, *reversed(previous or [])] if level in TRANSITIVE_LEVELS else [old]
        changes: dict[Change, None] = {}
        for back, schema in enumerate(history, start=1):
            label = "OLD" if back == 1 else f"OLD-{back - 1}"
            old_doc = Document(schema, label, default_dialect, formats)
            foreign = _foreign_regex(old_doc, new_doc)
            if foreign is not None:
                return _given_up("undecidable-pattern", foreign, level, undecidable)
            for direction in _directions(level, back):
                run = Run(
                    *_sides(old_doc, new_doc, direction), open_content_model == "lenient", limit
                )
                for change in _changes(run, direction, back, level, undecidable):
                    changes.setdefault(change, None)
    except OverBudgetError:
        why = f"the comparison ran past its budget of {budget:g} s (`compat-budget`)"
        return _given_up("undecidable-budget", why, level, undecidable)
    except RecursionError:
        why = "the schemas are nested too deeply to compare"
        return _given_up("undecidable-size", why, level, undecidable)
    ordered = sorted(changes, key=lambda c: not c.breaking)
    return CompatResult(not any(c.breaking for c in ordered), level, ordered)


def _require(value: str, allowed: tuple[str, ...], name: str) -> None:
    if value not in allowed:
        raise CompatError(f"unknown {name} {value!r}", hint="use one of " + ", ".join(allowed))


def _sides(old: Document, new: Document, direction: str) -> tuple[Document, Document]:
    return (old, new) if direction == NARROWS else (new, old)


def _given_up(rule: str, why: str, level: str, undecidable: str) -> CompatResult:
    """The whole pair as one undecidable change: it may break any level the pair is judged at."""
    breaks = tuple(lvl for lvl in LEVELS if lvl != "NONE")
    breaking = level != "NONE" and undecidable == "breaking"
    direction = NARROWS if level in BREAKS_BY_DIRECTION[NARROWS] else WIDENS
    change = Change(rule, "", "", "", direction, breaks, breaking, f"could not decide: {why}")
    return CompatResult(not breaking, level, [change])


def _foreign_regex(old: Document, new: Document) -> str | None:
    """Why the pair cannot be compared: a regex that is not ECMA-262 (so that no string can
    be tested against it) in one version and not the other; None when there is none. One
    that both versions hold is compared as text, like any pattern."""
    if json_key(old.root) == json_key(new.root):
        return None
    in_old, in_new = old.foreign_regexes(), new.foreign_regexes()
    for doc, mine, theirs in ((old, in_old, in_new), (new, in_new, in_old)):
        for regex, where in mine.items():
            if regex not in theirs:
                return f"{doc.label} has {regex!r} at {where}, which is not an ECMA-262 regex"
    return None


def _directions(level: str, back: int) -> tuple[str, ...]:
    if back == 1:
        return (NARROWS, WIDENS)
    return tuple(d for d in (NARROWS, WIDENS) if level in BREAKS_BY_DIRECTION[d])


def _changes(run: Run, direction: str, back: int, level: str, undecidable: str) -> list[Change]:
    breaks = tuple(
        lvl for lvl in BREAKS_BY_DIRECTION[direction] if back == 1 or lvl in TRANSITIVE_LEVELS
    )
    return [
        _to_change(same, run, direction, back, breaks, level, undecidable)
        for same in group(find_differences(run))
    ]


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
    """A change: its specific rule only when a witness proves it, else `undecidable-*`.

    The witness is valid under SUB and rejected by SUP at the finding's own location; it is
    shown only on a breaking change. Annotation changes break nothing and need no proof.
    """
    finding, proven, witness = same[0], False, None
    if not finding.annotation:
        for candidate in same[:WITNESS_TRIES]:
            run.budget.spend()
            proven, witness = find_witness(candidate, run)
            if proven:
                finding = candidate
                break
    sub_is_old = direction == NARROWS
    if finding.annotation or proven:
        rule = rule_for(finding.code, sub_is_old)
        message = finding.message
    else:
        rule = finding.undecided or UNPROVEN
        unproven = "" if finding.undecided else " (no payload shows it)"
        message = f"could not decide: {finding.message}{unproven}"
    old_path, new_path = (
        (finding.sub_path, finding.sup_path) if sub_is_old else (finding.sup_path, finding.sub_path)
    )
    path = old_path if anchors_old(rule) else new_path
    waived = rule.startswith("undecidable-") and undecidable == "compatible"
    breaking = level in breaks and not waived and not finding.annotation
    shown = proven and breaking
    return Change(
        rule,
        path,
        old_path,
        new_path,
        direction,
        () if finding.annotation else breaks,
        breaking,
        message,
        shown,
        witness if shown else None,
        back,
    )
