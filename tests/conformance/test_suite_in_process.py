"""The official JSON-Schema-Test-Suite through the path `validate` and `gate` take, in process."""

from __future__ import annotations

import pytest

from registry_contract.errors import LockError
from registry_contract.validation import LockedRefs, SchemaValidator, check_remote_refs
from support.schema_suite import (
    DIALECT_BY_FOLDER,
    HOW_TO_GET,
    SuiteGroup,
    as_locked,
    load_groups,
    load_remotes,
    suite_available,
    suite_missing_is_error,
)
from support.suite_tally import LEFT_OUT, LEFT_OUT_CLI, Tally, formats_for, rs_alone_passes

pytestmark = pytest.mark.skipif(
    not suite_available() and not suite_missing_is_error(), reason=HOW_TO_GET
)


def locked_refs(folder: str) -> LockedRefs:
    """The suite's remotes as `build_locked_refs` finds them in a lock: by `$id` (or `id`)."""
    pairs = []
    for url, remote in load_remotes(folder).items():
        document = as_locked(url, remote, folder)
        if isinstance(document, dict):
            pairs.append((document.get("$id", document.get("id")), document))
    return LockedRefs(pairs)


def verdicts(group: SuiteGroup, refs: LockedRefs) -> list[bool]:
    """Whether the gate's path gets each test of the group right, its explanations included."""
    default = DIALECT_BY_FOLDER[group.folder]
    label = group.id
    try:
        check_remote_refs(group.schema, set(refs), label, default)
        validator = SchemaValidator(
            group.schema,
            label=label,
            formats=formats_for(group),
            registry=refs,
            default_dialect=default,
        )
        right = []
        for test in group.tests:
            valid = validator.is_valid(test.data)
            issues = [] if valid else validator.check(test.data)
            explained = valid or (bool(issues) and all(i.keyword and i.message for i in issues))
            right.append(valid is test.valid and explained)
        return right
    except LockError:
        return [False] * len(group.tests)


@pytest.mark.parametrize("folder", list(DIALECT_BY_FOLDER))
def test_suite_passes_in_process(folder: str, capsys: pytest.CaptureFixture[str]) -> None:
    if not suite_available():
        pytest.fail(HOW_TO_GET)
    refs = locked_refs(folder)
    tally = Tally(folder)
    baseline = 0
    for group in load_groups(folder):
        tally.add(group, verdicts(group, refs))
        if group.optional:
            baseline += rs_alone_passes(group)
    with capsys.disabled():
        print(f"\n{tally.summary()} (jsonschema-rs alone: optional {baseline})")
    assert tally.required_failures == [], tally.required_failures[:20]
    assert tally.optional_passed >= baseline


def test_left_out_groups_exist() -> None:
    """Every left-out group names a real group, so the list cannot go stale."""
    if not suite_available():
        pytest.fail(HOW_TO_GET)
    ids = {g.id for folder in DIALECT_BY_FOLDER for g in load_groups(folder)}
    assert set(LEFT_OUT) | set(LEFT_OUT_CLI) <= ids
