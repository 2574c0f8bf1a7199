"""Property-based proof: payloads generated from one version never contradict a verdict.

Payloads come from hypothesis-jsonschema and are checked with python-jsonschema, not with
the engine. To keep the run short, generation uses a narrowed copy of the schema (small
objects and arrays, scalar extra values): its payloads are still payloads of the schema,
and each is validated against the original before it counts.
"""

from __future__ import annotations

import copy
import json
import urllib.request
import warnings
from typing import Any

import pytest
from compat_helpers import case_id, case_params, load_cases, options_of, real_validator, verdict
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import HypothesisWarning
from hypothesis_jsonschema import from_schema

from registry_contract.compat.documents import iter_subschemas, nullable_as_type

EXAMPLES = 20
MAX_SKIPPED_SHARE = 0.25
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),  # narrowed generation may filter a lot; that is fine
)
SCALARS = {"type": ["null", "boolean", "integer", "string"]}
_LIMITS = ("minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains")
_OUTCOMES: dict[tuple[str, str], str | None] = {}
_PAYLOADS: dict[str, list[Any] | None] = {}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a test tried to fetch a remote $ref")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def _refs_leave_document(node: Any, pointer: str = "") -> bool:
    if isinstance(node, dict):
        for key in ("$ref", "$dynamicRef", "$recursiveRef"):
            if isinstance(node.get(key), str) and not node[key].startswith("#"):
                return True
    return any(_refs_leave_document(sub, p) for p, sub in iter_subschemas(node, pointer))


def _largest_limit(node: Any, pointer: str = "") -> int:
    own = [
        v
        for k in _LIMITS
        if isinstance(v := (node or {}).get(k) if isinstance(node, dict) else None, int)
    ]
    below = [_largest_limit(sub, p) for p, sub in iter_subschemas(node, pointer)]
    return max([0, *own, *below])


def narrowed(schema: Any, cap: int) -> Any:
    """A subschema of `schema` that hypothesis-jsonschema generates for quickly."""
    result = copy.deepcopy(nullable_as_type(schema))

    def walk(node: Any, pointer: str) -> None:
        if not isinstance(node, dict) or "$ref" in node:  # the target is narrowed on its own
            return
        types = node.get("type") if isinstance(node.get("type"), list) else [node.get("type")]
        if None in types or "object" in types:
            named = len(node.get("properties") or {}) + len(node.get("required") or [])
            node.setdefault("maxProperties", max(cap, named))
            if "additionalProperties" not in node and "unevaluatedProperties" not in node:
                node["additionalProperties"] = SCALARS
        if None in types or "array" in types:
            node.setdefault("maxItems", cap)
        for p, sub in list(iter_subschemas(node, pointer)):
            walk(sub, p)

    walk(result, "")
    if isinstance(result, dict):  # refs are all local: a base URI would only invite fetching
        result.pop("$id", None)
    return result


def _payloads(source: Any, cap: int) -> list[Any] | None:
    """Payloads generated for `source` (memoised: many cases share a version), or None."""
    key = json.dumps([source, cap], sort_keys=True)
    if key in _PAYLOADS:
        return _PAYLOADS[key]
    found: list[Any] | None = []
    if _refs_leave_document(source):
        found = None
    else:
        drawn: list[Any] = []

        @SETTINGS
        @given(from_schema(narrowed(source, cap)))
        def run(payload: Any) -> None:
            drawn.append(payload)

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", HypothesisWarning)
                run()
            found = drawn
        except Exception:  # hypothesis-jsonschema gave up on this schema (keyword, recursion)
            found = None
    _PAYLOADS[key] = found
    return found


def _contradiction(source: Any, target: Any, cap: int) -> str | None:
    """The first generated payload of `source` that `target` rejects, "skip", or None."""
    payloads = _payloads(source, cap)
    if payloads is None:
        return "skip"
    accepts, rejects = real_validator(source), real_validator(target)
    for payload in payloads:
        if accepts.is_valid(payload) and not rejects.is_valid(payload):
            return repr(payload)
    return None


def outcome(case: dict[str, Any], level: str) -> str | None:
    """The property run for one compatible direction of a case, memoised."""
    key = (case_id(case), level)
    if key not in _OUTCOMES:
        source, target = (
            (case["old"], case["new"]) if level == "BACKWARD" else (case["new"], case["old"])
        )
        cap = 1 + max(3, _largest_limit(case["old"]), _largest_limit(case["new"]))
        _OUTCOMES[key] = _contradiction(source, target, cap)
    return _OUTCOMES[key]


def _compatible_levels(case: dict[str, Any]) -> list[str]:
    if options_of(case):  # lenient or waived verdicts are compatible by request, not by truth
        return []
    return [level for level in ("BACKWARD", "FORWARD") if verdict(case, level).compatible]


@pytest.mark.parametrize("case", case_params())
def test_generated_payloads_never_contradict_a_compatible_verdict(case: dict[str, Any]) -> None:
    levels = _compatible_levels(case)
    results = [(level, outcome(case, level)) for level in levels]
    contradictions = [(level, r) for level, r in results if r not in (None, "skip")]
    assert not contradictions, f"compatible verdict contradicted by payload: {contradictions}"
    if results and all(r == "skip" for _, r in results):
        pytest.skip("hypothesis-jsonschema cannot generate payloads for this schema")


def test_payloads_were_generated_for_most_compatible_verdicts() -> None:
    runs = [(case, level) for case in load_cases() for level in _compatible_levels(case)]
    skipped = [case_id(case) for case, level in runs if outcome(case, level) == "skip"]
    assert len(skipped) <= MAX_SKIPPED_SHARE * len(runs), skipped
