"""Our compatibility engine's verdict, in the words of the Schema Registry API (`messages`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..compat import Change, CompatError, check_compatibility
from .serve_reply import ApiError

MAX_MESSAGES = 100
MAX_WITNESS_CHARS = 200


@dataclass(frozen=True)
class Policy:
    """How schemas are compared: the config's `open-content-model` and `undecidable`."""

    open_content_model: str = "exact"
    undecidable: str = "breaking"


@dataclass(frozen=True)
class Verdict:
    compatible: bool
    messages: list[str]


def judge(
    history: list[dict[str, Any]], new: dict[str, Any], level: str, policy: Policy
) -> Verdict:
    """NEW against the last of `history` (oldest first), and the others for *_TRANSITIVE.

    `messages` lists every breaking change (rule id, location, explanation, witness), then
    each undecidable change that `undecidable: compatible` let through, marked as such.
    """
    if not history:
        return Verdict(True, [])
    try:
        result = check_compatibility(
            history[-1],
            new,
            level,
            open_content_model=policy.open_content_model,
            undecidable=policy.undecidable,
            previous=history[:-1],
        )
    except (CompatError, RecursionError) as e:
        raise ApiError(422, 42201, f"Invalid schema: cannot compare it ({e})") from e
    shown = [c for c in result.changes if c.breaking or c.rule.startswith("undecidable-")]
    messages = [describe(change) for change in shown[:MAX_MESSAGES]]
    if len(shown) > MAX_MESSAGES:
        messages.append(f"... and {len(shown) - MAX_MESSAGES} more changes")
    return Verdict(result.compatible, messages)


def describe(change: Change) -> str:
    """One line: `rule at /path: explanation; for example: witness`."""
    where = change.path or "(root)"
    back = f" (against {change.versions_back} versions back)" if change.versions_back > 1 else ""
    text = f"{change.rule} at {where}{back}: {change.message}"
    if not change.breaking:
        text += " (undecidable; accepted because the config sets `undecidable: compatible`)"
    elif change.has_witness:
        witness = _compact(change.witness)
        if len(witness) <= MAX_WITNESS_CHARS:
            text += f"; for example: {witness}"
    return " ".join(text.split())


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
