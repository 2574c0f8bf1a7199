"""The corpus: each case's BACKWARD and FORWARD verdicts and rule ids, from the specification."""

from __future__ import annotations

from typing import Any

import pytest
from compat_helpers import case_params, load_cases, real_validator, verdict

from registry_contract.compat import RULE_IDS


@pytest.mark.parametrize("case", case_params())
def test_corpus_case_matches_expected_verdicts_and_rules(case: dict[str, Any]) -> None:
    backward, forward = verdict(case, "BACKWARD"), verdict(case, "FORWARD")
    summary = [(c.rule, c.path, c.direction, c.message) for c in backward.changes]
    assert (backward.compatible, forward.compatible) == (case["backward"], case["forward"]), summary
    assert sorted({c.rule for c in backward.changes}) == case["rules"], summary


@pytest.mark.parametrize("case", case_params())
def test_corpus_breaks_are_proven_by_a_witness_unless_undecidable(case: dict[str, Any]) -> None:
    for level in ("BACKWARD", "FORWARD"):
        breaking = [c for c in verdict(case, level).changes if c.breaking]
        if breaking and not any(c.rule.startswith("undecidable-") for c in breaking):
            assert any(c.has_witness for c in breaking), [c.to_dict() for c in breaking]


@pytest.mark.parametrize("case", case_params())
def test_every_witness_is_valid_under_one_version_and_invalid_under_the_other(
    case: dict[str, Any],
) -> None:
    old, new = real_validator(case["old"]), real_validator(case["new"])
    for change in verdict(case, "BACKWARD").changes:
        if change.has_witness:
            source, target = (old, new) if change.direction == "narrows" else (new, old)
            assert source.is_valid(change.witness), change.to_dict()
            assert not target.is_valid(change.witness), change.to_dict()


def test_corpus_is_large_and_covers_every_rule() -> None:
    cases = load_cases()
    assert len(cases) >= 200
    assert len({(c["group"], c["id"]) for c in cases}) == len(cases)
    covered = {rule for case in cases for rule in case["rules"]}
    assert set(RULE_IDS) - covered == set()
