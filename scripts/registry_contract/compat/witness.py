"""Turn a finding into a proven payload: build it around the local value, then validate it."""

from __future__ import annotations

from typing import Any

from .conj import flatten
from .context import Finding, Frame
from .documents import Document
from .instance import NOTHING, build_instance

CANDIDATE_LIMIT = 8


def find_witness(finding: Finding, sub: Document, sup: Document) -> tuple[bool, Any]:
    """`(True, payload)` for a payload valid under SUB and invalid under SUP, else `(False, None)`.

    Both checks use python-jsonschema with the document's draft and format assertion on.
    """
    tried = 0
    seen: list[Any] = []
    for local in finding.candidates():
        if local is NOTHING or any(local == s and type(local) is type(s) for s in seen):
            continue
        seen.append(local)
        payload = wrap(sub, finding, local)
        if (
            payload is not NOTHING
            and sub.validity(payload) is True
            and sup.validity(payload) is False
        ):
            return True, payload
        tried += 1
        if tried >= CANDIDATE_LIMIT:
            break
    return False, None


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
