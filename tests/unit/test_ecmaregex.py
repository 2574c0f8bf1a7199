from __future__ import annotations

import pytest
from registry_contract.validation.ecmaregex import search


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        pytest.param("^refinitiv$", "refinitiv\n", False, id="dollar-ends-the-string"),
        pytest.param("^refinitiv$", "refinitiv", True, id="anchored"),
        pytest.param("in", "refinitiv", True, id="search-not-match"),
        pytest.param(r"^\p{L}+$", "\u00e9t\u00e9", True, id="unicode-property"),
        pytest.param(r"^\d$", "\u0663", False, id="ascii-digit"),
        pytest.param(r"^\cJ$", "\n", True, id="control-escape"),
        pytest.param("^(a+)+$", "a" * 35 + "!", False, id="catastrophic-for-python"),
        pytest.param("[", "a", None, id="not-a-regex"),
    ],
)
def test_search_follows_ecma_262(pattern: str, text: str, found: bool | None) -> None:
    assert search(pattern, text) is found


def test_a_pattern_with_a_backreference_is_answered() -> None:
    """A backreference needs the backtracking engine, whose steps are bounded."""
    assert search(r"^(a+)+\1b$", "a" * 40) is False
    assert search(r"^(a+)\1$", "aaaa") is True
