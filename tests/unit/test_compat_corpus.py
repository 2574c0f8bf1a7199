"""The corpus: each case's BACKWARD and FORWARD verdicts and rule ids, from the specification."""

from __future__ import annotations

from typing import Any

import pytest
from compat_helpers import case_params, load_cases, options_of

from registry_contract.compat import RULE_IDS, check_compatibility


@pytest.mark.parametrize("case", case_params())
def test_corpus_case_matches_expected_verdicts_and_rules(case: dict[str, Any]) -> None:
    options = options_of(case)
    backward = check_compatibility(case["old"], case["new"], "BACKWARD", **options)
    forward = check_compatibility(case["old"], case["new"], "FORWARD", **options)
    summary = [(c.rule, c.path, c.direction, c.message) for c in backward.changes]
    assert (backward.compatible, forward.compatible) == (case["backward"], case["forward"]), summary
    assert sorted({c.rule for c in backward.changes}) == case["rules"], summary


@pytest.mark.parametrize("case", case_params())
def test_corpus_breaks_are_proven_by_a_witness_unless_undecidable(case: dict[str, Any]) -> None:
    options = options_of(case)
    for level in ("BACKWARD", "FORWARD"):
        result = check_compatibility(case["old"], case["new"], level, **options)
        breaking = [c for c in result.changes if c.breaking]
        if breaking and not any(c.rule.startswith("undecidable-") for c in breaking):
            assert any(c.has_witness for c in breaking), [c.to_dict() for c in breaking]


def test_corpus_is_large_and_covers_every_rule() -> None:
    cases = load_cases()
    assert len(cases) >= 200
    assert len({(c["group"], c["id"]) for c in cases}) == len(cases)
    covered = {rule for case in cases for rule in case["rules"]}
    assert set(RULE_IDS) - covered == set()
