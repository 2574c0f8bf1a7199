"""Property-based proof: payloads generated from one version never contradict a verdict."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from compat_helpers import case_params, load_cases, options_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException, HypothesisWarning
from hypothesis_jsonschema import from_schema
from jsonschema.validators import validator_for

from registry_contract.compat import check_compatibility
from registry_contract.compat.documents import nullable_as_type

EXAMPLES = 25
MAX_SKIPPED_SHARE = 0.35
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _validator(schema: Any) -> Any:
    schema = nullable_as_type(schema)
    cls = validator_for(schema, default=validator_for({}))
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _strategy(schema: Any) -> st.SearchStrategy[Any] | None:
    """Payloads for `schema`, or None when hypothesis-jsonschema cannot generate for it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", HypothesisWarning)
            strategy = from_schema(nullable_as_type(schema))
            strategy.validate()
    except (HypothesisException, NotImplementedError, ValueError, TypeError, KeyError, RecursionError):
        return None
    return strategy


def _never_contradicted(source: Any, target: Any) -> str | None:
    """Generate payloads valid under `source`; the first one `target` rejects, as text."""
    strategy = _strategy(source)
    if strategy is None:
        return "skip"
    accepts, rejects = _validator(source), _validator(target)
    found: list[Any] = []

    @SETTINGS
    @given(strategy)
    def run(payload: Any) -> None:
        if accepts.is_valid(payload) and not rejects.is_valid(payload):
            found.append(payload)
            raise AssertionError(payload)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", HypothesisWarning)
            run()
    except AssertionError:
        return repr(found[-1]) if found else "failed"
    except Exception:  # hypothesis-jsonschema gave up on this schema (refs, keywords, ...)
        return "skip"
    return None


def _compatible_directions(case: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    options = options_of(case)
    directions = []
    for level, source, target in (("BACKWARD", "old", "new"), ("FORWARD", "new", "old")):
        result = check_compatibility(case["old"], case["new"], level, **options)
        if result.compatible and not options:
            directions.append((level, case[source], case[target]))
    return directions


@pytest.mark.parametrize("case", case_params())
def test_generated_payloads_never_contradict_a_compatible_verdict(case: dict[str, Any]) -> None:
    directions = _compatible_directions(case)
    outcomes = [(level, _never_contradicted(source, target)) for level, source, target in directions]
    contradictions = [(level, o) for level, o in outcomes if o not in (None, "skip")]
    assert not contradictions, f"compatible verdict contradicted by payload: {contradictions}"
    if outcomes and all(o == "skip" for _, o in outcomes):
        pytest.skip("hypothesis-jsonschema cannot generate payloads for this schema")


@pytest.mark.parametrize("case", case_params())
def test_every_witness_is_valid_under_one_version_and_invalid_under_the_other(case: dict[str, Any]) -> None:
    result = check_compatibility(case["old"], case["new"], "NONE", **options_of(case))
    old, new = _validator(case["old"]), _validator(case["new"])
    for change in result.changes:
        if not change.has_witness:
            continue
        source, target = (old, new) if change.direction == "narrows" else (new, old)
        assert source.is_valid(change.witness), change.to_dict()
        assert not target.is_valid(change.witness), change.to_dict()


def test_payloads_can_be_generated_for_most_corpus_cases() -> None:
    schemas = [s for case in load_cases() for s in (case["old"], case["new"])]
    skipped = sum(1 for s in schemas if _strategy(s) is None)
    assert skipped / len(schemas) <= MAX_SKIPPED_SHARE, f"{skipped} of {len(schemas)} schemas"
