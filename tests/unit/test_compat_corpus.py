"""The corpus: each case's BACKWARD and FORWARD verdicts and rule ids, from the specification."""

from __future__ import annotations

from typing import Any

import pytest
from compat_helpers import assert_proven, case_params, load_cases, options_of, verdict

from registry_contract.compat import RULE_IDS


@pytest.mark.parametrize("case", case_params())
def test_corpus_case_matches_expected_verdicts_and_rules(case: dict[str, Any]) -> None:
    backward, forward = verdict(case, "BACKWARD"), verdict(case, "FORWARD")
    summary = [(c.rule, c.path, c.direction, c.message) for c in backward.changes]
    assert (backward.compatible, forward.compatible) == (case["backward"], case["forward"]), summary
    assert sorted({c.rule for c in backward.changes}) == case["rules"], summary


@pytest.mark.parametrize("case", case_params())
def test_every_break_is_undecidable_or_proven_at_its_own_location(case: dict[str, Any]) -> None:
    for level in ("BACKWARD", "FORWARD", "FULL"):
        for change in verdict(case, level).changes:
            assert_proven(change, case["old"], case["new"], options_of(case))


def test_corpus_is_large_and_covers_every_rule() -> None:
    cases = load_cases()
    assert len(cases) >= 200
    assert len({(c["group"], c["id"]) for c in cases}) == len(cases)
    covered = {rule for case in cases for rule in case["rules"]}
    assert set(RULE_IDS) - covered == set()
