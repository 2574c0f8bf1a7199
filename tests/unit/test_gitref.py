"""lock/gitref.py: the lock at a git ref, read from a real repository, refusing hostile entries."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from registry_contract.errors import UsageError
from registry_contract.lock.gitref import read_lock_at

SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}


def commit_lock(root: Path, entry: dict[str, Any], files: dict[str, str]) -> Path:
    lock_dir = root / "schemas-lock"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    index = {"lock-version": 1, "registry": {}, "schemas": {"a.Event": {"v1": entry}}}
    lock_dir.mkdir(exist_ok=True)
    (lock_dir / "lock.json").write_text(json.dumps(index))
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "lock"]):
        subprocess.run(
            ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )
    return lock_dir


def test_the_lock_at_a_ref_is_read_without_touching_the_work_tree(tmp_path: Path) -> None:
    entry = {"version": 3, "sha256": "0" * 64, "file": "a.Event/v1.json"}
    lock_dir = commit_lock(tmp_path, entry, {"schemas-lock/a.Event/v1.json": json.dumps(SCHEMA)})
    (lock_dir / "a.Event" / "v1.json").write_text("changed since")
    assert read_lock_at("main", lock_dir) == {"a.Event": {"v1": (3, SCHEMA)}}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        pytest.param({"version": 1.5}, "not a positive integer", id="float-version"),
        pytest.param({"version": -2}, "not a positive integer", id="negative-version"),
        pytest.param({"file": "../secret.json"}, "should be a.Event/v1.json", id="other-file"),
    ],
)
def test_a_hostile_entry_in_the_lock_at_a_ref_is_refused(
    tmp_path: Path, entry: dict[str, Any], message: str
) -> None:
    base = {"version": 1, "sha256": "0" * 64, "file": "a.Event/v1.json"}
    files = {"schemas-lock/a.Event/v1.json": json.dumps(SCHEMA), "secret.json": "{}"}
    lock_dir = commit_lock(tmp_path, base | entry, files)
    with pytest.raises(UsageError, match=message):
        read_lock_at("main", lock_dir)
