"""The rule catalogue: consistent pairs, kebab-case ids, each documented with an example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry_contract.compat import RULE_IDS
from registry_contract.compat.rules import (
    RULE_PAIR_BY_CODE,
    UNDECIDABLE_RULES,
    anchors_old,
    rule_for,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "compatibility-rules.md"


def test_rule_ids_are_kebab_case() -> None:
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", rule) for rule in RULE_IDS)


def test_each_code_names_the_edit_both_ways() -> None:
    for code, (narrow, widen) in RULE_PAIR_BY_CODE.items():
        assert rule_for(code, sub_is_old=True) == narrow
        assert rule_for(code, sub_is_old=False) == widen


def test_undecidable_rules_are_the_same_both_ways() -> None:
    assert all(RULE_PAIR_BY_CODE[rule] == (rule, rule) for rule in UNDECIDABLE_RULES)


@pytest.mark.parametrize("rule", RULE_IDS)
def test_rule_is_documented_with_an_example(rule: str) -> None:
    rows = [
        line
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| `{rule}` |")
    ]
    assert len(rows) == 1, f"{rule} needs exactly one row in {DOC.name}"
    cells = [c.strip() for c in rows[0].strip("|").split(" | ")]
    assert cells[2], f"{rule} has no example"


def test_only_removals_point_at_old() -> None:
    assert anchors_old("property-removed")
    assert not anchors_old("property-added")
    assert not anchors_old("max-length-decreased")
