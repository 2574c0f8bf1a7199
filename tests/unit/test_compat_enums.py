"""Large enums: linear-time lookups, one change per value up to a limit, and no hang."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from registry_contract.compat import check_compatibility
from registry_contract.compat.enums import json_key, key_set
from registry_contract.compat.values import VALUE_REPORT_LIMIT

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def test_json_keys_follow_json_equality() -> None:
    assert json_key(1) == json_key(1.0)
    assert json_key(True) != json_key(1)
    assert json_key({"a": [1, "x"]}) == json_key({"a": [1.0, "x"]})
    assert json_key([1, 2]) != json_key([2, 1])
    assert key_set([None, False, 0]) == frozenset({("z",), ("b", False), ("n", 0)})


def test_removed_values_past_the_limit_are_one_change() -> None:
    old = {"enum": [f"v{i}" for i in range(200)]}
    new = {"enum": [f"v{i}" for i in range(100)]}
    result = check_compatibility(old, new)
    assert not result.compatible
    paths = [c.path for c in result.changes]
    assert len(paths) == VALUE_REPORT_LIMIT + 1
    assert paths[:2] == ["/enum/100", "/enum/101"]
    assert paths[-1] == "/enum"
    assert "50 more listed values" in result.changes[-1].message
    assert all(c.has_witness for c in result.changes)


def test_enum_values_are_checked_against_the_other_constraints() -> None:
    old = {"type": "string", "enum": ["a", "bb", 3]}
    new = {"type": "string", "enum": ["a", "bb", 3], "maxLength": 1}
    [change] = check_compatibility(old, new).changes
    assert (change.rule, change.witness) == ("max-length-added", "bb")


SIZES = (1_000, 5_000, 20_000, 300_000)


def test_large_enums_are_compared_without_hanging() -> None:
    # Run in a child process so that a regression hangs the child, not the test run; the
    # timeout is a hang guard, far above the expected time, not a timing assertion.
    code = textwrap.dedent(
        f"""
        import json, sys
        sys.path.insert(0, {str(SCRIPTS)!r})
        from registry_contract.compat import check_compatibility
        for size in {SIZES!r}:
            old = {{"type": "string", "enum": [f"v{{i}}" for i in range(size)]}}
            new = {{"type": "string", "enum": [f"v{{i}}" for i in range(1, size + 1)]}}
            result = check_compatibility(old, new, "FULL", budget=600)
            print(json.dumps(sorted((c.rule, c.path) for c in result.changes)))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=True
    )
    found = [json.loads(line) for line in done.stdout.splitlines()]
    assert found == [
        [["enum-value-added", f"/enum/{size - 1}"], ["enum-value-removed", "/enum/0"]]
        for size in SIZES
    ]
