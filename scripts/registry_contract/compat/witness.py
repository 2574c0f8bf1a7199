"""Turn a finding into a proven payload: build it around the local value, then validate it."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .conj import flatten
from .context import Finding, Frame
from .documents import Document, Rejection
from .instance import NOTHING, build_instance

if TYPE_CHECKING:
    from .context import Run

CANDIDATE_LIMIT = 8
REPAIR_ROUNDS = 3
# Keywords that act together are one location: a change to `if` shows as a `then` or `else`
# rejection, and python-jsonschema reports `maxContains` under `contains`.
_SAME_AS = {"then": "if", "else": "if", "minContains": "contains", "maxContains": "contains"}
_NAMING = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


def find_witness(finding: Finding, run: Run) -> tuple[bool, Any]:
    """`(True, payload)` for a payload valid under SUB that SUP rejects at the finding's own
    location (`sup_path`), else `(False, None)`.

    A payload that SUP also rejects elsewhere is repaired where it can be (a missing required
    property added, a value replaced by one SUP accepts), so that the witness shows this
    change and not another. Both checks use python-jsonschema with the document's draft.
    """
    sub, sup = run.sub, run.sup
    tried = 0
    seen: list[Any] = []
    fallback: Any = NOTHING
    for local in finding.candidates():
        if local is NOTHING or any(local == s and type(local) is type(s) for s in seen):
            continue
        seen.append(local)
        run.budget.spend()
        payload = wrap(sub, finding, local)
        if payload is not NOTHING and sub.validity(payload) is True:
            reasons = sup.rejections(payload)
            if reasons and any(shows(r, finding.sup_path) for r in reasons):
                shown = _repair(payload, reasons, finding.sup_path, sub, sup)
                if shown is not NOTHING:
                    return True, shown
                if fallback is NOTHING:
                    fallback = payload
        tried += 1
        if tried >= CANDIDATE_LIMIT:
            break
    return (True, fallback) if fallback is not NOTHING else (False, None)


def shows(reason: Rejection, target: str) -> bool:
    """True when a rejection is the change at `target`: at the same keyword, in a schema
    below it (also through a `$ref` found below it), or at the keyword holding it (`/required`
    for `/required/0`)."""
    want = _tokens(target)
    found = _tokens(reason.location)
    if found[: len(want)] == want or want[: len(found)] == found:
        return True
    return any(_tokens(v)[: len(want)] == want for v in reason.via)


def _tokens(pointer: str) -> list[str]:
    tokens = pointer.split("/")[1:]
    for i, token in enumerate(tokens):
        if token in _SAME_AS and (i == 0 or tokens[i - 1] not in _NAMING):
            return [*tokens[:i], _SAME_AS[token]]
    return tokens


def _repair(
    payload: Any, reasons: list[Rejection], target: str, sub: Document, sup: Document
) -> Any:
    """`payload` changed so that SUP rejects it only at `target`, or NOTHING."""
    for _ in range(REPAIR_ROUNDS):
        others = [r for r in reasons if not shows(r, target)]
        if not others:
            return payload
        fixed = copy.deepcopy(payload)
        for reason in others:
            fixed = _fix(fixed, reason, sup)
            if fixed is NOTHING:
                return NOTHING
        if sub.validity(fixed) is not True:
            return NOTHING
        found = sup.rejections(fixed)
        if not found or not any(shows(r, target) for r in found):
            return NOTHING
        payload, reasons = fixed, found
    return NOTHING


def _fix(payload: Any, reason: Rejection, sup: Document) -> Any:
    """Remove one reason SUP gives: add a missing required property, or replace a value."""
    here = _get(payload, reason.path)
    if here is NOTHING:
        return NOTHING
    if reason.keyword == "required" and isinstance(here, dict):
        if reason.node not in sup.nodes or not isinstance(reason.value, list):
            return NOTHING
        node = flatten(sup, (reason.node,))
        for name in reason.value:
            if isinstance(name, str) and name not in here:
                value = build_instance(sup, node.property_pointers(name))
                if value is NOTHING:
                    return NOTHING
                here[name] = value
        return payload
    if reason.keyword is None and reason.path and isinstance(_get(payload, reason.path[:-1]), dict):
        del _get(payload, reason.path[:-1])[reason.path[-1]]  # a property SUP forbids (`false`)
        return payload
    if reason.node not in sup.nodes:
        return NOTHING
    return _put(payload, reason.path, build_instance(sup, (reason.node,)))


def _get(payload: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        try:
            payload = payload[step]
        except (KeyError, IndexError, TypeError):
            return NOTHING
    return payload


def _put(payload: Any, path: tuple[str | int, ...], value: Any) -> Any:
    if value is NOTHING:
        return NOTHING
    if not path:
        return value
    parent = _get(payload, path[:-1])
    if parent is NOTHING:
        return NOTHING
    parent[path[-1]] = value
    return payload


def lift(doc: Document, finding: Finding, depth: int) -> list[Any]:
    """The finding's candidates placed in instances at frame depth `depth` (an outer level)."""
    frames = finding.frames[depth:]
    lifted = (wrap_frames(doc, frames, local) for local in finding.candidates())
    return [value for value in lifted if value is not NOTHING]


def wrap(doc: Document, finding: Finding, value: Any) -> Any:
    """Place `value` at the finding's instance location inside a minimal instance of SUB."""
    return wrap_frames(doc, finding.frames, value)


def wrap_frames(doc: Document, frames: tuple[Frame, ...], value: Any) -> Any:
    if value is NOTHING:
        return NOTHING
    for frame in reversed(frames):
        if frame.kind == "item":
            container = build_instance(doc, frame.pointers, kind="array", size=frame.key + 1)
            if container is NOTHING or len(container) <= frame.key:
                return NOTHING
            container[frame.key] = value
        elif frame.kind == "prop" and frame.key is not None:
            container = build_instance(doc, frame.pointers, kind="object", include=(frame.key,))
            if container is NOTHING:
                return NOTHING
            container[frame.key] = value
        elif frame.kind == "name" and isinstance(value, str):
            container = build_instance(doc, frame.pointers, kind="object")
            inner = build_instance(doc, flatten(doc, frame.pointers).property_pointers(value))
            if container is NOTHING or inner is NOTHING:
                return NOTHING
            container[value] = inner
        else:
            return NOTHING
        value = container
    return value
