"""Our compatibility verdicts as the Schema Registry API's `is_compatible` and `messages`."""

from __future__ import annotations

import pytest

from registry_contract.registry.serve_reply import ApiError
from registry_contract.registry.serve_verdict import Policy, judge

OPEN = {"type": "object", "properties": {"id": {"type": "string"}}}
STRICTER = {**OPEN, "required": ["id"]}
PATTERN_OLD = {"type": "string", "pattern": "^a+$"}
PATTERN_NEW = {"type": "string", "pattern": "^(a|b)+$"}


def test_a_breaking_change_is_one_message_with_rule_path_and_witness() -> None:
    verdict = judge([OPEN], STRICTER, "BACKWARD", Policy())
    assert not verdict.compatible
    [message] = verdict.messages
    assert message.startswith("required-added at /required/0: ")
    assert "'id'" in message and "; for example: {" in message


def test_nothing_to_compare_with_is_compatible() -> None:
    assert judge([], STRICTER, "FULL", Policy()) == judge([STRICTER], STRICTER, "FULL", Policy())
    assert judge([], STRICTER, "FULL", Policy()).messages == []


@pytest.mark.parametrize(
    ("level", "compatible"),
    [
        pytest.param("BACKWARD", False, id="backward"),
        pytest.param("FORWARD", True, id="forward"),
        pytest.param("NONE", True, id="none"),
    ],
)
def test_the_subjects_level_decides(level: str, compatible: bool) -> None:
    assert judge([OPEN], STRICTER, level, Policy()).compatible is compatible


def test_transitive_levels_compare_with_every_earlier_version() -> None:
    history = [STRICTER, OPEN]
    assert judge(history, OPEN, "FORWARD", Policy()).compatible
    transitive = judge(history, OPEN, "FORWARD_TRANSITIVE", Policy())
    assert not transitive.compatible
    assert "(against 2 versions back)" in transitive.messages[0]


def test_undecidable_follows_the_config_policy() -> None:
    refused = judge([PATTERN_OLD], PATTERN_NEW, "BACKWARD", Policy(undecidable="breaking"))
    assert not refused.compatible
    assert [m.split(" ", 1)[0] for m in refused.messages] == ["undecidable-pattern"]
    allowed = judge([PATTERN_OLD], PATTERN_NEW, "BACKWARD", Policy(undecidable="compatible"))
    assert allowed.compatible
    [message] = allowed.messages
    assert message.startswith("undecidable-pattern at /pattern: ")
    assert message.endswith(
        "(undecidable; accepted because the config sets `undecidable: compatible`)"
    )


def test_an_engine_refusal_is_an_invalid_schema() -> None:
    with pytest.raises(ApiError) as caught:
        judge([OPEN], STRICTER, "SIDEWAYS", Policy())
    assert (caught.value.status, caught.value.code) == (422, 42201)
